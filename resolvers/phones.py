"""Phone numbers: one canonical E.164 form per person.

WhatsApp delivers Mexican mobiles as ``+521XXXXXXXXXX`` (the old mobile prefix), which
phonenumbers rejects; since 2019 the same line is ``+52XXXXXXXXXX``. We rewrite before
parsing so ``+5215512345678`` and ``+525512345678`` are one customer (DESIGN.md traps).
Replies still go to the exact address Twilio sent (kept on the conversation).
"""

from __future__ import annotations

import re

import phonenumbers

WHATSAPP_PREFIX = "whatsapp:"
_MX_OLD_MOBILE = re.compile(r"^\+521(\d{10})$")
_MX_OLD_MOBILE_DIALLING = re.compile(r"^(?:04[45]|1)(\d{10})$")  # "044 55…", "045 55…", "1 55…"


class InvalidPhone(ValueError):
    """Not a phone number we can message. The message is for users, in Spanish."""

    def __init__(self, raw: str) -> None:
        super().__init__(f"No reconozco el número «{raw}». Escríbelo con lada, por ejemplo 55 1234 5678.")
        self.raw = raw


def normalise_phone(raw: str, default_region: str = "MX") -> str:
    """Return E.164 (``+525512345678``) or raise :class:`InvalidPhone`."""
    text = (raw or "").strip()
    if text.lower().startswith(WHATSAPP_PREFIX):
        text = text[len(WHATSAPP_PREFIX):]
    compact = re.sub(r"[\s\-().]", "", text)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    match = _MX_OLD_MOBILE.match(compact)
    if match:
        compact = "+52" + match.group(1)
    elif default_region == "MX" and (match := _MX_OLD_MOBILE_DIALLING.match(compact)):
        compact = "+52" + match.group(1)
    try:
        parsed = phonenumbers.parse(compact, default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(raw) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone(raw)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """``+525598765432`` → ``55 9876 5432`` for Mexican numbers, international format otherwise."""
    try:
        parsed = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    if parsed.country_code == 52:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
