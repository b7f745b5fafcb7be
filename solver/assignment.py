"""Choosing one booking's stylists, spots and start with CP-SAT.

The model, per (seat, service): one Boolean per candidate stylist and per candidate spot
(exactly one of each), an optional interval per busy piece of the service (stylist pieces
skip the processing time; the spot piece covers it), and per resource one `AddNoOverlap`
holding its optional intervals plus fixed intervals for every minute it cannot be used
(closed, not working, blocked, already booked). The start is one integer: its grid index.
The objective is `ranking`'s cost, so CP-SAT picks what the listing ranks first.

OR-Tools is imported on first use only (about half a second, once per process), and solved
with one worker and a fixed seed: small models, deterministic answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import Any

from solver import ranking
from solver.booking import Assignment, BookedService, BookingRequest, NoAssignment, Slot
from solver.intervals import complement, normalize
from solver.plan import (
    Plan,
    diagnose,
    hole_free_starts,
    make_plan,
    min_useful_minutes,
    preference_penalties,
    spot_choice_cost,
    spot_starts,
    staff_choice_cost,
    staff_starts,
)
from solver.salon import ResourceKind, Salon

DEFAULT_TIME_LIMIT_SECONDS = 2.0
DETERMINISTIC_TIME_LIMIT = 1.0  # CP-SAT's own work units, independent of machine load
PRESOLVE = False

_cp_model: ModuleType | None = None
_model_class: Any = None


def cp_model() -> ModuleType:
    """ortools.sat.python.cp_model, imported once per process on first need."""
    global _cp_model, _model_class
    if _cp_model is None:
        from ortools.sat.python import cp_model as module

        class Model(module.CpModel):  # type: ignore[misc, name-defined]
            """CpModel without the camelCase aliases it builds per instance (~2 ms each)."""

            def _add_pre_pep8_methods(self) -> None:
                pass

        _cp_model, _model_class = module, Model
    return _cp_model


def new_model() -> Any:
    cp_model()
    return _model_class()


@dataclass(frozen=True, slots=True)
class Solved:
    assignment: Assignment
    cost: int  # in `ranking` units, comparable with -Slot.score
    optimal: bool


def _domain(cp: ModuleType, ranges: list[tuple[int, int]]) -> Any:
    return cp.Domain.from_intervals([[a, b - 1] for a, b in ranges])


def solve_plan(
    plan: Plan,
    *,
    time_limit_seconds: float = DEFAULT_TIME_LIMIT_SECONDS,
    forbidden_starts: list[tuple[int, int]] | None = None,
    fixed_start_index: int | None = None,
    allowed_starts: list[tuple[int, int]] | None = None,
    hint: Assignment | None = None,
    availability_as_domains: bool = False,
) -> Solved | None:
    """The cheapest assignment for a plan, or None when the model is infeasible.

    allowed_starts (grid index ranges) and hint let assign_booking hand over what interval
    arithmetic already knows (see `promising_starts`). forbidden_starts and
    fixed_start_index let the tests ask whether anything outside the listing, or at one
    listed start, is bookable: without any of these, the model stands on its own.

    availability_as_domains swaps the encoding of free time: instead of fixed intervals in
    each resource's no-overlap, each choice enforces "start in this resource's free starts".
    It exists for bench/solver.py, which measures both (fixed intervals won).
    """
    cp = cp_model()
    cal = plan.calendars
    model = new_model()
    size = plan.count
    index = model.new_int_var(0, size - 1, "start_index")
    if allowed_starts is not None:
        if not allowed_starts:
            return None
        model.add_linear_expression_in_domain(index, _domain(cp, allowed_starts))
    if fixed_start_index is not None:
        model.add(index == fixed_start_index)
    if forbidden_starts:
        allowed = complement(forbidden_starts, 0, size)
        if not allowed:
            return None
        model.add_linear_expression_in_domain(index, _domain(cp, allowed))
    start = plan.lo + plan.grid * index

    objective: list[Any] = [ranking.EARLIER * index]
    constant = 0
    day_ranges, part_ranges = preference_penalties(plan)
    for ranges, weight, name in (
        (day_ranges, ranking.MISSED_DAY, "on_preferred_day"),
        (part_ranges, ranking.MISSED_PART_OF_DAY, "in_preferred_part_of_day"),
    ):
        if ranges is None:
            continue
        constant += weight
        if ranges:
            hit = model.new_bool_var(name)
            model.add_linear_expression_in_domain(index, _domain(cp, ranges)).only_enforce_if(hit)
            objective.append(-weight * hit)

    # Only the time the visit can reach needs its fixed intervals.
    first_index, last_index = 0, size - 1
    if allowed_starts is not None:
        first_index, last_index = allowed_starts[0][0], allowed_starts[-1][1] - 1
    reach_lo, reach_hi = plan.start_of(first_index), plan.start_of(last_index) + plan.span
    intervals: dict[tuple[ResourceKind, str], list[Any]] = {}
    staff_cost_of: dict[str, int] = {}
    hole_free_of: dict[tuple[int, str], list[tuple[int, int]]] = {}
    chosen_staff: list[list[list[tuple[str, Any]]]] = []  # [step][seat] -> [(id, literal)]
    chosen_spot: list[list[list[tuple[str, Any]]]] = []

    for step_index, step in enumerate(plan.steps):
        staff_per_seat = []
        spot_per_seat = []
        for seat in range(plan.seats):
            options = []
            for m in plan.staff_candidates(step, seat):
                x = model.new_bool_var(f"staff_{step_index}_{seat}_{m.id}")
                options.append((m.id, x))
                for a, b in step.shape.staff_pieces:
                    piece = model.new_optional_fixed_size_interval_var(start + (step.offset + a), b - a, x, "")
                    intervals.setdefault((ResourceKind.STAFF, m.id), []).append(piece)
                if availability_as_domains:
                    _enforce_free_starts(model, cp, x, index, plan.index_ranges(staff_starts(step, cal.staff_free(m))))
                if m.id not in staff_cost_of:
                    staff_cost_of[m.id] = staff_choice_cost(plan, m)
                key = (step_index, m.id)
                if key not in hole_free_of:
                    good = hole_free_starts(step, cal.staff_free(m), min_useful_minutes(plan, m))
                    hole_free_of[key] = plan.index_ranges(good)
                objective.append((staff_cost_of[m.id] + ranking.HOLE) * x)
                if hole_free_of[key]:
                    compact = model.new_bool_var("")
                    model.add_implication(compact, x)
                    model.add_linear_expression_in_domain(index, _domain(cp, hole_free_of[key])).only_enforce_if(compact)
                    objective.append(-ranking.HOLE * compact)
            model.add_exactly_one([x for _, x in options])
            staff_per_seat.append(options)

            spot_options = []
            if step.needs_spot:
                for p in plan.spot_candidates(step, seat):
                    y = model.new_bool_var(f"spot_{step_index}_{seat}_{p.id}")
                    spot_options.append((p.id, y))
                    a, b = step.shape.spot_piece
                    piece = model.new_optional_fixed_size_interval_var(start + (step.offset + a), b - a, y, "")
                    intervals.setdefault((ResourceKind.SPOT, p.id), []).append(piece)
                    if availability_as_domains:
                        _enforce_free_starts(model, cp, y, index, plan.index_ranges(spot_starts(step, cal.spot_free(p))))
                    objective.append(spot_choice_cost(p) * y)
                model.add_exactly_one([y for _, y in spot_options])
            spot_per_seat.append(spot_options)
        _break_seat_symmetry(model, staff_per_seat, plan.pinned_staff is not None)
        if step.needs_spot:
            _break_seat_symmetry(model, spot_per_seat, plan.pinned_spot is not None)
        chosen_staff.append(staff_per_seat)
        chosen_spot.append(spot_per_seat)

    staff_by_id = {m.id: m for m in plan.salon.staff}
    spots_by_id = {p.id: p for p in plan.salon.spots}
    for (kind, rid), pieces in intervals.items():
        if not availability_as_domains:
            free = cal.staff_free(staff_by_id[rid]) if kind is ResourceKind.STAFF else cal.spot_free(spots_by_id[rid])
            for a, b in complement(free, reach_lo, reach_hi):
                pieces.append(model.new_fixed_size_interval_var(a, b - a, ""))
        if len(pieces) > 1:
            model.add_no_overlap(pieces)

    if hint is not None:
        _add_hint(model, plan, index, hint, chosen_staff, chosen_spot)
    # Earliest starts first: the objective leans that way, so good solutions come early.
    model.add_decision_strategy([index], cp.CHOOSE_FIRST, cp.SELECT_MIN_VALUE)
    model.minimize(sum(objective) + constant)
    solver = cp.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    # The deterministic limit keeps answers reproducible; the wall-clock one is a safety net.
    solver.parameters.max_deterministic_time = DETERMINISTIC_TIME_LIMIT
    solver.parameters.max_time_in_seconds = time_limit_seconds
    # Presolve saved nothing measurable on pruned bookings and worsened the p95 of unpruned
    # models (9 -> 16 ms CPU on a 1-day window); without it a complete hint is never rejected.
    solver.parameters.cp_model_presolve = PRESOLVE
    status = solver.solve(model)
    if status not in (cp.OPTIMAL, cp.FEASIBLE):
        if status == cp.INFEASIBLE:
            return None
        raise TimeoutError("CP-SAT found no booking within its time limit")

    chosen_index = solver.value(index)
    begin = plan.horizon.instant(plan.start_of(chosen_index))
    booked = []
    for seat in range(plan.seats):
        for step_index, step in enumerate(plan.steps):
            staff_id = next(rid for rid, x in chosen_staff[step_index][seat] if solver.boolean_value(x))
            spot_id = next((rid for rid, y in chosen_spot[step_index][seat] if solver.boolean_value(y)), None)
            step_start = begin + step.offset_delta
            booked.append(
                BookedService(step.service.id, staff_id, spot_id, step_start, step_start + step.duration_delta, seat)
            )
    return Solved(Assignment(tuple(booked)), round(solver.objective_value), status == cp.OPTIMAL)


def _enforce_free_starts(model: Any, cp: ModuleType, literal: Any, index: Any, ranges: list[tuple[int, int]]) -> None:
    if ranges:
        model.add_linear_expression_in_domain(index, _domain(cp, ranges)).only_enforce_if(literal)
    else:
        model.add(literal == 0)


def _add_hint(model: Any, plan: Plan, index: Any, hint: Assignment, staff, spots) -> None:
    """Start CP-SAT from a known booking; seats sorted the way symmetry breaking wants them."""
    begin = plan.horizon.minute_floor(hint.start)
    model.add_hint(index, (begin - plan.lo) // plan.grid)
    pinned_first = plan.pinned_staff is not None
    for step_index in range(len(plan.steps)):
        steps = len(plan.steps)
        booked = [hint.services[seat * steps + step_index] for seat in range(plan.seats)]
        for chosen, options_per_seat, pinned in (
            ([b.staff_id for b in booked], staff[step_index], pinned_first),
            ([b.spot_id for b in booked], spots[step_index], plan.pinned_spot is not None),
        ):
            if not options_per_seat or not options_per_seat[0]:
                continue
            head = chosen[:1] if pinned else []
            ordered = head + sorted(chosen[len(head) :])
            for seat, options in enumerate(options_per_seat):
                for rid, literal in options:
                    model.add_hint(literal, seat < len(ordered) and rid == ordered[seat])


def _break_seat_symmetry(model: Any, per_seat: list[list[tuple[str, Any]]], first_is_pinned: bool) -> None:
    """Seats of a group are interchangeable: order their resources to prune mirror solutions."""
    free_seats = per_seat[1:] if first_is_pinned else per_seat
    if len(free_seats) < 2:
        return
    rank = {rid: i for i, rid in enumerate(sorted({rid for seat in free_seats for rid, _ in seat}))}
    exprs = [sum(rank[rid] * x for rid, x in seat) for seat in free_seats]
    for before, after in zip(exprs, exprs[1:]):
        model.add(before < after)


def promising_starts(plan: Plan, slots: list[Slot]) -> list[tuple[int, int]]:
    """Grid starts that could still beat the best listed slot, by a cost lower bound.

    A start costs at least its time cost plus the cheapest resources ignoring holes; any
    start whose bound exceeds the best listed cost cannot win, so CP-SAT never sees it.
    """
    best = -slots[0].score
    cheapest = 0
    for step in plan.steps:
        for seat in range(plan.seats):
            cheapest += min(staff_choice_cost(plan, m) for m in plan.staff_candidates(step, seat))
            if step.needs_spot:
                cheapest += min(spot_choice_cost(p) for p in plan.spot_candidates(step, seat))
    day_ranges, part_ranges = preference_penalties(plan)
    kept = []
    for slot in slots:
        i = (plan.horizon.minute_floor(slot.start) - plan.lo) // plan.grid
        bound = ranking.EARLIER * i + cheapest
        if day_ranges is not None and not _within(day_ranges, i):
            bound += ranking.MISSED_DAY
        if part_ranges is not None and not _within(part_ranges, i):
            bound += ranking.MISSED_PART_OF_DAY
        if bound <= best:
            kept.append((i, i + 1))
    return normalize(kept)


def _within(ranges: list[tuple[int, int]], i: int) -> bool:
    return any(a <= i < b for a, b in ranges)


def assign_booking(
    salon: Salon, request: BookingRequest, now: datetime, *, time_limit_seconds: float = DEFAULT_TIME_LIMIT_SECONDS
) -> Assignment | NoAssignment:
    """The best stylists, spots and start for a request, or the reason there are none.

    Interval arithmetic lists the bookable starts first (exact, milliseconds): none means a
    reason without CP-SAT; otherwise CP-SAT chooses among the starts that could still win,
    starting from the best listed slot. The answer is re-checked with interval arithmetic
    against the same snapshot; the caller still re-checks inside its own transaction (the
    data may have moved since). If CP-SAT runs out of time, the best listed slot is used.
    """
    from solver.recheck import recheck_assignment
    from solver.slots import list_slots

    plan = make_plan(salon, request, now)
    if isinstance(plan, NoAssignment):
        return plan
    slots = list_slots(plan)
    if not slots:
        return diagnose(plan)
    try:
        solved = solve_plan(
            plan,
            time_limit_seconds=time_limit_seconds,
            allowed_starts=promising_starts(plan, slots),
            hint=slots[0].assignment,
        )
    except TimeoutError:
        solved = None
    assignment = solved.assignment if solved is not None else slots[0].assignment
    conflicts = recheck_assignment(salon, assignment, now)
    if conflicts:
        raise AssertionError(f"CP-SAT chose an assignment the interval check rejects: {conflicts}")
    return assignment
