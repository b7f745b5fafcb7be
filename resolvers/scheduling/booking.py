"""Booking, walk-ins, rescheduling, cancelling and marking attendance.

A schedule write is one transaction (``ctx.db.transaction(write=True)``):
validate → snapshot on fresh data → the solver's choice → re-check with interval
arithmetic → appointment and occupancy rows (exactly ``solver.occupancy_for``) → outbox
rows and an activity line → commit → ``ctx.outbox_written()``.

Two requests racing for the last free time: on PostgreSQL the loser's occupancy insert
violates the exclusion constraint; on SQLite ``BEGIN IMMEDIATE`` makes the loser wait and
then its in-transaction re-check sees the winner. Either way it gets ``SlotTaken`` with
alternatives computed afterwards, on a fresh snapshot.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from functools import cache, lru_cache

from sqlalchemy import Select, Table, bindparam, delete, insert, inspect as sa_inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

import solver
from resolvers.context import Context
from resolvers.errors import (
    TAKEN_SPOT,
    TAKEN_STAFF,
    NotFound,
    OffGrid,
    OutsideHours,
    PermissionDenied,
    Problem,
    SlotTaken,
    ValidationError,
)
from resolvers.permissions import Permission
from resolvers.scheduling import notices
from resolvers.scheduling.access import (
    SERVICE_NOT_FOUND,
    SPOT_NOT_FOUND,
    STAFF_NOT_FOUND,
    allowed,
    check_instant,
    load_location,
    load_organization,
    load_place,
    load_place_and_customer,
    lock_appointment,
    lock_appointments,
    organization_id,
    phone_or_problem,
    visit_of,
)
from resolvers.scheduling.rules import BookingRules
from resolvers.scheduling.slots import (
    VISIT_REACH,
    check_visit,
    check_visit_shape,
    list_slots,
    rules_for,
    solver_request,
)
from resolvers.scheduling.snapshot import Snapshot, load_snapshot
from resolvers.scheduling.types import (
    BookedAppointments,
    BookingRequest,
    PlanUsage,
    SlotOption,
    SlotPreferences,
    WalkInRequest,
)
from resolvers.scheduling.usage import count_usage, other_visits_created, plan_usage
from resolvers.scheduling.waitlist_offers import offer_freed_slot
from storage import (
    ACTIVE_STATUSES,
    ActivityEvent,
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    Customer,
    Location,
    Occupancy,
    Organization,
    OutboundMessage,
    ServiceType,
    Staff,
    is_exclusion_violation,
    is_retryable_conflict,
)
from storage.ids import new_id
from storage.locks import lock_resources
from storage.queries import get_in
from wording import duration_words, format_time, join_words, time_span, weekday_name

#: Staff may register a visit that began a few minutes ago (the client is already in the chair).
STAFF_GRACE = timedelta(minutes=15)
ALTERNATIVES = 5
MAX_NOTES = 1000
MAX_NAME = 120
ONE_MINUTE = timedelta(minutes=1)


class _Taken:
    """The time is taken: alternatives are computed after the transaction, on fresh data.

    ``taken`` is what is busy (``TAKEN_STAFF``/``TAKEN_SPOT``; None when a race was lost),
    ``staff_id`` the stylist asked for when they are the one busy.
    """

    def __init__(self, message: str, *, taken: str | None = None, staff_id: uuid.UUID | None = None) -> None:
        self.message = message
        self.taken = taken
        self.staff_id = staff_id


class _OffGrid(_Taken):
    """A customer's start between the salon's slots: answered with the nearest bookable grid starts."""

    def __init__(self, local_start: datetime, granularity: int) -> None:
        super().__init__("")
        self.local_start = local_start
        self.granularity = granularity


def off_grid(start: datetime, zone, granularity: int) -> _OffGrid | None:
    """The grid is anchored at local midnight (solver.SalonOptions): 12:22 is off a 15-minute grid."""
    local = start.astimezone(zone)
    if (local.hour * 60 + local.minute) % granularity:
        return _OffGrid(local, granularity)
    return None


def _minute(value: datetime) -> datetime:
    value = value.astimezone(timezone.utc)
    return value.replace(second=0, microsecond=0)


def _clean(text: str | None, limit: int) -> str | None:
    text = (text or "").strip()
    return text[:limit] or None


# ---------------------------------------------------------------- solver → problems


def _spot_word(snapshot: Snapshot, service_ids: Sequence[uuid.UUID]) -> str:
    """ "silla" when every spot that hosts the services is a "Silla …", "sillón", "cabina"…; else "lugar"."""
    hosting = [spot for spot_id, spot in snapshot.spots.items()
               if set(service_ids) & snapshot.spot_service_ids.get(spot_id, frozenset())]
    words = {(spot.name or "").split()[0].lower() for spot in hosting if (spot.name or "").split()}
    return words.pop() if len(words) == 1 and len(hosting) == len([s for s in hosting if s.name]) else "lugar"


def _busy(snapshot: Snapshot, taken: str, *, staff_id: uuid.UUID | None,
          service_ids: Sequence[uuid.UUID]) -> _Taken:
    """What is really taken, in Spanish: the stylist asked for, the whole team, or every spot."""
    if taken == TAKEN_SPOT:
        return _Taken(f"A esa hora no hay {_spot_word(snapshot, service_ids)} libre para ese servicio.", taken=taken)
    if staff_id in snapshot.staff:
        return _Taken(f"{snapshot.staff[staff_id].name} ya tiene cita a esa hora.", taken=taken, staff_id=staff_id)
    return _Taken("A esa hora todo el equipo que hace ese servicio está ocupado.", taken=taken)


def _what_is_taken(snapshot: Snapshot, request: solver.BookingRequest, now: datetime) -> str:
    """Spots when the visit would fit if no spot were busy (people free, chairs full); else the people."""
    salon = snapshot.salon
    people_only = replace(salon, occupancy=tuple(o for o in salon.occupancy
                                                 if o.resource_kind is solver.ResourceKind.STAFF))
    return TAKEN_SPOT if solver.explain_no_slots(people_only, request, now) is None else TAKEN_STAFF


def _why_not(snapshot: Snapshot, reason: solver.Reason, *, staff_id: uuid.UUID | None, start: datetime,
             now: datetime, group_size: int, busy: _Taken | None = None) -> Problem | _Taken:
    R = solver.Reason
    staff_name = snapshot.staff[staff_id].name if staff_id in snapshot.staff else None
    if reason in (R.FULLY_BOOKED, R.SLOT_TAKEN):
        return busy or _Taken(f"{staff_name} ya tiene cita a esa hora." if staff_name else "Ese horario ya está ocupado.")
    if reason is R.CLOSED:
        return OutsideHours(f"A esa hora el negocio está cerrado. {_opening_hours(snapshot, start)}")
    if reason is R.STAFF_NOT_WORKING:
        return OutsideHours(f"{staff_name} no está disponible a esa hora." if staff_name
                            else "A esa hora no hay nadie del equipo disponible para ese servicio.")
    if reason in (R.DOES_NOT_FIT, R.OUTSIDE_HOURS):
        if staff_name:
            return OutsideHours(f"{staff_name} no está disponible a esa hora: es fuera de su horario o de un descanso, "
                                "o el servicio no alcanza a terminar.")
        return OutsideHours("Ese horario está fuera del horario de atención: el servicio no alcanza a terminar "
                            f"antes del cierre o de un descanso. {_opening_hours(snapshot, start)}")
    if reason is R.OUTSIDE_BOOKING_WINDOW:
        rules = snapshot.rules
        if start < now:
            return ValidationError("Esa hora ya pasó. Elige una hora a partir de ahora.", field="start")
        if start < now + timedelta(minutes=rules.min_notice_minutes):
            return ValidationError(f"Se agenda con al menos {rules.min_notice_minutes} minutos de anticipación.",
                                   field="start")
        return ValidationError(f"Solo se puede agendar hasta {rules.max_days_ahead} días antes.", field="start")
    if reason is R.NO_QUALIFIED_STAFF:
        if group_size > 1:
            return ValidationError("No hay suficiente personal para atender a todo el grupo al mismo tiempo.",
                                   field="groupSize")
        return ValidationError("Nadie del equipo hace ese servicio.", field="serviceIds")
    if reason is R.NO_COMPATIBLE_SPOT:
        if group_size > 1:
            return ValidationError("No hay suficientes lugares para atender a todo el grupo al mismo tiempo.",
                                   field="groupSize")
        return ValidationError("No hay un lugar disponible para ese servicio.", field="spotId")
    if reason is R.UNKNOWN_STAFF:
        return STAFF_NOT_FOUND
    if reason is R.UNKNOWN_SPOT:
        return SPOT_NOT_FOUND
    return SERVICE_NOT_FOUND


def _opening_hours(snapshot: Snapshot, start: datetime) -> str:
    """ "El sábado abrimos de 9:00 AM a 7:00 PM." for the requested local day, or that it is closed."""
    day = start.astimezone(snapshot.zone).date()
    name = weekday_name(day)
    ranges = [h for h in snapshot.salon.business_hours if h.weekday == day.weekday()]
    if day in snapshot.salon.closed_dates or not ranges:
        return f"Ese {name} está cerrado."
    spans = " y ".join(time_span(h.start, h.end) for h in sorted(ranges, key=lambda h: h.start))
    return f"El {name} abrimos {spans}."


async def _choose(snapshot: Snapshot, request: solver.BookingRequest, now: datetime, *, enforce_window: bool,
                  staff_id: uuid.UUID | None, start: datetime) -> solver.Assignment | Problem | _Taken:
    """The solver's pick for this exact start, then re-checked on the same fresh snapshot.

    One seat: the listing's best slot, found inline in well under a millisecond; its cost is
    CP-SAT's optimum (tests/solver/test_solver_properties.py proves they agree) and it is the
    very assignment `available_slots` offered. A group: CP-SAT (`assign_booking`) chooses
    the seats together, in a worker thread (milliseconds of CPU, off the event loop).

    ``enforce_window``: the customer's rules, i.e. the booking window and the slot grid (staff
    may book any minute: a visit that began a moment ago, a time agreed on the phone). A start
    off the grid is answered as such when it is free or taken; a closed hour or a day out of
    the window keeps its own, more useful answer.
    """
    outside = None
    if enforce_window:
        outside = off_grid(start, snapshot.zone, BookingRules.of(snapshot.organization).granularity_minutes)
    chosen = await _choose_exactly(snapshot, request, now, enforce_window=enforce_window, staff_id=staff_id,
                                   start=start)
    if outside is not None and isinstance(chosen, (solver.Assignment, _Taken)):
        return outside
    return chosen


async def _choose_exactly(snapshot: Snapshot, request: solver.BookingRequest, now: datetime, *, enforce_window: bool,
                          staff_id: uuid.UUID | None, start: datetime) -> solver.Assignment | Problem | _Taken:
    if request.group_size == 1:
        found = solver.available_slots(snapshot.salon, request, now)
        if found:
            chosen: solver.Assignment | solver.NoAssignment = found[0].assignment
        else:
            chosen = solver.explain_no_slots(snapshot.salon, request, now) or solver.assign_booking(
                snapshot.salon, request, now)
    else:
        chosen = await asyncio.to_thread(solver.assign_booking, snapshot.salon, request, now)
    service_ids = [uuid.UUID(s) for s in request.service_ids]
    if isinstance(chosen, solver.NoAssignment):
        busy = None
        if chosen.reason in (solver.Reason.FULLY_BOOKED, solver.Reason.SLOT_TAKEN):
            busy = _busy(snapshot, _what_is_taken(snapshot, request, now), staff_id=staff_id, service_ids=service_ids)
        return _why_not(snapshot, chosen.reason, staff_id=staff_id, start=start, now=now,
                        group_size=request.group_size, busy=busy)
    conflicts = solver.recheck_assignment(snapshot.salon, chosen, now, enforce_booking_window=enforce_window)
    if conflicts:
        overlapping = [c for c in conflicts if c.reason is solver.Reason.SLOT_TAKEN]
        worst = solver.Reason.SLOT_TAKEN if overlapping else conflicts[0].reason
        busy = None
        if overlapping:
            taken = TAKEN_STAFF if any(c.resource_kind == "staff" for c in overlapping) else TAKEN_SPOT
            busy = _busy(snapshot, taken, staff_id=staff_id, service_ids=service_ids)
        return _why_not(snapshot, worst, staff_id=staff_id, start=start, now=now, group_size=request.group_size,
                        busy=busy)
    return chosen


# ---------------------------------------------------------------- rows


_CUSTOMER_BY_PHONE = select(Customer).where(Customer.organization_id == bindparam("org_id"),
                                            Customer.phone_number == bindparam("phone"))


#: The customer's race-safe insert (Core: its id back, or nothing on a conflict), built once per
#: dialect: building it per booking, and the ORM's bulk-insert road, cost ~0.5 ms.
_NEW_CUSTOMER = {
    dialect: insert(Customer.__table__).on_conflict_do_nothing(index_elements=["organization_id", "phone_number"])
    .returning(Customer.__table__.c.id)
    for dialect, insert in (("postgresql", postgresql_insert), ("sqlite", sqlite_insert))
}


def _insert_rows(rows: Sequence[object]) -> list[tuple[Table, list[dict]]]:
    """Core INSERTs for new ORM objects of one class: the values set on them, no unit of work.

    The objects stay transient: they are returned to the caller as they are (GraphQL reads
    their columns; anything related is loaded by id)."""
    if not rows:
        return []
    table, columns = _columns_of(type(rows[0]))
    values = [{column: row.__dict__[key] for key, column in columns if key in row.__dict__} for row in rows]
    return [(table, values)]


@cache
def _columns_of(model: type) -> tuple[Table, tuple[tuple[str, str], ...]]:
    """A model's table and (attribute, column) pairs, read from its mapper once."""
    mapper = sa_inspect(model)
    return mapper.local_table, tuple((prop.key, prop.columns[0].key) for prop in mapper.column_attrs)


async def _insert(session: AsyncSession, rows: Sequence[object]) -> None:
    for table, values in _insert_rows(rows):
        await session.execute(insert(table), values)


def _take_added(session: AsyncSession, *classes: type) -> list[list]:
    """Rows of these classes added to the session (outbox rows, activity lines), taken out of it
    (by class, in the order given) to go in by Core INSERT instead of the unit of work at commit."""
    added: dict[type, list] = {cls: [] for cls in classes}
    for row in list(session.new):
        if isinstance(row, classes):
            session.expunge(row)
            added[next(cls for cls in classes if isinstance(row, cls))].append(row)
    return [rows for rows in added.values() if rows]


async def _write_and_count(session: AsyncSession, organization: Organization, now: datetime, free_limit: int,
                           batches: Sequence[Sequence[object]], *, customer: Customer | None = None) -> PlanUsage:
    """PostgreSQL: a visit's INSERTs (appointments, occupancy, outbox, activity) and the month's
    usage in ONE statement: data-modifying CTEs, then the count. Five round trips and their
    per-statement CPU become one; the rows, their order and the transaction are the same.

    The count leaves the new visit out and adds it (one, whatever its appointments: they share
    a booking group): PostgreSQL's count does not see its own CTEs' rows, Citus's does. Every
    row carries the same ``organization_id``: on Citus each part goes to that salon's shard.

    ``customer``: a first-time customer, inserted first, doing nothing if their phone is taken
    by then; the appointments' foreign key then fails the statement (see _lost_new_customer).
    """
    first = batches[0][0]  # an appointment of the visit
    statement, params = other_visits_created(organization, now, first.booking_group_id or first.id)
    params = dict(params)
    shape = []
    for rows in ([customer], *batches) if customer is not None else batches:
        for table, values in _insert_rows(rows):
            for row in values:
                n = len(shape)
                shape.append((table, tuple(row)))
                params.update({f"w{n}_{column}": value for column, value in row.items()})
    connection = await session.connection()  # Core: the statement returns one number, no ORM rows
    used = (await connection.scalar(_written_and_counted(statement, tuple(shape)), params) or 0) + 1
    return plan_usage(organization, now, free_limit, used)


@lru_cache(maxsize=64)
def _written_and_counted(count: Select, shape: tuple[tuple[Table, tuple[str, ...]], ...]) -> Select:
    """``count`` with one single-row INSERT CTE per row, built once per shape (tables and their
    columns, row by row) with bind parameters ``w<n>_<column>``: SQLAlchemy does not cache a
    multi-row VALUES, and compiling this statement anew cost more than the round trips it saves."""
    ctes = []
    for n, (table, columns) in enumerate(shape):
        values = {column: bindparam(f"w{n}_{column}", type_=table.c[column].type) for column in columns}
        if table is _CUSTOMERS:
            written = postgresql_insert(table).values(values).on_conflict_do_nothing(
                index_elements=["organization_id", "phone_number"])
        else:
            written = insert(table).values(values)
        ctes.append(written.cte(f"written_{n}"))
    return count.add_cte(*ctes)


_CUSTOMERS = Customer.__table__
#: The appointments' foreign key to their customer (on Citus, the shard's copy has a suffix).
_CUSTOMER_KEY = "fk_appointments_customer_id_customers"


def _lost_new_customer(exc: BaseException) -> bool:
    """A first-time customer's booking lost the race to create them (see _write_and_count):
    run it again, and it finds them."""
    return isinstance(exc, IntegrityError) and _CUSTOMER_KEY in str(exc.orig)


async def customer_by_phone(session: AsyncSession, org_id: uuid.UUID, phone: str, name: str | None,
                            now: datetime, *, dialect: str) -> Customer:
    """Get or create the customer with this phone; race-safe on the (organization, phone) key.

    The insert is an upsert that does nothing on conflict, so a concurrent creator of the
    same customer never aborts the booking transaction (and costs no savepoint).
    """
    customer = await session.scalar(_CUSTOMER_BY_PHONE, {"org_id": org_id, "phone": phone})
    return await _customer_as_told(session, customer, org_id, phone, name, now, dialect=dialect)


def _new_customer_values(org_id: uuid.UUID, phone: str, name: str | None, now: datetime) -> dict:
    return {"id": new_id(), "organization_id": org_id, "phone_number": phone, "name": name,
            "name_verified_at": now if name else None, "accepts_moves": False, "profile_data": {},
            "created_at": now, "updated_at": now}


async def _customer_as_told(session: AsyncSession, customer: Customer | None, org_id: uuid.UUID, phone: str,
                            name: str | None, now: datetime, *, dialect: str) -> Customer:
    """The customer already looked up by phone (None: create it, race-safe), with the name given."""
    params = {"org_id": org_id, "phone": phone}
    if customer is None:
        values = _new_customer_values(org_id, phone, name, now)
        connection = await session.connection()  # Core: a Core INSERT, its id back
        if await connection.scalar(_NEW_CUSTOMER[dialect], values) is None:  # someone else created it a moment ago
            return await session.scalar(_CUSTOMER_BY_PHONE, params)
        return Customer(**values)  # as inserted (transient: read, never changed, in this transaction)
    if name and name != customer.name:
        customer.name = name
        customer.name_verified_at = now
        customer.updated_at = now
    return customer


def _occupancy_rows(snapshot: Snapshot, org_id: uuid.UUID,
                    placed: Sequence[tuple[Appointment, solver.BookedService]]) -> list[Occupancy]:
    """The solver's occupancy for each placed service, in a stable order (steady lock order)."""
    rows = []
    for appointment, booked in placed:
        for piece in solver.occupancy_for(snapshot.salon, booked.service_id, booked.staff_id, booked.spot_id,
                                          booked.start):
            is_staff = piece.resource_kind is solver.ResourceKind.STAFF
            rows.append(Occupancy(
                id=new_id(), organization_id=org_id, appointment_id=appointment.id,
                staff_id=uuid.UUID(piece.resource_id) if is_staff else None,
                spot_id=None if is_staff else uuid.UUID(piece.resource_id),
                starts_at=piece.start, ends_at=piece.end,
            ))
    rows.sort(key=lambda r: (r.staff_id is None, str(r.staff_id or r.spot_id), r.starts_at))
    return rows


async def hold_occupied(session: AsyncSession, org_id: uuid.UUID, rows: Sequence[Occupancy]) -> None:
    """Before inserting ``rows``: hold every stylist and spot they occupy until the transaction
    ends (PostgreSQL; storage.locks). Racing writers of one stylist or spot then queue, and the
    later one's exclusion check answers at once, instead of the two waiting on each other's
    rows until PostgreSQL aborts one as a deadlock a second later. Writers of different
    stylists and spots do not wait for each other."""
    await lock_resources(session, org_id, {row.staff_id or row.spot_id for row in rows})


def _visit_facts(snapshot: Snapshot, customer: Customer, appointments: Sequence[Appointment]) -> dict:
    return notices.visit_facts(organization=snapshot.organization, location=snapshot.location, customer=customer,
                               appointments=appointments, services=snapshot.services, staff=snapshot.staff)


def _summary(snapshot: Snapshot, customer: Customer, appointments: Sequence[Appointment], what: str) -> str:
    first = min(appointments, key=lambda a: a.starts_at)
    local = first.starts_at.astimezone(snapshot.zone)
    service = snapshot.services[first.service_type_id].name if first.service_type_id in snapshot.services else ""
    staff = snapshot.staff[first.staff_id].name if first.staff_id in snapshot.staff else ""
    who = customer.name or (customer.phone_number if notices.has_phone(customer) else "Cliente")
    return f"{what}: {who}, {service} con {staff}, {local:%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------- alternatives


async def alternatives(
    ctx: Context, org_id: uuid.UUID, location_id: uuid.UUID | None, service_ids: Sequence[uuid.UUID], *,
    wanted: datetime, group_size: int, staff_id: uuid.UUID | None, spot_id: uuid.UUID | None,
    without: Sequence[uuid.UUID] = (),
) -> tuple[SlotOption, ...]:
    """The bookable starts nearest the one that was taken (same stylist first), on fresh data.

    ``without``: the appointments of a visit being moved, which do not count as busy."""
    now = ctx.now()
    start = max(now, wanted - timedelta(hours=3))
    end = max(wanted, now) + timedelta(days=2)
    async with ctx.db.session() as session:
        place = await load_place(session, org_id, location_id, for_write=False)
        if not isinstance(place, tuple):
            return ()
        organization, location = place
        snapshot = await load_snapshot(session, organization, location, start, end, without_appointments=without,
                                       rules=rules_for(ctx.actor, organization), busy_margin=VISIT_REACH)
    day = wanted.astimezone(snapshot.zone).date()
    for pinned_staff in dict.fromkeys((staff_id, None)):
        request = solver_request(service_ids, group_size=group_size, staff_id=pinned_staff, spot_id=spot_id,
                                 start=start, end=end, preferences=SlotPreferences(day=day), limit=60)
        found = await list_slots(snapshot, request, now)
        if found:
            nearest = sorted(found, key=lambda s: (abs((s.start - wanted).total_seconds()), -s.score))[:ALTERNATIVES]
            return tuple(sorted(nearest, key=lambda s: s.start))
    return ()


# ---------------------------------------------------------------- races

#: A deadlock between two racing inserts is retried; the retry sees the winner and answers.
RACE_RETRIES = 2


def is_retryable_race(exc: BaseException) -> bool:
    """PostgreSQL aborted one of two writers that waited on each other (exclusion checks can)."""
    return is_retryable_conflict(exc)


def _slot_taken(lost: _Taken, options: tuple[SlotOption, ...]) -> SlotTaken | OffGrid:
    if isinstance(lost, _OffGrid):
        return _off_grid_problem(lost, options)
    suffix = " Te propongo estos horarios." if options else " No encontré otro horario cercano."
    return SlotTaken(lost.message + suffix, alternatives=options, taken=lost.taken, staff_id=lost.staff_id)


def _off_grid_problem(lost: _OffGrid, options: tuple[SlotOption, ...]) -> OffGrid:
    """ "Las citas empiezan cada 15 minutos; 12:22 PM no es uno de esos horarios. Lo más cercano: …" """
    local = lost.local_start
    message = (f"Las citas empiezan cada {duration_words(lost.granularity)}; "
               f"{format_time(local.time())} no es uno de esos horarios.")
    nearest = sorted(options, key=lambda o: abs((o.start - local).total_seconds()))[:2]
    same_day = [o for o in sorted(nearest, key=lambda o: o.start) if o.start.astimezone(local.tzinfo).date() == local.date()]
    if same_day:
        times = join_words([format_time(o.start.astimezone(local.tzinfo).time()) for o in same_day], "o")
        message += f" Lo más cercano que hay: {times}."
    elif options:
        message += " Te propongo estos horarios."
    else:
        message += " No encontré otro horario cercano."
    return OffGrid(message, alternatives=options, granularity_minutes=lost.granularity)


async def _settle(
    ctx: Context,
    attempt: Callable[[], Awaitable[BookedAppointments | Problem | _Taken]],
    taken: Callable[[_Taken], Awaitable[SlotTaken | OffGrid]],
) -> BookedAppointments | Problem:
    """Run one schedule-writing transaction; a lost race becomes SlotTaken with alternatives.

    PostgreSQL proves the race with the exclusion constraint (23P01) or, when two inserts
    waited on each other, aborts one (40P01): that one is retried on fresh data.
    """
    for round_number in range(RACE_RETRIES + 1):
        try:
            outcome = await attempt()
        except DBAPIError as exc:
            if (is_retryable_race(exc) or _lost_new_customer(exc)) and round_number < RACE_RETRIES:
                continue
            if not (is_exclusion_violation(exc) or is_retryable_race(exc)):
                raise
            outcome = _Taken("Alguien más acaba de ganar ese horario.")
        break
    if isinstance(outcome, _Taken):
        return await taken(outcome)
    if isinstance(outcome, BookedAppointments):
        await ctx.outbox_written()
    return outcome


# ---------------------------------------------------------------- booking


@dataclass(frozen=True, slots=True)
class _Visit:
    """A validated booking, whoever asked for it (customer, staff, walk-in)."""

    org_id: uuid.UUID
    location_id: uuid.UUID | None
    service_ids: tuple[uuid.UUID, ...]
    start: datetime
    group_size: int
    staff_id: uuid.UUID | None
    spot_id: uuid.UUID | None
    customer_id: uuid.UUID | None  # a customer actor books for themselves
    customer_phone: str | None  # normalised; None for a walk-in without phone
    customer_name: str | None
    notes: str | None
    source: AppointmentSource
    notify_customer: bool


async def book_appointment(ctx: Context, request: BookingRequest) -> BookedAppointments | Problem:
    """Book a visit at exactly ``request.start`` (any whole minute; seconds are dropped)."""
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    actor = ctx.actor
    if not actor.is_customer and (denied := allowed(actor, Permission.BOOK)):
        return denied
    service_ids = tuple(request.service_ids)
    problem = check_visit_shape(service_ids, request.group_size) or check_instant(request.start, "start")
    if problem:
        return problem
    now = ctx.now()
    start = _minute(request.start)
    grace = timedelta(0) if actor.is_customer else STAFF_GRACE
    if start + grace < now:
        return ValidationError("Esa hora ya pasó. Elige una hora a partir de ahora.", field="start")
    phone: str | None = None
    if request.customer_phone:
        normalised = phone_or_problem(request.customer_phone)
        if isinstance(normalised, ValidationError):
            return normalised
        phone = normalised
    if actor.is_customer:
        own = phone_or_problem(actor.phone) if actor.phone else None
        if phone is not None and phone != own:
            return PermissionDenied("Solo puedes agendar citas para ti.")
        phone = None
    elif phone is None:
        return ValidationError("Necesito el teléfono del cliente.", field="customerPhone")
    visit = _Visit(
        org_id=org_id, location_id=request.location_id, service_ids=service_ids, start=start,
        group_size=request.group_size, staff_id=request.staff_id, spot_id=request.spot_id,
        customer_id=actor.customer_id if actor.is_customer else None, customer_phone=phone,
        customer_name=_clean(request.customer_name, MAX_NAME), notes=_clean(request.notes, MAX_NOTES),
        source=request.source or (AppointmentSource.WHATSAPP if actor.is_customer else AppointmentSource.MANUAL),
        notify_customer=request.notify_customer,
    )
    return await _book(ctx, visit)


async def book_walk_in(ctx: Context, request: WalkInRequest) -> BookedAppointments | Problem:
    """Someone is at the door: book them now with whoever is free (or the stylist asked for)."""
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    if denied := allowed(ctx.actor, Permission.BOOK):
        return denied
    service_ids = tuple(request.service_ids)
    problem = check_visit_shape(service_ids, 1)
    if problem:
        return problem
    phone = notices.no_phone_placeholder()
    if request.customer_phone:
        normalised = phone_or_problem(request.customer_phone)
        if isinstance(normalised, ValidationError):
            return normalised
        phone = normalised
    now = ctx.now()
    start = _minute(now + timedelta(seconds=59))  # the next whole minute
    visit = _Visit(
        org_id=org_id, location_id=request.location_id, service_ids=service_ids, start=start, group_size=1,
        staff_id=request.staff_id, spot_id=None, customer_id=None, customer_phone=phone,
        customer_name=_clean(request.customer_name, MAX_NAME), notes=_clean(request.notes, MAX_NOTES),
        source=AppointmentSource.WALK_IN, notify_customer=False,
    )
    result = await _book(ctx, visit)
    if isinstance(result, SlotTaken):
        message = ("Ahorita no hay quien lo atienda. Lo más pronto que hay:" if result.alternatives
                   else "Ahorita no hay quien lo atienda y no encontré un horario cercano.")
        return SlotTaken(message, alternatives=result.alternatives, taken=result.taken, staff_id=result.staff_id)
    return result


async def _book(ctx: Context, visit: _Visit) -> BookedAppointments | Problem:
    async def taken(lost: _Taken) -> SlotTaken | OffGrid:
        options = await alternatives(ctx, visit.org_id, visit.location_id, visit.service_ids, wanted=visit.start,
                                     group_size=visit.group_size, staff_id=visit.staff_id, spot_id=visit.spot_id)
        return _slot_taken(lost, options)

    return await _settle(ctx, lambda: _book_once(ctx, visit), taken)


async def _book_once(ctx: Context, visit: _Visit) -> BookedAppointments | Problem | _Taken:
    actor = ctx.actor
    now = ctx.now()
    # Staff may start a visit a few minutes back: the solver's "now" is then the start itself.
    solver_now = min(now, visit.start)
    # A walk-in without phone gets a fresh placeholder: nobody to look up.
    phone = visit.customer_phone or notices.no_phone_placeholder()
    async with ctx.db.transaction(write=True) as session:
        place = await load_place_and_customer(session, visit.org_id, visit.location_id, for_write=True,
                                              phone=phone, customer_id=visit.customer_id)
        if not isinstance(place, tuple):
            return place
        organization, location, customer = place
        rules = replace(rules_for(actor, organization), granularity_minutes=1)  # any whole minute
        snapshot = await load_snapshot(session, organization, location, visit.start, visit.start + VISIT_REACH,
                                       rules=rules, busy_margin=VISIT_REACH)
        problem = check_visit(snapshot, visit.service_ids, visit.staff_id, visit.spot_id)
        if problem:
            return problem
        request = solver_request(visit.service_ids, group_size=visit.group_size, staff_id=visit.staff_id,
                                 spot_id=visit.spot_id, start=visit.start, end=visit.start + ONE_MINUTE, limit=1)
        chosen = await _choose(snapshot, request, solver_now, enforce_window=actor.is_customer,
                               staff_id=visit.staff_id, start=visit.start)
        if not isinstance(chosen, solver.Assignment):
            return chosen
        if visit.customer_id is not None:
            if customer is None:  # not this organization's
                return NotFound("No encontré tu registro de cliente.")
            if visit.customer_name and visit.customer_name != customer.name:
                customer.name, customer.name_verified_at, customer.updated_at = visit.customer_name, now, now
        elif customer is None and ctx.db.dialect == "postgresql":
            # A first-time customer goes in with the visit's own write (one statement fewer); if
            # someone else creates them meanwhile, that write fails on the customer's foreign key
            # and the booking is run again, finding them (_settle, _lost_new_customer).
            customer = Customer(**_new_customer_values(visit.org_id, phone, visit.customer_name, now))
            return await _write_visit(session, ctx, snapshot, visit, customer, chosen, new_customer=True)
        else:
            customer = await _customer_as_told(session, customer, visit.org_id, phone, visit.customer_name, now,
                                               dialect=ctx.db.dialect)
        return await _write_visit(session, ctx, snapshot, visit, customer, chosen)


async def _write_visit(session: AsyncSession, ctx: Context, snapshot: Snapshot, visit: _Visit, customer: Customer,
                       chosen: solver.Assignment, *, new_customer: bool = False) -> BookedAppointments:
    """``new_customer`` (PostgreSQL): ``customer`` is not stored yet; it goes in with the visit."""
    now = ctx.now()
    actor = ctx.actor
    organization = snapshot.organization
    group_id = new_id() if len(chosen.services) > 1 else None
    placed: list[tuple[Appointment, solver.BookedService]] = []
    for booked in chosen.services:
        service = snapshot.services[uuid.UUID(booked.service_id)]
        appointment = Appointment(
            id=new_id(), organization_id=organization.id, location_id=snapshot.location.id,
            customer_id=customer.id, service_type_id=service.id, staff_id=uuid.UUID(booked.staff_id),
            spot_id=uuid.UUID(booked.spot_id) if booked.spot_id else None,
            starts_at=booked.start, ends_at=booked.end, status=AppointmentStatus.CONFIRMED, source=visit.source,
            booking_group_id=group_id, staff_requested=visit.staff_id is not None and booked.seat == 0,
            price_cents=service.price_cents, notes=visit.notes, created_by_staff_id=actor.staff_id,
            created_at=now, updated_at=now,
        )
        placed.append((appointment, booked))
    appointments = tuple(a for a, _ in placed)
    occupancy = _occupancy_rows(snapshot, organization.id, placed)
    facts = _visit_facts(snapshot, customer, appointments)
    # The notices' rows are added to the session but go in below with the visit's own INSERTs;
    # a query they make (the salon's managers, when no owner is in the snapshot) must not flush
    # them first, before the appointments they point at exist.
    with session.no_autoflush:
        await notices.visit_booked(session, now=now, organization=organization, customer=customer, facts=facts,
                                   notify_customer=visit.notify_customer, booked_by_staff_id=actor.staff_id,
                                   known_staff=snapshot.staff.values())
    notices.activity(session, now=now, organization=organization, kind="appointment_booked",
                     summary=_summary(snapshot, customer, appointments, "Nueva cita"),
                     subject_id=appointments[0].id, data={**facts, "actor": actor.kind.value})
    # Core INSERTs: the ORM's unit of work cost about a tenth of a booking's CPU for these rows.
    # The occupancy rows' insert is where the exclusion constraint speaks.
    rows = [appointments, occupancy, *_take_added(session, OutboundMessage, ActivityEvent)]
    await hold_occupied(session, organization.id, occupancy)
    if ctx.db.dialect == "postgresql":
        usage = await _write_and_count(session, organization, now, ctx.config.free_monthly_bookings, rows,
                                       customer=customer if new_customer else None)
    else:
        for batch in rows:
            await _insert(session, batch)
        usage = await count_usage(session, organization, now, ctx.config.free_monthly_bookings)
    if usage.over_limit and usage.limit is not None:
        await notices.plan_limit_reached(session, now=now, organization=organization, month=usage.month,
                                         used=usage.bookings_used, limit=usage.limit)
    return BookedAppointments(appointments=appointments, customer=customer, booking_group_id=group_id, usage=usage,
                              plan_warning=usage.message)


# ---------------------------------------------------------------- changing a booked visit


def _inactive(appointment: Appointment) -> ValidationError | None:
    if appointment.status is AppointmentStatus.CANCELLED:
        return ValidationError("Esa cita ya estaba cancelada.", field="id")
    if appointment.status not in ACTIVE_STATUSES:
        return ValidationError("Esa cita ya terminó; no se puede cambiar.", field="id")
    return None


async def reschedule_appointment(
    ctx: Context,
    appointment_id: uuid.UUID,
    start: datetime,
    *,
    staff_id: uuid.UUID | None = None,
    spot_id: uuid.UUID | None = None,
    notify_customer: bool = True,
) -> BookedAppointments | Problem:
    """Move a visit (all its services) to start at ``start``; same appointment ids, new occupancy.

    The stylist the customer asked for stays unless ``staff_id`` names another one.
    """
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    actor = ctx.actor
    if not actor.is_customer and (denied := allowed(actor, Permission.BOOK)):
        return denied
    if problem := check_instant(start, "start"):
        return problem
    now = ctx.now()
    start = _minute(start)
    if start + (timedelta(0) if actor.is_customer else STAFF_GRACE) < now:
        return ValidationError("Esa hora ya pasó. Elige una hora a partir de ahora.", field="start")
    seen = _Moving(pinned=staff_id)

    async def taken(lost: _Taken) -> SlotTaken | OffGrid:
        options = await alternatives(ctx, org_id, seen.location_id, seen.service_ids, wanted=start,
                                     group_size=seen.group_size, staff_id=seen.pinned, spot_id=spot_id,
                                     without=seen.visit_ids)
        return _slot_taken(lost, options)

    return await _settle(ctx, lambda: _reschedule_once(ctx, org_id, appointment_id, start, staff_id=staff_id,
                                                      spot_id=spot_id, notify_customer=notify_customer, seen=seen),
                         taken)


@dataclass(slots=True)
class _Moving:
    """What a move learned inside its transaction, for alternatives computed after it."""

    pinned: uuid.UUID | None
    location_id: uuid.UUID | None = None
    service_ids: tuple[uuid.UUID, ...] = ()
    group_size: int = 1
    visit_ids: tuple[uuid.UUID, ...] = ()  # its own time is free for the move (alternatives too)


async def _reschedule_once(
    ctx: Context, org_id: uuid.UUID, appointment_id: uuid.UUID, start: datetime, *, staff_id: uuid.UUID | None,
    spot_id: uuid.UUID | None, notify_customer: bool, seen: _Moving,
) -> BookedAppointments | Problem | _Taken:
    actor = ctx.actor
    now = ctx.now()
    async with ctx.db.transaction(write=True) as session:
        organization = await load_organization(session, org_id, for_write=True)
        if not isinstance(organization, Organization):
            return organization
        appointment = await lock_appointment(session, ctx, appointment_id)
        if not isinstance(appointment, Appointment):
            return appointment
        if problem := _inactive(appointment):
            return problem
        if actor.is_customer and appointment.starts_at <= now:
            return ValidationError("Esa cita ya empezó; ya no se puede mover.", field="id")
        visit = await visit_of(session, appointment)
        await lock_appointments(session, org_id, [a.id for a in visit])  # the rest of the visit moves with it
        visit = [a for a in visit if a.status in ACTIVE_STATUSES]
        location = await load_location(session, org_id, appointment.location_id)
        if not isinstance(location, Location):
            return location
        by_service: dict[uuid.UUID, list[Appointment]] = defaultdict(list)
        for a in visit:
            by_service[a.service_type_id].append(a)
        seen.location_id = location.id
        seen.visit_ids = tuple(a.id for a in visit)
        seen.service_ids = tuple(by_service)  # in start order
        seen.group_size = len(by_service[seen.service_ids[0]])
        if staff_id is None:
            seen.pinned = next((a.staff_id for a in visit if a.staff_requested), None)
        rules = replace(rules_for(actor, organization), granularity_minutes=1)
        snapshot = await load_snapshot(session, organization, location, start, start + VISIT_REACH,
                                       without_appointments=[a.id for a in visit], rules=rules,
                                       busy_margin=VISIT_REACH)
        if problem := check_visit(snapshot, seen.service_ids, seen.pinned, spot_id):
            return problem
        request = solver_request(seen.service_ids, group_size=seen.group_size, staff_id=seen.pinned,
                                 spot_id=spot_id, start=start, end=start + ONE_MINUTE, limit=1)
        chosen = await _choose(snapshot, request, min(now, start), enforce_window=actor.is_customer,
                               staff_id=seen.pinned, start=start)
        if not isinstance(chosen, solver.Assignment):
            return chosen
        previous_start = min(a.starts_at for a in visit)
        before = {a.id: (a.starts_at, a.ends_at, a.staff_id, a.spot_id, a.updated_at) for a in visit}
        placed = _place_existing(by_service, chosen, now)
        if all(before[a.id][:4] == (a.starts_at, a.ends_at, a.staff_id, a.spot_id) for a in visit):
            for a in visit:  # asked to move it where it already is: nothing changes, nobody is told
                a.updated_at = before[a.id][4]
            customer = await get_in(session, Customer, appointment.organization_id, appointment.customer_id)
            return BookedAppointments(appointments=tuple(visit), customer=customer,
                                      booking_group_id=appointment.booking_group_id)
        if staff_id is not None:  # the stylist named now is the one to keep on a re-plan
            for moved, booked in placed:
                moved.staff_requested = booked.seat == 0
        await session.execute(delete(Occupancy).where(Occupancy.organization_id == org_id,
                                                     Occupancy.appointment_id.in_([a.id for a in visit])))
        occupancy = _occupancy_rows(snapshot, org_id, placed)
        await hold_occupied(session, org_id, occupancy)
        session.add_all(occupancy)
        await session.flush()
        customer = await get_in(session, Customer, appointment.organization_id, appointment.customer_id)
        facts = _visit_facts(snapshot, customer, visit)
        if notify_customer and not actor.is_customer:
            notices.visit_rescheduled(session, now=now, organization=organization, customer=customer,
                                      facts=facts, previous_start=previous_start)
        if actor.is_customer:
            await notices.customer_rescheduled(session, now=now, organization=organization, facts=facts,
                                               previous_start=previous_start, known_staff=snapshot.staff.values())
        notices.activity(session, now=now, organization=organization, kind="appointment_rescheduled",
                         summary=_summary(snapshot, customer, visit, "Cita movida"),
                         subject_id=appointment.id, data={**facts, "actor": actor.kind.value})
        return BookedAppointments(appointments=tuple(visit), customer=customer,
                                  booking_group_id=appointment.booking_group_id)


def _place_existing(by_service: dict[uuid.UUID, list[Appointment]], chosen: solver.Assignment,
                    now: datetime) -> list[tuple[Appointment, solver.BookedService]]:
    """Give each (seat, service) of the new assignment one of the visit's existing appointments."""
    free = {service_id: list(rows) for service_id, rows in by_service.items()}
    placed = []
    for booked in sorted(chosen.services, key=lambda b: (b.seat, b.start)):
        appointment = free[uuid.UUID(booked.service_id)].pop(0)
        appointment.starts_at, appointment.ends_at = booked.start, booked.end
        appointment.staff_id = uuid.UUID(booked.staff_id)
        appointment.spot_id = uuid.UUID(booked.spot_id) if booked.spot_id else None
        appointment.needs_new_time_at = None  # it has its new time (a re-plan had found none)
        appointment.updated_at = now
        placed.append((appointment, booked))
    return placed


async def cancel_appointment(
    ctx: Context, appointment_id: uuid.UUID, *, reason: str | None = None, notify_customer: bool = False
) -> Appointment | Problem:
    """Cancel one appointment: its time is free at once. Customers cancel only their own, before it starts."""
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    actor = ctx.actor
    if not actor.is_customer and (denied := allowed(actor, Permission.CANCEL_APPOINTMENT)):
        return denied
    now = ctx.now()
    async with ctx.db.transaction(write=True) as session:
        organization = await load_organization(session, org_id, for_write=True)
        if not isinstance(organization, Organization):
            return organization
        appointment = await lock_appointment(session, ctx, appointment_id)
        if not isinstance(appointment, Appointment):
            return appointment
        if problem := _inactive(appointment):
            return problem
        if actor.is_customer and appointment.starts_at <= now:
            return ValidationError("Esa cita ya pasó; ya no se puede cancelar.", field="id")
        await session.execute(delete(Occupancy).where(Occupancy.organization_id == appointment.organization_id,
                                                     Occupancy.appointment_id == appointment.id))
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancellation_reason = _clean(reason, MAX_NOTES)
        appointment.cancelled_at = now
        appointment.needs_new_time_at = None
        appointment.updated_at = now
        await offer_freed_slot(session, now=now, appointment=appointment)
        customer = await get_in(session, Customer, appointment.organization_id, appointment.customer_id)
        facts = await _facts_for(session, organization, customer, [appointment])
        await notices.appointment_cancelled(session, now=now, organization=organization, customer=customer,
                                            facts=facts, reason=appointment.cancellation_reason,
                                            notify_customer=notify_customer, by_customer=actor.is_customer)
        notices.activity(session, now=now, organization=organization, kind="appointment_cancelled",
                         summary=f"Cita cancelada: {facts['customer_name'] or 'Cliente'}, {facts['service_name']}",
                         subject_id=appointment.id, data={**facts, "actor": actor.kind.value,
                                                          "reason": appointment.cancellation_reason})
    await ctx.outbox_written()
    return appointment


async def _facts_for(session: AsyncSession, organization: Organization, customer: Customer,
                     appointments: Sequence[Appointment]) -> dict:
    """Notification facts without a whole snapshot: just the names these rows need."""
    services = {s.id: s for s in await session.scalars(
        select(ServiceType).where(ServiceType.organization_id == organization.id,
                                  ServiceType.id.in_({a.service_type_id for a in appointments})))}
    staff_ids = {a.staff_id for a in appointments if a.staff_id}
    staff = {m.id: m for m in await session.scalars(select(Staff).where(
        Staff.organization_id == organization.id, Staff.id.in_(staff_ids)))} if staff_ids else {}
    location = await get_in(session, Location, organization.id, appointments[0].location_id)
    return notices.visit_facts(organization=organization, location=location, customer=customer,
                               appointments=appointments, services=services, staff=staff)


MARKABLE = (AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED)


async def mark_appointment(ctx: Context, appointment_id: uuid.UUID, status: AppointmentStatus) -> Appointment | Problem:
    """Completed or no-show, once the appointment has started (cancelled: see cancel_appointment).

    A no-show frees the stylist and the spot for the rest of its time (its occupancy goes).
    """
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    if denied := allowed(ctx.actor, Permission.MARK_ATTENDANCE):
        return denied
    if status not in MARKABLE:
        return ValidationError("Solo se puede marcar como completada, no asistió o cancelada.", field="status")
    if status is AppointmentStatus.CANCELLED:
        return await cancel_appointment(ctx, appointment_id, notify_customer=False)
    now = ctx.now()
    async with ctx.db.transaction(write=True) as session:
        organization = await load_organization(session, org_id, for_write=True)
        if not isinstance(organization, Organization):
            return organization
        appointment = await lock_appointment(session, ctx, appointment_id)
        if not isinstance(appointment, Appointment):
            return appointment
        if appointment.status is AppointmentStatus.CANCELLED:
            return ValidationError("Esa cita está cancelada.", field="id")
        if appointment.status is status:  # marked already (twice from two screens): one activity line
            return appointment
        if appointment.starts_at > now:
            return ValidationError("Esa cita todavía no empieza; márcala cuando haya comenzado.", field="id")
        appointment.status = status
        appointment.updated_at = now
        if status is AppointmentStatus.NO_SHOW:
            await session.execute(delete(Occupancy).where(Occupancy.organization_id == appointment.organization_id,
                                                     Occupancy.appointment_id == appointment.id))
        notices.activity(session, now=now, organization=organization, kind=f"appointment_{status.value}",
                         summary="Cita completada" if status is AppointmentStatus.COMPLETED else "No asistió",
                         subject_id=appointment.id, data={"appointment_id": str(appointment.id),
                                                          "status": status.value, "actor": ctx.actor.kind.value})
    return appointment
