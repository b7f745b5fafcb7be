"""The CP-SAT rebooking plan: minimise disruption, never do worse than the greedy baseline.

One start variable per movable unit (an appointment, or a whole visit: its parts keep
their booked offsets from that start); per part, an optional interval per stylist (split
around processing time) and per chair that can take it; no-overlap per stylist and per
chair. Pinned appointments are already carved out of the windows, so only movable units
are modelled. The greedy plan is the hint, so the first plan arrives at once.

Reproducible: the search is bounded by CP-SAT's deterministic time (a count of its own
work), with a fixed seed and, when two workers help, `interleave_search` (subsolvers run in
a fixed, batched order), so the same salon and policy give the same plan on any run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ortools.sat.python import cp_model
from ortools.util.python.sorted_interval_list import Domain

from .candidates import PartOptions, day_of
from .greedy import greedy_placements
from .plan import Placement, Plan
from .problem import Problem, before, build_problem, max_shift, score
from .salon import RebookingPolicy, Salon
from .units import Unit


# Measured with bench/rebooking.py on 2 busy cores: presolve probing took 0.2-1 s before
# the (complete, feasible) greedy hint was even tried and bought nothing here.
SOLVER_PARAMETERS: dict[str, object] = {"cp_model_probing_level": 0}
# And for rebooking, no LP relaxation: the lexicographic weights make it useless, and its work
# crowds out the search. Same work budget, 10 generated salons, one worker: 4 stylists out
# (30-42 affected) 7.99e9 summed objective without it vs 8.1e9 with it at 0.3, and at 1.0
# deterministic seconds 6 CPU s max vs 11; with visits 2.29e10 vs 2.56e10; <=20 affected
# proved optimal in every case, in 0.27 vs 0.35 CPU s at most.
REBOOKING_PARAMETERS: dict[str, object] = {**SOLVER_PARAMETERS, "linearization_level": 0}


def workers_for(problem: Problem, policy: RebookingPolicy) -> int:
    """One worker unless the policy asks for more.

    Two free-running workers found better ~40-affected plans in the same seconds, but not the
    same plan twice; interleaved (deterministic) workers were 10-40 times slower per plan on
    these 2 cores (bench/rebooking.py --workers 2). One worker with a deterministic budget is
    reproducible and proves the <=20-affected plans fastest.
    """
    return 1 if policy.workers is None else max(1, policy.workers)


def configure(solver: cp_model.CpSolver, *, work_limit: float, time_limit: float, workers: int, seed: int,
              extra: dict[str, object] = SOLVER_PARAMETERS) -> None:
    """Deterministic limits: the same model stops at the same point of the same search on every run."""
    parameters = solver.parameters
    parameters.max_deterministic_time = work_limit
    parameters.max_time_in_seconds = time_limit
    parameters.num_workers = workers
    parameters.random_seed = seed
    if workers > 1:
        parameters.interleave_search = True  # several subsolvers, one reproducible schedule
    for name, value in extra.items():
        setattr(parameters, name, value)


def stopped_by(solver: cp_model.CpSolver, status, work_limit: float) -> str:
    if status == cp_model.OPTIMAL:
        return "proof"
    return "work_limit" if solver.deterministic_time >= work_limit * 0.999 else "time_limit"


def suggest_rebooking(salon: Salon, policy: RebookingPolicy) -> Plan:
    """The least disruptive plan for the affected appointments, within the work limit."""
    problem = build_problem(salon, policy)
    fallback = greedy_placements(problem)
    if not problem.units:
        moves, unplaceable, figures = score(problem, fallback, best_bound=0)
        return Plan(moves, unplaceable, figures, "optimal", "cp-sat", 0.0, 0.0)

    model = RebookingModel(problem)
    model.no_double_booking()
    model.cap_uninvolved_customers(problem.max_unaffected_customers)
    model.minimise_disruption()
    model.hint(fallback)
    solver = cp_model.CpSolver()
    configure(solver, work_limit=policy.work_limit, time_limit=policy.time_limit_seconds,
              workers=workers_for(problem, policy), seed=policy.random_seed, extra=REBOOKING_PARAMETERS)
    first = FirstPlan()
    status = solver.solve(model.model, first)
    ended = stopped_by(solver, status, policy.work_limit)
    work = solver.deterministic_time

    bound = math.ceil(solver.best_objective_bound - 1e-6) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    greedy_moves, greedy_unplaceable, greedy_figures = score(problem, fallback, best_bound=bound)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        moves, unplaceable, figures = score(problem, model.placements(solver), best_bound=bound)
        if figures.objective <= greedy_figures.objective:
            proven = status == cp_model.OPTIMAL or figures.objective == bound
            first_seconds = first.seconds if first.seconds is not None else solver.wall_time
            return Plan(moves, unplaceable, figures, "optimal" if proven else "feasible", "cp-sat", first_seconds,
                        solver.wall_time, "proof" if proven else ended, work)
    proven = bound is not None and greedy_figures.objective <= bound
    return Plan(greedy_moves, greedy_unplaceable, greedy_figures, "optimal" if proven else "feasible", "greedy", 0.0,
                solver.wall_time, "proof" if proven else ended, work)


class FirstPlan(cp_model.CpSolverSolutionCallback):
    """Remembers when the solver found its first plan (solver wall time, seconds)."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: float | None = None

    def on_solution_callback(self) -> None:
        if self.seconds is None:
            self.seconds = self.wall_time


@dataclass(slots=True)
class PartChoice:
    """Who and which chair take one part of a unit."""

    option: PartOptions
    staff: dict[str, cp_model.IntVar] = field(default_factory=dict)
    spots: dict[str, cp_model.IntVar] = field(default_factory=dict)


@dataclass(slots=True)
class Choice:
    """The decision variables of one movable unit: one start for all its parts."""

    unit: Unit
    start: cp_model.IntVar
    placed: cp_model.IntVar
    parts: list[PartChoice] = field(default_factory=list)
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
        for unit in problem.units:
            if problem.options[unit.id].placeable:
                self.choices[unit.id] = self._choice(unit)
            elif not unit.affected:
                raise ValueError(f"unaffected visit {unit.id} does not fit where it is")

    def no_double_booking(self) -> None:
        """Nobody and no chair in two appointments at once (call after adding every interval)."""
        for intervals in (*self.staff_intervals.values(), *self.spot_intervals.values()):
            if len(intervals) > 1:
                self.model.add_no_overlap(intervals)

    def cap_uninvolved_customers(self, cap: int | None) -> None:
        """At most `cap` customers whose visits the disruption did not touch are moved."""
        if cap is None:
            return
        by_customer: dict[str, list[cp_model.IntVar]] = {}
        for choice in self.choices.values():
            if choice.moved is not None:
                by_customer.setdefault(choice.unit.customer, []).append(choice.moved)
        if len(by_customer) <= cap:
            return
        moved_customers = []
        for customer, moved in by_customer.items():
            if len(moved) == 1:
                moved_customers.append(moved[0])
                continue
            any_moved = self.model.new_bool_var(f"customer_moved[{customer}]")
            self.model.add_max_equality(any_moved, moved)
            moved_customers.append(any_moved)
        self.model.add(sum(moved_customers) <= cap)

    def minimise_disruption(self) -> None:
        w = self.problem.weights
        nowhere_to_go = sum(len(u.parts) for u in self.problem.units if u.affected and u.id not in self.choices)
        costs = [w.unplaced * nowhere_to_go]
        for choice in self.choices.values():
            unit = choice.unit
            placed, size = choice.placed, len(unit.parts)
            if unit.affected:
                costs.append(w.unplaced * size * (1 - placed))
            else:
                costs.append(w.unaffected_moved * size * choice.moved)
            own_day = choice.days.get(unit.day)
            costs.append(w.day_change * size * (placed - own_day if own_day is not None else placed))
            for part_choice in choice.parts:
                part = part_choice.option.appointment
                own_staff = part_choice.staff.get(part.staff_id)
                costs.append(w.staff_change * (placed - own_staff if own_staff is not None else placed))
                if part.spot_id is not None:
                    own_spot = part_choice.spots.get(part.spot_id)
                    costs.append(w.spot_change * (placed - own_spot if own_spot is not None else placed))
            costs.append(w.minute_moved * size * choice.shift)
        self.model.minimize(sum(costs))

    def _choice(self, unit: Unit) -> Choice:
        m = self.model
        option = self.problem.options[unit.id]
        key = unit.id
        start = m.new_int_var_from_domain(Domain.from_values(option.starts), f"start[{key}]")
        choice = Choice(unit, start, m.new_bool_var(f"placed[{key}]"))

        for index, part_option in enumerate(option.parts):
            part = part_option.appointment
            part_choice = PartChoice(part_option)
            tag = f"{key},{index}"
            for staff_id, starts in part_option.staff_starts.items():
                chosen = m.new_bool_var(f"staff[{tag},{staff_id}]")
                if len(starts) < len(option.starts):
                    m.add_linear_expression_in_domain(start, Domain.from_values(starts)).only_enforce_if(chosen)
                for busy in part.staff_busy(part_option.offset):
                    interval = m.new_optional_fixed_size_interval_var(start + busy.start, busy.length, chosen,
                                                                      f"staff_busy[{tag},{staff_id}]")
                    self.staff_intervals.setdefault(staff_id, []).append(interval)
                part_choice.staff[staff_id] = chosen
            m.add(sum(part_choice.staff.values()) == choice.placed)

            if part_option.spot_starts is not None:
                for spot_id, starts in part_option.spot_starts.items():
                    chosen = m.new_bool_var(f"spot[{tag},{spot_id}]")
                    if len(starts) < len(option.starts):
                        m.add_linear_expression_in_domain(start, Domain.from_values(starts)).only_enforce_if(chosen)
                    interval = m.new_optional_fixed_size_interval_var(start + part_option.offset, part.duration, chosen,
                                                                      f"spot_busy[{tag},{spot_id}]")
                    self.spot_intervals.setdefault(spot_id, []).append(interval)
                    part_choice.spots[spot_id] = chosen
                m.add(sum(part_choice.spots.values()) == choice.placed)
            choice.parts.append(part_choice)

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

        if not unit.affected:
            m.add(choice.placed == 1)
            choice.moved = m.new_bool_var(f"moved[{key}]")
            m.add(start == unit.start).only_enforce_if(~choice.moved)
            for part_choice in choice.parts:
                part = part_choice.option.appointment
                own_staff = part_choice.staff.get(part.staff_id)
                own_spot = part_choice.spots.get(part.spot_id) if part.spot_id is not None else None
                for own in (own_staff, own_spot):
                    if own is not None:
                        m.add_implication(~choice.moved, own)
        return choice

    def hint(self, placements: dict[str, Placement | None]) -> None:
        """Hint every variable from a complete plan (the greedy one) so the search starts there."""
        m = self.model
        for key, choice in self.choices.items():
            unit = choice.unit
            option = self.problem.options[key]
            first = placements.get(unit.first.id)
            placed = first is not None and all(placements.get(p.id) is not None for p in unit.parts)
            m.add_hint(choice.placed, placed)
            start = first.start if placed else unit.start
            if not placed or start not in option.starts:
                start = option.starts[0]
            m.add_hint(choice.start, start)
            for part_choice in choice.parts:
                placement = placements.get(part_choice.option.appointment.id) if placed else None
                for staff_id, var in part_choice.staff.items():
                    m.add_hint(var, placement is not None and placement.staff_id == staff_id)
                for spot_id, var in part_choice.spots.items():
                    m.add_hint(var, placement is not None and placement.spot_id == spot_id)
            for day, var in choice.days.items():
                if var is not choice.placed:
                    m.add_hint(var, placed and first.day == day)
            m.add_hint(choice.shift, abs(first.start - option.targets[first.day]) if placed else 0)
            if choice.moved is not None:
                m.add_hint(choice.moved, placed and any(placements[p.id] != before(p) for p in unit.parts))

    def placements(self, solver: cp_model.CpSolver) -> dict[str, Placement | None]:
        result: dict[str, Placement | None] = {
            part.id: None if unit.affected else before(part) for unit in self.problem.units for part in unit.parts
        }
        for choice in self.choices.values():
            if not solver.boolean_value(choice.placed):
                continue
            start = solver.value(choice.start)
            day = day_of(self.problem.salon_days, start)
            for part_choice in choice.parts:
                part = part_choice.option.appointment
                staff_id = next(s for s, var in part_choice.staff.items() if solver.boolean_value(var))
                spot_id = next((p for p, var in part_choice.spots.items() if solver.boolean_value(var)), None)
                result[part.id] = Placement(staff_id, spot_id, start + part_choice.option.offset, day)
        return result
