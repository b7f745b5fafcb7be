"""The CP-SAT rebooking plan: minimise disruption, never do worse than the greedy baseline.

One start variable per movable appointment; an optional interval per stylist (split
around processing time) and per chair that can take it; no-overlap per stylist and per
chair. Pinned appointments are already carved out of the windows, so only movable ones
are modelled. The greedy plan is the hint, so the first plan arrives at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ortools.sat.python import cp_model
from ortools.util.python.sorted_interval_list import Domain

from .candidates import day_of
from .greedy import greedy_placements
from .plan import Placement, Plan
from .problem import Problem, before, build_problem, max_shift, score
from .salon import Appointment, RebookingPolicy, Salon


# Measured with bench/rebooking.py on 2 busy cores: presolve probing took 0.2-1 s before
# the (complete, feasible) greedy hint was even tried and bought nothing here; a second
# worker adds neighbourhood search, which found the ~40-affected plans that one worker
# missed, but slowed the small proofs down (one worker proves <=20 affected fastest).
SOLVER_PARAMETERS: dict[str, object] = {"cp_model_probing_level": 0}
SMALL_PLAN = 24  # movable appointments up to which one worker is used when the policy says None


def workers_for(problem: Problem, policy: RebookingPolicy) -> int:
    if policy.workers is not None:
        return max(1, policy.workers)
    return 1 if len(problem.movable) <= SMALL_PLAN else 2


def suggest_rebooking(salon: Salon, policy: RebookingPolicy) -> Plan:
    """The least disruptive plan for the affected appointments, within the time limit."""
    problem = build_problem(salon, policy)
    fallback = greedy_placements(problem)
    if not problem.movable:
        moves, unplaceable, figures = score(problem, fallback, best_bound=0)
        return Plan(moves, unplaceable, figures, "optimal", "cp-sat", 0.0, 0.0)

    model = RebookingModel(problem)
    model.no_double_booking()
    model.minimise_disruption()
    model.hint(fallback)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = policy.time_limit_seconds
    solver.parameters.num_workers = workers_for(problem, policy)
    solver.parameters.random_seed = policy.random_seed
    for name, value in SOLVER_PARAMETERS.items():
        setattr(solver.parameters, name, value)
    first = FirstPlan()
    status = solver.solve(model.model, first)

    bound = math.ceil(solver.best_objective_bound - 1e-6) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    greedy_moves, greedy_unplaceable, greedy_figures = score(problem, fallback, best_bound=bound)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        moves, unplaceable, figures = score(problem, model.placements(solver), best_bound=bound)
        if figures.objective <= greedy_figures.objective:
            proven = status == cp_model.OPTIMAL or figures.objective == bound
            first_seconds = first.seconds if first.seconds is not None else solver.wall_time
            return Plan(moves, unplaceable, figures, "optimal" if proven else "feasible", "cp-sat", first_seconds, solver.wall_time)
    proven = bound is not None and greedy_figures.objective <= bound
    return Plan(greedy_moves, greedy_unplaceable, greedy_figures, "optimal" if proven else "feasible", "greedy", 0.0, solver.wall_time)


class FirstPlan(cp_model.CpSolverSolutionCallback):
    """Remembers when the solver found its first plan (solver wall time, seconds)."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: float | None = None

    def on_solution_callback(self) -> None:
        if self.seconds is None:
            self.seconds = self.wall_time


@dataclass(slots=True)
class Choice:
    """The decision variables of one movable appointment."""

    appointment: Appointment
    start: cp_model.IntVar
    placed: cp_model.IntVar
    staff: dict[str, cp_model.IntVar] = field(default_factory=dict)
    spots: dict[str, cp_model.IntVar] = field(default_factory=dict)
    days: dict[int, cp_model.IntVar] = field(default_factory=dict)
    shift: cp_model.IntVar | None = None
    moved: cp_model.IntVar | None = None


class RebookingModel:
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.model = cp_model.CpModel()
        self.choices: dict[str, Choice] = {}
        self.staff_intervals: dict[str, list[cp_model.IntervalVar]] = {}
        self.spot_intervals: dict[str, list[cp_model.IntervalVar]] = {}
        for appointment in problem.movable:
            if problem.options[appointment.id].placeable:
                self.choices[appointment.id] = self._choice(appointment)
            elif not appointment.affected:
                raise ValueError(f"unaffected appointment {appointment.id} does not fit where it is")

    def no_double_booking(self) -> None:
        """Nobody and no chair in two appointments at once (call after adding every interval)."""
        for intervals in (*self.staff_intervals.values(), *self.spot_intervals.values()):
            if len(intervals) > 1:
                self.model.add_no_overlap(intervals)

    def minimise_disruption(self) -> None:
        w = self.problem.weights
        nowhere_to_go = sum(1 for a in self.problem.movable if a.affected and a.id not in self.choices)
        costs = [w.unplaced * nowhere_to_go]
        for choice in self.choices.values():
            appointment = choice.appointment
            placed = choice.placed
            if appointment.affected:
                costs.append(w.unplaced * (1 - placed))
            else:
                costs.append(w.unaffected_moved * choice.moved)
            own_day = choice.days.get(appointment.day)
            costs.append(w.day_change * (placed - own_day if own_day is not None else placed))
            own_staff = choice.staff.get(appointment.staff_id)
            costs.append(w.staff_change * (placed - own_staff if own_staff is not None else placed))
            if appointment.spot_id is not None:
                own_spot = choice.spots.get(appointment.spot_id)
                costs.append(w.spot_change * (placed - own_spot if own_spot is not None else placed))
            costs.append(w.minute_moved * choice.shift)
        self.model.minimize(sum(costs))

    def _choice(self, appointment: Appointment) -> Choice:
        m = self.model
        option = self.problem.options[appointment.id]
        key = appointment.id
        start = m.new_int_var_from_domain(Domain.from_values(option.starts), f"start[{key}]")
        choice = Choice(appointment, start, m.new_bool_var(f"placed[{key}]"))

        for staff_id, starts in option.staff_starts.items():
            chosen = m.new_bool_var(f"staff[{key},{staff_id}]")
            if len(starts) < len(option.starts):
                m.add_linear_expression_in_domain(start, Domain.from_values(starts)).only_enforce_if(chosen)
            for part in appointment.staff_busy(0):
                interval = m.new_optional_fixed_size_interval_var(start + part.start, part.length, chosen, f"staff_busy[{key},{staff_id}]")
                self.staff_intervals.setdefault(staff_id, []).append(interval)
            choice.staff[staff_id] = chosen
        m.add(sum(choice.staff.values()) == choice.placed)

        if option.spot_starts is not None:
            for spot_id, starts in option.spot_starts.items():
                chosen = m.new_bool_var(f"spot[{key},{spot_id}]")
                if len(starts) < len(option.starts):
                    m.add_linear_expression_in_domain(start, Domain.from_values(starts)).only_enforce_if(chosen)
                interval = m.new_optional_fixed_size_interval_var(start, appointment.duration, chosen, f"spot_busy[{key},{spot_id}]")
                self.spot_intervals.setdefault(spot_id, []).append(interval)
                choice.spots[spot_id] = chosen
            m.add(sum(choice.spots.values()) == choice.placed)

        days = self.problem.salon_days
        starts_by_day: dict[int, list[int]] = {}
        for t in option.starts:
            starts_by_day.setdefault(day_of(days, t), []).append(t)
        if len(starts_by_day) == 1:
            (only_day,) = starts_by_day
            choice.days[only_day] = choice.placed
        else:
            for day, starts in starts_by_day.items():
                on_day = m.new_bool_var(f"day[{key},{day}]")
                m.add_linear_expression_in_domain(start, Domain.from_values(starts)).only_enforce_if(on_day)
                choice.days[day] = on_day
            m.add(sum(choice.days.values()) == choice.placed)

        target = sum(option.targets[day] * on_day for day, on_day in choice.days.items())
        choice.shift = m.new_int_var(0, max_shift(option, days), f"shift[{key}]")
        m.add(choice.shift >= start - target).only_enforce_if(choice.placed)
        m.add(choice.shift >= target - start).only_enforce_if(choice.placed)

        if not appointment.affected:
            m.add(choice.placed == 1)
            choice.moved = m.new_bool_var(f"moved[{key}]")
            m.add(start == appointment.start).only_enforce_if(~choice.moved)
            own_staff = choice.staff.get(appointment.staff_id)
            own_spot = choice.spots.get(appointment.spot_id) if appointment.spot_id is not None else None
            for own in (own_staff, own_spot):
                if own is not None:
                    m.add_implication(~choice.moved, own)
        return choice

    def hint(self, placements: dict[str, Placement | None]) -> None:
        """Hint every variable from a complete plan (the greedy one) so the search starts there."""
        m = self.model
        for key, choice in self.choices.items():
            placement = placements.get(key)
            appointment = choice.appointment
            m.add_hint(choice.placed, placement is not None)
            start = placement.start if placement is not None else appointment.start
            if placement is None or start not in self.problem.options[key].starts:
                start = self.problem.options[key].starts[0]
            m.add_hint(choice.start, start)
            for staff_id, var in choice.staff.items():
                m.add_hint(var, placement is not None and placement.staff_id == staff_id)
            for spot_id, var in choice.spots.items():
                m.add_hint(var, placement is not None and placement.spot_id == spot_id)
            for day, var in choice.days.items():
                if var is not choice.placed:
                    m.add_hint(var, placement is not None and placement.day == day)
            shift = 0
            if placement is not None:
                shift = abs(placement.start - self.problem.options[key].targets[placement.day])
            m.add_hint(choice.shift, shift)
            if choice.moved is not None:
                m.add_hint(choice.moved, placement is not None and placement != before(appointment))

    def placements(self, solver: cp_model.CpSolver) -> dict[str, Placement | None]:
        result: dict[str, Placement | None] = {a.id: None if a.affected else before(a) for a in self.problem.movable}
        for key, choice in self.choices.items():
            if not solver.boolean_value(choice.placed):
                result[key] = None
                continue
            start = solver.value(choice.start)
            staff_id = next(s for s, var in choice.staff.items() if solver.boolean_value(var))
            spot_id = next((p for p, var in choice.spots.items() if solver.boolean_value(var)), None)
            result[key] = Placement(staff_id, spot_id, start, day_of(self.problem.salon_days, start))
        return result
