"""Turning a request into a plan both search paths share: steps, candidates, window, calendars.

A visit is its services back to back: each starts when the previous one's buffer ends, and
all seats of a group start together. Within one seat the services never overlap in time, so
each service can be placed independently, and a start is feasible exactly when, for every
service, enough qualified stylists and enough compatible spots are free at its offset.
That is why interval arithmetic is exact here, and CP-SAT is only needed to *choose*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from solver.booking import PART_OF_DAY_MINUTES, BookingRequest, NoAssignment, Reason
from solver.calendar import Calendars, Horizon, zone_named
from solver.intervals import (
    Intervals,
    clip,
    covered_at_least,
    intersect,
    merge_sorted,
    normalize,
    shift,
    starts_fitting,
    total,
)
from solver import ranking
from solver.occupancy import ServiceShape, service_shape
from solver.salon import ResourceKind, Salon, Service, Spot, Staff, require_aware


@dataclass(slots=True)
class Step:
    """One service of the visit, placed `offset` minutes after the visit starts."""

    service: Service
    shape: ServiceShape
    offset: int
    staff: tuple[Staff, ...]  # everyone qualified (the pinned stylist included)
    spots: tuple[Spot, ...]  # every spot hosting it; empty when the location needs none
    duration_delta: timedelta
    offset_delta: timedelta

    @property
    def needs_spot(self) -> bool:
        return bool(self.spots)


@dataclass(slots=True)
class Plan:
    salon: Salon
    request: BookingRequest
    horizon: Horizon
    calendars: Calendars
    steps: tuple[Step, ...]
    seats: int
    pinned_staff: Staff | None
    pinned_spot: Spot | None
    lo: int  # first start (on the grid), minutes from the horizon origin
    hi: int  # starts are < hi
    grid: int
    span: int  # the whole visit, buffers included
    memo: dict = field(default_factory=dict)  # per-plan caches of derived costs

    @property
    def count(self) -> int:
        """Number of grid starts in the window; start i is lo + i * grid."""
        return (self.hi - self.lo + self.grid - 1) // self.grid

    def start_of(self, index: int) -> int:
        return self.lo + index * self.grid

    def index_ranges(self, starts: Intervals) -> list[tuple[int, int]]:
        """Grid indices (half-open ranges) of the starts in a set of start minutes."""
        lo, g, n = self.lo, self.grid, self.count
        result = []
        for a, b in starts:
            i1 = (b - lo + g - 1) // g
            if i1 <= 0:
                continue
            i0 = (a - lo + g - 1) // g
            if i0 >= n:
                break
            if i0 < 0:
                i0 = 0
            if i1 > n:
                i1 = n
            if i0 < i1:
                result.append((i0, i1))
        return result

    def staff_candidates(self, step: Step, seat: int) -> tuple[Staff, ...]:
        if self.pinned_staff is None:
            return step.staff
        if seat == 0:
            return (self.pinned_staff,)
        return tuple(m for m in step.staff if m.id != self.pinned_staff.id)

    def spot_candidates(self, step: Step, seat: int) -> tuple[Spot, ...]:
        if self.pinned_spot is None or not step.needs_spot:
            return step.spots
        if seat == 0:
            return (self.pinned_spot,)
        return tuple(p for p in step.spots if p.id != self.pinned_spot.id)


def booking_window(salon: Salon, now: datetime) -> tuple[datetime, datetime]:
    """[now + minimum notice, local midnight after today + max_days_ahead)."""
    zone = zone_named(salon.timezone)
    earliest = now + timedelta(minutes=salon.options.min_notice_minutes)
    last_day = now.astimezone(zone).date() + timedelta(days=salon.options.max_days_ahead + 1)
    return earliest, datetime.combine(last_day, time(0), tzinfo=zone)


def make_plan(salon: Salon, request: BookingRequest, now: datetime) -> Plan | NoAssignment:
    require_aware(now, "now")
    services = {s.id: s for s in salon.services}
    staff_by_id = {m.id: m for m in salon.staff}
    spots_by_id = {p.id: p for p in salon.spots}
    for service_id in request.service_ids:
        if service_id not in services:
            return NoAssignment(Reason.UNKNOWN_SERVICE, f"no service {service_id}")
    pinned_staff = None
    if request.staff_id is not None:
        pinned_staff = staff_by_id.get(request.staff_id)
        if pinned_staff is None:
            return NoAssignment(Reason.UNKNOWN_STAFF, f"no staff member {request.staff_id}")
    pinned_spot = None
    if request.spot_id is not None:
        pinned_spot = spots_by_id.get(request.spot_id)
        if pinned_spot is None:
            return NoAssignment(Reason.UNKNOWN_SPOT, f"no spot {request.spot_id}")

    seats = request.group_size
    steps: list[Step] = []
    offset = 0
    for service_id in request.service_ids:
        service = services[service_id]
        shape = service_shape(service, salon)
        qualified = tuple(m for m in salon.staff if service_id in m.service_ids)
        if pinned_staff is not None and pinned_staff not in qualified:
            return NoAssignment(Reason.NO_QUALIFIED_STAFF, f"{pinned_staff.id} does not perform {service_id}")
        if len(qualified) < seats:
            return NoAssignment(Reason.NO_QUALIFIED_STAFF, f"{len(qualified)} staff perform {service_id}, {seats} needed")
        hosting = tuple(p for p in salon.spots if service_id in p.service_ids)
        if pinned_spot is not None and pinned_spot not in hosting:
            return NoAssignment(Reason.NO_COMPATIBLE_SPOT, f"{pinned_spot.id} does not host {service_id}")
        if hosting and len(hosting) < seats:
            return NoAssignment(Reason.NO_COMPATIBLE_SPOT, f"{len(hosting)} spots host {service_id}, {seats} needed")
        steps.append(
            Step(service, shape, offset, qualified, hosting, timedelta(minutes=shape.duration), timedelta(minutes=offset))
        )
        offset += shape.span
    span = offset

    earliest, latest = booking_window(salon, now)
    window_start = earliest if request.window_start is None else max(request.window_start, earliest)
    window_end = latest if request.window_end is None else min(request.window_end, latest)
    if window_start >= window_end:
        return NoAssignment(Reason.OUTSIDE_BOOKING_WINDOW, "the window is before the minimum notice or too far ahead")
    zone = zone_named(salon.timezone)
    horizon = Horizon.covering(zone, window_start, window_end + timedelta(minutes=span))
    grid = salon.options.granularity_minutes
    lo = -((-horizon.minute_ceil(window_start)) // grid) * grid
    hi = horizon.minute_ceil(window_end)
    if lo >= hi:
        return NoAssignment(Reason.OUTSIDE_BOOKING_WINDOW, "no start on the booking grid inside the window")

    wanted = {(ResourceKind.STAFF, m.id) for step in steps for m in step.staff}
    wanted |= {(ResourceKind.SPOT, p.id) for step in steps for p in step.spots}
    calendars = Calendars(salon, horizon, wanted)
    return Plan(salon, request, horizon, calendars, tuple(steps), seats, pinned_staff, pinned_spot, lo, hi, grid, span)


# ---- start sets, in visit-start minutes -------------------------------------------------


def staff_starts(step: Step, free: Intervals) -> Intervals:
    """Visit starts at which this stylist is free for every piece of this service."""
    pieces = step.shape.staff_pieces
    starts = starts_fitting(free, *pieces[0])
    for piece in pieces[1:]:
        starts = intersect(starts, starts_fitting(free, *piece))
    return shift(starts, -step.offset)


def spot_starts(step: Step, free: Intervals) -> Intervals:
    return shift(starts_fitting(free, *step.shape.spot_piece), -step.offset)


def _enough(pinned: Intervals | None, others: list[Intervals], needed: int) -> Intervals:
    if pinned is None:
        return covered_at_least(others, needed)
    if needed == 1:
        return pinned
    return intersect(pinned, covered_at_least(others, needed - 1))


def feasible_starts(plan: Plan, use_bookings: bool = True) -> Intervals:
    """Every start minute in the window at which the whole visit fits (not yet on the grid).

    With use_bookings=False, stored occupancy is ignored (to tell "full" from "never fits").
    """
    cal = plan.calendars
    result: Intervals = [(plan.lo, plan.hi)]
    for step in plan.steps:
        staff_free = cal.staff_free if use_bookings else cal.staff_working
        pinned = plan.pinned_staff
        others = [staff_starts(step, staff_free(m)) for m in step.staff if pinned is None or m.id != pinned.id]
        pinned_set = staff_starts(step, staff_free(pinned)) if pinned is not None else None
        result = intersect(result, _enough(pinned_set, others, plan.seats))
        if step.needs_spot:
            spot_free = cal.spot_free if use_bookings else cal.spot_working
            pinned_spot = plan.pinned_spot
            others = [spot_starts(step, spot_free(p)) for p in step.spots if pinned_spot is None or p.id != pinned_spot.id]
            pinned_set = spot_starts(step, spot_free(pinned_spot)) if pinned_spot is not None else None
            result = intersect(result, _enough(pinned_set, others, plan.seats))
        if not result:
            break
    return result


def diagnose(plan: Plan) -> NoAssignment:
    """Why no start fits, from the most basic cause to the most specific."""
    cal = plan.calendars
    reach = (plan.lo, plan.hi)  # where a start could be
    if not clip(cal.business_open, *reach):
        return NoAssignment(Reason.CLOSED, "the location is closed in the requested window")
    for step in plan.steps:
        people = (plan.pinned_staff,) if plan.pinned_staff is not None else step.staff
        if not any(clip(cal.staff_working(m), *reach) for m in people):
            return NoAssignment(
                Reason.STAFF_NOT_WORKING, f"nobody who performs {step.service.id} works in the requested window"
            )
    if not plan.index_ranges(feasible_starts(plan, use_bookings=False)):
        return NoAssignment(
            Reason.DOES_NOT_FIT,
            "even with no bookings the visit does not fit: longer than any free stretch, "
            "or not enough stylists or spots free together",
        )
    return NoAssignment(Reason.FULLY_BOOKED, "every time that fits is already taken")


# ---- ranking inputs shared by the listing and CP-SAT ------------------------------------


def hole_free_starts(step: Step, free: Intervals, min_useful: int) -> Intervals:
    """Visit starts at which this service leaves no unusable gap in the stylist's free time.

    A gap is unusable when it is shorter than the stylist's shortest service, but not zero.
    Only the outer ends count: before the first staff piece and after the last one.
    """
    first_o, first_e = step.shape.staff_pieces[0]
    last_o, last_e = step.shape.staff_pieces[-1]
    u = min_useful
    if len(step.shape.staff_pieces) == 1:
        # One piece: both gaps are the same gap, so one pass gives the answer.
        length = first_e - first_o
        ranges = []
        for a, b in free:
            if b - a >= length:
                first, last = a - first_o, b - first_e  # flush left, flush right
                ranges.append((first, first + 1))
                ranges.append((first + u, last - u + 1))
                ranges.append((last, last + 1))
        return shift(merge_sorted(ranges), -step.offset)
    left = []
    right = []
    for a, b in free:
        if b - a >= first_e - first_o:
            left.append((a - first_o, a - first_o + 1))  # flush with the start of the gap
            left.append((a + u - first_o, b - first_e + 1))
        if b - a >= last_e - last_o:
            right.append((a - last_o, b - u - last_e + 1))
            right.append((b - last_e, b - last_e + 1))  # flush with the end of the gap
    return shift(intersect(merge_sorted(left), merge_sorted(right)), -step.offset)


def min_useful_minutes(plan: Plan, staff: Staff) -> int:
    """The stylist's shortest service: a free gap shorter than this is wasted."""
    key = ("min_useful", staff.id)
    cached = plan.memo.get(key)
    if cached is None:
        spans = [service_shape(s, plan.salon).span for s in plan.salon.services if s.id in staff.service_ids]
        cached = plan.memo[key] = min(spans) if spans else 1
    return cached


def staff_choice_cost(plan: Plan, staff: Staff) -> int:
    """Cost of giving one service of the visit to this stylist (before the hole penalty)."""
    key = ("staff_cost", staff.id)
    cached = plan.memo.get(key)
    if cached is not None:
        return cached
    cal = plan.calendars
    preferred = plan.request.preferences.staff_id
    working = clip(cal.staff_working(staff), plan.lo, plan.hi + plan.span)
    booked = total(intersect(cal.busy(ResourceKind.STAFF, staff.id), working))
    cost = ranking.load_cost(booked, total(working)) + ranking.VERSATILITY * len(staff.service_ids)
    if preferred is not None and staff.id != preferred:
        cost += ranking.MISSED_STAFF
    plan.memo[key] = cost
    return cost


def spot_choice_cost(spot: Spot) -> int:
    return ranking.VERSATILITY * len(spot.service_ids)


def preference_penalties(plan: Plan) -> tuple[list[tuple[int, int]] | None, list[tuple[int, int]] | None]:
    """Grid index ranges on the preferred day and in the preferred part of day (None: no wish)."""
    prefs = plan.request.preferences
    horizon = plan.horizon
    day_ranges = None
    if prefs.day is not None:
        day_ranges = plan.index_ranges([horizon.local_range(prefs.day, time(0), time(0))])
    part_ranges = None
    if prefs.part_of_day is not None:
        a, b = PART_OF_DAY_MINUTES[prefs.part_of_day]
        start_t = time(a // 60, a % 60)
        end_t = time(0) if b >= 24 * 60 else time(b // 60, b % 60)
        minutes = [horizon.local_range(horizon.day(i), start_t, end_t) for i in range(horizon.days)]
        part_ranges = plan.index_ranges(normalize(minutes))
    return day_ranges, part_ranges
