"""The rebooking problem both searches share: which units may move, where, and what a plan costs.

Greedy and CP-SAT read the same `Problem` and are scored by the same `score`, so "never
worse than greedy" compares like with like.
"""

from __future__ import annotations

from dataclasses import dataclass

from .candidates import Options, Reach, day_of, days_by_index, free_time, options_for, why_unplaceable
from .plan import Move, Placement, PlanFigures, Unplaceable
from .salon import Appointment, RebookingPolicy, Salon, SalonDay, Weights
from .units import Unit, units_of


@dataclass(frozen=True, slots=True)
class Problem:
    salon: Salon
    salon_days: dict[int, SalonDay]
    units: tuple[Unit, ...]
    options: dict[str, Options]
    reaches: dict[str, Reach]
    weights: Weights
    max_unaffected_customers: int | None = None

    @property
    def affected(self) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.affected)

    @property
    def movable(self) -> tuple[Appointment, ...]:
        """Every appointment of every movable unit, in time order."""
        return tuple(part for unit in self.units for part in unit.parts)


def build_problem(salon: Salon, policy: RebookingPolicy) -> Problem:
    salon_days = days_by_index(salon)
    units = units_of(salon.appointments)
    affected = [u for u in units if u.affected]
    landing_days = {u.day for u in affected} | set(policy.move_to_days)
    may_nudge = policy.unaffected_moves != "none" and policy.max_unaffected_customers != 0
    nudgeable = [
        u
        for u in units
        if may_nudge
        and not u.affected
        and u.day in landing_days
        and affected
        and (policy.unaffected_moves == "any" or u.accepts_moves)
        and _in_the_way(u, affected, salon, salon_days, policy)
    ]
    movable = tuple(sorted(affected + nudgeable, key=lambda u: (u.start, u.id)))
    moving_ids = {part.id for unit in movable for part in unit.parts}
    pinned = [a for a in salon.appointments if a.id not in moving_ids]
    staff_free, spot_free = free_time(salon, pinned)

    reaches: dict[str, Reach] = {}
    options: dict[str, Options] = {}
    for unit in movable:
        days = (unit.day,)
        if unit.affected:
            days += tuple(d for d in dict.fromkeys(policy.move_to_days) if d != unit.day)
        reach = Reach(days, policy.shift_window_minutes, policy.granularity_minutes)
        reaches[unit.id] = reach
        options[unit.id] = options_for(unit, salon, salon_days, reach, staff_free, spot_free)

    weights = policy.weights or priority_weights(movable, options, salon_days)
    return Problem(salon, salon_days, movable, options, reaches, weights, policy.max_unaffected_customers)


def _in_the_way(unit: Unit, affected: list[Unit], salon: Salon, salon_days: dict[int, SalonDay], policy: RebookingPolicy) -> bool:
    """Whether nudging this unaffected unit could make room for an affected one.

    Only units on a stylist or chair an affected one could use, near a time it could take,
    can help; leaving the rest pinned keeps the model small.
    """
    window = policy.shift_window_minutes
    own = salon_days[unit.day]
    reach_start, reach_end = unit.start - window, unit.end + window
    for other in affected:
        if unit.day != other.day and unit.day not in policy.move_to_days:
            continue
        target = own.start + (other.start - salon_days[other.day].start)
        if not (target - window < reach_end and reach_start < target + window + other.span):
            continue
        for mine in unit.parts:
            for theirs in other.parts:
                usable = mine.staff_id in {m.id for m in salon.staff if theirs.service_id in m.services} or (
                    mine.spot_id is not None and theirs.spot_id is not None
                    and any(s.id == mine.spot_id and theirs.service_id in s.services for s in salon.spots)
                )
                if usable and not (theirs.staff_chosen and theirs.staff_id != mine.staff_id and mine.spot_id is None):
                    return True
    return False


def priority_weights(units: tuple[Unit, ...], options: dict[str, Options], salon_days: dict[int, SalonDay]) -> Weights:
    """Weights that make the weighted sum strictly lexicographic for this instance.

    Each level weighs one more than the worst the levels below it can possibly add up to,
    so no amount of lower-level savings pays for one unit higher up. Levels count
    appointments (a visit of two moved to another day is two day changes).
    """
    parts = sum(len(u.parts) for u in units)
    affected = sum(len(u.parts) for u in units if u.affected)
    nudgeable = parts - affected
    worst_minutes = sum(max_shift(options[u.id], salon_days) * len(u.parts) for u in units)
    spot = 1
    minute = 1 + spot * parts
    staff = 1 + minute * worst_minutes + spot * parts
    unaffected = 1 + staff * parts + minute * worst_minutes + spot * parts
    below_day = unaffected * nudgeable + staff * parts + minute * worst_minutes + spot * parts
    day = 1 + below_day
    unplaced = 1 + day * affected + below_day
    return Weights(unplaced, day, unaffected, staff, minute, spot)


def max_shift(option: Options, salon_days: dict[int, SalonDay]) -> int:
    return max((abs(t - option.targets[day_of(salon_days, t)]) for t in option.starts), default=0)


def before(appointment: Appointment) -> Placement:
    return Placement(appointment.staff_id, appointment.spot_id, appointment.start, appointment.day)


def shift_minutes(problem: Problem, appointment: Appointment, placement: Placement) -> int:
    own = problem.salon_days[appointment.day]
    new = problem.salon_days[placement.day]
    return abs((placement.start - new.start) - (appointment.start - own.start))


def score(
    problem: Problem, placements: dict[str, Placement | None], best_bound: int | None = None
) -> tuple[tuple[Move, ...], tuple[Unplaceable, ...], PlanFigures]:
    """Moves, unplaceable appointments and figures of a plan given as final placements (per appointment).

    Every part of a unit the plan could not place is unplaceable, with the unit's reason.
    """
    w = problem.weights
    moves: list[Move] = []
    unplaceable: list[Unplaceable] = []
    kept = kept_on_day = day_changes = unaffected_moved = staff_changes = spot_changes = minutes = 0
    customers: set[str] = set()
    for unit in problem.units:
        if any(placements.get(part.id) is None for part in unit.parts):
            reason = why_unplaceable(unit, problem.salon, problem.reaches[unit.id])
            unplaceable.extend(Unplaceable(part.id, reason) for part in unit.parts)
            continue
        for part in unit.parts:
            placement = placements[part.id]
            if unit.affected:
                kept += 1
                kept_on_day += placement.day == part.day
            if placement == before(part):
                continue
            move = Move(part.id, before(part), placement, unit.affected, shift_minutes(problem, part, placement))
            moves.append(move)
            day_changes += move.changes_day
            if not unit.affected:
                unaffected_moved += 1
                customers.add(unit.customer)
            staff_changes += move.changes_staff
            spot_changes += move.changes_spot
            minutes += move.minutes_moved
    unplaced = len(unplaceable)
    objective = (
        w.unplaced * unplaced
        + w.day_change * day_changes
        + w.unaffected_moved * unaffected_moved
        + w.staff_change * staff_changes
        + w.minute_moved * minutes
        + w.spot_change * spot_changes
    )
    figures = PlanFigures(
        affected=sum(len(u.parts) for u in problem.affected),
        kept=kept,
        kept_on_day=kept_on_day,
        unplaced=unplaced,
        day_changes=day_changes,
        unaffected_moved=unaffected_moved,
        unaffected_customers=len(customers),
        staff_changes=staff_changes,
        spot_changes=spot_changes,
        minutes_moved=minutes,
        objective=objective,
        best_bound=best_bound,
    )
    return tuple(moves), tuple(unplaceable), figures
