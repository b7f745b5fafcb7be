"""The greedy baseline: each affected appointment, in order, takes the nearest free slot.

It is what a careful receptionist would do by hand, and the yardstick the CP-SAT plan must
never lose to (the optimiser falls back to it, and the bench compares against it).
"""

from __future__ import annotations

from .candidates import day_of, free_time
from .plan import Placement, Plan
from .problem import Problem, build_problem, score
from .salon import RebookingPolicy, Salon, Window


def greedy_rebooking(salon: Salon, policy: RebookingPolicy) -> Plan:
    """Rebooking plan by first fit: same time with someone else, then nearest time, then other days."""
    problem = build_problem(salon, policy)
    moves, unplaceable, figures = score(problem, greedy_placements(problem))
    return Plan(moves, unplaceable, figures, status="feasible", method="greedy", seconds_to_first_plan=0.0, solve_seconds=0.0)


def greedy_placements(problem: Problem) -> dict[str, Placement | None]:
    """Final placements of the movable appointments; unaffected ones never move here."""
    affected = [a for a in problem.movable if a.affected]
    affected_ids = {a.id for a in affected}
    staying = [a for a in problem.salon.appointments if a.id not in affected_ids]
    staff_free, spot_free = free_time(problem.salon, staying)
    placements: dict[str, Placement | None] = {a.id: None for a in affected}
    placements.update({a.id: Placement(a.staff_id, a.spot_id, a.start, a.day) for a in problem.movable if not a.affected})

    for appointment in sorted(affected, key=lambda a: (a.start, a.id)):
        option = problem.options[appointment.id]
        days = problem.salon_days

        def nearness(start: int) -> tuple[int, int, int]:
            day = day_of(days, start)
            return (day != appointment.day, abs(start - option.targets[day]), start)

        staff_order = sorted(option.staff_starts, key=lambda s: (s != appointment.staff_id, s))
        spot_order = sorted(option.spot_starts or (), key=lambda p: (p != appointment.spot_id, p))
        for start in sorted(option.starts, key=nearness):
            chosen = _first_fit(appointment, start, staff_order, spot_order, staff_free, spot_free, option.spot_starts is None)
            if chosen is None:
                continue
            staff_id, spot_id = chosen
            staff_free[staff_id] = staff_free[staff_id].take(appointment.staff_busy(start))
            if spot_id is not None:
                spot_free[spot_id] = spot_free[spot_id].take([Window(start, start + appointment.duration)])
            placements[appointment.id] = Placement(staff_id, spot_id, start, day_of(days, start))
            break
    return placements


def _first_fit(appointment, start, staff_order, spot_order, staff_free, spot_free, needs_no_spot):
    parts = appointment.staff_busy(start)
    for staff_id in staff_order:
        if not all(staff_free[staff_id].holds(part) for part in parts):
            continue
        if needs_no_spot:
            return staff_id, None
        for spot_id in spot_order:
            if spot_free[spot_id].holds(Window(start, start + appointment.duration)):
                return staff_id, spot_id
        return None
    return None
