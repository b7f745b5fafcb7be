"""From rows to the solver's `Salon`: one location of one organization, around a time range.

Loads only what the range needs (blocks, closures and occupancy overlapping it, with a
margin for the solver's spare days) in a fixed handful of queries, whatever the size of
the salon: no per-staff or per-appointment round trips.

Row → solver mapping (the storage model's meaning, spelled out once):
- a staff member with no recurring rows works whenever the location is open;
- an exception that adds hours *replaces* the weekly hours that day (day off + extra hours);
- an exception that takes a time range off is a block; one with no times is a day off;
- a location-wide exception with no times is a closed date; a location-wide block is a
  location block.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

import solver
from resolvers.scheduling.rules import BookingRules
from storage import (
    Availability,
    AvailabilityKind,
    Location,
    Occupancy,
    Organization,
    ServiceType,
    Spot,
    Staff,
    spot_services,
)
from storage.models.staff import staff_services

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
    blocks: tuple[Availability, ...]  # staff and location blocks overlapping the range
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


def _block(row: Availability) -> solver.Block:
    return solver.Block(row.starts_at, row.ends_at, row.reason or "")


def _local_block(zone: ZoneInfo, row: Availability) -> solver.Block:
    """A dated exception that takes a local time range off, as an instant block."""
    start = datetime.combine(row.exception_date, row.start_time, tzinfo=zone)
    end_day = row.exception_date + timedelta(days=1) if row.end_time == time(0) else row.exception_date
    end = datetime.combine(end_day, row.end_time, tzinfo=zone)
    return solver.Block(start.astimezone(timezone.utc), end.astimezone(timezone.utc), row.reason or "")


async def load_snapshot(
    session: AsyncSession,
    organization: Organization,
    location: Location,
    start: datetime,
    end: datetime,
    *,
    without_appointments: Iterable[uuid.UUID] = (),
    rules: BookingRules | None = None,
) -> Snapshot:
    """The salon around [start, end). `without_appointments` leaves their occupancy out (moves)."""
    org_id = organization.id
    zone = ZoneInfo(organization.timezone)
    rules = rules or BookingRules.of(organization)
    lo, hi = start - MARGIN, end + MARGIN
    lo_day, hi_day = lo.astimezone(zone).date(), hi.astimezone(zone).date()

    services = {
        s.id: s
        for s in await session.scalars(
            select(ServiceType).where(ServiceType.organization_id == org_id, ServiceType.is_active)
        )
    }
    staff = {
        m.id: m
        for m in await session.scalars(
            select(Staff).where(
                Staff.organization_id == org_id,
                Staff.is_active,
                or_(Staff.location_id == location.id, Staff.location_id.is_(None)),
            )
        )
    }
    spots = {
        p.id: p
        for p in await session.scalars(
            select(Spot).where(Spot.organization_id == org_id, Spot.location_id == location.id, Spot.is_active)
        )
    }
    staff_does: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for staff_id, service_id in await session.execute(
        select(staff_services.c.staff_id, staff_services.c.service_type_id)
        .join(Staff, Staff.id == staff_services.c.staff_id)
        .where(Staff.organization_id == org_id)
    ):
        if staff_id in staff and service_id in services:
            staff_does[staff_id].add(service_id)
    spot_hosts: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for spot_id, service_id in await session.execute(
        select(spot_services.c.spot_id, spot_services.c.service_type_id)
        .join(Spot, Spot.id == spot_services.c.spot_id)
        .where(Spot.organization_id == org_id, Spot.location_id == location.id)
    ):
        if spot_id in spots and service_id in services:
            spot_hosts[spot_id].add(service_id)

    availability = (
        await session.scalars(
            select(Availability).where(
                Availability.organization_id == org_id,
                or_(Availability.location_id == location.id, Availability.location_id.is_(None),
                    Availability.staff_id.is_not(None)),
                or_(
                    Availability.kind == AvailabilityKind.RECURRING,
                    and_(
                        Availability.kind == AvailabilityKind.EXCEPTION,
                        Availability.exception_date >= lo_day,
                        Availability.exception_date <= hi_day,
                    ),
                    and_(
                        Availability.kind == AvailabilityKind.BLOCK,
                        Availability.starts_at < hi,
                        Availability.ends_at > lo,
                    ),
                ),
            )
        )
    ).all()

    excluded = list(without_appointments)
    query = select(Occupancy.staff_id, Occupancy.spot_id, Occupancy.starts_at, Occupancy.ends_at).where(
        Occupancy.organization_id == org_id, Occupancy.starts_at < hi, Occupancy.ends_at > lo)
    if excluded:
        query = query.where(Occupancy.appointment_id.not_in(excluded))
    names: dict[uuid.UUID, str] = {}  # str(uuid) once per resource, not once per row
    staff_kind, spot_kind = solver.ResourceKind.STAFF, solver.ResourceKind.SPOT
    occupancy = []
    for staff_id, spot_id, starts_at, ends_at in await session.execute(query):
        resource = staff_id or spot_id
        name = names.get(resource)
        if name is None:
            name = names[resource] = str(resource)
        occupancy.append(solver.Occupancy(staff_kind if staff_id else spot_kind, name, starts_at, ends_at))

    weekly: dict[uuid.UUID, list[solver.WeeklyHours]] = defaultdict(list)
    exceptions: dict[uuid.UUID, list[solver.DatedException]] = defaultdict(list)
    staff_blocks: dict[uuid.UUID, list[solver.Block]] = defaultdict(list)
    closed_dates = set()
    location_blocks: list[solver.Block] = []
    block_rows: list[Availability] = []
    for row in availability:
        if row.staff_id is not None and row.staff_id not in staff:
            continue
        if row.kind is AvailabilityKind.BLOCK:
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

    salon = solver.Salon(
        timezone=organization.timezone,
        business_hours=business_hours(location),
        staff=tuple(
            solver.Staff(
                id=str(m.id),
                service_ids=frozenset(str(s) for s in staff_does.get(m.id, ())),
                weekly_hours=tuple(weekly[m.id]) if m.id in weekly else None,
                exceptions=tuple(dict.fromkeys(exceptions.get(m.id, ()))),
                blocks=tuple(staff_blocks.get(m.id, ())),
            )
            for m in staff.values()
        ),
        spots=tuple(
            solver.Spot(id=str(p.id), service_ids=frozenset(str(s) for s in spot_hosts.get(p.id, ())))
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
        closed_dates=frozenset(closed_dates),
        location_blocks=tuple(location_blocks),
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
        staff_service_ids={k: frozenset(v) for k, v in staff_does.items()},
        spot_service_ids={k: frozenset(v) for k, v in spot_hosts.items()},
        blocks=tuple(block_rows),
        start=start,
        end=end,
    )
