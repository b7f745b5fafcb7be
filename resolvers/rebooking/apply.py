"""``apply_rebooking``: write the moves the owner chose, in one transaction, on fresh data.

A plan is a document the owner approved: what is applied is the *stored* plan's moves and
nothing else (never a plan recomputed behind the owner's back), and only while the plan is
fresh (``rebooking_plan_minutes``, 30 by default; an older one is refused, say so, ask again).

Each chosen move is re-checked against the schedule as it is now, with the appointments
locked (``lock_appointments``) and the plan's disruption still taken out: the appointment
must still be where the plan found it, and its new place must be free, inside working
hours and in the future. Moves are checked together — a move may use time another chosen
move frees — and a move that no longer fits is refused (and reported, with the offer of a
fresh plan for just those: ``replan_rebooking``), which may in turn refuse the moves that
counted on it. A visit (booking group) moves whole: choosing one of its moves chooses all,
and one refused part keeps the whole visit where it was.

Applying also puts the outage on the calendar, once (the stylist's block, the chair's
unavailability, the shorter hours): the plan remembers the rows it wrote, and an identical
row already there is not written again. Written moves get the solver's occupancy rows
(exactly as rescheduling writes them) and one customer notice per visit, asking them to
confirm or pick another time.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import DBAPIError

import solver
from resolvers.context import Context
from resolvers.errors import Conflict, Problem, ValidationError
from resolvers.outbox import enqueue
from resolvers.permissions import Permission
from resolvers.rebooking.left_behind import leave_no_one_behind
from resolvers.rebooking.outage import write_outage
from resolvers.rebooking.payload import location_of, plan_from_row, taken_of, with_applied, with_outage
from resolvers.rebooking.plans import PLAN_NOT_FOUND
from resolvers.rebooking.types import ApplyResult, PlannedMove, RefusedMove
from resolvers.scheduling import notices
from resolvers.scheduling.access import (
    allowed,
    load_location,
    load_organization,
    lock_appointments,
    organization_id,
)
from resolvers.scheduling.booking import _occupancy_rows, hold_occupied, is_retryable_race
from resolvers.scheduling.snapshot import load_snapshot
from storage import (
    ACTIVE_STATUSES,
    Appointment,
    Customer,
    Location,
    Occupancy,
    Organization,
    RebookingPlan,
    is_exclusion_violation,
)
from storage.queries import get_in

RACE_RETRIES = 2
#: How far past a start an appointment's rows may reach (service plus clean-up).
REACH = timedelta(hours=12)


def _why(conflicts: Sequence[solver.Conflict], move: PlannedMove) -> str:
    reasons = {c.reason for c in conflicts}
    R = solver.Reason
    who = move.customer_name or "el cliente"
    if R.SLOT_TAKEN in reasons:
        return f"Ya no cabe la cita de {who}: ese horario se ocupó."
    if R.OUTSIDE_HOURS in reasons:
        return f"Ya no cabe la cita de {who}: {move.after.staff_name} ya no está disponible a esa hora."
    if R.NO_QUALIFIED_STAFF in reasons:
        return f"Ya no cabe la cita de {who}: {move.after.staff_name} ya no hace ese servicio."
    return f"Ya no cabe la cita de {who} en ese horario."


def expired_problem(minutes: int) -> Conflict:
    return Conflict(f"Ese plan ya venció: lo armé hace más de {minutes} minutos y la agenda pudo cambiar. "
                    "Pídeme uno nuevo.")


def _whole_visits(chosen: list[PlannedMove], plan_moves: Sequence[PlannedMove]) -> list[PlannedMove]:
    """The chosen moves plus every other move of the same visits (a visit moves whole), in plan order."""
    visits = {m.visit_id for m in chosen if m.visit_id is not None}
    ids = {m.id for m in chosen} | {m.id for m in plan_moves if m.visit_id is not None and m.visit_id in visits}
    return [m for m in plan_moves if m.id in ids]


def _visit_refusals(refused: list[RefusedMove], candidates: list[PlannedMove]) -> tuple[list[PlannedMove],
                                                                                     list[RefusedMove]]:
    """A refused part keeps its whole visit where it was: its other parts are refused too."""
    out = list(refused)
    while True:
        gone = {r.appointment_id for r in out}
        visits = {m.visit_id for m in candidates if m.appointment_id in gone and m.visit_id is not None}
        also = [m for m in candidates if m.visit_id in visits and m.appointment_id not in gone]
        if not also:
            return [m for m in candidates if m.appointment_id not in gone], out
        out += [RefusedMove(m.id, m.appointment_id, f"La visita de {m.customer_name or 'el cliente'} se mueve "
                                                    "completa, y otra parte ya no cabe; no la moví.") for m in also]


def _booked(snapshot, move: PlannedMove) -> solver.BookedService | None:
    service = next((s for s in snapshot.salon.services if s.id == str(move.service_id)), None)
    if service is None:
        return None
    return solver.BookedService(str(move.service_id), str(move.after.staff_id),
                                str(move.after.spot_id) if move.after.spot_id else None, move.after.starts_at,
                                move.after.starts_at + timedelta(minutes=service.duration_minutes))


async def apply_rebooking(ctx: Context, plan_id: uuid.UUID, move_ids: Sequence[str]) -> ApplyResult | Problem:
    """Apply the chosen moves ("1", "3" …) of a stored plan; the rest of the plan stays for later."""
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    if denied := allowed(ctx.actor, Permission.REBOOK):
        return denied
    wanted = [str(i).strip() for i in move_ids if str(i).strip()]
    for round_number in range(RACE_RETRIES + 1):
        try:
            outcome = await _apply_once(ctx, org_id, plan_id, list(dict.fromkeys(wanted)))
        except DBAPIError as exc:
            if not (is_exclusion_violation(exc) or is_retryable_race(exc)):
                raise
            if round_number < RACE_RETRIES:
                continue  # the retry re-checks on fresh data and refuses what someone else took
            return Conflict("Alguien más acaba de ocupar esos horarios. Pídeme el plan otra vez.")
        break
    if isinstance(outcome, ApplyResult) and (outcome.notices_queued or outcome.customers_offered):
        await ctx.outbox_written()
    return outcome


async def _apply_once(ctx: Context, org_id: uuid.UUID, plan_id: uuid.UUID, wanted: list[str]) -> ApplyResult | Problem:
    now = ctx.now()
    async with ctx.db.transaction(write=True) as session:
        organization = await load_organization(session, org_id, for_write=True)
        if not isinstance(organization, Organization):
            return organization
        row = await get_in(session, RebookingPlan, org_id, plan_id)
        if row is None or row.organization_id != org_id:
            return PLAN_NOT_FOUND
        plan = plan_from_row(row)
        if plan.expired(now):
            return expired_problem(round((plan.expires_at - plan.created_at).total_seconds() / 60))
        by_id = {m.id: m for m in plan.moves}
        if not wanted and plan.moves:
            return ValidationError("Dime qué movimientos aplico.", field="moveIds")
        unknown = [i for i in wanted if i not in by_id]
        if unknown:
            return ValidationError(f"El plan no tiene el movimiento {', '.join(unknown)}.", field="moveIds")
        chosen = _whole_visits([by_id[i] for i in wanted], plan.moves)

        refused: list[RefusedMove] = []
        appointments = await lock_appointments(session, org_id, [m.appointment_id for m in chosen])
        candidates: list[PlannedMove] = []
        for move in chosen:
            appointment = appointments.get(move.appointment_id)
            who = move.customer_name or "el cliente"
            if move.applied_at is not None:
                refused.append(RefusedMove(move.id, move.appointment_id, "Ese movimiento ya estaba aplicado."))
            elif (appointment is None or appointment.status not in ACTIVE_STATUSES
                  or appointment.starts_at != move.before.starts_at or appointment.staff_id != move.before.staff_id
                  or appointment.spot_id != move.before.spot_id):
                refused.append(RefusedMove(move.id, move.appointment_id,
                                           f"La cita de {who} cambió desde que armé el plan; no la moví."))
            elif move.after.starts_at < now:
                refused.append(RefusedMove(move.id, move.appointment_id, f"La nueva hora de {who} ya pasó."))
            else:
                candidates.append(move)
        candidates, refused = _visit_refusals(refused, candidates)

        outage_at = plan.outage_written_at
        if outage_at is None and row.payload.get("request", {}).get("writes_outage"):
            written_rows = await write_outage(session, org_id, location_of(row), taken_of(row), now)
            row.payload = with_outage(row.payload, now, written_rows)
            outage_at = now

        marked: list[uuid.UUID] = []
        told = 0
        if plan.unplaceable and not row.payload.get("left_behind"):
            here = await load_location(session, org_id, location_of(row))
            if not isinstance(here, Location):
                return here
            marked, told = await leave_no_one_behind(session, organization, here, plan.unplaceable, taken_of(row), now)
            row.payload = {**row.payload, "left_behind": {"at": now.isoformat(), "ids": [str(i) for i in marked]}}

        written: list[PlannedMove] = []
        queued = 0
        if candidates:
            location = await load_location(session, org_id, location_of(row))
            if not isinstance(location, Location):
                return location
            moving = [m.appointment_id for m in candidates]
            start = min(min(m.after.starts_at for m in candidates), min(m.before.starts_at for m in candidates))
            end = max(max(m.after.starts_at for m in candidates), max(m.before.starts_at for m in candidates)) + REACH
            snapshot = await load_snapshot(session, organization, location, start, end, without_appointments=moving)
            current: dict[uuid.UUID, list[solver.Occupancy]] = {}
            for occupancy in await session.scalars(select(Occupancy).where(
                    Occupancy.organization_id == org_id, Occupancy.appointment_id.in_(moving))):
                is_staff = occupancy.staff_id is not None
                current.setdefault(occupancy.appointment_id, []).append(solver.Occupancy(
                    solver.ResourceKind.STAFF if is_staff else solver.ResourceKind.SPOT,
                    str(occupancy.staff_id if is_staff else occupancy.spot_id), occupancy.starts_at, occupancy.ends_at))
            salon = taken_of(row).applied_to(snapshot.salon)
            accepted, refused = _settle_moves(snapshot, salon, candidates, current, now, plan.moves, refused)
            if accepted:
                written, queued = await _write(session, organization, snapshot, appointments, accepted, now)

        applied_at = {m.id: now for m in written}
        if written:
            row.payload = with_applied(row.payload, applied_at)
            row.applied_at = row.applied_at or now
            row.updated_at = now
            notices.activity(
                session, now=now, organization=organization, kind="rebooking_applied",
                summary=f"Plan de reorganización aplicado: {len(written)} citas movidas",
                subject_id=row.id, data={"plan_id": str(row.id), "moves": [m.id for m in written],
                                         "refused": [r.move_id for r in refused], "actor": ctx.actor.kind.value})
        if outage_at is not None or marked:
            row.updated_at = now
        applied_plan = replace(plan, applied_at=row.applied_at, outage_written_at=outage_at, moves=tuple(
            replace(m, applied_at=applied_at.get(m.id, m.applied_at)) for m in plan.moves))
        return ApplyResult(plan=applied_plan, applied=tuple(replace(m, applied_at=now) for m in written),
                           refused=tuple(sorted(refused, key=lambda r: int(r.move_id) if r.move_id.isdigit() else 0)),
                           notices_queued=queued, needs_new_time=tuple(marked), customers_offered=told)


def _needs(move: PlannedMove, plan_moves: Sequence[PlannedMove], accepted: list[PlannedMove]) -> list[str]:
    """Moves of the plan, not being applied, that free the time and place ``move`` goes to."""
    going = {m.id for m in accepted}
    found = []
    for other in plan_moves:
        if other.id == move.id or other.id in going or other.applied_at is not None:
            continue
        same = other.before.staff_id == move.after.staff_id or (
            other.before.spot_id is not None and other.before.spot_id == move.after.spot_id)
        if same and other.before.starts_at < move.after.ends_at and move.after.starts_at < other.before.ends_at:
            found.append(other.id)
    return found


def _settle_moves(snapshot, salon: solver.Salon, candidates: list[PlannedMove],
                  current: dict[uuid.UUID, list[solver.Occupancy]], now: datetime,
                  plan_moves: Sequence[PlannedMove], refused: list[RefusedMove]
                  ) -> tuple[list[tuple[PlannedMove, solver.BookedService]], list[RefusedMove]]:
    """The chosen moves that fit together; a refused move keeps its old time (its whole visit
    too), which may refuse others."""
    booked = {m.id: _booked(snapshot, m) for m in candidates}
    refused = refused + [RefusedMove(m.id, m.appointment_id, f"El servicio de la cita de "
                                                             f"{m.customer_name or 'el cliente'} ya no está activo; "
                                                             "no la moví.")
                         for m in candidates if booked[m.id] is None]
    accepted, refused = _visit_refusals(refused, [m for m in candidates if booked[m.id] is not None])
    while True:
        staying = [o for r in refused for o in current.get(r.appointment_id, ())]
        failing = None
        for move in accepted:
            others = [o for m in accepted if m is not move
                      for o in solver.occupancy_for(salon, *_parts(booked[m.id]))]
            trial = replace(salon, occupancy=salon.occupancy + tuple(staying) + tuple(others))
            conflicts = solver.recheck_assignment(trial, solver.Assignment((booked[move.id],)), now,
                                                  enforce_booking_window=False)
            if conflicts:
                failing = (move, conflicts)
                break
        if failing is None:
            return [(m, booked[m.id]) for m in accepted], refused
        move, conflicts = failing
        accepted.remove(move)
        needs = _needs(move, plan_moves, accepted) if solver.Reason.SLOT_TAKEN in {c.reason for c in conflicts} else []
        message = (f"La cita de {move.customer_name or 'el cliente'} solo cabe si también aplico el "
                   f"{' y el '.join(needs)}." if needs else _why(conflicts, move))
        refused.append(RefusedMove(move.id, move.appointment_id, message))
        accepted, refused = _visit_refusals(refused, accepted)


def _parts(booked: solver.BookedService) -> tuple[str, str, str | None, datetime]:
    return booked.service_id, booked.staff_id, booked.spot_id, booked.start


async def _write(session, organization: Organization, snapshot, appointments: dict[uuid.UUID, Appointment],
                 accepted: list[tuple[PlannedMove, solver.BookedService]], now: datetime) -> tuple[list[PlannedMove], int]:
    """Move the rows, rewrite their occupancy, and queue one notice per customer appointment."""
    placed = []
    for move, booked in accepted:
        appointment = appointments[move.appointment_id]
        appointment.starts_at, appointment.ends_at = booked.start, booked.end
        appointment.staff_id = move.after.staff_id
        appointment.spot_id = move.after.spot_id
        appointment.needs_new_time_at = None
        appointment.updated_at = now
        placed.append((appointment, booked))
    await session.execute(delete(Occupancy).where(Occupancy.organization_id == organization.id,
                                                 Occupancy.appointment_id.in_([a.id for a, _ in placed])))
    await session.flush()
    occupancy = _occupancy_rows(snapshot, organization.id, placed)
    await hold_occupied(session, organization.id, occupancy)
    session.add_all(occupancy)
    await session.flush()  # PostgreSQL's exclusion constraint speaks here

    customers = {c.id: c for c in await session.scalars(
        select(Customer).where(Customer.organization_id == organization.id,
                               Customer.id.in_({a.customer_id for a, _ in placed})))}
    queued = 0
    for moves in _notices(m for m, _ in accepted):
        first = moves[0]
        customer = customers.get(first.customer_id)
        if customer is None or not notices.has_phone(customer):
            continue
        enqueue(
            session, now=now, to=customer.phone_number, organization_id=organization.id, kind="notification",
            template_name="appointment_moved_proposal", variables=move_facts(organization, snapshot, moves, customer),
            dedupe_key=f"appointment_moved_proposal:{first.appointment_id}:{_iso(first.after.starts_at)}",
            appointment_id=first.appointment_id, from_number=organization.whatsapp_number,
        )
        queued += 1
    return [m for m, _ in accepted], queued


def _notices(moves) -> list[list[PlannedMove]]:
    """The moves each notice tells: one notice per customer per visit, its parts in time order."""
    grouped: dict[tuple, list[PlannedMove]] = {}
    for move in moves:
        grouped.setdefault((move.visit_id or move.appointment_id, move.customer_id), []).append(move)
    return [sorted(g, key=lambda m: (m.after.starts_at, m.id)) for g in grouped.values()]


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def move_facts(organization: Organization, snapshot, moves: Sequence[PlannedMove], customer: Customer) -> dict:
    """Raw facts for ``appointment_moved_proposal`` (names as ``messaging.templates`` expects them):
    one visit, however many services it has (``service_names``), from its first part's times."""
    first = moves[0]
    before_first = min(moves, key=lambda m: m.before.starts_at)
    staff = {m.after.staff_name for m in moves}
    before_staff = {m.before.staff_name for m in moves}
    facts = {
        "appointment_id": str(first.appointment_id),
        "business_name": organization.name,
        "location_name": snapshot.location.name,
        "customer_name": customer.name,
        "service_name": first.service_name,
        "previous_starts_at": _iso(before_first.before.starts_at),
        "starts_at": _iso(first.after.starts_at),
        "timezone": organization.timezone,
        "already_moved": True,  # the visit is at the new time now: confirm it, or pick another
    }
    if len(moves) > 1:
        facts["service_names"] = [m.service_name for m in moves]
        facts["appointment_ids"] = [str(m.appointment_id) for m in moves]
    if len(staff) == 1:
        facts["staff_name"] = first.after.staff_name
        if len(before_staff) == 1:
            facts["previous_staff_name"] = before_first.before.staff_name
            facts["staff_changed"] = staff != before_staff
    return facts
