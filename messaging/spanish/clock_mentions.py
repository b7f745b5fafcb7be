"""Everything a message says about the hour, where it says it: bounds, ranges, times, parts, leans.

Rules, in the order they claim words (so "después de las 5" is a bound, never also "las 5"):

1. **Ranges and bounds** from :func:`~.times.find_range_hits`: "de 10 a 12", "entre 2 y
   4", "después de las 5" (strict), "a partir de las 5", "desde las 5", "5 en adelante",
   "5 o después" (from 5:00), "antes de las 12", "hasta las 12" (before 12:00), "12 o
   antes" (up to 12:00), "antes/después de mediodía", "después de comer" (from 3 PM),
   "saliendo del trabajo" (from 6 PM).
2. **Exact times** from :func:`~.times.find_times`, with alternatives joined by "o" ("a
   las 4 o 5", "a las 4 o a las 5"); a time marked "como a las", "tipo", "a eso de",
   "por ahí de", "alrededor de", "más o menos" is approximate. "a mediodía" is
   approximate too.
3. **Parts of the day**: "en la tarde", "mañana en la noche", "esta tarde", "por las
   mañanas" (:func:`~.times.find_parts_of_day`).
4. **Leans**: "lo más pronto posible", "cuanto antes", "el primer espacio" (soonest);
   "temprano", "a primera hora", "lo más temprano" (early: before 11 AM); "tarde" as
   late, "ya tarde", "a última hora", "lo más tarde" (late: from 5 PM); "más temprano",
   "un poco antes" (earlier than what was offered); "más tarde", "un poco después"
   (later than what was offered).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time

from . import intent_phrases as phrases
from .time_constraint import ClockBound, Lean
from .time_ranges import RangeKind, find_range_hits
from .times import PartOfDay, find_parts_of_day, find_times, resolve_hour

__all__ = ["ClockMention", "find_clock_mentions"]


@dataclass(frozen=True, slots=True)
class ClockMention:
    span: tuple[int, int]
    times: tuple[time, ...] = ()
    around: bool = False
    after: ClockBound | None = None
    before: ClockBound | None = None
    part_of_day: PartOfDay | None = None
    lean: Lean | None = None


_AROUND_BEFORE_RE = re.compile(
    r"\b(?:como|tipo|a\s+eso(?:\s+de)?|por\s+ahi(?:\s+de)?|alrededor(?:\s+de)?|mas\s+o\s+menos|aproximadamente|aprox"
    r"|cerca(?:\s+de)?)(?:\s+a)?\s*$"
)
_AROUND_AFTER_RE = re.compile(r"\s*(?:mas\s+o\s+menos|aprox\w*|o\s+asi|por\s+ahi)\b")
_AROUND_LEAD_RE = re.compile(r"\s*(?:como|tipo)\b")
_ALTERNATIVE_RE = re.compile(
    r"\s+(?:o|u)\s+(?:a\s+)?(?:las?\s+)?(?P<h>1[0-2]|0?[1-9]|1[3-9]|2[0-3])(?::(?P<m>[0-5]\d))?\b"
    r"(?:\s*(?P<ampm>am|pm)\b)?(?!\s*(?:de\s+(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)|dias|semanas|minutos|horas))"
)
_REFERENCE_BEFORE_RE = re.compile(r"\b(?:la|cita|turno|reservacion)\s*$")
_NOON_RE = re.compile(r"\b(?:a|al|como\s+a|como\s+al)\s+(?:mediodia|medio\s+dia)\b")
_LEANS = (
    (Lean.SOONEST, phrases.SOONEST),
    (Lean.EARLY, re.compile(
        r"\blo\s+mas\s+temprano(?:\s+(?:posible|que\s+(?:se\s+pueda|puedas|tengas)))?\b|\bmas\s+temprano\s+posible\b")),
    (Lean.LATE, re.compile(
        r"\blo\s+mas\s+tarde(?:\s+(?:posible|que\s+(?:se\s+pueda|puedas|tengas)))?\b|\bmas\s+tarde\s+posible\b")),
    (Lean.EARLIER, re.compile(
        r"\bmas\s+(?:temprano|tempranito|antes)\b|\b(?:un\s+poco|algo|tantito|poquito|un\s+poquito)\s+antes\b")),
    (Lean.LATER, re.compile(
        r"\bmas\s+(?:tarde|tardecito|noche)\b|\b(?:un\s+poco|algo|tantito|poquito|un\s+poquito)\s+despues\b")),
    (Lean.EARLY, re.compile(r"\b(?:temprano|tempranito|a\s+primera\s+hora|de\s+madrugada|a\s+la\s+primera\s+hora)\b")),
    (Lean.LATE, re.compile(
        r"\b(?:ya\s+(?:tarde|noche)|tardecito|a\s+(?:la\s+)?ultima\s+hora|(?<!\bla\s)(?<!\blas\s)(?<!\bbuenas\s)"
        r"(?<!\besta\s)(?<!\bde\s)(?<!\ben\s)(?<!\bpor\s)(?<!\bmuy\s)(?<!\bse\s)(?<!\bhizo\s)tarde)\b")),
)


def _blank(text: str, span: tuple[int, int]) -> str:
    return text[: span[0]] + " " * (span[1] - span[0]) + text[span[1]:]


def _blank_all(text: str, spans: Sequence[tuple[int, int]]) -> str:
    for span in spans:
        text = _blank(text, span)
    return text


def _alternatives(rest: str, end: int, first: time) -> tuple[list[time], int]:
    """"a las 4 o 5": more times after the first, read in the first's half of the day when bare."""
    found: list[time] = []
    while match := _ALTERNATIVE_RE.match(rest, end):
        hour = int(match.group("h"))
        meridiem = match.group("ampm") or ("pm" if first.hour >= 12 and hour < 12 else None)
        resolved = resolve_hour(hour, meridiem=meridiem)
        if resolved is None:
            break
        found.append(time(resolved, int(match.group("m") or 0)))
        end = match.end()
    return found, end


def find_clock_mentions(norm: str, day_spans: Sequence[tuple[int, int]] = ()) -> list[ClockMention]:
    """Everything said about the hour in a normalized message, in order (see the module's rules).

    Times and ranges are read with the days (``day_spans``) taken out, so "el 15 a las 4"
    is 4 o'clock of the 15th; parts of the day are read with the days in, so "el
    viernes tarde" is Friday afternoon rather than "late".
    """
    rest = _blank_all(norm, day_spans)
    found: list[ClockMention] = []
    for hit in find_range_hits(rest, normalized=True):
        if hit.kind is RangeKind.BETWEEN and _REFERENCE_BEFORE_RE.search(rest, 0, hit.span[0]):
            continue  # "mueve la de las 11 a las 3": the 11 o'clock one, to 3
        after = ClockBound(hit.start, not hit.strict_start) if hit.start is not None else None
        before = ClockBound(hit.end, hit.inclusive_end) if hit.end is not None and hit.kind is not RangeKind.ALL_DAY else None
        found.append(ClockMention(hit.span, after=after, before=before))
        rest = _blank(rest, hit.span)
    noon_spans = [match.span() for match in _NOON_RE.finditer(rest)]
    times = find_times(rest, normalized=True)
    index = 0
    while index < len(times):
        (start, end), first = times[index]
        alternatives, end = _alternatives(rest, end, first)
        while index + 1 < len(times) and times[index + 1][0][0] < end:
            index += 1  # an alternative find_times also saw ("a las 4 o a las 5")
        around = bool(
            _AROUND_BEFORE_RE.search(rest, 0, start) or _AROUND_LEAD_RE.match(rest, start)
            or _AROUND_AFTER_RE.match(rest, end)
        ) or any(a <= start < b for a, b in noon_spans)
        if around and (after := _AROUND_AFTER_RE.match(rest, end)):
            end = after.end()
        found.append(ClockMention((start, end), tuple(dict.fromkeys([first, *alternatives])), around=around))
        index += 1
    rest = _blank_all(norm, [mention.span for mention in found])
    for span, part in find_parts_of_day(rest, normalized=True):
        if "temprano" in rest[span[0]:span[1]]:  # "mañana temprano": early, not just the morning
            found.append(ClockMention(span, lean=Lean.EARLY))
        else:
            found.append(ClockMention(span, part_of_day=part))
        rest = _blank(rest, span)
    rest = _blank_all(rest, day_spans)
    for lean, pattern in _LEANS:
        for match in pattern.finditer(rest):
            found.append(ClockMention(match.span(), lean=lean))
            rest = _blank(rest, match.span())
    found.sort(key=lambda mention: mention.span)
    return found
