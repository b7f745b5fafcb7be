"""Reading the schedule: one day's agenda per staff member, and appointment listings.

The agenda is computed in the organization's zone day by day, by the solver's calendars,
so a DST change day (23 or 25 hours in Tijuana) shows the hours the owner set, on the
clock. Free gaps are working time minus blocks minus occupancy: processing time shows as
free for the stylist. A day costs five queries whatever the number of staff: the place,
the staff, their hours and blocks, their occupancy that day, and the appointments joined
to who, what and where (customer, service, spot), since that is what an agenda shows.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, Select, and_, bindparam, func, or_, select

from resolvers.context import Context
from resolvers.errors import Problem, ValidationError
from resolvers.permissions import Permission
from resolvers.reads import read_session
from resolvers.scheduling.access import (
    STAFF_NOT_FOUND,
    allowed,
    check_range,
    load_appointment,
    load_place,
    organization_id,
)
from resolvers.scheduling.rules import BookingRules
from resolvers.scheduling.snapshot import (
    _calendar,
    _solver_staff,
    business_hours,
    load_availability,
    load_occupancy,
    load_staff,
)
from resolvers.scheduling.types import (
    AgendaItem,
    AgendaItemKind,
    AppointmentPage,
    DaySchedule,
    StaffDay,
    TimeRange,
)
from solver import Calendars, Horizon, Salon
from storage import LONGEST_VISIT, Appointment, AppointmentStatus, Customer, NamedColumns, ServiceType, Spot

MAX_PAGE = 200
# What an agenda shows of each appointment and of its customer, service and spot: named
# tuples of these columns (storage.NamedColumns), with the model's attribute names, not ORM
# objects. A full day of ten staff is ~60 appointments; building four entities per row, JSON
# profiles included, was twice the cost of reading these columns (2.6 -> 1.5 ms), and
# SQLAlchemy rows answer attributes ten times slower than tuples. The GraphQL types read
# exactly these names (tests/graphql/test_schedule_fields.py asks for every field they have).
_SHOWN_APPOINTMENT = NamedColumns(
    "appointment", Appointment.id, Appointment.organization_id, Appointment.customer_id,
    Appointment.service_type_id, Appointment.staff_id, Appointment.spot_id, Appointment.starts_at,
    Appointment.ends_at, Appointment.status, Appointment.source, Appointment.price_cents, Appointment.notes,
    Appointment.cancellation_reason, Appointment.cancelled_at, Appointment.booking_group_id,
    Appointment.staff_requested, Appointment.created_at, Appointment.needs_new_time_at,
)
_SHOWN_CUSTOMER = NamedColumns("customer", Customer.id, Customer.name, Customer.phone_number, Customer.email,
                         Customer.notes, Customer.accepts_moves, Customer.created_at)
_SHOWN_SERVICE = NamedColumns(
    "service", ServiceType.id, ServiceType.name, ServiceType.description, ServiceType.duration_minutes,
    ServiceType.price_cents, ServiceType.currency, ServiceType.buffer_after_minutes,
    ServiceType.processing_offset_minutes, ServiceType.processing_minutes, ServiceType.is_active,
    ServiceType.created_at, ServiceType.color,
)
_SHOWN_SPOT = NamedColumns("spot", Spot.id, Spot.name, Spot.display_order, Spot.is_active, Spot.location_id)
# Built once (bind parameters): see snapshot.py on what building a statement costs.
_DAY_APPOINTMENTS = (
    select(_SHOWN_APPOINTMENT, _SHOWN_CUSTOMER, _SHOWN_SERVICE, _SHOWN_SPOT)
    .join_from(Appointment, Customer, (Customer.id == Appointment.customer_id)
               & (Customer.organization_id == Appointment.organization_id))
    .join(ServiceType, (ServiceType.id == Appointment.service_type_id)
          & (ServiceType.organization_id == Appointment.organization_id))
    .outerjoin(Spot, (Spot.id == Appointment.spot_id) & (Spot.organization_id == Appointment.organization_id))
    .where(
        Appointment.organization_id == bindparam("org_id"),
        Appointment.location_id == bindparam("location_id"),
        Appointment.status != AppointmentStatus.CANCELLED,
        Appointment.starts_at < bindparam("end"),
        Appointment.ends_at > bindparam("start"),
        Appointment.starts_at > bindparam("earliest"),  # see LONGEST_VISIT
    )
    .order_by(Appointment.starts_at, Appointment.id)
)
_DAY_APPOINTMENTS_OF = _DAY_APPOINTMENTS.where(Appointment.staff_id == bindparam("staff_id"))
_KIND_ORDER = {AgendaItemKind.APPOINTMENT: 0, AgendaItemKind.BLOCK: 1, AgendaItemKind.FREE: 2}


async def day_schedule(
    ctx: Context, day: date, *, staff_id: uuid.UUID | None = None, location_id: uuid.UUID | None = None
) -> DaySchedule | Problem:
    """Each staff member's appointments, blocks and free gaps on one local day."""
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    if denied := allowed(ctx.actor, Permission.VIEW_SCHEDULE):
        return denied
    # Read-only, so no BEGIN/COMMIT round trips: on PostgreSQL (READ COMMITTED) a transaction
    # gave no snapshot across these statements anyway. A booking landing between them shows
    # at the dashboard's next poll.
    async with read_session(ctx.db) as session:
        place = await load_place(session, org_id, location_id, for_write=False)
        if not isinstance(place, tuple):
            return place
        organization, location = place
        zone = ZoneInfo(organization.timezone)
        day_start = datetime.combine(day, time(0), tzinfo=zone).astimezone(timezone.utc)
        day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(timezone.utc)
        staff = await load_staff(session, org_id, location)
        if staff_id is not None and staff_id not in staff:
            return STAFF_NOT_FOUND
        shown = [staff_id] if staff_id is not None else None
        calendar = _calendar(await load_availability(session, org_id, location, day_start, day_end, zone,
                                                     staff_ids=shown), staff, zone)
        occupancy = await load_occupancy(session, org_id, day_start, day_end, staff_only=True, staff_ids=shown)
        params = {"org_id": org_id, "location_id": location.id, "start": day_start, "end": day_end,
                  "earliest": day_start - LONGEST_VISIT}
        if staff_id is None:
            rows = (await session.execute(_DAY_APPOINTMENTS, params)).all()
        else:
            rows = (await session.execute(_DAY_APPOINTMENTS_OF, {**params, "staff_id": staff_id})).all()
    appointments = [row.appointment for row in rows]
    customers = {row.customer.id: row.customer for row in rows}
    services = {row.service.id: row.service for row in rows}
    spots = {row.spot.id: row.spot for row in rows if row.spot.id is not None}

    # Only what the agenda shows: the staff's working and free time that day (no services, no spots).
    people = [member for member in staff.values() if staff_id is None or member.id == staff_id]
    salon = Salon(timezone=organization.timezone, business_hours=business_hours(location),
                  staff=tuple(_solver_staff(m, calendar, ()) for m in people), spots=(), services=(),
                  closed_dates=frozenset(calendar.closed_dates), location_blocks=tuple(calendar.location_blocks),
                  occupancy=tuple(occupancy))
    horizon = Horizon(zone, day, 1)
    calendars = Calendars(salon, horizon)
    blocks = calendar.block_rows
    by_staff: dict[uuid.UUID, list[tuple]] = {}
    for appointment in appointments:
        by_staff.setdefault(appointment.staff_id, []).append(appointment)

    def local(minute: int) -> datetime:
        return horizon.instant(minute).astimezone(zone)

    min_gap = BookingRules.of(organization).granularity_minutes
    bookable_from = next_step(ctx.now(), min_gap).astimezone(zone)
    solver_staff = {m.id: m for m in salon.staff}
    days = []
    for member in sorted(people, key=lambda m: (m.name, str(m.id))):
        model = solver_staff[str(member.id)]
        items = [
            AgendaItem(AgendaItemKind.APPOINTMENT, a.starts_at.astimezone(zone), a.ends_at.astimezone(zone),
                       appointment=a)
            for a in by_staff.get(member.id, ())
        ]
        items += [
            AgendaItem(AgendaItemKind.BLOCK, max(b.starts_at, day_start).astimezone(zone),
                       min(b.ends_at, day_end).astimezone(zone), block=b, reason=b.reason)
            for b in blocks
            if (b.staff_id == member.id or b.staff_id is None) and b.starts_at < day_end and b.ends_at > day_start
        ]
        # A no-show gave its time back to the calendars, but the agenda still draws it; processing
        # time inside a drawn appointment stays free for the stylist (their occupancy says so).
        shown = [(a.starts_at, a.ends_at) for a in by_staff.get(member.id, ())
                 if a.status is AppointmentStatus.NO_SHOW]
        items += [
            AgendaItem(AgendaItemKind.FREE, start, end)
            for start, end in open_gaps(((local(a), local(b)) for a, b in calendars.staff_free(model)),
                                        taken=shown, not_before=bookable_from, min_minutes=min_gap)
        ]
        items.sort(key=lambda i: (i.start, _KIND_ORDER[i.kind]))
        working = tuple(TimeRange(local(a), local(b)) for a, b in calendars.staff_working(model))
        days.append(StaffDay(staff=member, working=working, items=tuple(items)))
    business = tuple(TimeRange(local(a), local(b)) for a, b in calendars.business_hours)
    return DaySchedule(day=day, timezone=organization.timezone, location_id=location.id, business_hours=business,
                       closed=not business, staff=tuple(days), customers=customers, services=services, spots=spots)


def next_step(instant: datetime, minutes: int) -> datetime:
    """The first slot boundary (every ``minutes`` on the clock) at or after ``instant``."""
    step = timedelta(minutes=max(1, minutes))
    midnight = instant.replace(hour=0, minute=0, second=0, microsecond=0)
    elapsed = instant - midnight
    return midnight + step * -(-elapsed // step)


def open_gaps(free: Iterable[tuple[datetime, datetime]], *, taken: Iterable[tuple[datetime, datetime]],
              not_before: datetime, min_minutes: int) -> list[tuple[datetime, datetime]]:
    """Free time the agenda may offer: not in the past, and never under ``taken`` (no-shows).

    The calendars free what no longer holds a chair (a no-show releases its occupancy), but
    the agenda still draws that appointment, and a "Libre" drawn over it — or a gap that has
    already started — is an offer that fails when taken ("Esa hora ya pasó").
    """
    busy = sorted(taken)
    gaps = []
    for start, end in free:
        pieces = [(max(start, not_before), end)]
        for busy_start, busy_end in busy:
            pieces = [(x, y) for a, b in pieces
                      for x, y in ((a, min(b, busy_start)), (max(a, busy_end), b)) if x < y]
        gaps += [(a, b) for a, b in pieces if b - a >= timedelta(minutes=min_minutes)]
    return gaps


def encode_cursor(appointment: Appointment) -> str:
    raw = f"{appointment.starts_at.isoformat()}|{appointment.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, _, ident = raw.partition("|")
        starts_at = datetime.fromisoformat(when)
        if starts_at.tzinfo is None:
            return None
        return starts_at, uuid.UUID(ident)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


@lru_cache(maxsize=128)
def _listing(start: bool, end: bool, staff: bool, service: bool, customer: bool, status: bool,
             after: bool) -> tuple[Select, Select]:
    """The page and count statements of a listing with these filters, built once per process
    with bound parameters: building the expression (and its cache key) on every call cost
    more CPU than running it (the LLM's prompt lists a customer's appointments every turn)."""
    conditions = [Appointment.organization_id == bindparam("org")]
    if start:
        conditions += [Appointment.ends_at > bindparam("start"), Appointment.starts_at > bindparam("earliest")]
    if end:
        conditions.append(Appointment.starts_at < bindparam("end"))
    if staff:
        conditions.append(Appointment.staff_id == bindparam("staff"))
    if service:
        conditions.append(Appointment.service_type_id == bindparam("service"))
    if customer:
        conditions.append(Appointment.customer_id == bindparam("customer"))
    if status:
        conditions.append(Appointment.status.in_(bindparam("statuses", expanding=True)))
    page_conditions = list(conditions)
    if after:
        at, ident = bindparam("at"), bindparam("ident")
        page_conditions.append(or_(Appointment.starts_at > at, and_(Appointment.starts_at == at, Appointment.id > ident)))
    page = (select(Appointment).where(*page_conditions).order_by(Appointment.starts_at, Appointment.id)
            .limit(bindparam("limit", type_=Integer)))
    return page, select(func.count()).select_from(Appointment).where(*conditions)


async def list_appointments(
    ctx: Context,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    staff_id: uuid.UUID | None = None,
    service_id: uuid.UUID | None = None,
    status: AppointmentStatus | Sequence[AppointmentStatus] | None = None,
    customer_id: uuid.UUID | None = None,
    first: int = 50,
    after: str | None = None,
) -> AppointmentPage | Problem:
    """Appointments overlapping [start, end) by start time, filtered, a page at a time.

    A customer sees only their own (``customer_id`` is forced to theirs).
    """
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    actor = ctx.actor
    if actor.is_customer:
        customer_id = actor.customer_id
    elif denied := allowed(actor, Permission.VIEW_SCHEDULE):
        return denied
    if start is not None and end is not None and (problem := check_range(start, end)):
        return problem
    if not 1 <= first <= MAX_PAGE:
        return ValidationError(f"Puedo mostrar de 1 a {MAX_PAGE} citas por página.", field="first")
    position = None
    if after:
        position = decode_cursor(after)
        if position is None:
            return ValidationError("El cursor de la página no es válido.", field="after")
    statuses = None if status is None else [status] if isinstance(status, AppointmentStatus) else list(status)
    page, count = _listing(start is not None, end is not None, staff_id is not None, service_id is not None,
                           customer_id is not None, statuses is not None, position is not None)
    params = {"org": org_id, "start": start, "earliest": start - LONGEST_VISIT if start is not None else None,
              "end": end, "staff": staff_id, "service": service_id, "customer": customer_id, "statuses": statuses,
              "limit": first + 1}
    if position is not None:
        params["at"], params["ident"] = position
    async with read_session(ctx.db) as session:  # no BEGIN/ROLLBACK: usually one statement (see below)
        rows = (await session.scalars(page, params)).all()
        # The first page holds every match when it is not full: that is the total, without a count
        # (the LLM's prompt lists a customer's few appointments on every turn).
        total = len(rows) if after is None and len(rows) <= first else \
            await session.scalar(count, params) or 0
    items = tuple(rows[:first])
    return AppointmentPage(items=items, end_cursor=encode_cursor(items[-1]) if items else None,
                           has_next_page=len(rows) > first, total_count=total)


async def get_appointment(ctx: Context, appointment_id: uuid.UUID) -> Appointment | Problem:
    """One appointment of the actor's organization (a customer: only their own)."""
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    if not ctx.actor.is_customer and (denied := allowed(ctx.actor, Permission.VIEW_SCHEDULE)):
        return denied
    async with ctx.db.session() as session:
        return await load_appointment(session, ctx, appointment_id)
