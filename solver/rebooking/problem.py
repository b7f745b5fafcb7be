"""The rebooking problem both searches share: who may move, where, and what a plan costs.

Greedy and CP-SAT read the same `Problem` and are scored by the same `score`, so "never
worse than greedy" compares like with like.
"""

from __future__ import annotations

from dataclasses import dataclass

from .candidates import Options, Reach, day_of, days_by_index, free_time, options_for, why_unplaceable
from .plan import Move, Placement, PlanFigures, Unplaceable
from .salon import Appointment, RebookingPolicy, Salon, SalonDay, Weights


@dataclass(frozen=True, slots=True)
class Problem:
    salon: Salon
    salon_days: dict[int, SalonDay]
    movable: tuple[Appointment, ...]
    options: dict[str, Options]
    reaches: dict[str, Reach]
    weights: Weights

    @property
    def affected(self) -> tuple[Appointment, ...]:
        return tuple(a for a in self.movable if a.affected)


def build_problem(salon: Salon, policy: RebookingPolicy) -> Problem:
    salon_days = days_by_index(salon)
    affected = [a for a in salon.appointments if a.affected]
    landing_days = {a.day for a in affected} | set(policy.move_to_days)
    nudgeable = [
        a
        for a in salon.appointments
        if not a.affected
        and a.day in landing_days
        and affected
        and (policy.unaffected_moves == "any" or (policy.unaffected_moves == "accepting" and a.accepts_moves))
        and _in_the_way(a, affected, salon, salon_days, policy)
    ]
    movable = tuple(sorted(affected + nudgeable, key=lambda a: (a.start, a.id)))
    moving_ids = {a.id for a in movable}
    pinned = [a for a in salon.appointments if a.id not in moving_ids]
    staff_free, spot_free = free_time(salon, pinned)

    reaches: dict[str, Reach] = {}
    options: dict[str, Options] = {}
    for appointment in movable:
        days = (appointment.day,)
        if appointment.affected:
            days += tuple(d for d in dict.fromkeys(policy.move_to_days) if d != appointment.day)
        reach = Reach(days, policy.shift_window_minutes, policy.granularity_minutes)
        reaches[appointment.id] = reach
        options[appointment.id] = options_for(appointment, salon, salon_days, reach, staff_free, spot_free)

    weights = policy.weights or priority_weights(movable, options, salon_days)
    return Problem(salon, salon_days, movable, options, reaches, weights)


def _in_the_way(
    appointment: Appointment, affected: list[Appointment], salon: Salon, salon_days: dict[int, SalonDay], policy: RebookingPolicy
) -> bool:
    """Whether nudging this unaffected appointment could make room for an affected one.

    Only appointments on a stylist or chair an affected one could use, near a time it could
    take, can help; leaving the rest pinned keeps the model small.
    """
    window = policy.shift_window_minutes
    own = salon_days[appointment.day]
    reach_start, reach_end = appointment.start - window, appointment.end + window
    for other in affected:
        usable = appointment.staff_id in {m.id for m in salon.staff if other.service_id in m.services} or (
            appointment.spot_id is not None and other.spot_id is not None
            and any(s.id == appointment.spot_id and other.service_id in s.services for s in salon.spots)
        )
        if not usable or (other.staff_chosen and other.staff_id != appointment.staff_id and appointment.spot_id is None):
            continue
        if appointment.day != other.day and appointment.day not in policy.move_to_days:
            continue
        target = own.start + (other.start - salon_days[other.day].start)
        if target - window < reach_end and reach_start < target + window + other.duration:
            return True
    return False


def priority_weights(movable: tuple[Appointment, ...], options: dict[str, Options], salon_days: dict[int, SalonDay]) -> Weights:
    """Weights that make the weighted sum strictly lexicographic for this instance.

    Each level weighs one more than the worst the levels below it can possibly add up to,
    so no amount of lower-level savings pays for one unit higher up.
    """
    affected = sum(1 for a in movable if a.affected)
    nudgeable = len(movable) - affected
    worst_minutes = sum(max_shift(options[a.id], salon_days) for a in movable)
    spot = 1
    minute = 1 + spot * len(movable)
    staff = 1 + minute * worst_minutes + spot * len(movable)
    unaffected = 1 + staff * len(movable) + minute * worst_minutes + spot * len(movable)
    below_day = unaffected * nudgeable + staff * len(movable) + minute * worst_minutes + spot * len(movable)
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
    """Moves, unplaceable appointments and figures of a plan given as final placements."""
    w = problem.weights
    moves: list[Move] = []
    unplaceable: list[Unplaceable] = []
    kept = kept_on_day = day_changes = unaffected_moved = staff_changes = spot_changes = minutes = 0
    for appointment in problem.movable:
        placement = placements.get(appointment.id)
        if placement is None:
            reason = why_unplaceable(appointment, problem.salon, problem.reaches[appointment.id])
            unplaceable.append(Unplaceable(appointment.id, reason))
            continue
        if appointment.affected:
            kept += 1
            kept_on_day += placement.day == appointment.day
        if placement == before(appointment):
            continue
        move = Move(appointment.id, before(appointment), placement, appointment.affected, shift_minutes(problem, appointment, placement))
        moves.append(move)
        day_changes += move.changes_day
        unaffected_moved += not appointment.affected
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
        affected=len(problem.affected),
        kept=kept,
        kept_on_day=kept_on_day,
        unplaced=unplaced,
        day_changes=day_changes,
        unaffected_moved=unaffected_moved,
        staff_changes=staff_changes,
        spot_changes=spot_changes,
        minutes_moved=minutes,
        objective=objective,
        best_bound=best_bound,
    )
    return tuple(moves), tuple(unplaceable), figures
