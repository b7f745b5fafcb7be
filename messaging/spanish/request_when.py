"""The time constraint of a request, from the days and hours a message names (rule 3 of :mod:`parse`).

Days said are intersected (alternatives were kept as one mention by :mod:`day_mentions`);
a later day that contradicts an earlier one replaces it ("hoy, bueno, mañana"); the
tightest bounds win; of several exact hours not joined by "o" the last one said wins
(people correct themselves mid-message); an hour said with a part of day is read in it
("en la noche a las 8" is 8 PM) and then stands for itself. A day or hour the writer
rules out ("el viernes no puedo", "no puedo el martes") is found here too: :mod:`parse`
decides what it means (the appointment's day in a move, nothing in a booking).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

from . import frame_phrases as request_phrases
from .clock_mentions import ClockMention
from .day_mentions import DayMention
from .time_constraint import ClockBound, DayConstraint, Lean, TimeConstraint
from .times import PartOfDay

__all__ = ["ruled_out", "time_constraint_of", "timed"]

_HORIZON_DAYS = 120


def ruled_out(norm: str, mentions: Sequence[DayMention | ClockMention]) -> set[tuple[int, int]]:
    """Spans of the days and hours the writer rules out: "el viernes no puedo", "no puedo el martes".

    A "no puedo" after one mention belongs to it, so it cannot also rule out the next
    ("hoy no puedo, mañana sí").
    """
    ruled: set[tuple[int, int]] = set()
    floor = 0
    for mention in sorted(mentions, key=lambda m: m.span):
        start, end = mention.span
        before = norm[max(floor, start - 24):start] if start > floor else ""
        after = request_phrases.RULED_OUT_AFTER.match(norm, end)
        if after is not None:
            ruled.add(mention.span)
            floor = after.end()
        elif request_phrases.RULED_OUT_BEFORE.search(before):
            ruled.add(mention.span)
            floor = end
        else:
            floor = max(floor, end)
    return ruled


def timed(clocks: Sequence[ClockMention]) -> list[ClockMention]:
    return [clock for clock in clocks if clock.times]


def _days_constraint(days: Sequence[DayMention], today: date) -> tuple[DayConstraint | None, datetime | None, bool]:
    said = [mention for mention in days if mention.days is not None or mention.not_before is not None]
    if not said:
        return None, None, False
    combined: DayConstraint | None = None
    for mention in said:
        if mention.days is None:
            continue
        candidate = mention.days if combined is None else combined & mention.days
        if next(candidate.days_from(today, limit=_HORIZON_DAYS), None) is None and combined is not None:
            candidate = mention.days  # a later day that contradicts an earlier one replaces it
        combined = candidate
    not_before = max((m.not_before for m in said if m.not_before is not None), default=None)
    if not_before is not None and combined is not None and not combined.admits(not_before.date()):
        not_before = None  # "hoy" corrected to "el sábado"
    return combined, not_before, any(m.soonest for m in said)


def _in_part(moment: time, part: PartOfDay | None) -> time:
    """A bare hour read in the part of day said with it: "en la noche a las 8" is 20:00."""
    if part is None:
        return moment
    start, end = part.window
    if not start <= moment < end and moment.hour < 12:
        shifted = time(moment.hour + 12, moment.minute)
        if start <= shifted < end or (part is PartOfDay.EVENING and shifted >= start):
            return shifted
    return moment


def _clock_constraint(clocks: Sequence[ClockMention]) -> dict:
    parts = [clock.part_of_day for clock in clocks if clock.part_of_day is not None]
    part = parts[-1] if parts else None
    hours = timed(clocks)
    times = tuple(_in_part(t, part) for t in hours[-1].times) if hours else ()
    afters = [clock.after for clock in clocks if clock.after is not None]
    befores = [clock.before for clock in clocks if clock.before is not None]
    after = max(
        (ClockBound(_in_part(b.time, part), b.inclusive) for b in afters),
        key=lambda b: (b.time, not b.inclusive), default=None,
    )
    before = min(
        (ClockBound(_in_part(b.time, part), b.inclusive) for b in befores),
        key=lambda b: (b.time, b.inclusive), default=None,
    )
    leans = [clock.lean for clock in clocks if clock.lean is not None]
    return {
        "part_of_day": None if times else part,
        "times": times,
        "around": bool(hours and hours[-1].around),
        "after": after,
        "before": before,
        "lean": leans[-1] if leans else None,
    }


def time_constraint_of(days: Sequence[DayMention], clocks: Sequence[ClockMention], today: date) -> TimeConstraint:
    day_constraint, not_before, soonest = _days_constraint(days, today)
    clock = _clock_constraint(clocks)
    if clock["lean"] is None and soonest:
        clock["lean"] = Lean.SOONEST
    return TimeConstraint(days=day_constraint, not_before=not_before, **clock)
