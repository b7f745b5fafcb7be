"""From rows to the solver's `Salon`: one location of one organization, around a time range.

Loads only what the range needs (blocks, closures and occupancy overlapping it, with a
margin for the solver's spare days) in a fixed handful of queries, whatever the size of
the salon: no per-staff or per-appointment round trips.

Row → solver mapping (the storage model's meaning, spelled out once):
- a staff member with no recurring rows works whenever the location is open;
- an exception that adds hours *replaces* the weekly hours that day (day off + extra hours);
- an exception that takes a time range off is a block; one with no times is a day off;
- a location-wide exception with no times is a closed date; a location-wide block is a
  location block;
- a ``spot_out`` row takes its chair out of use over its range (a block on that spot).
"""

from __future__ import annotations

import uuid
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, and_, bindparam, func, or_, select, type_coerce
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

import solver
from resolvers.scheduling.rules import BookingRules
from storage import (
    LONGEST_VISIT,
    Availability,
    AvailabilityKind,
    Location,
    NamedColumns,
    Occupancy,
    Organization,
    ServiceType,
    Spot,
    Staff,
    spot_services,
)
from storage.catalog_version import catalog_written
from storage.models.staff import staff_services

#: An availability row as :func:`load_availability` reads it: a named tuple of the columns of
#: ``_AVAILABILITY_COLUMNS`` by their model names (``row.kind``, ``row.starts_at``…).
AvailabilityRow = tuple

#: The solver looks a day past each end of a window (Horizon.covering); load that much.
MARGIN = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The salon as the solver sees it, plus the rows it came from (for names and prices)."""

    organization: Organization
    location: Location
    zone: ZoneInfo
    rules: BookingRules
    salon: solver.Salon
    services: dict[uuid.UUID, ServiceType]
    staff: dict[uuid.UUID, Staff]
    spots: dict[uuid.UUID, Spot]
    staff_service_ids: dict[uuid.UUID, frozenset[uuid.UUID]]
    spot_service_ids: dict[uuid.UUID, frozenset[uuid.UUID]]
    blocks: tuple[AvailabilityRow, ...]  # staff and location blocks overlapping the range
    start: datetime
    end: datetime


def parse_clock(text: str) -> time:
    """ "09:00" → 09:00; "24:00" → 00:00 (midnight at the end of the day)."""
    if text in ("24:00", "24:00:00"):
        return time(0)
    return time.fromisoformat(text)


def business_hours(location: Location) -> tuple[solver.WeeklyHours, ...]:
    hours = []
    for weekday, ranges in sorted((location.business_hours or {}).items()):
        for start, end in ranges or ():
            hours.append(solver.WeeklyHours(int(weekday), parse_clock(start), parse_clock(end)))
    return tuple(hours)


def _block(row: AvailabilityRow) -> solver.Block:
    return solver.Block(row.starts_at, row.ends_at, row.reason or "")


def _local_block(zone: ZoneInfo, row: AvailabilityRow) -> solver.Block:
    """A dated exception that takes a local time range off, as an instant block."""
    start = datetime.combine(row.exception_date, row.start_time, tzinfo=zone)
    end_day = row.exception_date + timedelta(days=1) if row.end_time == time(0) else row.exception_date
    end = datetime.combine(end_day, row.end_time, tzinfo=zone)
    return solver.Block(start.astimezone(timezone.utc), end.astimezone(timezone.utc), row.reason or "")


def dialect_of(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


# Statements are built once, with bind parameters: building and keying a select costs more
# CPU than PostgreSQL spends answering it (0.2-0.6 ms each, measured on the demo salon).
_ORG, _LOCATION = bindparam("org_id"), bindparam("location_id")
_SERVICES = select(ServiceType).where(ServiceType.organization_id == _ORG, ServiceType.is_active)
_STAFF_HERE = (Staff.organization_id == _ORG, Staff.is_active,
               or_(Staff.location_id == _LOCATION, Staff.location_id.is_(None)))
_STAFF = select(Staff).where(*_STAFF_HERE)
_STAFF_WITH_SERVICES = (select(Staff, staff_services.c.service_type_id)
                        .outerjoin(staff_services, (staff_services.c.staff_id == Staff.id)
                                   & (staff_services.c.organization_id == Staff.organization_id))
                        .where(*_STAFF_HERE))
_SPOTS_WITH_SERVICES = (select(Spot, spot_services.c.service_type_id)
                        .outerjoin(spot_services, (spot_services.c.spot_id == Spot.id)
                                   & (spot_services.c.organization_id == Spot.organization_id))
                        .where(Spot.organization_id == _ORG, Spot.location_id == _LOCATION, Spot.is_active))
#: What the calendar and the agenda read of an availability row: columns, not ORM objects. An
#: organization keeps a row per staff member and weekday, read on every slot search and
#: agenda (~60 for 10 staff); building them as entities was a quarter of a day's agenda.
_AVAILABILITY_COLUMNS = (Availability.id, Availability.staff_id, Availability.kind, Availability.day_of_week,
                         Availability.start_time, Availability.end_time, Availability.exception_date,
                         Availability.is_available, Availability.starts_at, Availability.ends_at, Availability.reason,
                         Availability.spot_id)
_AVAILABILITY = select(NamedColumns("availability", *_AVAILABILITY_COLUMNS)).where(
    Availability.organization_id == _ORG,
    or_(Availability.location_id == _LOCATION, Availability.location_id.is_(None), Availability.staff_id.is_not(None)),
    or_(
        Availability.kind == AvailabilityKind.RECURRING,
        and_(Availability.kind == AvailabilityKind.EXCEPTION, Availability.exception_date >= bindparam("lo_day"),
             Availability.exception_date <= bindparam("hi_day")),
        and_(Availability.kind.in_((AvailabilityKind.BLOCK, AvailabilityKind.SPOT_OUT)),
             Availability.starts_at < bindparam("hi"), Availability.ends_at > bindparam("lo")),
    ),
).order_by(Availability.id)  # a total order: two blocks at one start are listed alike on every backend
_AVAILABILITY_OF_STAFF = _AVAILABILITY.where(
    or_(Availability.staff_id.is_(None), Availability.staff_id.in_(bindparam("staff_ids", expanding=True))))


@cache
def _occupancy_query(dialect: str, excluding: bool, staff: str):
    """Occupancy overlapping [lo, hi); staff: "all" resources, "only" staff, or "ids" given.

    PostgreSQL answers one row per resource with its starts and ends as arrays, which asyncpg
    decodes in C (already aware UTC datetimes): 30% less CPU than a row per interval for a
    month of the demo salon. SQLite answers a row per interval.
    """
    if dialect == "sqlite":
        query = select(Occupancy.staff_id, Occupancy.spot_id, Occupancy.starts_at, Occupancy.ends_at)
    else:
        instants = ARRAY(DateTime(timezone=True))
        query = select(Occupancy.staff_id, Occupancy.spot_id,
                       type_coerce(func.array_agg(Occupancy.starts_at), instants),
                       type_coerce(func.array_agg(Occupancy.ends_at), instants)
                       ).group_by(Occupancy.staff_id, Occupancy.spot_id)
    # The earliest start bounds the index scan: nothing lasts longer than LONGEST_VISIT.
    query = query.where(Occupancy.organization_id == _ORG, Occupancy.starts_at < bindparam("hi"),
                        Occupancy.ends_at > bindparam("lo"), Occupancy.starts_at > bindparam("earliest"))
    if excluding:
        query = query.where(Occupancy.appointment_id.not_in(bindparam("excluded", expanding=True)))
    if staff == "ids":
        query = query.where(Occupancy.staff_id.in_(bindparam("staff_ids", expanding=True)))
    elif staff == "only":
        query = query.where(Occupancy.staff_id.is_not(None))
    return query


async def load_services(session: AsyncSession, org_id: uuid.UUID) -> dict[uuid.UUID, ServiceType]:
    return {s.id: s for s in await session.scalars(_SERVICES, {"org_id": org_id})}


async def load_staff(session: AsyncSession, org_id: uuid.UUID, location: Location) -> dict[uuid.UUID, Staff]:
    """The location's active staff (and those not tied to a location), without their services."""
    return {m.id: m for m in await session.scalars(_STAFF, {"org_id": org_id, "location_id": location.id})}


async def _staff_with_services(
    session: AsyncSession, org_id: uuid.UUID, location: Location
) -> tuple[dict[uuid.UUID, Staff], dict[uuid.UUID, set[uuid.UUID]]]:
    """Staff and the services each performs, in one round trip (one row per pair)."""
    staff: dict[uuid.UUID, Staff] = {}
    does: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for member, service_id in await session.execute(_STAFF_WITH_SERVICES,
                                                     {"org_id": org_id, "location_id": location.id}):
        staff[member.id] = member
        if service_id is not None:
            does[member.id].add(service_id)
    return staff, does


async def _spots_with_services(
    session: AsyncSession, org_id: uuid.UUID, location: Location
) -> tuple[dict[uuid.UUID, Spot], dict[uuid.UUID, set[uuid.UUID]]]:
    """The location's active spots and the services each hosts, in one round trip."""
    spots: dict[uuid.UUID, Spot] = {}
    hosts: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for spot, service_id in await session.execute(_SPOTS_WITH_SERVICES,
                                                   {"org_id": org_id, "location_id": location.id}):
        spots[spot.id] = spot
        if service_id is not None:
            hosts[spot.id].add(service_id)
    return spots, hosts


async def load_availability(
    session: AsyncSession, org_id: uuid.UUID, location: Location, lo: datetime, hi: datetime, zone: ZoneInfo,
    *, staff_ids: Iterable[uuid.UUID] | None = None,
) -> list[AvailabilityRow]:
    """Weekly hours, and the exceptions and blocks that reach into [lo, hi)."""
    params = {"org_id": org_id, "location_id": location.id, "lo": lo, "hi": hi,
              "lo_day": lo.astimezone(zone).date(), "hi_day": hi.astimezone(zone).date()}
    if staff_ids is None:
        return list((await session.scalars(_AVAILABILITY, params)).all())
    params["staff_ids"] = list(staff_ids)
    return list((await session.scalars(_AVAILABILITY_OF_STAFF, params)).all())


async def load_occupancy(
    session: AsyncSession, org_id: uuid.UUID, lo: datetime, hi: datetime, *,
    without_appointments: Iterable[uuid.UUID] = (), staff_only: bool = False,
    staff_ids: Sequence[uuid.UUID] | None = None,
) -> list[solver.Occupancy]:
    """Stored busy intervals overlapping [lo, hi), as the solver's values (columns, not ORM rows)."""
    params: dict = {"org_id": org_id, "lo": lo, "hi": hi, "earliest": lo - LONGEST_VISIT}
    excluded = list(without_appointments)
    if excluded:
        params["excluded"] = excluded
    if staff_ids is not None:
        params["staff_ids"] = list(staff_ids)
    dialect = dialect_of(session)
    staff = "ids" if staff_ids is not None else "only" if staff_only else "all"
    query = _occupancy_query(dialect, bool(excluded), staff)
    staff_kind, spot_kind = solver.ResourceKind.STAFF, solver.ResourceKind.SPOT
    make = solver.Occupancy
    occupancy: list[solver.Occupancy] = []
    # Core, on the session's connection: columns only, nothing for the ORM to do but cost ~0.03 ms.
    rows = await (await session.connection()).execute(query, params)
    if dialect == "sqlite":
        names: dict[uuid.UUID, str] = {}  # str(uuid) once per resource, not once per row
        for staff_id, spot_id, starts_at, ends_at in rows:
            resource = staff_id or spot_id
            name = names.get(resource)
            if name is None:
                name = names[resource] = str(resource)
            occupancy.append(make(staff_kind if staff_id else spot_kind, name, starts_at, ends_at))
        return occupancy
    for staff_id, spot_id, starts, ends in rows:
        count = len(starts)
        occupancy += map(make, [staff_kind if staff_id else spot_kind] * count, [str(staff_id or spot_id)] * count,
                         starts, ends)
    return occupancy


@dataclass(slots=True)
class _Calendar:
    """Availability rows sorted into what the solver's `Salon` wants."""

    weekly: dict[uuid.UUID, list[solver.WeeklyHours]]
    exceptions: dict[uuid.UUID, list[solver.DatedException]]
    staff_blocks: dict[uuid.UUID, list[solver.Block]]
    closed_dates: set
    location_blocks: list[solver.Block]
    block_rows: list[AvailabilityRow]
    spot_blocks: dict[uuid.UUID, list[solver.Block]] = field(default_factory=dict)  # chairs out of use


def _calendar(availability: Iterable[AvailabilityRow], staff: dict[uuid.UUID, Staff], zone: ZoneInfo) -> _Calendar:
    weekly: dict[uuid.UUID, list[solver.WeeklyHours]] = defaultdict(list)
    exceptions: dict[uuid.UUID, list[solver.DatedException]] = defaultdict(list)
    staff_blocks: dict[uuid.UUID, list[solver.Block]] = defaultdict(list)
    closed_dates = set()
    location_blocks: list[solver.Block] = []
    block_rows: list[AvailabilityRow] = []
    spot_blocks: dict[uuid.UUID, list[solver.Block]] = defaultdict(list)
    for row in availability:
        if row.staff_id is not None and row.staff_id not in staff:
            continue
        if row.kind is AvailabilityKind.SPOT_OUT:
            if row.spot_id is not None:
                spot_blocks[row.spot_id].append(_block(row))
        elif row.kind is AvailabilityKind.BLOCK:
            block_rows.append(row)
            (staff_blocks[row.staff_id] if row.staff_id else location_blocks).append(_block(row))
        elif row.kind is AvailabilityKind.RECURRING:
            if row.staff_id is not None:
                weekly[row.staff_id].append(solver.WeeklyHours(row.day_of_week, row.start_time, row.end_time))
        elif row.staff_id is None:  # a location-wide dated exception
            if not row.is_available and row.start_time is None:
                closed_dates.add(row.exception_date)
            elif not row.is_available:
                location_blocks.append(_local_block(zone, row))
        elif row.is_available:
            exceptions[row.staff_id] += [
                solver.DatedException(row.exception_date, solver.ExceptionKind.DAY_OFF),
                solver.DatedException(row.exception_date, solver.ExceptionKind.EXTRA_HOURS, row.start_time, row.end_time),
            ]
        elif row.start_time is None:
            exceptions[row.staff_id].append(solver.DatedException(row.exception_date, solver.ExceptionKind.DAY_OFF))
        else:
            staff_blocks[row.staff_id].append(_local_block(zone, row))
    return _Calendar(weekly, exceptions, staff_blocks, closed_dates, location_blocks, block_rows, spot_blocks)


def _weekly_hours(member: Staff, calendar: _Calendar) -> tuple[solver.WeeklyHours, ...] | None:
    """Their own weekly rows; none means the location's hours — unless the member is new and the
    owner has not chosen their hours yet (staff_members.HOURS_CHOSEN): then no hours at all."""
    if member.id in calendar.weekly:
        return tuple(calendar.weekly[member.id])
    if (member.settings or {}).get("hours_chosen", True) is False:
        return ()
    return None


def _solver_staff(member: Staff, calendar: _Calendar, service_ids: Iterable[uuid.UUID]) -> solver.Staff:
    return solver.Staff(
        id=str(member.id),
        service_ids=frozenset(str(s) for s in service_ids),
        weekly_hours=_weekly_hours(member, calendar),
        exceptions=tuple(dict.fromkeys(calendar.exceptions.get(member.id, ()))),
        blocks=tuple(calendar.staff_blocks.get(member.id, ())),
    )


@dataclass(frozen=True, slots=True)
class Catalog:
    """A location's services, staff and spots, and who does and hosts what: read-only, shared."""

    version: int | None
    services: dict[uuid.UUID, ServiceType]
    staff: dict[uuid.UUID, Staff]
    spots: dict[uuid.UUID, Spot]
    staff_does: dict[uuid.UUID, frozenset[uuid.UUID]]
    spot_hosts: dict[uuid.UUID, frozenset[uuid.UUID]]


#: Per process, per (organization, location): the catalog as of ``Organization.catalog_version``.
#: Every booking and slot search needs it and it changes a few times a month; reading it was
#: three queries and a few dozen ORM rows (a third of a booking's CPU). The version is read
#: with the organization anyway, and every write of the catalog bumps it in its own
#: transaction (storage/catalog_version.py), so a stale entry is never used, across processes.
_CATALOGS: OrderedDict[tuple[uuid.UUID, uuid.UUID], Catalog] = OrderedDict()
CATALOG_CACHE_SIZE = 4096


async def _read_catalog(session: AsyncSession, org_id: uuid.UUID, location: Location,
                        version: int | None) -> Catalog:
    services = await load_services(session, org_id)
    staff, staff_links = await _staff_with_services(session, org_id, location)
    spots, spot_links = await _spots_with_services(session, org_id, location)
    return Catalog(version, services, staff, spots,
                   {m: frozenset(s for s in links if s in services) for m, links in staff_links.items()},
                   {p: frozenset(s for s in links if s in services) for p, links in spot_links.items()})


def _detached(row):
    """A copy of a loaded row that belongs to no session: column values only, nothing expired.

    The cached rows are shared by every caller of the process, so they must not belong to the
    session that happened to read them (its rollback would expire them for everyone)."""
    mapper = sa_inspect(row).mapper
    copy = mapper.class_(**{attr.key: getattr(row, attr.key) for attr in mapper.column_attrs})
    make_transient_to_detached(copy)
    return copy


async def load_catalog(session: AsyncSession, organization: Organization, location: Location) -> Catalog:
    """The catalog, from this process's cache while ``organization.catalog_version`` says it is current.

    A miss reads it in the caller's transaction (no second connection: fifty bookings at once
    would otherwise wait on each other for the pool) and caches detached copies, which the
    caller gets too. A session that changed the catalog itself reads it uncached: it must see
    its own writes. Every caller treats the catalog's rows as read-only.
    """
    version = organization.catalog_version
    if version is None or catalog_written(session.sync_session):
        return await _read_catalog(session, organization.id, location, None)
    key = (organization.id, location.id)
    cached = _CATALOGS.get(key)
    if cached is not None and cached.version == version:
        _CATALOGS.move_to_end(key)
        return cached
    read = await _read_catalog(session, organization.id, location, version)
    catalog = Catalog(version, {k: _detached(v) for k, v in read.services.items()},
                      {k: _detached(v) for k, v in read.staff.items()},
                      {k: _detached(v) for k, v in read.spots.items()}, read.staff_does, read.spot_hosts)
    _CATALOGS[key] = catalog  # two misses racing: the later one wins, and a newer version re-reads anyway
    _CATALOGS.move_to_end(key)
    while len(_CATALOGS) > CATALOG_CACHE_SIZE:
        _CATALOGS.popitem(last=False)
    return catalog


async def load_snapshot(
    session: AsyncSession,
    organization: Organization,
    location: Location,
    start: datetime,
    end: datetime,
    *,
    without_appointments: Iterable[uuid.UUID] = (),
    rules: BookingRules | None = None,
    busy_margin: timedelta = MARGIN,
) -> Snapshot:
    """The salon around [start, end). `without_appointments` leaves their occupancy out (moves).

    Five round trips: services, staff with their services, spots with theirs, availability,
    occupancy. `busy_margin` is how far past [start, end) occupancy is read: the solver
    needs a visit's reach plus the shortest useful gap on each side (a hole is judged
    against the neighbouring bookings), never more; callers that know their visits'
    reach pass it, the default keeps the spare days the solver's horizon adds.
    """
    org_id = organization.id
    zone = ZoneInfo(organization.timezone)
    rules = rules or BookingRules.of(organization)
    lo, hi = start - MARGIN, end + MARGIN

    catalog = await load_catalog(session, organization, location)
    services, staff, spots = catalog.services, catalog.staff, catalog.spots
    staff_does, spot_hosts = catalog.staff_does, catalog.spot_hosts
    calendar = _calendar(await load_availability(session, org_id, location, lo, hi, zone), staff, zone)
    occupancy = await load_occupancy(session, org_id, start - busy_margin, end + busy_margin,
                                     without_appointments=without_appointments)

    salon = solver.Salon(
        timezone=organization.timezone,
        business_hours=business_hours(location),
        staff=tuple(_solver_staff(m, calendar, staff_does.get(m.id, ())) for m in staff.values()),
        spots=tuple(
            solver.Spot(id=str(p.id), service_ids=frozenset(str(s) for s in spot_hosts.get(p.id, ())),
                        blocks=tuple(calendar.spot_blocks.get(p.id, ())))
            for p in spots.values()
        ),
        services=tuple(
            solver.Service(
                id=str(s.id),
                duration_minutes=s.duration_minutes,
                buffer_after_minutes=s.buffer_after_minutes or None,
                processing=solver.Processing(s.processing_offset_minutes, s.processing_minutes)
                if s.processing_offset_minutes and s.processing_minutes
                else None,
            )
            for s in services.values()
        ),
        closed_dates=frozenset(calendar.closed_dates),
        location_blocks=tuple(calendar.location_blocks),
        occupancy=tuple(occupancy),
        options=rules.solver_options(),
    )
    return Snapshot(
        organization=organization,
        location=location,
        zone=zone,
        rules=rules,
        salon=salon,
        services=services,
        staff=staff,
        spots=spots,
        staff_service_ids=staff_does,
        spot_service_ids=spot_hosts,
        blocks=tuple(calendar.block_rows),
        start=start,
        end=end,
    )
