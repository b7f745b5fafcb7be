"""Where each movable unit (an appointment, or a whole visit) could go, before looking at
the other movable ones.

Pinned appointments are carved out of the stylists' and chairs' windows first, so the
models only reason about the units that may move.
"""

from __future__ import annotations

from dataclasses import dataclass

from .plan import (
    NO_COMPATIBLE_SPOT,
    NO_QUALIFIED_STAFF,
    NO_TIME_IN_WINDOW,
    PREFERRED_STAFF_UNAVAILABLE,
    SCHEDULE_FULL,
    UnplaceableReason,
)
from .salon import Appointment, Salon, SalonDay, Window
from .time_windows import FreeTime
from .units import Unit


@dataclass(frozen=True, slots=True)
class PartOptions:
    """Who and which chair may take one part of a unit, by the unit's start.

    `spot_starts` is None when the part needs no chair.
    """

    appointment: Appointment
    offset: int
    staff_starts: dict[str, tuple[int, ...]]
    spot_starts: dict[str, tuple[int, ...]] | None


@dataclass(frozen=True, slots=True)
class Options:
    """The starts a unit may take, and each part's stylists and chairs for those starts.

    `targets` maps each candidate day to the original time of day on that day (the
    zero-shift start of the unit).
    """

    unit: Unit
    parts: tuple[PartOptions, ...]
    targets: dict[int, int]
    starts: tuple[int, ...]

    @property
    def placeable(self) -> bool:
        return bool(self.starts)


@dataclass(frozen=True, slots=True)
class Reach:
    """How far an appointment may move: the days it may land on and the shift window."""

    days: tuple[int, ...]
    shift_window: int
    granularity: int
    staff_ids: tuple[str, ...] | None = None  # None: anyone qualified (the chosen stylist if chosen)


def days_by_index(salon: Salon) -> dict[int, SalonDay]:
    return {day.index: day for day in salon.days}


def day_of(salon_days: dict[int, SalonDay], minute: int) -> int:
    for day in salon_days.values():
        if day.start <= minute < day.end:
            return day.index
    raise ValueError(f"minute {minute} is outside every salon day")


def free_time(salon: Salon, pinned: list[Appointment]) -> tuple[dict[str, FreeTime], dict[str, FreeTime]]:
    """Stylists' and chairs' windows minus the pinned appointments."""
    staff_busy: dict[str, list[Window]] = {member.id: [] for member in salon.staff}
    spot_busy: dict[str, list[Window]] = {spot.id: [] for spot in salon.spots}
    for appointment in pinned:
        staff_busy.setdefault(appointment.staff_id, []).extend(appointment.staff_busy(appointment.start))
        if appointment.spot_id is not None:
            spot_busy.setdefault(appointment.spot_id, []).append(Window(appointment.start, appointment.end))
    staff_free = {m.id: FreeTime(m.windows).take(staff_busy[m.id]) for m in salon.staff}
    spot_free = {s.id: FreeTime(s.windows).take(spot_busy[s.id]) for s in salon.spots}
    return staff_free, spot_free


def raw_time(salon: Salon) -> tuple[dict[str, FreeTime], dict[str, FreeTime]]:
    """Stylists' and chairs' windows ignoring every appointment (to explain failures)."""
    return free_time(salon, [])


def grid_starts(unit: Unit, salon_days: dict[int, SalonDay], reach: Reach) -> dict[int, tuple[int, list[int]]]:
    """Per candidate day: the unit's zero-shift start, and its starts in reach on the granularity grid.

    The original time of day is always a candidate, even off the grid, so "same time,
    someone else" stays possible for appointments booked at 10:05.
    """
    own_day = salon_days[unit.day]
    original_time_of_day = unit.start - own_day.start
    result: dict[int, tuple[int, list[int]]] = {}
    for index in reach.days:
        day = salon_days.get(index)
        if day is None:
            continue
        target = day.start + original_time_of_day
        low = max(day.start, target - reach.shift_window)
        high = min(day.end - unit.span, target + reach.shift_window)
        if high < low:
            continue
        step = reach.granularity
        first = day.start + -(-(low - day.start) // step) * step
        starts = list(range(first, high + 1, step))
        if low <= target <= high and target not in starts:
            starts.append(target)
            starts.sort()
        result[index] = (target, starts)
    return result


def options_for(
    unit: Unit,
    salon: Salon,
    salon_days: dict[int, SalonDay],
    reach: Reach,
    staff_free: dict[str, FreeTime],
    spot_free: dict[str, FreeTime],
) -> Options:
    per_day = grid_starts(unit, salon_days, reach)
    all_starts = sorted(start for _, starts in per_day.values() for start in starts)
    targets = {index: target for index, (target, _) in per_day.items()}

    usable = set(all_starts)
    raw_parts = []
    for offset, part in zip(unit.offsets, unit.parts):
        staff_shape = tuple((offset + w.start, offset + w.end) for w in part.staff_busy(0))
        staff_starts: dict[str, tuple[int, ...]] = {}
        for member in qualified_staff(part, salon, reach):
            fitting = staff_free[member.id].fitting(all_starts, staff_shape)
            if fitting:
                staff_starts[member.id] = fitting
        usable &= {t for starts in staff_starts.values() for t in starts}
        spot_starts: dict[str, tuple[int, ...]] | None = None
        if part.spot_id is not None:
            spot_starts = {}
            spot_shape = ((offset, offset + part.duration),)
            for spot in salon.spots:
                if part.service_id not in spot.services:
                    continue
                fitting = spot_free[spot.id].fitting(all_starts, spot_shape)
                if fitting:
                    spot_starts[spot.id] = fitting
            usable &= {t for starts in spot_starts.values() for t in starts}
        raw_parts.append((part, offset, staff_starts, spot_starts))

    parts = []
    for part, offset, staff_starts, spot_starts in raw_parts:
        staff_starts = {k: kept for k, v in staff_starts.items() if (kept := tuple(t for t in v if t in usable))}
        if spot_starts is not None:
            spot_starts = {k: kept for k, v in spot_starts.items() if (kept := tuple(t for t in v if t in usable))}
        parts.append(PartOptions(part, offset, staff_starts, spot_starts))
    return Options(unit, tuple(parts), targets, tuple(sorted(usable)))


def qualified_staff(appointment: Appointment, salon: Salon, reach: Reach):
    for member in salon.staff:
        if appointment.service_id not in member.services:
            continue
        if appointment.staff_chosen and member.id != appointment.staff_id:
            continue
        if reach.staff_ids is not None and member.id not in reach.staff_ids:
            continue
        yield member


def why_unplaceable(unit: Unit, salon: Salon, reach: Reach) -> UnplaceableReason:
    """The most specific reason an affected unit found no place.

    "Qualified" and "compatible" mean: performs (hosts) the service and works (is usable)
    on at least one of the days the unit may go to. A visit whose parts each fit alone but
    not one after the other as booked has no time in the window.
    """
    salon_days = days_by_index(salon)
    spans = [Window(salon_days[d].start, salon_days[d].end) for d in reach.days if d in salon_days]

    def on_those_days(windows: tuple[Window, ...]) -> bool:
        return any(w.start < span.end and span.start < w.end for w in windows for span in spans)

    for part in unit.parts:
        if part.spot_id is not None and not any(
            part.service_id in spot.services and on_those_days(spot.windows) for spot in salon.spots
        ):
            return NO_COMPATIBLE_SPOT
    staff_raw, spot_raw = raw_time(salon)
    if options_for(unit, salon, salon_days, reach, staff_raw, spot_raw).placeable:
        return SCHEDULE_FULL
    for part in unit.parts:
        alone = Unit(part.id, (part,), (0,))
        if options_for(alone, salon, salon_days, reach, staff_raw, spot_raw).placeable:
            continue
        if part.staff_chosen:
            return PREFERRED_STAFF_UNAVAILABLE
        if not any(part.service_id in member.services and on_those_days(member.windows) for member in salon.staff):
            return NO_QUALIFIED_STAFF
    return NO_TIME_IN_WINDOW
