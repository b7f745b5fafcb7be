"""Every day a message names, where it names it, as :class:`~.time_constraint.DayConstraint` pieces.

:mod:`dates` reads one date (the one a reply to "¿qué día?" means); a whole request may
name several, and how they combine matters. Rules, in the order they claim words:

1. **From now**: "al rato", "en un rato", "más al rato" (today, from half an hour on);
   "en una hora", "en media hora", "en 2 horas", "en 20 minutos" (from then);
   "ahorita", "ahora mismo", "en este momento", "hoy mismo" (today, from now, soonest).
2. **Spans**: "del lunes al miércoles", "de hoy al viernes", "desde mañana hasta el
   sábado", "entre el lunes y el miércoles", "del 10 al 15" (the days in between,
   both ends included; an end named by weekday is the first one on or after the start).
   "de lunes a viernes" without articles is a set of weekdays, as in opening hours.
3. **Bounds**: "antes del viernes" (until Thursday), "después del martes" (from
   Wednesday), "a partir del lunes", "desde el lunes" (from Monday), "hasta el jueves"
   (until Thursday included). "hasta mañana" closing a message is a goodbye.
4. **Alternatives**: "el viernes o el sábado", "hoy o mañana", "lunes, martes o
   miércoles", "viernes y sábado" (any of those days).
5. **Weekday sets**: "entre semana" (Monday–Friday), "los fines de semana", "en fin de
   semana" (Saturday–Sunday), "los sábados" (every Saturday); "cualquier día" says no day.
6. **One day named twice**: "hoy jueves", "mañana viernes" (as Parlo writes days) are one
   day; if the weekday disagrees, the relative word wins ("mañana lunes" on a Thursday is
   Friday).
7. **Single days and ranges** of :mod:`dates`: "mañana", "el viernes", "el 15", "la
   próxima semana", "este fin de semana"… "hoy" and "esta tarde" also mean "from now".

A day named by its weekday alone ("el viernes") also reports that weekday, so a
reference to an appointment ("la del viernes") can match today's Friday too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .dates import MONTHS, WEEKDAYS, find_date
from .time_constraint import DayConstraint

__all__ = ["DayMention", "find_day_mentions"]

SOON_MINUTES = 30  # "al rato": not before half an hour from now
MAX_SINGLE_DAYS = 8  # a message naming more days than this is not one request


@dataclass(frozen=True, slots=True)
class DayMention:
    span: tuple[int, int]
    days: DayConstraint | None = None
    not_before: datetime | None = None
    weekday: int | None = None  # the day was named by its weekday alone
    soonest: bool = False  # "ahorita": the first start that fits


_WEEKDAY = "|".join(WEEKDAYS)
_MONTH = "|".join(sorted(set(MONTHS) | {"ene", "feb", "mar", "abr", "jun", "jul", "ago", "sep", "sept", "oct",
                                        "nov", "dic"}, key=len, reverse=True))
# One day, as it can appear inside a span, bound or list ("el" already taken by "del"/"al").
_ATOM = (
    rf"(?:(?:el|este|esta|proximo|el\s+proximo)\s+)?(?:{_WEEKDAY})(?:\s+\d{{1,2}}\b)?"
    r"|hoy|pasado\s+manana|manana(?!\s+(?:en|por|de)\s+la\b)"
    rf"|(?:el\s+)?(?:dia\s+)?\d{{1,2}}\s+de\s+(?:{_MONTH})\b"
    r"|(?:el\s+)?dia\s+\d{1,2}\b|el\s+\d{1,2}\b(?![:.]|\s*(?:am|pm|hrs?|de\s+la)\b)"
)
_ATOM_AFTER_DEL = rf"{_ATOM}|\d{{1,2}}\b(?![:.]|\s*(?:am|pm|hrs?|de\s+la)\b)"  # "del 10", "al 15"
_NOW_RES = (
    (re.compile(r"\b(?:mas\s+al\s+rato|al\s+ratito|al\s+rato|en\s+un\s+rato|en\s+un\s+ratito|(?:de\s+)?aqui\s+a\s+un\s+rato)\b"),
     None),
    (re.compile(r"\b(?:en|dentro\s+de)\s+(?P<count>una|un\s+par\s+de|media|1|2|3|dos|tres|hora\s+y\s+media)\s*(?P<unit>horas?|hrs?)?\b"),
     "hours"),
    (re.compile(r"\b(?:en|dentro\s+de)\s+(?P<count>\d{1,3}|cinco|diez|quince|veinte|treinta|cuarenta)\s*(?:minutos|mins?)\b"),
     "minutes"),
    (re.compile(r"\b(?:ahorita|ahora\s+mismo|en\s+este\s+momento|hoy\s+mismo|ya\s+mismo)\b"), "now"),
)
_COUNTS = {"una": 60, "un par de": 120, "media": 30, "1": 60, "2": 120, "3": 180, "dos": 120, "tres": 180,
           "hora y media": 90, "cinco": 5, "diez": 10, "quince": 15, "veinte": 20, "treinta": 30, "cuarenta": 40}
# "la del viernes al lunes", "mi cita del viernes al lunes": a move, not a span ("una cita del lunes al miércoles" is).
_NOT_AFTER_REFERENCE = "".join(
    rf"(?<!\b{anchor} )" for anchor in ("la", "mi cita", "la cita", "tu cita", "su cita", "mi turno", "esa cita")
)
_SPAN_RES = (
    re.compile(rf"{_NOT_AFTER_REFERENCE}\b(?:del|desde\s+el)\s+(?P<a>{_ATOM_AFTER_DEL})\s+(?:al|hasta\s+el)\s+(?P<b>{_ATOM_AFTER_DEL})"),
    re.compile(rf"\b(?:de|desde)\s+(?P<a>{_ATOM})\s+(?:al|hasta\s+el)\s+(?P<b>{_ATOM_AFTER_DEL})"),
    re.compile(rf"\b(?:del|de|desde)\s+(?P<a>{_ATOM_AFTER_DEL}|{_ATOM})\s+(?:a|hasta)\s+(?P<b>{_ATOM})"),
    re.compile(rf"\bentre\s+(?:el\s+)?(?P<a>{_ATOM})\s+y\s+(?:el\s+)?(?P<b>{_ATOM})"),
)
_WEEKDAY_SPAN_RE = re.compile(rf"\b(?:de\s+)?(?P<a>{_WEEKDAY})\s+a\s+(?P<b>{_WEEKDAY})\b")
_BOUND_OPS = r"antes|despues|a\s+partir|desde|hasta"
_BOUND_RES = (  # "después del 15" takes a bare day number; "después de 5" does not (that is 5 o'clock)
    re.compile(rf"\b(?P<op>{_BOUND_OPS})\s+(?:del|de\s+el|el)\s+(?P<a>{_ATOM_AFTER_DEL})"),
    re.compile(rf"\b(?P<op>{_BOUND_OPS})(?:\s+de)?\s+(?P<a>{_ATOM})"),
)
_LIST_RE = re.compile(  # commas are gone in the normal form: "lunes martes o miercoles"
    rf"\b(?P<list>(?:{_ATOM})(?:\s+(?:el\s+)?(?:{_ATOM})){{0,6}}\s+(?:o|u|y|e)\s+(?:el\s+|para\s+el\s+)?(?:{_ATOM}))"
)
_LIST_ITEM_RE = re.compile(_ATOM)
_SET_RES = (
    (re.compile(r"\bentre\s+semana\b"), frozenset(range(5))),
    (re.compile(r"\b(?:los|en|cualquier|algun)\s+fin(?:es)?\s+de\s+semana\b|\bfines\s+de\s+semana\b"), frozenset({5, 6})),
    (re.compile(r"\bcualquier\s+dia\b|\bel\s+dia\s+que\s+sea\b|\bcuando\s+sea\b"), None),
)
_PLURAL_WEEKDAY_RE = re.compile(r"\b(?:los\s+(?P<any>lunes|martes|miercoles|jueves|viernes)|(?:los\s+)?(?P<plural>sabados|domingos))\b")
_WEEKDAY_ONLY_RE = re.compile(
    rf"(?:(?:el|este|para\s+el|al|del|de|proximo|el\s+proximo|para)\s+)?(?P<day>{_WEEKDAY})(?:\s+que\s+viene)?"
)
_NAMED_TWICE_RE = re.compile(rf"\b(?P<relative>hoy|pasado\s+manana|manana(?!\s+(?:en|por|de)\s+la\b))\s+(?:{_WEEKDAY})\b")
_FROM_TO_WEEKDAYS_RE = re.compile(rf"\b(?P<a>{_WEEKDAY})\s+al?\s+(?P<b>{_WEEKDAY})\b")
_DAYISH_RE = re.compile(rf"\b(?:{_WEEKDAY}|hoy|manana|\d{{1,2}})\b")
_NOW_WORDS = ("rato", "hora", "min", "ahor", "momento", "mismo")
_BOUND_WORDS = ("antes", "despues", "partir", "desde", "hasta")
_SET_WORDS = ("semana", "cualquier", "sea")
_TODAY_RE = re.compile(r"\b(?:hoy|esta\s+(?:tarde|noche|manana))\b")
_GOODBYE_RE = re.compile(r"\bhasta\s+manana\s*$")


def _blank(text: str, span: tuple[int, int]) -> str:
    return text[: span[0]] + " " * (span[1] - span[0]) + text[span[1]:]


def _atom_day(atom: str, today: date) -> tuple[date, int | None] | None:
    """The day one atom names (and its weekday when named by weekday alone)."""
    atom = atom.strip()
    if atom.isdigit():
        atom = f"el {atom}"
    found = find_date(atom, today, normalized=True)
    if found is None or found[1].is_range:
        return None
    weekday = _WEEKDAY_ONLY_RE.fullmatch(atom)
    return found[1].start, WEEKDAYS.index(weekday.group("day")) if weekday else None


def _now_mentions(norm: str, now: datetime) -> list[DayMention]:
    found = []
    for pattern, unit in _NOW_RES:
        for match in pattern.finditer(norm):
            if unit is None:
                start, soonest = now + timedelta(minutes=SOON_MINUTES), False
            elif unit == "now":
                start, soonest = now, True
            else:
                count = re.sub(r"\s+", " ", match.group("count"))
                if unit == "hours" and count in ("1", "2", "3") and not match.group("unit"):
                    continue  # "en 2": not a time from now
                minutes = _COUNTS.get(count) or int(count)
                if unit == "minutes":
                    minutes = _COUNTS.get(count, minutes) if not count.isdigit() else int(count)
                start, soonest = now + timedelta(minutes=minutes), True
            found.append(DayMention(match.span(), DayConstraint.on(start.date()), start, soonest=soonest))
    return found


def _span(first: tuple[date, int | None], last: tuple[date, int | None]) -> DayConstraint | None:
    a, b = first[0], last[0]
    while b < a and last[1] is not None:
        b += timedelta(days=7)  # "del viernes al lunes": the Monday after
    return DayConstraint(a, b) if a <= b else None


def _bound(op: str, day: date) -> DayConstraint:
    if op.startswith("antes"):
        return DayConstraint(last=day - timedelta(days=1))
    if op.startswith("despues"):
        return DayConstraint(first=day + timedelta(days=1))
    if op.startswith("hasta"):
        return DayConstraint(last=day)
    return DayConstraint(first=day)  # a partir de, desde


def find_day_mentions(norm: str, now: datetime) -> list[DayMention]:
    """Every day named in a normalized message, in order of appearance (see the module's rules)."""
    today = now.date()
    rest = _GOODBYE_RE.sub(lambda m: " " * len(m.group()), norm)
    found: list[DayMention] = []

    def claim(mention: DayMention) -> None:
        nonlocal rest
        found.append(mention)
        rest = _blank(rest, mention.span)

    if any(word in rest for word in _NOW_WORDS):
        for mention in _now_mentions(rest, now):
            claim(mention)
    atoms = len(_DAYISH_RE.findall(rest))
    for match in _NAMED_TWICE_RE.finditer(rest) if atoms >= 2 else ():
        relative = {"hoy": 0, "manana": 1}.get(match.group("relative"), 2)
        day = today + timedelta(days=relative)  # "mañana viernes", as Parlo writes it: one day, named twice
        claim(DayMention(match.span(), DayConstraint.on(day), now if relative == 0 else None))
    for match in _WEEKDAY_SPAN_RE.finditer(rest) if atoms >= 2 else ():
        a, b = WEEKDAYS.index(match.group("a")), WEEKDAYS.index(match.group("b"))
        weekdays = range(a, b + 1) if a <= b else [*range(a, 7), *range(b + 1)]
        claim(DayMention(match.span(), DayConstraint(weekdays=frozenset(weekdays))))
    for pattern in _SPAN_RES if atoms >= 2 else ():
        for match in pattern.finditer(rest):
            first, last = _atom_day(match.group("a"), today), _atom_day(match.group("b"), today)
            if first and last and (days := _span(first, last)) is not None:
                claim(DayMention(match.span(), days))
    for pattern in _BOUND_RES if atoms and any(word in rest for word in _BOUND_WORDS) else ():
        for match in pattern.finditer(rest):
            day = _atom_day(match.group("a"), today)
            if day is not None:
                claim(DayMention(match.span(), _bound(match.group("op"), day[0])))
    for match in _LIST_RE.finditer(rest) if atoms >= 2 else ():
        items = [_atom_day(item.group(), today) for item in _LIST_ITEM_RE.finditer(match.group("list"))]
        days = frozenset(item[0] for item in items if item)
        if len(days) >= 2:
            weekdays = {item[1] for item in items if item}
            weekday = weekdays.pop() if len(weekdays) == 1 and None not in weekdays else None
            claim(DayMention(match.span(), DayConstraint(min(days), max(days), only=days), weekday=weekday))
    for pattern, weekdays in _SET_RES if any(word in rest for word in _SET_WORDS) else ():
        for match in pattern.finditer(rest):
            claim(DayMention(match.span(), DayConstraint(weekdays=weekdays) if weekdays else None))
    for match in _PLURAL_WEEKDAY_RE.finditer(rest):
        word = match.group("any") or match.group("plural")[:-1]
        weekday = WEEKDAYS.index(word)
        claim(DayMention(match.span(), DayConstraint(weekdays=frozenset({weekday}))))
    for match in _FROM_TO_WEEKDAYS_RE.finditer(rest) if atoms >= 2 else ():
        for group in ("a", "b"):  # "la del viernes al lunes" (a move): two days, which :mod:`dates` would skip
            day = _atom_day(match.group(group), today)
            if day is not None:
                claim(DayMention(match.span(group), DayConstraint.on(day[0]), weekday=day[1]))
    for _ in range(MAX_SINGLE_DAYS):  # each search reads the whole message: a bound keeps long ones linear
        if (single := find_date(rest, today, normalized=True)) is None:
            break
        span, expression = single
        said = rest[span[0]:span[1]].strip()
        weekday = _WEEKDAY_ONLY_RE.fullmatch(said)
        from_now = now if expression.start == today and _TODAY_RE.search(said) else None
        claim(DayMention(span, DayConstraint(expression.start, expression.end), from_now,
                         WEEKDAYS.index(weekday.group("day")) if weekday else None))
    found.sort(key=lambda mention: mention.span)
    return found
