"""Re-check a plan against the salon: the guard for tests and before applying moves."""

from __future__ import annotations

from dataclasses import replace

from .candidates import day_of, days_by_index
from .plan import CompactionPlan, Plan
from .salon import Appointment, Salon, Window
from .time_windows import FreeTime
from .units import units_of


def plan_conflicts(salon: Salon, plan: Plan | CompactionPlan) -> tuple[str, ...]:
    """Every rule the schedule after `plan` breaks (empty when the plan is sound).

    Moved appointments, and affected ones left where they were, must sit inside their
    stylist's and chair's windows with a stylist who performs the service (the chosen one
    when the customer chose); nobody and no chair may be in two appointments at once. A
    visit stays whole: its parts on one day, at their booked offsets, all placed or none.
    """
    problems: list[str] = []
    staff = {m.id: m for m in salon.staff}
    spots = {s.id: s for s in salon.spots}
    salon_days = days_by_index(salon)
    dropped = {u.appointment_id for u in getattr(plan, "unplaceable", ())}
    moved = {move.appointment_id: move.after for move in plan.moves}

    for unit in units_of(salon.appointments):
        gone = [part.id in dropped for part in unit.parts]
        if any(gone) and not all(gone):
            problems.append(f"visit {unit.id}: only some of its appointments were dropped")
        if any(gone) and not unit.affected:
            problems.append(f"visit {unit.id}: unaffected appointment dropped")
        if any(gone) or len(unit.parts) == 1:
            continue
        starts = [moved[part.id].start if part.id in moved else part.start for part in unit.parts]
        days = {moved[part.id].day if part.id in moved else part.day for part in unit.parts}
        if len(days) > 1 or tuple(start - starts[0] for start in starts) != unit.offsets:
            problems.append(f"visit {unit.id}: its appointments no longer keep their day and order as booked")

    final: list[tuple[Appointment, str, str | None, int]] = []
    for appointment in salon.appointments:
        if appointment.id in dropped:
            continue
        after = moved.get(appointment.id)
        if after is None:
            final.append((appointment, appointment.staff_id, appointment.spot_id, appointment.start))
            if appointment.affected:
                problems.extend(_fits(appointment, appointment.staff_id, appointment.spot_id, appointment.start, staff, spots))
            continue
        final.append((appointment, after.staff_id, after.spot_id, after.start))
        if appointment.staff_chosen and after.staff_id != appointment.staff_id:
            problems.append(f"{appointment.id}: customer chose {appointment.staff_id}, plan gives {after.staff_id}")
        if day_of(salon_days, after.start) != after.day:
            problems.append(f"{appointment.id}: start {after.start} is not on day {after.day}")
        problems.extend(_fits(appointment, after.staff_id, after.spot_id, after.start, staff, spots))

    staff_busy: dict[str, list[tuple[Window, str]]] = {}
    spot_busy: dict[str, list[tuple[Window, str]]] = {}
    for appointment, staff_id, spot_id, start in final:
        for part in appointment.staff_busy(start):
            staff_busy.setdefault(staff_id, []).append((part, appointment.id))
        if spot_id is not None:
            spot_busy.setdefault(spot_id, []).append((Window(start, start + appointment.duration), appointment.id))
    for kind, busy in (("staff", staff_busy), ("spot", spot_busy)):
        for resource, parts in busy.items():
            parts.sort(key=lambda item: item[0].start)
            for (first, first_id), (second, second_id) in zip(parts, parts[1:]):
                if second.start < first.end:
                    problems.append(f"{kind} {resource}: {first_id} and {second_id} overlap")
    return tuple(problems)


def _fits(appointment: Appointment, staff_id: str, spot_id: str | None, start: int, staff: dict, spots: dict) -> list[str]:
    problems = []
    member = staff.get(staff_id)
    if member is None or appointment.service_id not in member.services:
        problems.append(f"{appointment.id}: {staff_id} does not perform {appointment.service_id}")
    elif not all(FreeTime(member.windows).holds(part) for part in appointment.staff_busy(start)):
        problems.append(f"{appointment.id}: outside {staff_id}'s working time")
    if spot_id is None:
        if appointment.spot_id is not None:
            problems.append(f"{appointment.id}: lost its chair")
        return problems
    spot = spots.get(spot_id)
    if spot is None or appointment.service_id not in spot.services:
        problems.append(f"{appointment.id}: spot {spot_id} does not host {appointment.service_id}")
    elif not FreeTime(spot.windows).holds(Window(start, start + appointment.duration)):
        problems.append(f"{appointment.id}: spot {spot_id} is not available then")
    return problems


def mark_affected(salon: Salon) -> Salon:
    """The same salon with `affected` set on every appointment its disruption broke.

    An appointment is affected when, with the windows as they are now (hours minus blocks,
    a chair switched off), its stylist or chair no longer has room for it; flags already
    set stay set, so resolvers can add cases of their own (a service no longer offered).
    """
    staff = {m.id: m for m in salon.staff}
    spots = {s.id: s for s in salon.spots}
    marked = []
    for appointment in salon.appointments:
        broken = appointment.affected or bool(
            _fits(appointment, appointment.staff_id, appointment.spot_id, appointment.start, staff, spots)
        )
        marked.append(replace(appointment, affected=broken))
    return replace(salon, appointments=tuple(marked))
