"""Listing every bookable start with interval arithmetic, ranked (no CP-SAT involved).

Per service of the visit and per resource, the starts that resource can take are computed
as intervals, then laid on the booking grid as bitsets (Python ints, one bit per grid
start). Each start gets the cheapest resources that can take it (see `ranking`), so the
listing costs a few bit operations per resource plus one small object per slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from solver import ranking
from solver.booking import Assignment, BookedService, BookingRequest, NoAssignment, Slot, StepOptions
from solver.intervals import Intervals
from solver.plan import (
    Plan,
    Step,
    diagnose,
    feasible_starts,
    hole_free_starts,
    make_plan,
    min_useful_minutes,
    preference_penalties,
    spot_choice_cost,
    spot_starts,
    staff_choice_cost,
    staff_starts,
)
from solver.salon import Salon


def _mask(plan: Plan, starts: Intervals) -> int:
    """Bit i set when grid start i is in the set.

    Few ranges are OR-ed in; many are written as binary digits and parsed once, so the cost
    stays linear in the grid however fragmented the set is.
    """
    ranges = plan.index_ranges(starts)
    if len(ranges) <= 8:
        mask = 0
        for i0, i1 in ranges:
            mask |= ((1 << (i1 - i0)) - 1) << i0
        return mask
    digits = bytearray(b"0") * ranges[-1][1]
    for i0, i1 in ranges:
        digits[i0:i1] = b"1" * (i1 - i0)
    digits.reverse()
    return int(digits, 2)


def _union(masks) -> int:
    result = 0
    for mask in masks:
        result |= mask
    return result


def _bits(mask: int) -> list[int]:
    """Indices of the set bits, highest first."""
    text = bin(mask)
    top = len(text) - 1
    found = []
    position = text.find("1", 2)
    while position != -1:
        found.append(top - position)
        position = text.find("1", position + 1)
    return found


@dataclass(slots=True)
class _Choice:
    """One way to staff one service at some starts: a resource at a cost, where it applies."""

    cost: int
    resource_id: str
    mask: int


@dataclass(slots=True)
class _StepChoices:
    staff: list[_Choice]  # sorted by (cost, id); one resource may appear twice (with/without hole)
    spots: list[_Choice]
    staff_valid: dict[str, int]  # resource id -> every start it can take
    spot_valid: dict[str, int]


def _step_choices(plan: Plan, step: Step) -> _StepChoices:
    cal = plan.calendars
    staff: list[_Choice] = []
    staff_valid: dict[str, int] = {}
    only_pinned = plan.seats == 1
    people = (plan.pinned_staff,) if only_pinned and plan.pinned_staff is not None else step.staff
    for m in people:
        free = cal.staff_free(m)
        valid = _mask(plan, staff_starts(step, free))
        if not valid:
            continue
        staff_valid[m.id] = valid
        good = valid & _mask(plan, hole_free_starts(step, free, min_useful_minutes(plan, m)))
        cost = staff_choice_cost(plan, m)
        if good:
            staff.append(_Choice(cost, m.id, good))
        if valid & ~good:
            staff.append(_Choice(cost + ranking.HOLE, m.id, valid & ~good))
    spots: list[_Choice] = []
    spot_valid: dict[str, int] = {}
    places = (plan.pinned_spot,) if only_pinned and plan.pinned_spot is not None and step.needs_spot else step.spots
    for p in places:
        valid = _mask(plan, spot_starts(step, cal.spot_free(p)))
        if valid:
            spot_valid[p.id] = valid
            spots.append(_Choice(spot_choice_cost(p), p.id, valid))
    staff.sort(key=lambda c: (c.cost, c.resource_id))
    spots.sort(key=lambda c: (c.cost, c.resource_id))
    return _StepChoices(staff, spots, staff_valid, spot_valid)


def _cheapest_single(choices: list[_Choice], feasible: int, size: int, total: list[int]) -> list:
    """For one seat: the cheapest resource at every feasible start; adds its cost to total."""
    ids: list = [None] * size
    remaining = feasible
    for choice in choices:
        take = remaining & choice.mask
        if take:
            remaining ^= take
            rid, cost = choice.resource_id, choice.cost
            for i in _bits(take):
                ids[i] = rid
                total[i] += cost
            if not remaining:
                break
    return ids


def _cheapest_group(
    choices: list[_Choice], feasible: int, size: int, total: list[int], seats: int, pinned: str | None
) -> list:
    """For several seats: the `seats` cheapest distinct resources (pinned one first) per start."""
    ids: list = [None] * size
    for i in _bits(feasible):
        picked: list[str] = []
        cost = 0
        if pinned is not None:
            for c in choices:
                if c.resource_id == pinned and (c.mask >> i) & 1:
                    picked.append(pinned)
                    cost += c.cost
                    break
        for c in choices:
            if len(picked) == seats:
                break
            if c.resource_id != pinned and (c.mask >> i) & 1:
                picked.append(c.resource_id)
                cost += c.cost
        ids[i] = tuple(picked)
        total[i] += cost
    return ids


def _options_per_start(valid: dict[str, int], feasible: int, size: int) -> list[list[str]]:
    per_start: list[list[str]] = [[] for _ in range(size)]
    for rid in sorted(valid):
        for i in _bits(valid[rid] & feasible):
            per_start[i].append(rid)
    return per_start


class _Builder:
    """Turns grid starts and chosen resources into public values (datetimes in UTC)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.step_times = [(s.offset_delta, s.offset_delta + s.duration_delta, s.service.id) for s in plan.steps]
        last = plan.steps[-1]
        self.visit_length = last.offset_delta + last.duration_delta

    def assignment(self, start: datetime, staff: list[tuple], spots: list[tuple]) -> Assignment:
        """staff[step][seat] / spots[step][seat] are resource ids (spot may be None)."""
        booked = []
        for seat in range(self.plan.seats):
            for step_index, (offset, end, service_id) in enumerate(self.step_times):
                booked.append(
                    BookedService(
                        service_id, staff[step_index][seat], spots[step_index][seat], start + offset, start + end, seat
                    )
                )
        return Assignment(tuple(booked))


def list_slots(plan: Plan, with_options: bool = False) -> list[Slot]:
    size = plan.count
    seats = plan.seats
    all_choices = [_step_choices(plan, step) for step in plan.steps]
    if seats == 1:
        # Union of what each resource can take, straight from their bitsets.
        feasible = (1 << size) - 1
        for step, choices in zip(plan.steps, all_choices):
            feasible &= _union(choices.staff_valid.values())
            if step.needs_spot:
                feasible &= _union(choices.spot_valid.values())
    else:
        feasible = _mask(plan, feasible_starts(plan))
    if not feasible:
        return []

    staff_ids: list[list] = []
    spot_ids: list[list | None] = []
    total = [0] * size
    for step, choices in zip(plan.steps, all_choices):
        if seats == 1:
            staff_ids.append(_cheapest_single(choices.staff, feasible, size, total))
        else:
            pinned = plan.pinned_staff.id if plan.pinned_staff else None
            staff_ids.append(_cheapest_group(choices.staff, feasible, size, total, seats, pinned))
        if not step.needs_spot:
            spot_ids.append(None)
        elif seats == 1:
            spot_ids.append(_cheapest_single(choices.spots, feasible, size, total))
        else:
            pinned = plan.pinned_spot.id if plan.pinned_spot else None
            spot_ids.append(_cheapest_group(choices.spots, feasible, size, total, seats, pinned))

    indices = _bits(feasible)
    earlier = ranking.EARLIER
    for i in indices:
        total[i] += earlier * i
    day_ranges, part_ranges = preference_penalties(plan)
    for ranges, weight in ((day_ranges, ranking.MISSED_DAY), (part_ranges, ranking.MISSED_PART_OF_DAY)):
        if ranges is None:
            continue
        for i in indices:
            total[i] += weight
        for i0, i1 in ranges:
            for i in _bits((feasible >> i0) & ((1 << (i1 - i0)) - 1)):
                total[i + i0] -= weight
    ranked = sorted([(total[i], i) for i in indices])
    limit = plan.request.preferences.limit
    if limit is not None:
        ranked = ranked[:limit]

    options_per_step: list[tuple[list[list[str]], list[list[str]] | None]] = []
    if with_options:
        for step, choices in zip(plan.steps, all_choices):
            staff_options = _options_per_start(choices.staff_valid, feasible, size)
            spot_options = _options_per_start(choices.spot_valid, feasible, size) if step.needs_spot else None
            options_per_step.append((staff_options, spot_options))
    interned: dict[tuple, StepOptions] = {}

    builder = _Builder(plan)
    horizon = plan.horizon
    origin = horizon.origin
    lo, grid = plan.lo, plan.grid
    visit_length = builder.visit_length
    slots = []
    for cost, i in ranked:
        start = origin + timedelta(minutes=lo + i * grid)
        if seats == 1:
            staff = [(ids[i],) for ids in staff_ids]
            spots = [(ids[i],) if ids is not None else (None,) for ids in spot_ids]
        else:
            staff = [ids[i] for ids in staff_ids]
            spots = [ids[i] if ids is not None else (None,) * seats for ids in spot_ids]
        options: tuple[StepOptions, ...] = ()
        if with_options:
            found = []
            for step, (staff_options, spot_options) in zip(plan.steps, options_per_step):
                key = (step.service.id, tuple(staff_options[i]), tuple(spot_options[i]) if spot_options else ())
                value = interned.get(key)
                if value is None:
                    value = interned[key] = StepOptions(*key)
                found.append(value)
            options = tuple(found)
        slots.append(Slot(start, start + visit_length, builder.assignment(start, staff, spots), -cost, options))
    return slots


def available_slots(salon: Salon, request: BookingRequest, now: datetime, *, with_options: bool = False) -> list[Slot]:
    """Every bookable start for the request, best first (see `ranking`); [] when none.

    Each slot carries the assignment it would use; with_options=True also lists every
    stylist and spot that could take each service at that start. For *why* nothing is
    available, call `explain_no_slots` (or `assign_booking`, which answers with a reason).
    """
    plan = make_plan(salon, request, now)
    if isinstance(plan, NoAssignment):
        return []
    return list_slots(plan, with_options)


def explain_no_slots(salon: Salon, request: BookingRequest, now: datetime) -> NoAssignment | None:
    """The reason no slot exists, or None when there is at least one."""
    plan = make_plan(salon, request, now)
    if isinstance(plan, NoAssignment):
        return plan
    if plan.index_ranges(feasible_starts(plan)):
        return None
    return diagnose(plan)

