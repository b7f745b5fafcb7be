"""Mexican phone numbers in messages: find them, store them as E.164, show them to people.

Mexico dials ten digits since 2019, but people still type the old prefixes: "044"/"045"
(mobile from a landline), "01" (long distance), and WhatsApp itself reports Mexican
mobiles as ``+521XXXXXXXXXX``. ``phonenumbers`` rejects that "1" after the country code,
so it is removed before parsing; every Mexican number we store is ``+52`` plus ten
digits. A number written with another country code is kept as that country's.
Replies to a WhatsApp sender must still go to the exact ``From`` Twilio sent, which is
not this module's business.
"""

from __future__ import annotations

import re

import phonenumbers

__all__ = ["extract_phone", "find_phone", "format_phone", "format_phone_international", "normalize_phone"]

_CANDIDATE_RE = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().\-]{7,20}\d(?!\w)")


def _national_digits(digits: str) -> str | None:
    """The ten national digits from any of the ways Mexicans write a number."""
    if len(digits) == 13 and digits.startswith("521"):
        return digits[3:]
    if len(digits) == 12 and digits.startswith("52"):
        return digits[2:]
    if len(digits) == 13 and digits[:3] in ("044", "045"):
        return digits[3:]
    if len(digits) == 12 and digits.startswith("01"):
        return digits[2:]
    if len(digits) == 11 and digits.startswith("1"):  # old mobile prefix without the country code
        return digits[1:]
    if len(digits) == 10:
        return digits
    return None


def normalize_phone(raw: str) -> str | None:
    """E.164 (``+525512345678``) for one written number, or None if it is not a valid number.

    Accepts "55 1234 5678", "+52 1 55 1234 5678", "whatsapp:+5215512345678", "044 55 1234 5678",
    and foreign numbers written with their country code ("+1 415 555 2671"), the same forms
    ``resolvers/phones.py`` accepts.
    """
    raw = raw.strip().removeprefix("whatsapp:").strip()
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("00"):
        raw, digits = "+" + raw[2:], digits[2:]
    try:
        if raw.startswith("+") and not digits.startswith("52"):
            parsed = phonenumbers.parse("+" + digits, None)  # a foreign number, written as such
        else:
            national = _national_digits(digits)
            if national is None:
                return None
            parsed = phonenumbers.parse("+52" + national, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def find_phone(text: str) -> tuple[tuple[int, int], str] | None:
    """The first valid Mexican number in free text, with its span in ``text``."""
    for match in _CANDIDATE_RE.finditer(text):
        phone = normalize_phone(match.group())
        if phone is not None:
            return match.span(), phone
        if match.group().startswith("+") and not match.group().startswith("+52"):
            continue  # not a valid foreign number; do not read its tail as a Mexican one
        # "de 2 a 3 5512345678": the run of digits also caught a neighbour; try its parts.
        groups = [(g.start() + match.start(), g.end() + match.start()) for g in re.finditer(r"\+?\d+", match.group())]
        for size in range(len(groups) - 1, 0, -1):
            for first in range(len(groups) - size + 1):
                start, end = groups[first][0], groups[first + size - 1][1]
                phone = normalize_phone(text[start:end])
                if phone is not None:
                    return (start, end), phone
    return None


def extract_phone(text: str) -> str | None:
    """The first valid Mexican number in a message, as E.164, or None."""
    found = find_phone(text)
    return found[1] if found else None


def format_phone(e164: str) -> str:
    """How we show a number in chat: "55 9876 5432" (national, grouped like people write it)."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def format_phone_international(e164: str) -> str:
    """"+52 55 1234 5678", for notifications that may be read outside the business."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
