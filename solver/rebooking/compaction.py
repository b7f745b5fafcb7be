""""Compacta la agenda": close small gaps so stylists get larger free blocks for walk-ins.

Only customers who accept moves are moved, on the same day, within the shift window; a
customer who chose their stylist keeps them. The model gives every working stylist one
free block (an interval that must not overlap their appointments, inside one of their
free windows) and maximises the blocks' total length, minus a price per appointment moved,
per stylist change and per minute moved, with a cap on how many appointments may move.
The current day is the hint, so "no change" is always there.
"""

from __future__ import annotations

import math

from ortools.sat.python import cp_model

from .candidates import Reach, days_by_index, free_time, options_for
from .optimal import FirstPlan, RebookingModel, configure
from .plan import CompactionPlan, Move, Placement, StaffFreeBlock
from .problem import Problem, before
from .salon import Appointment, CompactionPolicy, Salon, Weights, Window
from .time_windows import FreeTime
from .units import Unit


def compact_day(salon: Salon, day: int, policy: CompactionPolicy) -> CompactionPlan:
    """A plan that makes the day's largest free blocks larger while moving few appointments.

    Parts of a visit of several services stay where they are (compaction moves single
    appointments of customers who accept moves; moving a visit is a re-plan's job).
    """
    salon_days = days_by_index(salon)
    span = Window(salon_days[day].start, salon_days[day].end)
    on_day = [a for a in salon.appointments if a.day == day]
    movable = tuple(sorted((a for a in on_day if a.accepts_moves and a.visit_id is None), key=lambda a: (a.start, a.id)))
    moving_ids = {a.id for a in movable}
    pinned = [a for a in salon.appointments if a.id not in moving_ids]
    staff_free, spot_free = free_time(salon, pinned)
    units = {a.id: Unit(a.id, (a,), (0,)) for a in movable}
    reaches = {
        a.id: Reach((day,), policy.shift_window_minutes, policy.granularity_minutes, staff_ids=(a.staff_id,) if policy.keep_staff else None) for a in movable
    }
    options = {a.id: options_for(units[a.id], salon, salon_days, reaches[a.id], staff_free, spot_free) for a in movable}
    movable = tuple(a for a in movable if a.start in options[a.id].parts[0].staff_starts.get(a.staff_id, ()))
    working = [m for m in salon.staff if staff_free[m.id].within(span)]
    current = {a.id: before(a) for a in movable}
    blocks_before = _largest_blocks(salon, working, span, {})

    if not movable or not working:
        return _compaction_plan(salon, day, on_day, movable, span, working, blocks_before, current, "optimal", 0.0, salon_days)

    problem = Problem(salon, salon_days, tuple(units[a.id] for a in movable), {a.id: options[a.id] for a in movable},
                      reaches, Weights())
    model = RebookingModel(problem)
    m = model.model
    block_total = []
    block_hints = []
    for member in working:
        windows = staff_free[member.id].within(span)
        present = []
        lengths = []
        for index, window in enumerate(windows):
            key = f"{member.id},{index}"
            here = m.new_bool_var(f"block_here[{key}]")
            start = m.new_int_var(window.start, window.end, f"block_start[{key}]")
            length = m.new_int_var(0, window.length, f"block_length[{key}]")
            end = m.new_int_var(window.start, window.end, f"block_end[{key}]")
            m.add(length == 0).only_enforce_if(~here)
            interval = m.new_optional_interval_var(start, length, end, here, f"block[{key}]")
            model.staff_intervals.setdefault(member.id, []).append(interval)
            present.append(here)
            lengths.append(length)
            block_hints.append((window, here, start, length, end, member.id))
        m.add_exactly_one(present)
        longest = max(w.length for w in windows)
        block_total.append(_worth(m, member.id, sum(lengths), longest, policy.useful_block_minutes))
        useful = policy.useful_block_minutes
        if useful is not None and policy.useful_block_bonus_minutes and longest >= useful:
            walk_in_ready = m.new_bool_var(f"walk_in_ready[{member.id}]")
            m.add(sum(lengths) >= useful).only_enforce_if(walk_in_ready)
            block_total.append(policy.useful_block_bonus_minutes * walk_in_ready)
    model.no_double_booking()

    moved = [choice.moved for choice in model.choices.values()]
    shifts = [choice.shift for choice in model.choices.values()]
    m.add(sum(moved) <= math.floor(policy.max_moved_share * len(on_day)))
    staff_changes = []
    for choice in model.choices.values():
        staff = choice.parts[0].staff
        own = choice.unit.first.staff_id
        staff_changes.append(choice.placed - staff[own] if own in staff else choice.placed)
    exchange = max(1, policy.minutes_moved_per_block_minute)
    price = policy.move_cost_minutes * sum(moved) + policy.staff_change_cost_minutes * sum(staff_changes)
    m.maximize(exchange * (sum(block_total) - price) - sum(shifts))

    model.hint(current)
    _hint_blocks(m, salon, block_hints, span)

    solver = cp_model.CpSolver()
    configure(solver, work_limit=policy.work_limit, time_limit=policy.time_limit_seconds,
              workers=max(1, policy.workers), seed=policy.random_seed)
    status = solver.solve(m, FirstPlan())
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _compaction_plan(salon, day, on_day, movable, span, working, blocks_before, current, "feasible", solver.wall_time, salon_days)
    placements = {key: placement for key, placement in model.placements(solver).items() if placement is not None}
    state = "optimal" if status == cp_model.OPTIMAL else "feasible"
    return _compaction_plan(salon, day, on_day, movable, span, working, blocks_before, placements, state, solver.wall_time, salon_days)


def _worth(m: cp_model.CpModel, staff_id: str, length, longest: int, useful: int | None):
    """What a free block is worth: every minute up to `useful`, a quarter of a minute after."""
    if useful is None or longest <= useful:
        return length
    worth = m.new_int_var(0, longest, f"block_worth[{staff_id}]")
    m.add(worth <= length)
    m.add(4 * worth <= 3 * useful + length)
    return worth


def _hint_blocks(m: cp_model.CpModel, salon: Salon, block_hints: list, span: Window) -> None:
    """Hint each stylist's block at their current largest gap, so the hint is complete."""
    busy: dict[str, list[Window]] = {}
    for appointment in salon.appointments:
        busy.setdefault(appointment.staff_id, []).extend(appointment.staff_busy(appointment.start))
    best: dict[str, tuple[int, Window]] = {}
    for window, *_rest, staff_id in block_hints:
        gaps = FreeTime([window]).take(busy.get(staff_id, [])).within(span)
        gap = max(gaps, key=lambda g: g.length, default=Window(window.start, window.start))
        if staff_id not in best or gap.length > best[staff_id][1].length:
            best[staff_id] = (id(window), gap)
    for window, here, start, length, end, staff_id in block_hints:
        chosen = best[staff_id][0] == id(window)
        gap = best[staff_id][1] if chosen else Window(window.start, window.start)
        m.add_hint(here, chosen)
        m.add_hint(start, gap.start)
        m.add_hint(length, gap.length)
        m.add_hint(end, gap.end)


def _largest_blocks(salon: Salon, working: list, span: Window, placements: dict[str, Placement]) -> dict[str, int]:
    busy: dict[str, list[Window]] = {}
    for appointment in salon.appointments:
        placement = placements.get(appointment.id)
        staff_id = placement.staff_id if placement else appointment.staff_id
        start = placement.start if placement else appointment.start
        busy.setdefault(staff_id, []).extend(appointment.staff_busy(start))
    return {m.id: FreeTime(m.windows).take(busy.get(m.id, [])).largest_within(span) for m in working}


def _compaction_plan(salon, day, on_day, movable, span, working, blocks_before, placements, status, seconds, salon_days) -> CompactionPlan:
    moves: list[Move] = []
    for appointment in movable:
        placement = placements.get(appointment.id)
        if placement is None or placement == before(appointment):
            continue
        moves.append(Move(appointment.id, before(appointment), placement, False, _shift(salon_days, appointment, placement)))
    after = _largest_blocks(salon, working, span, {move.appointment_id: move.after for move in moves})
    blocks = tuple(StaffFreeBlock(m.id, blocks_before[m.id], after[m.id]) for m in working)
    return CompactionPlan(
        moves=tuple(moves),
        free_blocks=blocks,
        appointments_on_day=len(on_day),
        minutes_moved=sum(move.minutes_moved for move in moves),
        status=status,
        solve_seconds=seconds,
    )


def _shift(salon_days, appointment: Appointment, placement: Placement) -> int:
    own = salon_days[appointment.day]
    new = salon_days[placement.day]
    return abs((placement.start - new.start) - (appointment.start - own.start))
