"""Periods as an owner says them back: "esta semana", "el mes pasado", "del 1 al 15 de enero".

The answer to "¿cuánto vendimos la semana pasada?" names the period the way the question
did, so the owner sees at once that the number is for what they asked. Weeks run Monday
to Sunday and months from the 1st, like :func:`messaging.spanish.parse_period` reads them.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from .calendar import MONTHS, WEEKDAYS, day_reference, format_date

__all__ = ["counted", "period_reference"]

_WEEKS = {0: "esta semana", -1: "la semana pasada", -2: "la semana antepasada", 1: "la próxima semana"}
_MONTHS = {0: "este mes", -1: "el mes pasado", 1: "el próximo mes"}
_YEARS = {0: "este año", -1: "el año pasado", 1: "el próximo año"}


def counted(amount: int, one: str, many: str) -> str:
    """"1 cita", "3 citas", "0 citas"."""
    return f"{amount} {one if amount == 1 else many}"


def period_reference(first: date, last: date, today: date) -> str:
    """How to name local days ``first``..``last`` (inclusive) in a sentence; starts lowercase."""
    if first == last:
        if (today - first).days == 1:
            return f"ayer {WEEKDAYS[first.weekday()]}"
        return day_reference(first, today)
    this_monday = today - timedelta(days=today.weekday())
    if first.weekday() == 0 and last == first + timedelta(days=6):
        step = (first - this_monday).days // 7
        return _WEEKS.get(step) or f"la semana del {format_date(first, today=today)}"
    if first.day == 1 and last.month == first.month and last.year == first.year \
            and last.day == calendar.monthrange(first.year, first.month)[1]:
        step = (first.year - today.year) * 12 + first.month - today.month
        if step in _MONTHS:
            return _MONTHS[step]
        return f"en {MONTHS[first.month - 1]}" + (f" de {first.year}" if first.year != today.year else "")
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and first.year == last.year:
        return _YEARS.get(first.year - today.year) or f"en {first.year}"
    if last == today:
        return f"del {format_date(first, today=today, weekday=False)} a hoy"
    if (first.year, first.month) == (last.year, last.month):
        year = f" de {first.year}" if first.year != today.year else ""
        return f"del {first.day} al {last.day} de {MONTHS[first.month - 1]}{year}"
    return f"del {format_date(first, today=today, weekday=False)} al {format_date(last, today=today, weekday=False)}"
