"""Time off the calendar and the hours themselves: blocks, weekly hours, business hours.

Blocks are ``Availability`` rows of kind block (a UTC range; ``staff_id`` NULL = the whole
location). Closed days are location-wide dated exceptions without times, which the
snapshot reads as closed dates. Staff block their own time; owners and admins anyone's
or the location's; only the owner changes business hours (the permission matrix).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.context import Actor, Context
from resolvers.errors import Problem, ValidationError
from resolvers.permissions import Permission
from resolvers.scheduling import notices
from resolvers.scheduling.access import (
    BLOCK_NOT_FOUND,
    STAFF_NOT_FOUND,
    allowed,
    check_range,
    load_location,
    load_organization,
    organization_id,
)
from resolvers.scheduling.types import BlockedTime, WeeklyRange
from storage import (
    ACTIVE_STATUSES,
    LONGEST_VISIT,
    Appointment,
    Availability,
    AvailabilityKind,
    Location,
    Organization,
    Staff,
)
from storage.ids import new_id
from storage.queries import get_in

MAX_REASON = 200
#: A block may be long (vacations), but not unbounded.
MAX_BLOCK_DAYS = 90
MAX_CLOSED_DAYS = 366


def _may_change(actor: Actor, staff_id: uuid.UUID | None) -> Problem | None:
    own = staff_id is not None and staff_id == actor.staff_id
    return allowed(actor, Permission.BLOCK_OWN_TIME if own else Permission.BLOCK_OTHERS_TIME)


async def _staff_member(session: AsyncSession, org_id: uuid.UUID, staff_id: uuid.UUID) -> Staff | Problem:
    member = await get_in(session, Staff, org_id, staff_id)
    if member is None or member.organization_id != org_id:
        return STAFF_NOT_FOUND
    return member


async def block_time(
    ctx: Context,
    start: datetime,
    end: datetime,
    *,
    staff_id: uuid.UUID | None = None,
    reason: str | None = None,
    location_id: uuid.UUID | None = None,
) -> BlockedTime | Problem:
    """Take [start, end) off a staff member's calendar, or the whole location's (staff_id None).

    Appointments already there are kept and returned in ``overlapping`` for the caller to handle.
    """
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    if denied := _may_change(ctx.actor, staff_id):
        return denied
    if problem := check_range(start, end, start_field="start", end_field="end", max_days=MAX_BLOCK_DAYS):
        return problem
    now = ctx.now()
    if end <= now:
        return ValidationError("Ese horario ya pasó.", field="end")
    async with ctx.db.transaction(write=True) as session:
        organization = await load_organization(session, org_id, for_write=True)
        if not isinstance(organization, Organization):
            return organization
        location = await load_location(session, org_id, location_id)
        if not isinstance(location, Location):
            return location
        who = "Todo el negocio"
        if staff_id is not None:
            member = await _staff_member(session, org_id, staff_id)
            if not isinstance(member, Staff):
                return member
            who = member.name
        block = Availability(
            id=new_id(), organization_id=org_id, staff_id=staff_id,
            location_id=location.id if staff_id is None else None, kind=AvailabilityKind.BLOCK,
            starts_at=start, ends_at=end, reason=(reason or "").strip()[:MAX_REASON] or None,
            is_available=False, created_at=now, updated_at=now,
        )
        session.add(block)
        overlapping_query = select(Appointment).where(
            Appointment.organization_id == org_id,
            Appointment.status.in_(ACTIVE_STATUSES),
            Appointment.starts_at < end,
            Appointment.ends_at > start,
            Appointment.starts_at > start - LONGEST_VISIT,
        )
        if staff_id is not None:
            overlapping_query = overlapping_query.where(Appointment.staff_id == staff_id)
        else:
            overlapping_query = overlapping_query.where(Appointment.location_id == location.id)
        overlapping = tuple((await session.scalars(overlapping_query.order_by(Appointment.starts_at, Appointment.id))).all())
        notices.activity(session, now=now, organization=organization, kind="time_blocked",
                         summary=f"Horario bloqueado: {who}", subject_id=block.id,
                         data={"staff_id": str(staff_id) if staff_id else None, "start": start.isoformat(),
                               "end": end.isoformat(), "reason": block.reason, "overlapping": len(overlapping)})
    return BlockedTime(block=block, overlapping=overlapping)


async def remove_block(ctx: Context, block_id: uuid.UUID) -> Availability | Problem:
    """Give blocked time back; returns the removed row."""
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    if ctx.actor.is_customer:
        return BLOCK_NOT_FOUND
    async with ctx.db.transaction(write=True) as session:
        block = await get_in(session, Availability, org_id, block_id)
        if block is None or block.organization_id != org_id or block.kind is not AvailabilityKind.BLOCK:
            return BLOCK_NOT_FOUND
        if denied := _may_change(ctx.actor, block.staff_id):
            return denied
        await session.delete(block)
    return block


async def list_blocks(
    ctx: Context, start: datetime, end: datetime, *, staff_id: uuid.UUID | None = None
) -> list[Availability] | Problem:
    """Blocks overlapping [start, end) by start; with ``staff_id``, theirs plus the location-wide ones."""
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    if denied := allowed(ctx.actor, Permission.VIEW_SCHEDULE):
        return denied
    if problem := check_range(start, end):
        return problem
    query = select(Availability).where(
        Availability.organization_id == org_id,
        Availability.kind == AvailabilityKind.BLOCK,
        Availability.starts_at < end,
        Availability.ends_at > start,
    )
    if staff_id is not None:
        query = query.where(or_(Availability.staff_id == staff_id, Availability.staff_id.is_(None)))
    async with ctx.db.session() as session:
        return list(await session.scalars(query.order_by(Availability.starts_at, Availability.id)))


def check_week(hours: Sequence[WeeklyRange], field: str = "hours") -> ValidationError | None:
    """Weekdays 0–6, each range ending after it starts, no two ranges of a day overlapping."""
    by_day: dict[int, list[tuple[int, int]]] = {}
    for item in hours:
        if not 0 <= item.weekday <= 6:
            return ValidationError("El día debe ir de 0 (lunes) a 6 (domingo).", field=field)
        start = item.start.hour * 60 + item.start.minute
        end = 24 * 60 if item.end == time(0) else item.end.hour * 60 + item.end.minute
        if end <= start:
            return ValidationError("Cada horario tiene que terminar después de empezar.", field=field)
        by_day.setdefault(item.weekday, []).append((start, end))
    for ranges in by_day.values():
        ranges.sort()
        if any(b_start < a_end for (_, a_end), (b_start, _) in zip(ranges, ranges[1:])):
            return ValidationError("Dos horarios del mismo día se enciman.", field=field)
    return None


async def set_recurring_availability(
    ctx: Context, staff_id: uuid.UUID, hours: Sequence[WeeklyRange]
) -> list[Availability] | Problem:
    """Replace a staff member's weekly hours. An empty week means "whenever the location is open"."""
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    own = staff_id == ctx.actor.staff_id
    if denied := allowed(ctx.actor, Permission.BLOCK_OWN_TIME if own else Permission.MANAGE_STAFF):
        return denied
    if problem := check_week(hours):
        return problem
    now = ctx.now()
    async with ctx.db.transaction(write=True) as session:
        member = await _staff_member(session, org_id, staff_id)
        if not isinstance(member, Staff):
            return member
        await session.execute(delete(Availability).where(
            Availability.organization_id == org_id, Availability.staff_id == staff_id,
            Availability.kind == AvailabilityKind.RECURRING))
        rows = [
            Availability(id=new_id(), organization_id=org_id, staff_id=staff_id, kind=AvailabilityKind.RECURRING,
                         day_of_week=h.weekday, start_time=h.start, end_time=h.end, is_available=True,
                         created_at=now, updated_at=now)
            for h in sorted(hours, key=lambda h: (h.weekday, h.start))
        ]
        session.add_all(rows)
        if (member.settings or {}).get("hours_chosen", True) is False:
            # The owner chose (an empty week: the business's hours): the newcomer becomes bookable.
            member.settings = {k: v for k, v in member.settings.items() if k != "hours_chosen"}
            member.updated_at = now
    return rows


def _clock(value: time, *, is_end: bool = False) -> str:
    return "24:00" if is_end and value == time(0) else value.strftime("%H:%M")


async def set_business_hours(
    ctx: Context,
    hours: Sequence[WeeklyRange],
    *,
    closed_days: Sequence[date] | None = None,
    location_id: uuid.UUID | None = None,
) -> Location | Problem:
    """Replace the location's weekly hours; ``closed_days`` (if given) replaces its upcoming closures."""
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    if denied := allowed(ctx.actor, Permission.CHANGE_BUSINESS_HOURS):
        return denied
    if problem := check_week(hours):
        return problem
    if closed_days is not None and len(closed_days) > MAX_CLOSED_DAYS:
        return ValidationError("Son demasiados días cerrados de una vez.", field="closedDays")
    now = ctx.now()
    async with ctx.db.transaction(write=True) as session:
        organization = await load_organization(session, org_id, for_write=True)
        if not isinstance(organization, Organization):
            return organization
        location = await load_location(session, org_id, location_id)
        if not isinstance(location, Location):
            return location
        today = now.astimezone(ZoneInfo(organization.timezone)).date()
        if closed_days is not None and any(d < today for d in closed_days):
            return ValidationError("Uno de los días cerrados ya pasó.", field="closedDays")
        week: dict[str, list[list[str]]] = {}
        for h in sorted(hours, key=lambda h: (h.weekday, h.start)):
            week.setdefault(str(h.weekday), []).append([_clock(h.start), _clock(h.end, is_end=True)])
        location.business_hours = week
        location.updated_at = now
        if closed_days is not None:
            await session.execute(delete(Availability).where(
                Availability.organization_id == org_id, Availability.staff_id.is_(None),
                Availability.location_id == location.id, Availability.kind == AvailabilityKind.EXCEPTION,
                Availability.is_available.is_(False), Availability.start_time.is_(None),
                Availability.exception_date >= today))
            session.add_all(
                Availability(id=new_id(), organization_id=org_id, staff_id=None, location_id=location.id,
                             kind=AvailabilityKind.EXCEPTION, exception_date=day, is_available=False,
                             reason="Cerrado", created_at=now, updated_at=now)
                for day in sorted(set(closed_days))
            )
        notices.activity(session, now=now, organization=organization, kind="business_hours_changed",
                         summary="Horario del negocio actualizado", subject_id=location.id,
                         data={"business_hours": week,
                               "closed_days": [d.isoformat() for d in sorted(set(closed_days or ()))]})
    return location
