"""Periods as an owner asks about numbers: whole calendar days, weeks, months, ranges.

A customer's "esta semana" is the rest of it (a booking cannot be in the past) and "el
lunes" the coming one; an owner counting ("¿cuánto vendimos esta semana?", "¿cuántas
citas hubo el lunes?") means the calendar: Monday to Sunday, the 1st to the last day, and
the Monday just gone when the verb is in the past. :func:`parse_period` reads that; it
returns None when the message names no period, so the caller can fall back on
:func:`~.dates.parse_date` or on "today".

Rules, most specific first (weeks run Monday–Sunday):

1. Ranges: ``del 1 al 15 de enero``, ``del 5 al 10`` (this month), ``entre el 1 y el 15 de
   enero``, ``del lunes al miércoles`` (this week), ``desde el lunes`` / ``desde el 1`` (to
   today), ``los últimos 7 días`` / ``las últimas 2 semanas`` (ending today).
2. Weeks: ``esta semana``, ``la semana pasada``/``antepasada``, ``la próxima semana``/``la
   semana que viene``/``que entra``/``la otra semana``.
3. Months: ``este mes``, ``el mes pasado``, ``el próximo mes``/``el mes que viene``, a
   month by name (``en enero``, ``de febrero de 2025``): this year's, or last year's when it
   is still ahead and the verb is in the past.
4. Years: ``este año``, ``el año pasado``.
5. One day: ``hoy``, ``ayer``, ``antier``, ``mañana``, ``pasado mañana``, a weekday (the
   coming one, or the last one when the verb is in the past: "¿cuánto vendimos el
   lunes?"), a date (``el 15 de enero``, ``15/01``; a past date when the verb is past).
"""

from __future__ import annotations

import calendar
import enum
import re
from dataclasses import dataclass
from datetime import date, timedelta

from .dates import MONTHS, WEEKDAYS, parse_date
from .normal_form import normalize

__all__ = ["Period", "PeriodKind", "parse_period"]


class PeriodKind(enum.StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    RANGE = "range"


@dataclass(frozen=True, slots=True)
class Period:
    """Local days ``first``..``last`` (inclusive). ``relative``: -1 last, 0 this, +1 next
    (weeks, months, years said that way), None when a date or range was named."""

    first: date
    last: date
    kind: PeriodKind
    relative: int | None = None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


_MONTH = "|".join(MONTHS)
_WEEKDAY = "|".join(WEEKDAYS)
_NUMBER_WORDS = {"un": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
                 "nueve": 9, "diez": 10, "quince": 15, "treinta": 30}
#: Verbs in the past (and "llevamos", which counts what already happened).
_PAST = re.compile(
    r"\b(?:vend(?:imos|i|io|ieron)|hubo|tuv(?:imos|e|o|ieron)|vin(?:o|ieron)|lleg(?:o|aron)|falt(?:o|aron)|"
    r"cancel(?:o|aron|amos|e)|hic(?:imos|e|ieron)|hizo|atend(?:imos|i|io|ieron)|fue|fueron|gan(?:amos|e|o)|"
    r"factur(?:amos|e|o)|cobr(?:amos|e|o)|complet(?:amos|e|o|aron)|termin(?:amos|e|o|aron)|entraron|"
    r"sali(?:o|eron)|llevamos|llevo|pasad[oa])\b")

_DAY_RANGE = re.compile(
    rf"\b(?:del?|entre(?:\s+el)?)\s+(?:dia\s+)?(\d{{1,2}}|primero)\s+(?:(?:de\s+)?({_MONTH})\s+)?"
    rf"(?:al?|y(?:\s+el)?|hasta(?:\s+el)?)\s+(?:dia\s+)?(\d{{1,2}})(?:\s+de\s+({_MONTH}))?(?:\s+(?:de|del)\s+(\d{{4}}))?")
_WEEKDAY_RANGE = re.compile(rf"\b(?:del?|entre(?:\s+el)?)\s+({_WEEKDAY})\s+(?:al?|y(?:\s+el)?|hasta(?:\s+el)?)\s+({_WEEKDAY})\b")
_SINCE = re.compile(rf"\bdesde\s+(?:el\s+)?(?:(?P<weekday>{_WEEKDAY})|(?:dia\s+)?(?P<day>\d{{1,2}}|primero)"
                    rf"(?:\s+de\s+(?P<month>{_MONTH}))?)\b")
_LAST_N = re.compile(r"\b(?:en\s+)?(?:los|las)\s+ultim[oa]s\s+(\d{1,3}|" + "|".join(_NUMBER_WORDS)
                     + r")\s+(dias|semanas|meses)\b")
_WEEK = re.compile(r"\b(?:(esta|la\s+proxima|la\s+siguiente|la\s+otra|la\s+pasada|la\s+antepasada)\s+semana"
                   r"|la\s+semana\s+(pasada|antepasada|que\s+viene|que\s+entra|entrante|proxima|siguiente))\b"
                   r"|\ben\s+la\s+semana\b")
_MONTH_RELATIVE = re.compile(r"\b(?:(este|el\s+proximo|el\s+siguiente|el\s+pasado)\s+mes"
                             r"|el\s+mes\s+(pasado|que\s+viene|que\s+entra|entrante|proximo|siguiente))\b"
                             r"|\ben\s+el\s+mes\b")
_MONTH_NAMED = re.compile(rf"\b(?:en|de|del\s+mes\s+de|el\s+mes\s+de|durante|todo)\s+({_MONTH})\b"
                          rf"(?:\s+(?:de|del)\s+(\d{{4}}))?")
_DATED = re.compile(rf"\b(?:\d{{1,2}}|primero)\s+(?:de\s+)?(?:{_MONTH})\b")
_YEAR = re.compile(r"\b(?:(este|el\s+pasado)\s+ano|el\s+ano\s+(pasado)|en\s+el\s+ano)\b")


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word, 1)


def _day(value: str) -> int:
    return 1 if value == "primero" else int(value)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _range(norm: str, today: date, past: bool) -> Period | None:
    match = _DAY_RANGE.search(norm)
    if match and (match.group(2) or match.group(4) or match.group(0).startswith(("del", "entre"))):
        # (without a month, "de 2 a 3" is hours: bare days need "del 5 al 10")
        first_day, first_month, last_day, last_month, year = match.groups()
        month = MONTHS.index(last_month or first_month) + 1 if (last_month or first_month) else today.month
        start_month = MONTHS.index(first_month) + 1 if first_month else month
        year_value = int(year) if year else today.year
        first = _safe(year_value if start_month <= month else year_value - 1, start_month, _day(first_day))
        last = _safe(year_value, month, int(last_day))
        if first and last and first <= last:
            if not year and past and first > today:  # "¿cuánto vendimos del 1 al 15 de diciembre?" in January
                first, last = first.replace(year=first.year - 1), last.replace(year=last.year - 1)
            return Period(first, last, PeriodKind.RANGE)
    if match := _WEEKDAY_RANGE.search(norm):
        monday = today - timedelta(days=today.weekday())
        first = monday + timedelta(days=WEEKDAYS.index(match.group(1)))
        last = monday + timedelta(days=WEEKDAYS.index(match.group(2)))
        if first <= last:
            return Period(first, last, PeriodKind.RANGE)
    if match := _SINCE.search(norm):
        if match.group("weekday"):
            first = today - timedelta(days=(today.weekday() - WEEKDAYS.index(match.group("weekday"))) % 7)
        else:
            month = MONTHS.index(match.group("month")) + 1 if match.group("month") else today.month
            first = _safe(today.year, month, _day(match.group("day")))
            if first is not None and first > today:  # "desde el 20" on the 16th: last month's 20th
                before = date(today.year - 1, month, 1) if match.group("month") else _add_months(today.replace(day=1), -1)
                first = _safe(before.year, before.month, first.day)
        if first is not None and first <= today:
            return Period(first, today, PeriodKind.RANGE)
    if match := _LAST_N.search(norm):
        count, unit = _number(match.group(1)), match.group(2)
        days = count * {"dias": 1, "semanas": 7, "meses": 30}[unit]
        return Period(today - timedelta(days=max(days, 1) - 1), today, PeriodKind.RANGE)
    return None


def _relative(word: str) -> int:
    word = " ".join(word.split())
    if word in ("esta", "este", ""):
        return 0
    if "antepasad" in word:
        return -2
    if "pasad" in word:
        return -1
    return 1


def parse_period(text: str, today: date, *, normalized: bool = False) -> Period | None:
    """The period a question about numbers is about, or None when it names none."""
    norm = text if normalized else normalize(text)
    past = bool(_PAST.search(norm))
    if found := _range(norm, today, past):
        return found
    if match := _WEEK.search(norm):
        step = _relative(match.group(1) or match.group(2) or "")
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=step)
        return Period(monday, monday + timedelta(days=6), PeriodKind.WEEK, step)
    if match := _MONTH_RELATIVE.search(norm):
        step = _relative(match.group(1) or match.group(2) or "")
        first = _add_months(today.replace(day=1), step)
        return Period(first, _month_end(first.year, first.month), PeriodKind.MONTH, step)
    if (match := _MONTH_NAMED.search(norm)) and not _DATED.search(norm):
        month = MONTHS.index(match.group(1)) + 1
        year = int(match.group(2)) if match.group(2) else today.year
        if not match.group(2) and past and month > today.month:
            year -= 1
        return Period(date(year, month, 1), _month_end(year, month), PeriodKind.MONTH)
    if match := _YEAR.search(norm):
        step = -1 if (match.group(1) and "pasado" in match.group(1)) or match.group(2) else 0
        return Period(date(today.year + step, 1, 1), date(today.year + step, 12, 31), PeriodKind.YEAR, step)
    if re.search(r"\b(?:antier|anteayer|antes\s+de\s+ayer)\b", norm):
        return Period(today - timedelta(days=2), today - timedelta(days=2), PeriodKind.DAY)
    if re.search(r"\bayer\b", norm):
        return Period(today - timedelta(days=1), today - timedelta(days=1), PeriodKind.DAY)
    said = parse_date(norm, today, normalized=True)
    if said is None:
        return None
    first, last = said.start, said.end
    if first == last and past and first > today:
        # "¿cuántas citas hubo el lunes?": the Monday just gone; "el 15 de enero" last year's
        weekday = re.search(rf"\b(?:{_WEEKDAY})\b", norm) and not re.search(r"\b(?:proximo|que\s+viene)\b", norm)
        if weekday:  # the last such weekday before today ("el viernes" said on a Friday: a week ago)
            first = last = today - timedelta(days=(today.weekday() - first.weekday()) % 7 or 7)
        elif re.search(rf"\b(?:{_MONTH})\b|\d{{1,2}}/\d{{1,2}}", norm):
            previous = _safe(first.year - 1, first.month, first.day)
            if previous is not None:
                first = last = previous
    if first == last:
        return Period(first, last, PeriodKind.DAY)
    return None  # the customer-shaped ranges (the rest of this week) are read above as whole periods
