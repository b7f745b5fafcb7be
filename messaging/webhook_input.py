"""Twilio's inbound form, checked and bounded before anything reaches the database.

The database would check the lengths anyway, but differently on each backend: PostgreSQL
refused a ``From`` over 20 characters (or a NUL byte in ``Body``) with an error, so the
webhook answered 500, the message was never stored and Twilio retried it forever, while
SQLite stored the same request. Checked here, both backends see the same, valid values.

What can be repaired is repaired, so nothing a person wrote is lost: text fields lose NUL
and other control characters and are cut to their column's length (``Body`` to WhatsApp's
own maximum). What cannot be is refused with 400 and logged: a ``From`` or ``To`` that is
not a phone number (replying to it is impossible), a ``MessageSid`` that is not a Twilio
id (cutting it would break the "stored once" guarantee). An unusable media URL or type is
dropped, and the message is kept as text.

Called by the webhook after the signature check (the signature covers the form as sent).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

#: WhatsApp's longest text message; the column is unbounded, the form is not.
MAX_BODY = 4096
MAX_PROFILE_NAME = 120  # Conversation.profile_name
MAX_CONTENT_TYPE = 100  # Message.media_content_type
MAX_MEDIA_URL = 2000
MAX_ADDRESS = 40  # Conversation.reply_to ("whatsapp:+521…")
MAX_SID = 64  # Message.provider_message_id
MAX_MEDIA = 10  # Twilio's limit per message

WHATSAPP_PREFIX = "whatsapp:"
_SID = re.compile(r"[A-Za-z]{2}[0-9A-Za-z]{8,62}")
#: E.164: "+" and up to 15 digits; Twilio writes WhatsApp addresses as whatsapp:+<digits>.
_PHONE = re.compile(r"\+?[0-9]{8,15}")
_MIME = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*(;.*)?", re.IGNORECASE)
_KEEP = {"\n", "\t"}


@dataclass(frozen=True, slots=True)
class Refused:
    """Why the webhook answers 400: a short Spanish reason for the response and the log."""

    reason: str
    field: str


def clean_text(value: str | None, limit: int) -> str:
    """No NUL or other control characters (new lines and tabs stay), at most ``limit`` characters."""
    if not value:
        return ""
    if not value.isprintable():
        value = "".join(c for c in value if c in _KEEP or unicodedata.category(c)[0] != "C"
                        or unicodedata.category(c) == "Cf")
    return value.strip()[:limit].strip()


def _address(form: Mapping[str, str], field: str) -> str | Refused:
    raw = clean_text(form.get(field), MAX_ADDRESS + 1)
    number = raw[len(WHATSAPP_PREFIX):] if raw.lower().startswith(WHATSAPP_PREFIX) else raw
    if not raw or len(raw) > MAX_ADDRESS or not _PHONE.fullmatch(number):
        return Refused(f"{field} no es un número de teléfono", field)
    return raw


def clean_form(form: Mapping[str, str]) -> dict[str, str] | Refused:
    """The form with every field Parlo stores made safe, or why it is refused."""
    sid = clean_text(form.get("MessageSid") or form.get("SmsMessageSid"), MAX_SID + 1)
    if not sid:
        return Refused("falta MessageSid", "MessageSid")
    if len(sid) > MAX_SID or not _SID.fullmatch(sid):
        return Refused("MessageSid no es un identificador de Twilio", "MessageSid")
    cleaned = dict(form)
    for field in ("From", "To"):
        address = _address(form, field)
        if isinstance(address, Refused):
            return address
        cleaned[field] = address
    cleaned["MessageSid"] = sid
    cleaned.pop("SmsMessageSid", None)
    cleaned["Body"] = clean_text(form.get("Body"), MAX_BODY)
    cleaned["ProfileName"] = clean_text(form.get("ProfileName"), MAX_PROFILE_NAME)
    try:
        media = min(max(int(form.get("NumMedia") or 0), 0), MAX_MEDIA)
    except ValueError:
        media = 0
    cleaned["NumMedia"] = str(media)
    url = clean_text(form.get("MediaUrl0"), MAX_MEDIA_URL + 1)
    cleaned["MediaUrl0"] = url if url.startswith("https://") and len(url) <= MAX_MEDIA_URL and " " not in url else ""
    mime = clean_text(form.get("MediaContentType0"), MAX_CONTENT_TYPE + 1)
    cleaned["MediaContentType0"] = mime if len(mime) <= MAX_CONTENT_TYPE and _MIME.fullmatch(mime) else ""
    cleaned["AccountSid"] = clean_text(form.get("AccountSid"), MAX_SID)
    return cleaned
