"""Where each movable appointment could go, before looking at the other movable ones.

Pinned appointments are carved out of the stylists' and chairs' windows first, so the
models only reason about the appointments that may move.
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


@dataclass(frozen=True, slots=True)
class Options:
    """The starts an appointment may take with each stylist and chair.

    `spot_starts` is None when the appointment needs no chair. `targets` maps each
    candidate day to the original time of day on that day (the zero-shift start).
    """

    appointment: Appointment
    staff_starts: dict[str, tuple[int, ...]]
    spot_starts: dict[str, tuple[int, ...]] | None
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


def grid_starts(appointment: Appointment, salon_days: dict[int, SalonDay], reach: Reach) -> dict[int, tuple[int, list[int]]]:
    """Per candidate day: the zero-shift start, and the starts in reach on the granularity grid.

    The original time of day is always a candidate, even off the grid, so "same time,
    someone else" stays possible for appointments booked at 10:05.
    """
    own_day = salon_days[appointment.day]
    original_time_of_day = appointment.start - own_day.start
    result: dict[int, tuple[int, list[int]]] = {}
    for index in reach.days:
        day = salon_days.get(index)
        if day is None:
            continue
        target = day.start + original_time_of_day
        low = max(day.start, target - reach.shift_window)
        high = min(day.end - appointment.duration, target + reach.shift_window)
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
    appointment: Appointment,
    salon: Salon,
    salon_days: dict[int, SalonDay],
    reach: Reach,
    staff_free: dict[str, FreeTime],
    spot_free: dict[str, FreeTime],
) -> Options:
    per_day = grid_starts(appointment, salon_days, reach)
    all_starts = sorted(start for _, starts in per_day.values() for start in starts)
    targets = {index: target for index, (target, _) in per_day.items()}

    staff_starts: dict[str, tuple[int, ...]] = {}
    for member in qualified_staff(appointment, salon, reach):
        free = staff_free[member.id]
        fitting = tuple(t for t in all_starts if all(free.holds(part) for part in appointment.staff_busy(t)))
        if fitting:
            staff_starts[member.id] = fitting

    spot_starts: dict[str, tuple[int, ...]] | None = None
    if appointment.spot_id is not None:
        spot_starts = {}
        for spot in salon.spots:
            if appointment.service_id not in spot.services:
                continue
            free = spot_free[spot.id]
            fitting = tuple(t for t in all_starts if free.holds(Window(t, t + appointment.duration)))
            if fitting:
                spot_starts[spot.id] = fitting

    staff_union = {t for starts in staff_starts.values() for t in starts}
    if spot_starts is not None:
        spot_union = {t for starts in spot_starts.values() for t in starts}
        usable = staff_union & spot_union
        spot_starts = {k: tuple(t for t in v if t in usable) for k, v in spot_starts.items()}
        spot_starts = {k: v for k, v in spot_starts.items() if v}
    else:
        usable = staff_union
    staff_starts = {k: tuple(t for t in v if t in usable) for k, v in staff_starts.items()}
    staff_starts = {k: v for k, v in staff_starts.items() if v}
    return Options(appointment, staff_starts, spot_starts, targets, tuple(sorted(usable)))


def qualified_staff(appointment: Appointment, salon: Salon, reach: Reach):
    for member in salon.staff:
        if appointment.service_id not in member.services:
            continue
        if appointment.staff_chosen and member.id != appointment.staff_id:
            continue
        if reach.staff_ids is not None and member.id not in reach.staff_ids:
            continue
        yield member


def why_unplaceable(appointment: Appointment, salon: Salon, reach: Reach) -> UnplaceableReason:
    """The most specific reason an affected appointment found no place.

    "Qualified" and "compatible" mean: performs (hosts) the service and works (is usable)
    on at least one of the days the appointment may go to.
    """
    salon_days = days_by_index(salon)
    spans = [Window(salon_days[d].start, salon_days[d].end) for d in reach.days if d in salon_days]

    def on_those_days(windows: tuple[Window, ...]) -> bool:
        return any(w.start < span.end and span.start < w.end for w in windows for span in spans)

    if appointment.spot_id is not None and not any(
        appointment.service_id in spot.services and on_those_days(spot.windows) for spot in salon.spots
    ):
        return NO_COMPATIBLE_SPOT
    staff_raw, spot_raw = raw_time(salon)
    if options_for(appointment, salon, salon_days, reach, staff_raw, spot_raw).placeable:
        return SCHEDULE_FULL
    if appointment.staff_chosen:
        return PREFERRED_STAFF_UNAVAILABLE
    if not any(appointment.service_id in member.services and on_those_days(member.windows) for member in salon.staff):
        return NO_QUALIFIED_STAFF
    return NO_TIME_IN_WINDOW
