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
    mask = 0
    for i0, i1 in plan.index_ranges(starts):
        mask |= ((1 << (i1 - i0)) - 1) << i0
    return mask


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
        good = valid & _mask(plan, hole_free_starts(step, free, min_useful_minutes(plan.salon, m)))
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


def _cheapest_single(choices: list[_Choice], feasible: int, size: int) -> tuple[list, list[int]]:
    """For one seat: the cheapest resource at every feasible start (index -> id, cost)."""
    ids: list = [None] * size
    costs = [0] * size
    remaining = feasible
    for choice in choices:
        take = remaining & choice.mask
        if take:
            remaining ^= take
            rid, cost = choice.resource_id, choice.cost
            for i in _bits(take):
                ids[i] = rid
                costs[i] = cost
            if not remaining:
                break
    return ids, costs


def _cheapest_group(choices: list[_Choice], feasible: int, size: int, seats: int, pinned: str | None) -> tuple[list, list[int]]:
    """For several seats: the `seats` cheapest distinct resources (pinned one first) per start."""
    ids: list = [None] * size
    costs = [0] * size
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
        costs[i] = cost
    return ids, costs


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
    feasible = _mask(plan, feasible_starts(plan))
    if not feasible:
        return []
    all_choices = [_step_choices(plan, step) for step in plan.steps]

    staff_ids: list[list] = []
    spot_ids: list[list | None] = []
    total_costs = [0] * size
    for step, choices in zip(plan.steps, all_choices):
        if seats == 1:
            ids, costs = _cheapest_single(choices.staff, feasible, size)
        else:
            pinned = plan.pinned_staff.id if plan.pinned_staff else None
            ids, costs = _cheapest_group(choices.staff, feasible, size, seats, pinned)
        staff_ids.append(ids)
        total_costs = [a + b for a, b in zip(total_costs, costs)]
        if step.needs_spot:
            if seats == 1:
                ids, costs = _cheapest_single(choices.spots, feasible, size)
            else:
                pinned = plan.pinned_spot.id if plan.pinned_spot else None
                ids, costs = _cheapest_group(choices.spots, feasible, size, seats, pinned)
            spot_ids.append(ids)
            total_costs = [a + b for a, b in zip(total_costs, costs)]
        else:
            spot_ids.append(None)

    day_ranges, part_ranges = preference_penalties(plan)
    penalty = [0] * size
    if day_ranges is not None:
        penalty = [ranking.MISSED_DAY] * size
        for i0, i1 in day_ranges:
            penalty[i0:i1] = [0] * (i1 - i0)
    if part_ranges is not None:
        part = [ranking.MISSED_PART_OF_DAY] * size
        for i0, i1 in part_ranges:
            part[i0:i1] = [0] * (i1 - i0)
        penalty = [a + b for a, b in zip(penalty, part)]

    earlier = ranking.EARLIER
    ranked = sorted((total_costs[i] + penalty[i] + earlier * i, i) for i in _bits(feasible))
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

