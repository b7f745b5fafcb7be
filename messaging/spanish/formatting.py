"""How Parlo writes dates, times, prices, durations and lists in Mexican Spanish.

The product spec fixes the style: "viernes 15 de enero", "3:00 PM", "$150", "45 min",
"1.5 hr", bullet lists with "•". Day and month names come from Babel's ``es_MX`` data
(read once at import). Three things are written by hand on purpose:

* times: Babel's ``es_MX`` short time is "3:00 p.m." with a narrow no-break space, and
  the spec asks for "3:00 PM";
* prices: Babel's currency format always shows cents ("$150.00"); the spec shows "$150",
  so cents appear only when there are some ("$150.50");
* durations: the spec's "45 min" / "1 hr" / "1.5 hr" is not a CLDR unit style. Whole and
  half hours use the decimal form; any other length is "1 hr 15 min".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time, timedelta

from babel import Locale

from .phones import format_phone, format_phone_international

__all__ = [
    "DAY_NAMES",
    "MONTH_NAMES",
    "bullet_list",
    "capitalize_first",
    "format_date",
    "format_day_reference",
    "format_duration",
    "format_phone",
    "format_phone_international",
    "format_price",
    "format_service_line",
    "format_time",
    "format_time_range",
]

_LOCALE = Locale.parse("es_MX")
# Monday first, like date.weekday(); Babel keys days 0=Monday and months 1=January.
DAY_NAMES: tuple[str, ...] = tuple(_LOCALE.days["format"]["wide"][n] for n in range(7))
MONTH_NAMES: tuple[str, ...] = tuple(_LOCALE.months["format"]["wide"][n] for n in range(1, 13))


def capitalize_first(text: str) -> str:
    """Capitalise the first letter only ("mañana viernes" → "Mañana viernes")."""
    return text[:1].upper() + text[1:]


def format_date(day: date, *, today: date | None = None, weekday: bool = True) -> str:
    """"viernes 15 de enero"; the year is added only when it is not ``today``'s year."""
    text = f"{day.day} de {MONTH_NAMES[day.month - 1]}"
    if weekday:
        text = f"{DAY_NAMES[day.weekday()]} {text}"
    if today is not None and day.year != today.year:
        text = f"{text} de {day.year}"
    return text


def format_day_reference(day: date, today: date) -> str:
    """How a day is named in conversation, ready to follow "para" or start a sentence.

    "hoy viernes", "mañana viernes", "el sábado" (within the coming week), "el viernes 22
    de enero" (further away or in the past). Capitalise with :func:`capitalize_first`.
    """
    weekday = DAY_NAMES[day.weekday()]
    offset = (day - today).days
    if offset == 0:
        return f"hoy {weekday}"
    if offset == 1:
        return f"mañana {weekday}"
    if 2 <= offset <= 6:
        return f"el {weekday}"
    return f"el {format_date(day, today=today)}"


def format_time(moment: time) -> str:
    """12-hour clock with AM/PM as the spec shows it: "3:00 PM", "11:30 AM", "12:00 PM"."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def format_time_range(start: time, end: time) -> str:
    """"2:00 PM - 3:00 PM", as in a day's agenda."""
    return f"{format_time(start)} - {format_time(end)}"


def format_price(centavos: int) -> str:
    """Pesos from centavos: "$150", "$1,250", "$150.50" (cents only when there are some)."""
    sign = "-" if centavos < 0 else ""
    pesos, cents = divmod(abs(centavos), 100)
    text = f"{sign}${pesos:,}"
    return f"{text}.{cents:02d}" if cents else text


def format_duration(minutes: int | timedelta) -> str:
    """"45 min", "1 hr", "1.5 hr", "2 hr", "1 hr 15 min" (the spec's example 5 style)."""
    if isinstance(minutes, timedelta):
        minutes = int(minutes.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if rest == 0:
        return f"{hours} hr"
    if rest == 30:
        return f"{hours}.5 hr"
    return f"{hours} hr {rest} min"


def format_service_line(name: str, price_centavos: int | None = None, minutes: int | None = None) -> str:
    """"Manicure - $200 (45 min)", the way services are listed to choose from."""
    text = name
    if price_centavos is not None:
        text = f"{text} - {format_price(price_centavos)}"
    if minutes is not None:
        text = f"{text} ({format_duration(minutes)})"
    return text


def bullet_list(items: Iterable[str]) -> str:
    """One "• item" per line."""
    return "\n".join(f"• {item}" for item in items)
