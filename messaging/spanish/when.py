"""The "when" of a reply, in one call: day, time, time range and part of day.

For the states that ask "¿para cuándo?" or "¿a qué hora?": "Mañana en la tarde", "A las
4", "Para el sábado si hay espacio", "el lunes de 2 a 4". The date is read first and
taken out of the text, then a range, then single times, so "el 15 a las 4" is the 15th
at 4 PM and never 3 PM on the 4th.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from .dates import DateExpression, find_date
from .normal_form import normalize
from .time_ranges import TimeRange, find_time_range
from .times import PartOfDay, find_times, parse_part_of_day

__all__ = ["When", "parse_when"]


@dataclass(frozen=True, slots=True)
class When:
    date: DateExpression | None = None
    time: time | None = None
    time_range: TimeRange | None = None
    part_of_day: PartOfDay | None = None

    @property
    def is_empty(self) -> bool:
        return self.date is None and self.time is None and self.time_range is None and self.part_of_day is None


def parse_when(text: str, today: date, *, bare_time: bool = False) -> When:
    """Day, time, range and part of day said in a reply.

    ``bare_time=True`` reads a reply that is only a number ("4") as an hour, for when
    Parlo has just asked "¿a qué hora?".
    """
    norm = normalize(text)
    rest = norm
    found_date = find_date(norm, today, normalized=True)
    if found_date is not None:
        start, end = found_date[0]
        rest = rest[:start] + " " * (end - start) + rest[end:]
    time_range = None
    found_range = find_time_range(rest, normalized=True)
    if found_range is not None:
        time_range = found_range[1]
        start, end = found_range[0]
        rest = rest[:start] + " " * (end - start) + rest[end:]
    times = find_times(rest.strip() if bare_time else rest, normalized=True, bare=bare_time)
    date_expression = found_date[1] if found_date else None
    part = (date_expression.part_of_day if date_expression else None) or parse_part_of_day(norm, normalized=True)
    return When(date_expression, times[0][1] if times else None, time_range, part)
