"""Names of days and months, and dates as Parlo writes them: "viernes 15 de enero".

Day and month names come from Babel's ``es_MX`` data (read once at import), lowercase
as Spanish writes them mid-sentence ("el sábado", "15 de enero"). Days are referred to
the way a receptionist would in a chat:

* :func:`format_date`: "viernes 15 de enero" (the year only when it is not this year);
* :func:`short_date`: "martes 24" (inside the coming weeks, where the month is obvious);
* :func:`day_reference`: "hoy viernes", "mañana viernes", "el sábado" (the coming six
  days), "el jueves 21 de enero" (further away or past) — it starts with "el" when it
  needs an article, so :func:`~wording.grammar.contract` writes "del sábado", "al sábado".
"""

from __future__ import annotations

from datetime import date

from babel import Locale

__all__ = ["MONTHS", "WEEKDAYS", "day_reference", "format_date", "month_name", "short_date", "weekday_name"]

_LOCALE = Locale.parse("es_MX")
#: Monday first, like ``date.weekday()`` ("lunes" … "domingo"); Babel keys days 0=Monday.
WEEKDAYS: tuple[str, ...] = tuple(_LOCALE.days["format"]["wide"][n] for n in range(7))
#: January first ("enero" … "diciembre"); Babel keys months 1=January.
MONTHS: tuple[str, ...] = tuple(_LOCALE.months["format"]["wide"][n] for n in range(1, 13))


def weekday_name(day: date | int) -> str:
    """"lunes" for a Monday (a date, or its ``weekday()`` number)."""
    return WEEKDAYS[day if isinstance(day, int) else day.weekday()]


def month_name(month: int) -> str:
    """"enero" for 1."""
    return MONTHS[month - 1]


def format_date(day: date, *, today: date | None = None, weekday: bool = True) -> str:
    """"viernes 15 de enero"; the year is added only when it is not ``today``'s year."""
    text = f"{day.day} de {MONTHS[day.month - 1]}"
    if weekday:
        text = f"{WEEKDAYS[day.weekday()]} {text}"
    if today is not None and day.year != today.year:
        text = f"{text} de {day.year}"
    return text


def short_date(day: date) -> str:
    """"martes 24": weekday and day of the month, for days close enough to need no month."""
    return f"{WEEKDAYS[day.weekday()]} {day.day}"


def day_reference(day: date, today: date) -> str:
    """How a day is named in conversation, ready to follow "para" or start a sentence.

    "hoy viernes", "mañana viernes", "el sábado" (within the coming week), "el viernes 22
    de enero" (further away or in the past). Capitalise with :func:`~wording.grammar.capitalize_first`.
    """
    weekday = WEEKDAYS[day.weekday()]
    offset = (day - today).days
    if offset == 0:
        return f"hoy {weekday}"
    if offset == 1:
        return f"mañana {weekday}"
    if 2 <= offset <= 6:
        return f"el {weekday}"
    return f"el {format_date(day, today=today)}"
