"""``suggest_rebooking``: read the salon, ask the optimiser, store the plan, answer with datetimes.

The solve runs outside any transaction (a few seconds at most, on a worker thread); only
storing the plan is a short write transaction. Suggesting writes nothing else: the outage
(a stylist's block, a chair's unavailability, shorter hours) goes on the calendar when the
owner applies the plan (``apply``), so a plan never applied leaves the calendar as it was.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import solver
import solver.rebooking as rb
from resolvers.context import Context
from resolvers.errors import Problem, ValidationError
from resolvers.permissions import Permission
from resolvers.rebooking.disruptions import (
    MAX_DISRUPTION_DAYS,
    CompactDay,
    Disruption,
    DisruptionKind,
    ShortenedHours,
    SpotOut,
    StaffBlockOver,
    StaffOut,
    TimeTaken,
    days_between,
    disruption_json,
    local_midnight,
    shortened_day,
    whole_days,
)
from resolvers.rebooking.payload import plan_payload
from resolvers.rebooking.policy import RebookingSettings
from resolvers.rebooking.salon_model import SalonModel, build_salon_model
from resolvers.rebooking.types import (
    DisruptionFacts,
    FreeBlockChange,
    PlacementAt,
    PlanFiguresOut,
    PlannedMove,
    PlanResult,
    UnplaceableAppointment,
)
from resolvers.scheduling import notices
from resolvers.scheduling.access import (
    BLOCK_NOT_FOUND,
    SPOT_NOT_FOUND,
    STAFF_NOT_FOUND,
    allowed,
    load_location,
    load_organization,
    organization_id,
)
from resolvers.scheduling.snapshot import load_snapshot
from storage import (
    ACTIVE_STATUSES,
    Appointment,
    Availability,
    AvailabilityKind,
    Customer,
    Location,
    Organization,
    RebookingPlan,
    Spot,
    Staff,
)
from storage.ids import new_id
from storage.queries import get_in

MAX_REASON = 200

#: The owner reads these when an affected appointment found no place.
UNPLACEABLE_MESSAGES = {
    rb.NO_QUALIFIED_STAFF: "nadie más del equipo hace ese servicio esos días",
    rb.PREFERRED_STAFF_UNAVAILABLE: "el cliente pidió a {staff} y no tiene espacio cerca de esa hora",
    rb.NO_COMPATIBLE_SPOT: "no hay un lugar disponible para ese servicio esos días",
    rb.NO_TIME_IN_WINDOW: "no hay nadie libre con lugar cerca de esa hora",
    rb.SCHEDULE_FULL: "la agenda ya está llena a esas horas",
}

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Resolved:
    """A disruption checked against the database: the time it takes and the facts to tell.

    ``writes_outage``: applying the plan puts ``taken`` on the calendar (a staff block, a
    chair's unavailability, location blocks for shorter hours).
    """

    taken: TimeTaken
    facts: DisruptionFacts
    writes_outage: bool = False


def _day_range(first: date, last: date | None, today: date, field: str) -> tuple[date, date] | ValidationError:
    last = last or first
    if last < first:
        return ValidationError("El último día tiene que ser después del primero.", field=field)
    if last < today:
        return ValidationError("Esas fechas ya pasaron.", field=field)
    if (last - first).days + 1 > MAX_DISRUPTION_DAYS:
        return ValidationError(f"Puedo reorganizar hasta {MAX_DISRUPTION_DAYS} días a la vez.", field=field)
    return max(first, today), last


async def _resolve(session: AsyncSession, org_id: uuid.UUID, location: Location, disruption: Disruption,
                   zone, today: date) -> _Resolved | Problem:
    if isinstance(disruption, StaffOut):
        member = await get_in(session, Staff, org_id, disruption.staff_id)
        if member is None or member.organization_id != org_id:
            return STAFF_NOT_FOUND
        span = _day_range(disruption.first_day, disruption.last_day, today, "lastDay")
        if isinstance(span, Problem):
            return span
        first, last = span
        reason = (disruption.reason or "").strip()[:MAX_REASON] or "No viene"
        block = whole_days(first, last, zone, reason)
        facts = DisruptionFacts(DisruptionKind.STAFF_OUT, first, last, staff_id=member.id, staff_name=member.name,
                                reason=reason, block_written=disruption.write_block)
        return _Resolved(TimeTaken(days_between(first, last), staff_blocks={str(member.id): (block,)}), facts,
                         writes_outage=disruption.write_block)
    if isinstance(disruption, StaffBlockOver):
        row = await get_in(session, Availability, org_id, disruption.block_id)
        if row is None or row.organization_id != org_id or row.kind is not AvailabilityKind.BLOCK:
            return BLOCK_NOT_FOUND
        first, last = row.starts_at.astimezone(zone).date(), (row.ends_at - timedelta(microseconds=1)).astimezone(zone).date()
        span = _day_range(first, last, today, "blockId")
        if isinstance(span, Problem):
            return span
        first, last = span
        block = solver.Block(row.starts_at, row.ends_at, row.reason or "")
        name = None
        if row.staff_id is not None:
            member = await get_in(session, Staff, org_id, row.staff_id)
            name = member.name if member else None
            taken = TimeTaken(days_between(first, last), staff_blocks={str(row.staff_id): (block,)})
        else:
            taken = TimeTaken(days_between(first, last), location_blocks=(block,))
        return _Resolved(taken, DisruptionFacts(DisruptionKind.STAFF_BLOCK, first, last, staff_id=row.staff_id,
                                                staff_name=name, reason=row.reason, block_written=True))
    if isinstance(disruption, SpotOut):
        spot = await get_in(session, Spot, org_id, disruption.spot_id)
        if spot is None or spot.organization_id != org_id or spot.location_id != location.id:
            return SPOT_NOT_FOUND
        span = _day_range(disruption.first_day, disruption.last_day, today, "lastDay")
        if isinstance(span, Problem):
            return span
        first, last = span
        block = whole_days(first, last, zone, "Fuera de servicio")
        return _Resolved(TimeTaken(days_between(first, last), spot_blocks={str(spot.id): (block,)}),
                         DisruptionFacts(DisruptionKind.SPOT_OUT, first, last, spot_id=spot.id, spot_name=spot.name,
                                         block_written=True),
                         writes_outage=True)
    if isinstance(disruption, ShortenedHours):
        if disruption.opens_at is None and disruption.closes_at is None:
            return ValidationError("Dime a qué hora abres o a qué hora cierras ese día.", field="closesAt")
        if disruption.opens_at and disruption.closes_at and disruption.closes_at <= disruption.opens_at:
            return ValidationError("La hora de cierre tiene que ser después de la de apertura.", field="closesAt")
        if disruption.day < today:
            return ValidationError("Ese día ya pasó.", field="day")
        reason = (disruption.reason or "").strip()[:MAX_REASON] or "Horario reducido"
        blocks = shortened_day(disruption.day, disruption.opens_at, disruption.closes_at, zone, reason)
        facts = DisruptionFacts(DisruptionKind.SHORTENED_HOURS, disruption.day, disruption.day,
                                opens_at=disruption.opens_at, closes_at=disruption.closes_at, reason=reason,
                                block_written=disruption.write_block)
        return _Resolved(TimeTaken((disruption.day,), location_blocks=blocks), facts,
                         writes_outage=disruption.write_block)
    if isinstance(disruption, CompactDay):
        if disruption.day < today:
            return ValidationError("Ese día ya pasó.", field="day")
        return _Resolved(TimeTaken((disruption.day,)), DisruptionFacts(DisruptionKind.COMPACT_DAY, disruption.day,
                                                                       disruption.day))
    return ValidationError("No entiendo qué pasó.", field="kind")


async def _appointments(session: AsyncSession, org_id: uuid.UUID, start: datetime,
                        end: datetime) -> tuple[list[Appointment], dict[uuid.UUID, Customer]]:
    rows = list(await session.scalars(
        select(Appointment).where(
            Appointment.organization_id == org_id,
            Appointment.status.in_(ACTIVE_STATUSES),
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
        )
    ))
    customer_ids = {r.customer_id for r in rows}
    customers = {c.id: c for c in await session.scalars(select(Customer).where(
        Customer.organization_id == org_id, Customer.id.in_(customer_ids)))} if customer_ids else {}
    return rows, customers


async def suggest_rebooking(ctx: Context, disruption: Disruption, *, location_id: uuid.UUID | None = None,
                            only: Collection[uuid.UUID] | None = None) -> PlanResult | Problem:
    """The least disruptive plan for what happened; stored so the owner can apply some or all of it.

    ``only``: plan just these affected appointments (the rest stay where they are): the fresh
    plan for the moves of an earlier plan that no longer fit.
    """
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    if denied := allowed(ctx.actor, Permission.REBOOK):
        return denied
    now = ctx.now()
    async with ctx.db.session() as session:
        organization = await load_organization(session, org_id, for_write=True)
        if not isinstance(organization, Organization):
            return organization
        location = await load_location(session, org_id, location_id)
        if not isinstance(location, Location):
            return location
        zone = ZoneInfo(organization.timezone)
        today = now.astimezone(zone).date()
        resolved = await _resolve(session, org_id, location, disruption, zone, today)
        if isinstance(resolved, Problem):
            return resolved
        settings = RebookingSettings.of(organization)
        first_day = max(min(resolved.taken.days), today)
        ahead = 0 if disruption.kind is DisruptionKind.COMPACT_DAY else settings.days_ahead
        last_day = max(resolved.taken.days) + timedelta(days=ahead)
        start, end = local_midnight(first_day, zone), local_midnight(last_day + timedelta(days=1), zone)
        snapshot = await load_snapshot(session, organization, location, start, end)
        rows, customers = await _appointments(session, org_id, start, end)

    model = build_salon_model(snapshot, resolved.taken, rows, customers, first_day=first_day, last_day=last_day,
                              now=now, everyone_may_move=settings.unaffected_moves == "any"
                              and disruption.kind is not DisruptionKind.COMPACT_DAY)
    if only is not None:
        model = model.only_affecting({str(i) for i in only})
    granularity = snapshot.rules.granularity_minutes
    if disruption.kind is DisruptionKind.COMPACT_DAY:
        policy = settings.compaction_policy(granularity=granularity)
        compaction = await asyncio.to_thread(rb.compact_day, model.salon, model.day_index(resolved.facts.first_day),
                                             policy)
        moves, unplaceable, figures = compaction.moves, (), _compaction_figures(compaction)
        optimal, method = compaction.status == "optimal", "cp-sat"
        free_blocks = tuple(
            FreeBlockChange(uuid.UUID(b.staff_id), _staff_name(snapshot, b.staff_id), b.before, b.after)
            for b in compaction.free_blocks
        )
    else:
        policy = settings.rebooking_policy(move_to_days=tuple(range(model.horizon.days)) if ahead else (),
                                           granularity=granularity)
        plan = await asyncio.to_thread(rb.suggest_rebooking, model.salon, policy)
        if plan.stopped_by == "time_limit":  # cut by the safety net, not the work budget: may not reproduce
            log.warning("rebooking search stopped by the %.0f s wall-clock guard after %.2f of %.2f work seconds "
                        "(organization %s): this plan may differ from run to run", policy.time_limit_seconds,
                        plan.work_seconds, policy.work_limit, org_id)
        moves, unplaceable, optimal, method = plan.moves, plan.unplaceable, plan.status == "optimal", plan.method
        f = plan.figures
        figures = PlanFiguresOut(f.affected, f.kept, f.kept_on_day, f.unplaced, f.day_changes, f.unaffected_moved,
                                 f.staff_changes, f.minutes_moved, f.objective, f.best_bound, round(plan.solve_seconds, 3),
                                 spot_changes=f.spot_changes, unaffected_customers=f.unaffected_customers)
        free_blocks = ()

    plan_id = new_id()
    result = PlanResult(
        id=plan_id, kind=disruption.kind, disruption=resolved.facts, timezone=organization.timezone, optimal=optimal,
        method=method, moves=_moves(model, snapshot, moves), unplaceable=_unplaceable(model, snapshot, unplaceable),
        figures=figures, free_blocks=free_blocks, created_at=now, applied_at=None,
        requested_by_staff_id=ctx.actor.staff_id, expires_at=now + settings.plan_lifetime,
    )
    request = {**disruption_json(disruption), "location_id": str(location.id), "writes_outage": resolved.writes_outage}
    async with ctx.db.transaction(write=True) as session:
        session.add(RebookingPlan(id=plan_id, organization_id=org_id, kind=disruption.kind.value,
                                  requested_by_staff_id=ctx.actor.staff_id,
                                  payload=plan_payload(result, resolved.taken, location.id, request),
                                  created_at=now, updated_at=now))
        notices.activity(session, now=now, organization=organization, kind="rebooking_suggested",
                         summary=f"Plan de reorganización: {len(result.moves)} movimientos, "
                                 f"{len(result.unplaceable)} sin lugar",
                         subject_id=plan_id, data={"plan_id": str(plan_id), "kind": disruption.kind.value,
                                                   "moves": len(result.moves), "unplaceable": len(result.unplaceable),
                                                   "optimal": optimal, "actor": ctx.actor.kind.value})
    return result


def _staff_name(snapshot, staff_id: str | None) -> str:
    if staff_id is None:
        return ""
    member = snapshot.staff.get(uuid.UUID(staff_id))
    return member.name if member else ""


def _spot_name(snapshot, spot_id: str | None) -> str | None:
    if spot_id is None:
        return None
    spot = snapshot.spots.get(uuid.UUID(spot_id))
    return spot.name if spot else None


def _placement(model: SalonModel, snapshot, row: Appointment, placement: rb.Placement) -> PlacementAt:
    starts_at = model.instant(placement.start)
    return PlacementAt(uuid.UUID(placement.staff_id), _staff_name(snapshot, placement.staff_id),
                       uuid.UUID(placement.spot_id) if placement.spot_id else None,
                       _spot_name(snapshot, placement.spot_id), starts_at,
                       starts_at + (row.ends_at - row.starts_at))


def _moves(model: SalonModel, snapshot, moves) -> tuple[PlannedMove, ...]:
    ordered = sorted(moves, key=lambda m: (m.before.start, m.appointment_id))
    out = []
    for number, move in enumerate(ordered, start=1):
        row = model.appointments[move.appointment_id]
        customer = model.customers.get(row.customer_id)
        service = snapshot.services.get(row.service_type_id)
        out.append(PlannedMove(
            id=str(number), appointment_id=row.id, customer_id=row.customer_id,
            customer_name=customer.name if customer else None, service_id=row.service_type_id,
            service_name=service.name if service else "", before=_placement(model, snapshot, row, move.before),
            after=_placement(model, snapshot, row, move.after), affected=move.affected,
            minutes_moved=move.minutes_moved, changes_day=move.changes_day, visit_id=model.visit_of(row),
        ))
    return tuple(out)


def _unplaceable(model: SalonModel, snapshot, unplaceable) -> tuple[UnplaceableAppointment, ...]:
    out = []
    for item in unplaceable:
        row = model.appointments[item.appointment_id]
        customer = model.customers.get(row.customer_id)
        service = snapshot.services.get(row.service_type_id)
        staff_name = _staff_name(snapshot, str(row.staff_id))
        message = UNPLACEABLE_MESSAGES.get(item.reason, "no encontré otro lugar").format(staff=staff_name)
        out.append(UnplaceableAppointment(row.id, customer.name if customer else None, service.name if service else "",
                                          staff_name, row.starts_at, item.reason, message, row.customer_id,
                                          model.visit_of(row)))
    return tuple(sorted(out, key=lambda u: (u.starts_at, str(u.appointment_id))))


def _compaction_figures(plan: rb.CompactionPlan) -> PlanFiguresOut:
    staff_changes = sum(m.changes_staff for m in plan.moves)
    return PlanFiguresOut(affected=0, kept=0, kept_on_day=0, unplaced=0, day_changes=0,
                          unaffected_moved=len(plan.moves), staff_changes=staff_changes,
                          minutes_moved=plan.minutes_moved, objective=plan.minutes_moved, best_bound=None,
                          solve_seconds=round(plan.solve_seconds, 3))
