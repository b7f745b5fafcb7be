"""Ranges and bounds of hours: "de 2 a 4", "después de las 5", "antes de mediodía".

Rules (on the normal form; single clock times and the salon hours rule are :mod:`times`):

* **Ranges.** ``de 2 a 3``, ``de 2 a 4 de la tarde``, ``entre 2 y 4``, ``2-4``, ``4 a 6``,
  ``desde las 2 hasta las 4``; the first range of a message only. A qualifier after the end also applies to the start when
  that keeps the start before the end (``de 11 a 2 de la tarde`` → 11:00–14:00). An end
  that would fall before the start moves twelve hours later (``de 6 a 8`` → 18:00–20:00).
  ``de 5 en adelante``, ``desde las 5``, ``a partir de las 5``, ``después de las 5`` run
  until closing; ``antes de las 12``, ``hasta las 12`` run from opening; ``todo el día``
  is the whole day. A single time (``las 4``) is :attr:`RangeKind.AT`: one slot, whose
  length the caller knows.
* **Ends.** ``después de las 5`` leaves 5:00 out (:attr:`RangeHit.strict_start`); ``a partir
  de``, ``desde``, ``5 en adelante``, ``5 o después`` keep it; ``antes de`` and ``hasta``
  leave the end out, ``12 o antes`` keeps it (:attr:`RangeHit.inclusive_end`).
* **How Mexicans write a bound** (all bounds on the start of the visit):
  after, 6:00 out — ``pasadas las 6``, ``ya pasaditas las 6``, ``pasadito de las 6``, ``pasando
  las 6``, ``luego de las 6``, ``más tarde de las 6``; from, 6:00 in — ``no antes de las 6``,
  ``mínimo a las 6``, ``de 6 para arriba``; until, 6:00 in — ``a más tardar a las 6``,
  ``máximo a las 6``, ``a lo mucho a las 6``, ``lo más tarde a las 6``, ``a las 6 a más
  tardar``, ``no después de las 6``, ``no más tarde de las 6``, ``que no pase de las 6``;
  before, 6:00 out — ``(que sea) antes de las 6``, ``antesito de las 6``, ``antes de que den
  las 6``. A negated bound claims its words before the plain bound inside it.
* **Named times of day.** ``antes/después de mediodía`` (12:00), ``después/luego de comer``
  (from 3 PM), ``antes de comer`` (before 2 PM), ``saliendo del trabajo``, ``saliendo de
  trabajar`` (from 6 PM). An anchor without a customary hour (``saliendo de la escuela``,
  ``cuando salga mi esposo``) is no bound: the offers spread over the day and the customer
  picks, which asks without a question.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import time

from .times import _CLOCKISH_RE, _clock, _clock_from, _norm, _overlaps, parse_time

__all__ = ["RangeHit", "RangeKind", "TimeRange", "find_range_hits", "find_time_range", "parse_time_range"]


class RangeKind(enum.Enum):
    BETWEEN = "between"  # de 2 a 3
    FROM = "from"  # de 5 en adelante: until closing
    UNTIL = "until"  # antes de las 12: from opening
    AT = "at"  # las 4: one slot starting then
    ALL_DAY = "all_day"  # todo el día


@dataclass(frozen=True, slots=True)
class TimeRange:
    """A span of the day. ``start``/``end`` are None where the kind leaves them open."""

    kind: RangeKind
    start: time | None = None
    end: time | None = None


_OPT_LAS = r"(?:las?\s+)?"
_RANGE_RES = (
    re.compile(rf"\b(?:de|desde)\s+{_OPT_LAS}{_clock('a')}\s+(?:a|hasta)\s+{_OPT_LAS}{_clock('b')}"),
    re.compile(rf"\bentre\s+{_OPT_LAS}{_clock('a', with_y=False)}\s+y\s+{_OPT_LAS}{_clock('b')}"),
    re.compile(r"(?<![\d:])(?P<ah>\d{1,2})(?::(?P<am>\d{2}))?(?:\s*(?P<aampm>am|pm))?\s*-\s*"
               r"(?P<bh>\d{1,2})(?::(?P<bm>\d{2}))?(?:\s*(?P<bampm>am|pm)\b|\s*(?P<bhrs>hrs|h)\b)?(?![\d-])"),
    # "bloquea 4 a 6": bare clock hours only, so "el 15 a las 4" is never a range
    re.compile(r"(?<![\d:/])(?P<ah>1[0-2]|0?[1-9])(?::(?P<am>\d{2}))?(?:\s*(?P<aampm>am|pm))?\s+a\s+"
               r"(?P<bh>1[0-2]|0?[1-9])(?::(?P<bm>\d{2}))?(?:\s*(?P<bampm>am|pm)\b|\s+de\s+la\s+(?P<bpart>manana|tarde|noche)\b)?(?![\d/:])"),
)
_LEAD_LAS = r"(?:(?:a\s+las?|las?|como\s+a\s+las?|de\s+las?)\s+)?"
_TO_LAS = r"(?:(?:a|de|que)\s+)?(?:las?\s+)?"  # "máximo a las 6", "más tarde de las 6", "más tarde que las 6"
# Bounds, in the order they claim words: a negated bound before the plain one inside it ("no antes
# de las 6" is from 6, never also "antes de las 6"). (pattern, kind, closed): for FROM, whether the
# hour itself is in ("a partir de las 5" yes, "después de las 5" no); for UNTIL, the same for the end.
_BOUND_RES = (
    # "no antes de las 6", "nunca antes de las 6", "no más temprano de las 6", "mínimo a las 6": 6:00 or later
    (re.compile(rf"\b(?:no|nunca)\s+(?:antes|mas\s+temprano)\s+{_TO_LAS}{_clock('a')}"), RangeKind.FROM, True),
    (re.compile(rf"\b(?:como\s+)?minimo\s+{_TO_LAS}{_clock('a')}"), RangeKind.FROM, True),
    # "no después de las 6", "no más tarde de las 6", "que no pase de las 6": 6:00 at the latest
    (re.compile(rf"\b(?:no|nunca)\s+(?:despues|mas\s+tarde|pase|pasen|pasado|pasadas?)\s+{_TO_LAS}{_clock('b')}"),
     RangeKind.UNTIL, True),
    # "a más tardar a las 6", "máximo a las 6", "a lo mucho a las 6", "lo más tarde a las 6"
    (re.compile(rf"\b(?:a\s+mas\s+tardar|(?:como\s+)?maximo|a\s+lo\s+mucho|lo\s+mas\s+tarde)\s+{_TO_LAS}{_clock('b')}"),
     RangeKind.UNTIL, True),
    # "a las 6 a más tardar", "6 máximo", "a las 6 como máximo", "a las 6 lo más tarde"
    (re.compile(rf"\b{_LEAD_LAS}{_clock('b')}\s+(?:a\s+mas\s+tardar|(?:como\s+)?maximo|a\s+lo\s+mucho|lo\s+mas\s+tarde)\b"),
     RangeKind.UNTIL, True),
    (re.compile(rf"\b(?:de|desde)\s+{_OPT_LAS}{_clock('a')}\s+(?:en|para|pa)\s+(?:adelante|delante|arriba)\b"),
     RangeKind.FROM, True),
    (re.compile(rf"\b{_LEAD_LAS}{_clock('a')}\s+(?:en\s+adelante|para\s+arriba|o\s+(?:despues|mas\s+tarde))\b"),
     RangeKind.FROM, True),
    (re.compile(rf"\b(?:desde|a\s+partir\s+de)\s+{_OPT_LAS}{_clock('a')}"), RangeKind.FROM, True),
    # "después de las 5", "luego de las 5", "pasadas las 6", "pasadito de las 6", "ya pasando las 6" (normal
    # form "pasado"), "más tarde de las 6": strictly after
    (re.compile(rf"\b(?:despues|despuesito|luego|mas\s+tarde)\s+{_TO_LAS}{_clock('a')}"), RangeKind.FROM, False),
    (re.compile(rf"\b(?:pasad[oa]s?|pasadit[oa]s?)\s+(?:de\s+)?(?:las?\s+){_clock('a')}"), RangeKind.FROM, False),
    (re.compile(rf"\b{_LEAD_LAS}{_clock('b')}\s+o\s+(?:antes|mas\s+temprano)\b"), RangeKind.UNTIL, True),
    # "antes de las 12", "antesito de las 12", "antes de que den las 12", "hasta las 12": 12:00 excluded
    (re.compile(rf"\b(?:(?:antes|antesito)\s+(?:de\s+que\s+(?:den|sean|se\s+hagan)\s+|de\s+|que\s+)|hasta\s+)"
                rf"{_OPT_LAS}{_clock('b')}"), RangeKind.UNTIL, False),
)
# Times of day named by what happens then. (pattern, kind, hour, strict start). Anchors with no
# customary hour ("saliendo de la escuela", "cuando salga mi esposo") are no bound: the offers then
# spread over the day and the customer picks, which asks without a question.
_IDIOM_RES = (
    (re.compile(r"\b(?:despues|pasando|pasado)\s+(?:de|del)\s+(?:el\s+)?(?:mediodia|medio\s+dia)\b"), RangeKind.FROM, time(12), True),
    (re.compile(r"\b(?:a\s+partir|desde)\s+(?:de|del)?\s*(?:el\s+)?(?:mediodia|medio\s+dia)\b"), RangeKind.FROM, time(12), False),
    (re.compile(r"\b(?:antes|hasta)\s+(?:de|del)?\s*(?:el\s+)?(?:mediodia|medio\s+dia)\b"), RangeKind.UNTIL, time(12), False),
    (re.compile(r"\b(?:despues|luego)\s+de\s+(?:comer|la\s+comida)\b"), RangeKind.FROM, time(15), False),
    (re.compile(r"\bantes\s+de\s+(?:comer|la\s+comida)\b"), RangeKind.UNTIL, time(14), False),
    (re.compile(r"\b(?:saliendo|despues|al\s+salir|cuando\s+salga|luego)\s+(?:del|de\s+la)\s+(?:trabajo|jale|chamba|oficina)\b"),
     RangeKind.FROM, time(18), False),
    (re.compile(r"\b(?:saliendo|despues|al\s+salir|cuando\s+salga|luego)\s+de\s+(?:trabajar|chambear)\b"),
     RangeKind.FROM, time(18), False),
)
_ALL_DAY_RE = re.compile(r"\btodo\s+el\s+dia\b")
def _between(match: re.Match[str]) -> TimeRange | None:
    first, last = _clock_from(match, "a"), _clock_from(match, "b")
    if first is None or last is None:
        return None
    end = last.resolve()
    if end is None:
        return None
    start = first.resolve()
    if not first.qualified and last.qualified:
        borrowed = first.resolve(meridiem=last.meridiem, part=last.part)
        if borrowed is not None and end is not None and borrowed < end:
            start = borrowed
    if start is None:
        return None
    if end <= start and not last.qualified and end.hour < 12:
        end = time(end.hour + 12, end.minute)
    if end <= start:
        return None
    return TimeRange(RangeKind.BETWEEN, start, end)


@dataclass(frozen=True, slots=True)
class RangeHit:
    """One range or bound said, where it was said, and whether its ends are included."""

    span: tuple[int, int]
    kind: RangeKind
    start: time | None = None
    end: time | None = None
    strict_start: bool = False  # "después de las 5": 5:00 is not in it
    inclusive_end: bool = False  # "12 o antes": 12:00 is in it

    @property
    def range(self) -> TimeRange:
        return TimeRange(self.kind, self.start, self.end)


_IDIOM_WORDS = ("medio", "comer", "comida", "trabaj", "jale", "chamba", "oficina")


def find_range_hits(text: str, *, normalized: bool = False) -> list[RangeHit]:
    """Every range and bound said, in order of appearance (a range claims its words before a bound)."""
    norm = _norm(text, normalized)
    hits: list[RangeHit] = []
    taken: list[tuple[int, int]] = []

    def add(hit: RangeHit) -> None:
        if not _overlaps(hit.span, taken):
            hits.append(hit)
            taken.append(hit.span)

    if _CLOCKISH_RE.search(norm):  # the patterns below all need an hour; most messages have none
        for pattern in _RANGE_RES:
            for match in pattern.finditer(norm):
                found = _between(match)
                if found is not None:
                    add(RangeHit(match.span(), RangeKind.BETWEEN, found.start, found.end))
        for pattern, kind, closed in _BOUND_RES:
            for match in pattern.finditer(norm):
                clock = _clock_from(match, "a" if kind is RangeKind.FROM else "b")
                moment = clock.resolve() if clock else None
                if moment is None:
                    continue
                if kind is RangeKind.FROM:
                    add(RangeHit(match.span(), kind, moment, None, strict_start=not closed))
                else:
                    add(RangeHit(match.span(), kind, None, moment, inclusive_end=closed))
    if any(word in norm for word in _IDIOM_WORDS):
        for pattern, kind, moment, strict in _IDIOM_RES:
            for match in pattern.finditer(norm):
                if kind is RangeKind.FROM:
                    add(RangeHit(match.span(), kind, moment, None, strict_start=strict))
                else:
                    add(RangeHit(match.span(), kind, None, moment))
    if "todo" in norm:
        for match in _ALL_DAY_RE.finditer(norm):
            add(RangeHit(match.span(), RangeKind.ALL_DAY))
    hits.sort(key=lambda hit: hit.span)
    return hits


_KIND_ORDER = {RangeKind.BETWEEN: 0, RangeKind.FROM: 1, RangeKind.UNTIL: 2, RangeKind.ALL_DAY: 3}


def find_time_range(text: str, *, normalized: bool = False) -> tuple[tuple[int, int], TimeRange] | None:
    """The first explicit time range with its span in the normal form (a range "de 2 a 4" before a bound)."""
    hits = find_range_hits(text, normalized=normalized)
    if not hits:
        return None
    first = min(hits, key=lambda hit: (_KIND_ORDER[hit.kind], hit.span))
    return first.span, first.range


def parse_time_range(text: str, *, normalized: bool = False, single_as_slot: bool = False) -> TimeRange | None:
    """An explicit range ("de 2 a 3", "de 5 en adelante"), or None.

    ``single_as_slot=True`` turns a lone time into a one-slot range (``las 4`` when blocking).
    """
    norm = _norm(text, normalized)
    found = find_time_range(norm, normalized=True)
    if found is not None:
        return found[1]
    if single_as_slot:
        single = parse_time(norm, normalized=True)
        if single is not None:
            return TimeRange(RangeKind.AT, single, None)
    return None


