"""Weekly opening or working hours as owners and staff write them.

"De lunes a viernes de 10 a 7 y sábados de 10 a 3, domingos cerrado" is three rules.
Used when a business or a staff member tells Parlo their hours (onboarding, "cambia el
horario"). Rules:

* Days: ranges (``de lunes a viernes``, ``lunes a sábado``), lists (``sábados y
  domingos``), single days (``los sábados``, ``el domingo``), ``entre semana`` (Monday to
  Friday), ``fines de semana``, ``todos los días`` / ``diario``.
* Each set of days takes the hours written after it, up to the next set of days; hours
  written before the first set of days belong to it ("abrimos de 10 a 7 de lunes a
  viernes"). Hours follow :mod:`times` (``de 10 a 7`` is 10:00–19:00).
* ``cerrado``, ``no abrimos``, ``descansamos``, ``no trabajo`` after a set of days mark
  it closed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from .dates import WEEKDAYS
from .normal_form import normalize
from .time_ranges import RangeKind, find_time_range

__all__ = ["WeeklyHours", "parse_weekly_hours"]


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    weekdays: tuple[int, ...]  # 0 = Monday
    start: time | None = None
    end: time | None = None
    closed: bool = False


_DAY = r"(?:lunes|martes|miercoles|jueves|viernes|sabados?|domingos?)"
_DAY_SETS = re.compile(
    rf"\b(?:(?:de|del)\s+)?(?P<first>{_DAY})\s+(?:a|al)\s+(?P<last>{_DAY})\b"
    rf"|\b(?P<list>{_DAY}(?:(?:\s*(?:,|\by\b|\be\b)\s*|\s+)(?:los\s+|el\s+)?{_DAY})+)\b"
    r"|\b(?P<weekdays>entre\s+semana)\b|\b(?P<weekends>(?:los\s+)?fines?\s+de\s+semana)\b"
    r"|\b(?P<every>todos\s+los\s+dias|diario|diariamente)\b"
    rf"|\b(?P<single>{_DAY})\b"
)
_CLOSED = re.compile(r"\b(?:cerrad[oa]s?|no\s+(?:abrimos|abro|abre|trabajo|trabajamos|trabaja)|descans\w*|libre)\b")


def _day(word: str) -> int:
    return WEEKDAYS.index(word if word in WEEKDAYS else word[:-1])


def _days_of(match: re.Match[str]) -> tuple[int, ...]:
    if match.group("first"):
        first, last = _day(match.group("first")), _day(match.group("last"))
        return tuple(range(first, last + 1)) if first <= last else tuple(range(first, 7)) + tuple(range(last + 1))
    if match.group("list"):
        return tuple(sorted({_day(word) for word in re.findall(_DAY, match.group("list"))}))
    if match.group("weekdays"):
        return (0, 1, 2, 3, 4)
    if match.group("weekends"):
        return (5, 6)
    if match.group("every"):
        return tuple(range(7))
    return (_day(match.group("single")),)


def parse_weekly_hours(text: str) -> tuple[WeeklyHours, ...]:
    """Hours per set of weekdays, in the order written; empty if no weekday is named."""
    norm = normalize(text)
    matches = list(_DAY_SETS.finditer(norm))
    found: list[WeeklyHours] = []
    for index, match in enumerate(matches):
        segment_end = matches[index + 1].start() if index + 1 < len(matches) else len(norm)
        segment = norm[match.end():segment_end]
        if index == 0 and find_time_range(segment, normalized=True) is None:
            segment = norm[: match.start()] + " " + segment  # "abrimos de 10 a 7 de lunes a viernes"
        days = _days_of(match)
        if _CLOSED.search(segment):
            found.append(WeeklyHours(days, closed=True))
            continue
        hours = find_time_range(segment, normalized=True)
        if hours is not None and hours[1].kind is RangeKind.BETWEEN:
            found.append(WeeklyHours(days, hours[1].start, hours[1].end))
        else:
            found.append(WeeklyHours(days))
    return tuple(found)
