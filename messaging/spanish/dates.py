"""Dates as salon customers say them, relative to the business's local ``today``.

The caller passes ``today`` (the organization's local date); nothing here reads a clock.

Rules, in the order they win when a message says more than one thing:

1. An explicit calendar day: ``el 15 de enero``, ``15/01`` (day/month, Mexican order),
   ``15/01/2027``, ``el 15``, ``el día 15``, ``el sábado 16`` (only if the 16th is a
   Saturday; otherwise the weekday rule decides and the number is left alone). Without a year the date is
   the next one that is not in the past (``el 15`` on the 20th is the 15th of next month;
   ``10 de enero`` in December is next January). A day that the month does not have is
   not a date.
2. ``hoy``, ``mañana``, ``pasado mañana``, ``esta tarde``/``esta noche`` (today),
   ``esta mañana`` (today, morning). "mañana" after "la"/"las" (``en la mañana``,
   ``de la mañana``) is the part of the day, not tomorrow; ``mañana en la mañana`` is
   tomorrow morning.
3. A weekday: ``el lunes``, ``este lunes``, ``lunes``, ``el próximo lunes``, ``el lunes
   que viene`` all mean **the next Monday after today**. Said on a Monday, it is next
   week's Monday: a customer who means today says "hoy". ``el lunes de la próxima
   semana`` is the Monday of next calendar week (weeks run Monday–Sunday), which differs
   from the bare weekday only when that weekday is still ahead this week.
4. Counts: ``en 3 días``, ``dentro de tres días``, ``en una semana``, ``en 2 semanas``,
   ``de hoy en ocho`` (a week from today, as said in Mexico).
5. Ranges: ``la próxima semana``/``la semana que viene``/``la semana entrante``/``la
   otra semana`` is next Monday–Sunday; ``esta semana`` is today–Sunday; ``este fin de
   semana``/``el finde`` is the coming Saturday–Sunday (from today when today is already
   Saturday or Sunday); ``el próximo fin de semana`` said on a weekend is next week's;
   ``este mes`` is today to month end; ``el próximo mes``/``el mes que viene`` is all of
   next month.

A part of the day (``mañana en la tarde``) comes along from :mod:`times`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from .normal_form import normalize
from .times import PartOfDay, parse_part_of_day

__all__ = ["DateExpression", "MONTHS", "WEEKDAYS", "find_date", "parse_date"]

WEEKDAYS = ("lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo")
MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)
_MONTH_ALIASES = {name: index + 1 for index, name in enumerate(MONTHS)}
_MONTH_ALIASES.update({
    "ene": 1, "feb": 2, "mar": 3, "abr": 4, "may": 5, "jun": 6, "jul": 7, "ago": 8,
    "sep": 9, "sept": 9, "setiembre": 9, "oct": 10, "nov": 11, "dic": 12,
})
_COUNT_WORDS = {
    "un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13,
    "catorce": 14, "quince": 15, "veinte": 20, "treinta": 30,
}


@dataclass(frozen=True, slots=True)
class DateExpression:
    """A day (``start == end``) or an inclusive range of days, plus an optional part of day."""

    start: date
    end: date
    part_of_day: PartOfDay | None = None

    @property
    def is_range(self) -> bool:
        return self.end != self.start

    @property
    def day(self) -> date | None:
        """The single day meant, or None for a range."""
        return None if self.is_range else self.start

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


_MONTH_WORD = "|".join(sorted(_MONTH_ALIASES, key=len, reverse=True))
_WEEKDAY_WORD = "|".join(WEEKDAYS)
_COUNT = r"\d{1,2}|" + "|".join(sorted(_COUNT_WORDS, key=len, reverse=True))

_DAY_MONTH_RE = re.compile(
    rf"\b(?:(?:{_WEEKDAY_WORD})\s+)?(\d{{1,2}}|primero)\s+(?:de\s+)?({_MONTH_WORD})\b(?:\s+(?:de|del)\s+(\d{{4}}))?"
)
_SLASH_RE = re.compile(r"(?<![\d:])(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?(?![\d/])")
_DAY_ONLY_RE = re.compile(
    rf"\b(?:(?:el|para\s+el|al|del)\s+(?:dia\s+)?|dia\s+|(?P<weekday>{_WEEKDAY_WORD})\s+)(\d{{1,2}})\b"
    r"(?!\s*(?::|\.\d|y\s+media|y\s+cuarto|de\s+la|am\b|pm\b|hrs|horas|dias|semanas|minutos|min\b|%|-))"
)
_PASADO_RE = re.compile(r"\bpasado\s+manana\b")
_MANANA_RE = re.compile(r"(?<!\bla )(?<!\blas )(?<!\besta )(?<!\bpasado )\bmanana\b")
_HOY_RE = re.compile(r"\b(?:hoy|esta\s+(?:tarde|noche|manana))\b")
_AYER_RE = re.compile(r"\b(antier|anteayer|ayer)\b")
# "de lunes a viernes" is a set of weekdays (business hours), not a date.
_WEEKDAY_SPAN_RE = re.compile(rf"\b(?:de|del)\s+(?:{_WEEKDAY_WORD})\s+(?:a|al)\s+(?:{_WEEKDAY_WORD})\b")
_WEEKDAY_RE = re.compile(
    rf"\b({_WEEKDAY_WORD})\b(\s+de\s+(?:la\s+)?(?:proxima|otra|siguiente)\s+semana|\s+de\s+la\s+semana\s+que\s+viene"
    rf"|\s+de\s+esta\s+semana)?"
)
_COUNT_RE = re.compile(rf"\b(?:en|dentro\s+de)\s+({_COUNT})\s+(dias?|semanas?)\b")
_HOY_EN_OCHO_RE = re.compile(r"\bde\s+hoy\s+en\s+(ocho|8|quince|15)\b")
_NEXT_WEEK_RE = re.compile(
    r"\b(?:(?:la|para\s+la)\s+)?(?:proxima|otra|siguiente)\s+semana\b|\bsemana\s+(?:que\s+viene|entrante)\b"
)
_THIS_WEEK_RE = re.compile(r"\besta\s+semana\b")
_WEEKEND_RE = re.compile(r"\b(?:(este|el|proximo|el\s+proximo|el\s+otro|para\s+el)\s+)?fin\s+de\s+semana\b")
_THIS_MONTH_RE = re.compile(r"\beste\s+mes\b")
_NEXT_MONTH_RE = re.compile(
    r"\b(?:(?:el\s+)?(?:proximo|siguiente)\s+mes|(?:el\s+)?mes\s+(?:que\s+viene|entrante)|el\s+otro\s+mes)\b"
)


def _safe_date(year: int, month: int, day: int) -> date | None:
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def _next_day_of_month(day: int, today: date) -> date | None:
    year, month = today.year, today.month
    if day >= today.day:
        return _safe_date(year, month, day)
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return _safe_date(year, month, day)


def _day_and_month(day: int, month: int, year: int | None, today: date) -> date | None:
    if year is not None:
        return _safe_date(year if year > 99 else 2000 + year, month, day)
    found = _safe_date(today.year, month, day)
    if found is not None and found < today:
        found = _safe_date(today.year + 1, month, day)
    return found


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _COUNT_WORDS[word]


def _next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def _explicit_day(norm: str, today: date) -> tuple[tuple[int, int], date] | None:
    match = _DAY_MONTH_RE.search(norm)
    if match:
        year = int(match.group(3)) if match.group(3) else None
        day = 1 if match.group(1) == "primero" else int(match.group(1))
        found = _day_and_month(day, _MONTH_ALIASES[match.group(2)], year, today)
        if found is not None:
            return match.span(), found
    match = _SLASH_RE.search(norm)
    if match:
        year = int(match.group(3)) if match.group(3) else None
        found = _day_and_month(int(match.group(1)), int(match.group(2)), year, today)
        if found is not None:
            return match.span(), found
    match = _DAY_ONLY_RE.search(norm)
    if match:
        found = _next_day_of_month(int(match.group(2)), today)
        weekday = match.group("weekday")
        if found is not None and (weekday is None or WEEKDAYS.index(weekday) == found.weekday()):
            return match.span(), found  # "el sábado 4" when the 4th is no Saturday: the number is not a day
    return None


# A cheap "could there be a date?": every rule below needs one of these.
_DATEISH_RE = re.compile(
    rf"\d|\b(?:hoy|manana|pasado|ayer|antier|anteayer|esta|este|{_WEEKDAY_WORD}|semana|mes|primero|dia|dias|{_MONTH_WORD})\b"
)


def find_date(text: str, today: date, *, normalized: bool = False) -> tuple[tuple[int, int], DateExpression] | None:
    """The date the message talks about with its span in the normal form, or None."""
    norm = text if normalized else normalize(text)
    if not _DATEISH_RE.search(norm):
        return None
    part = parse_part_of_day(norm, normalized=True)
    if (morning := re.search(r"\besta\s+manana\b", norm)) and part is None:
        part = PartOfDay.MORNING

    def single(span: tuple[int, int], day: date) -> tuple[tuple[int, int], DateExpression]:
        return span, DateExpression(day, day, part)

    def spread(span: tuple[int, int], first: date, last: date) -> tuple[tuple[int, int], DateExpression]:
        return span, DateExpression(first, last, part)

    explicit = _explicit_day(norm, today)
    if explicit is not None:
        return single(*explicit)
    if match := _PASADO_RE.search(norm):
        return single(match.span(), today + timedelta(days=2))
    if match := _MANANA_RE.search(norm):
        return single(match.span(), today + timedelta(days=1))
    if match := _HOY_EN_OCHO_RE.search(norm):
        return single(match.span(), today + timedelta(days=7 if match.group(1) in ("ocho", "8") else 14))
    if match := _HOY_RE.search(norm):
        return single(match.span(), today)
    if morning:
        return single(morning.span(), today)
    if match := _AYER_RE.search(norm):
        return single(match.span(), today - timedelta(days=1 if match.group(1) == "ayer" else 2))
    if match := _WEEKDAY_RE.search(_WEEKDAY_SPAN_RE.sub(lambda m: " " * len(m.group()), norm)):
        weekday = WEEKDAYS.index(match.group(1))
        qualifier = match.group(2) or ""
        if "esta" in qualifier:
            found = today + timedelta(days=weekday - today.weekday())
        elif qualifier:
            found = _next_monday(today) + timedelta(days=weekday)
        else:
            found = today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
        return single(match.span(), found)
    if match := _COUNT_RE.search(norm):
        amount = _count(match.group(1))
        days = amount * 7 if match.group(2).startswith("semana") else amount
        return single(match.span(), today + timedelta(days=days))
    if match := _WEEKEND_RE.search(norm):
        qualifier = match.group(1) or ""
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        if today.weekday() == 6:  # Sunday: this weekend is today
            saturday = today - timedelta(days=1)
        if ("proximo" in qualifier or "otro" in qualifier) and today.weekday() >= 5:
            saturday += timedelta(days=7)
        return spread(match.span(), max(saturday, today), saturday + timedelta(days=1))
    if match := _NEXT_WEEK_RE.search(norm):
        monday = _next_monday(today)
        return spread(match.span(), monday, monday + timedelta(days=6))
    if match := _THIS_WEEK_RE.search(norm):
        return spread(match.span(), today, today + timedelta(days=6 - today.weekday()))
    if match := _THIS_MONTH_RE.search(norm):
        last = calendar.monthrange(today.year, today.month)[1]
        return spread(match.span(), today, today.replace(day=last))
    if match := _NEXT_MONTH_RE.search(norm):
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        return spread(match.span(), date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))
    return None


def parse_date(text: str, today: date, *, normalized: bool = False) -> DateExpression | None:
    """The date (or range of dates) the message talks about, relative to ``today``."""
    found = find_date(text, today, normalized=normalized)
    return found[1] if found else None
