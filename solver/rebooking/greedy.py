"""The greedy baseline: each affected unit, in order, takes the nearest free slot.

It is what a careful receptionist would do by hand, and the yardstick the CP-SAT plan must
never lose to (the optimiser falls back to it, and the bench compares against it). A visit
of several services is placed whole: every part at its booked offset from the first.
"""

from __future__ import annotations

from .candidates import Options, day_of, free_time
from .plan import Placement, Plan
from .problem import Problem, before, build_problem, score
from .salon import RebookingPolicy, Salon, Window
from .time_windows import FreeTime


def greedy_rebooking(salon: Salon, policy: RebookingPolicy) -> Plan:
    """Rebooking plan by first fit: same time with someone else, then nearest time, then other days."""
    problem = build_problem(salon, policy)
    moves, unplaceable, figures = score(problem, greedy_placements(problem))
    return Plan(moves, unplaceable, figures, status="feasible", method="greedy", seconds_to_first_plan=0.0, solve_seconds=0.0)


def greedy_placements(problem: Problem) -> dict[str, Placement | None]:
    """Final placements of every movable appointment; unaffected units never move here."""
    affected = [u for u in problem.units if u.affected]
    affected_ids = {part.id for unit in affected for part in unit.parts}
    staying = [a for a in problem.salon.appointments if a.id not in affected_ids]
    staff_free, spot_free = free_time(problem.salon, staying)
    placements: dict[str, Placement | None] = {part.id: None for unit in affected for part in unit.parts}
    placements.update({part.id: before(part) for unit in problem.units if not unit.affected for part in unit.parts})
    days = problem.salon_days

    for unit in sorted(affected, key=lambda u: (u.start, u.id)):
        option = problem.options[unit.id]

        def nearness(start: int) -> tuple[int, int, int]:
            day = day_of(days, start)
            return (day != unit.day, abs(start - option.targets[day]), start)

        for start in sorted(option.starts, key=nearness):
            chosen = _first_fit(option, start, staff_free, spot_free)
            if chosen is None:
                continue
            day = day_of(days, start)
            for part_option, (staff_id, spot_id) in zip(option.parts, chosen):
                part, at = part_option.appointment, start + part_option.offset
                staff_free[staff_id] = staff_free[staff_id].take(part.staff_busy(at))
                if spot_id is not None:
                    spot_free[spot_id] = spot_free[spot_id].take([Window(at, at + part.duration)])
                placements[part.id] = Placement(staff_id, spot_id, at, day)
            break
    return placements


def _first_fit(option: Options, start: int, staff_free: dict[str, FreeTime],
               spot_free: dict[str, FreeTime]) -> list[tuple[str, str | None]] | None:
    """A stylist and chair for every part at `start` (the booked ones first), or None."""
    staff_free, spot_free = dict(staff_free), dict(spot_free)  # parts of one visit must not share a slot
    chosen: list[tuple[str, str | None]] = []
    for part_option in option.parts:
        part, at = part_option.appointment, start + part_option.offset
        parts = part.staff_busy(at)
        whole = Window(at, at + part.duration)
        staff_order = sorted(part_option.staff_starts, key=lambda s: (s != part.staff_id, s))
        spot_order = sorted(part_option.spot_starts or (), key=lambda p: (p != part.spot_id, p))
        staff_id = next((s for s in staff_order if all(staff_free[s].holds(w) for w in parts)), None)
        if staff_id is None:
            return None
        spot_id = None
        if part_option.spot_starts is not None:
            spot_id = next((p for p in spot_order if spot_free[p].holds(whole)), None)
            if spot_id is None:
                return None
            spot_free[spot_id] = spot_free[spot_id].take([whole])
        staff_free[staff_id] = staff_free[staff_id].take(parts)
        chosen.append((staff_id, spot_id))
    return chosen
