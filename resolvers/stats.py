"""A salon's figures for a period: one use case behind WhatsApp answers and the dashboard.

"¿Cuántas citas hay mañana?", "¿cuánto vendimos esta semana?", the dashboard's day totals:
all read :func:`period_figures`, so the same question gets the same number wherever it is
asked. The period is half-open ``[start, end)`` in UTC; an appointment belongs to it when
it *starts* inside. Local days (busiest day and hour) are the organization's zone.

What the numbers mean (what an owner reading the book would count):

- ``appointments``: every visit on the book that was not cancelled (pending, confirmed,
  completed, no-show) — what the agenda shows. ``cancelled`` are counted apart.
- ``revenue_cents``: prices of completed visits (money in). ``expected_revenue_cents``:
  completed plus those still pending or confirmed (money in if everyone shows up).
- ``new_customers``: customers whose first visit ever (not cancelled) is in the period;
  per staff member, those whose first visit was with them.
- ``busiest_day`` / ``busiest_hour``: the local day and the local hour when most visits
  start (ties: the earliest); None without visits.

Permissions: owners, admins, platform admins and the system see everyone's figures and
the business's. Staff and viewers see their own only: no ``staff_id`` means theirs, and
anyone else's is refused.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from resolvers.context import ActorKind, Context
from resolvers.errors import PermissionDenied, Problem
from resolvers.permissions import Permission, allows
from resolvers.reads import read_session
from resolvers.scheduling.access import STAFF_NOT_FOUND, check_range, organization_id
from storage import Appointment, AppointmentStatus, Organization, Staff

#: "Este año" is the widest period an owner asks about (a leap year and a DST change inside).
MAX_PERIOD_DAYS = 367
OWN_FIGURES_ONLY = PermissionDenied("Solo el dueño o un administrador pueden ver los números del negocio "
                                    "o de otra persona del equipo.")
_NOT_BOOKED = (AppointmentStatus.CANCELLED,)
_EXPECTED = (AppointmentStatus.COMPLETED, AppointmentStatus.CONFIRMED, AppointmentStatus.PENDING)


@dataclass(frozen=True, slots=True)
class StaffFigures:
    """One person's share of the period (owners see this for everyone)."""

    staff_id: uuid.UUID
    name: str
    appointments: int
    completed: int
    no_shows: int
    revenue_cents: int


@dataclass(frozen=True, slots=True)
class Figures:
    start: datetime
    end: datetime
    staff_id: uuid.UUID | None  # None: the whole business
    appointments: int
    completed: int
    cancelled: int
    no_shows: int
    #: booked and not marked yet (pending or confirmed)
    scheduled: int
    revenue_cents: int
    expected_revenue_cents: int
    new_customers: int
    busiest_day: date | None
    busiest_day_appointments: int
    busiest_hour: int | None  # 0-23, local
    busiest_hour_appointments: int
    by_staff: tuple[StaffFigures, ...] = ()


def whose_figures(ctx: Context, staff_id: uuid.UUID | None) -> uuid.UUID | None | Problem:
    """The staff member whose figures this actor may read (None: the business's), or the refusal."""
    actor = ctx.actor
    if allows(actor, Permission.VIEW_STATS):
        return staff_id
    if actor.kind is ActorKind.STAFF and actor.staff_id is not None:
        if staff_id is None or staff_id == actor.staff_id:
            return actor.staff_id
        return OWN_FIGURES_ONLY
    return OWN_FIGURES_ONLY


async def period_figures(ctx: Context, start: datetime, end: datetime, *,
                         staff_id: uuid.UUID | None = None) -> Figures | Problem:
    """The figures of ``[start, end)`` for one staff member or (``staff_id`` None) the business."""
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    whose = whose_figures(ctx, staff_id)
    if isinstance(whose, Problem):
        return whose
    if problem := check_range(start, end, max_days=MAX_PERIOD_DAYS):
        return problem
    start, end = start.astimezone(timezone.utc), end.astimezone(timezone.utc)
    async with read_session(ctx.db) as session:
        organization = await session.get(Organization, org_id)
        team = dict((await session.execute(
            select(Staff.id, Staff.name).where(Staff.organization_id == org_id))).all())
        if whose is not None and whose not in team:
            return STAFF_NOT_FOUND
        in_period = [Appointment.organization_id == org_id, Appointment.starts_at >= start,
                     Appointment.starts_at < end]
        if whose is not None:
            in_period.append(Appointment.staff_id == whose)
        rows = (await session.execute(
            select(Appointment.status, Appointment.price_cents, Appointment.starts_at, Appointment.customer_id,
                   Appointment.staff_id).where(*in_period))).all()
        # Customers whose first visit ever falls in the period (their first, not just this period's).
        first_visits = dict((await session.execute(
            select(Appointment.customer_id, func.min(Appointment.starts_at))
            .where(Appointment.organization_id == org_id, Appointment.status.not_in(_NOT_BOOKED))
            .group_by(Appointment.customer_id)
            .having(func.min(Appointment.starts_at) >= start, func.min(Appointment.starts_at) < end))).all())
    zone = ZoneInfo(organization.timezone)
    return _count(rows, first_visits, team, zone, start=start, end=end, staff_id=whose)


async def day_figures(ctx: Context, first: date, last: date | None = None, *,
                      staff_id: uuid.UUID | None = None) -> Figures | Problem:
    """Local days ``first``..``last`` (inclusive) in the organization's zone: how people ask."""
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    async with read_session(ctx.db) as session:
        organization = await session.get(Organization, org_id)
    zone = ZoneInfo(organization.timezone)
    start = datetime.combine(first, time(0), zone)
    end = datetime.combine((last or first) + timedelta(days=1), time(0), zone)
    return await period_figures(ctx, start, end, staff_id=staff_id)


def _count(rows, first_visits: dict, team: dict, zone: ZoneInfo, *, start: datetime, end: datetime,
           staff_id: uuid.UUID | None) -> Figures:
    by_status: Counter[AppointmentStatus] = Counter()
    revenue = expected = 0
    days: Counter[date] = Counter()
    hours: Counter[int] = Counter()
    new_customers: set[uuid.UUID] = set()
    people: dict[uuid.UUID, list[int]] = {}
    first_at = {customer: _utc(at) for customer, at in first_visits.items()}
    for status, price, starts_at, customer_id, who in rows:
        status = AppointmentStatus(status)
        by_status[status] += 1
        if status in _NOT_BOOKED:
            continue
        at = _utc(starts_at)
        local = at.astimezone(zone)
        days[local.date()] += 1
        hours[local.hour] += 1
        if status in _EXPECTED:
            expected += price or 0
        if status is AppointmentStatus.COMPLETED:
            revenue += price or 0
        if first_at.get(customer_id) == at:
            new_customers.add(customer_id)
        if who is not None:
            share = people.setdefault(who, [0, 0, 0, 0])
            share[0] += 1
            share[1] += status is AppointmentStatus.COMPLETED
            share[2] += status is AppointmentStatus.NO_SHOW
            share[3] += (price or 0) if status is AppointmentStatus.COMPLETED else 0
    busiest_day = min(days, key=lambda d: (-days[d], d)) if days else None
    busiest_hour = min(hours, key=lambda h: (-hours[h], h)) if hours else None
    by_staff = tuple(sorted((StaffFigures(staff_id=who, name=team.get(who, ""), appointments=a, completed=c,
                                          no_shows=n, revenue_cents=r)
                             for who, (a, c, n, r) in people.items()),
                            key=lambda s: (-s.appointments, s.name, str(s.staff_id))))
    return Figures(
        start=start, end=end, staff_id=staff_id,
        appointments=sum(count for status, count in by_status.items() if status not in _NOT_BOOKED),
        completed=by_status[AppointmentStatus.COMPLETED], cancelled=by_status[AppointmentStatus.CANCELLED],
        no_shows=by_status[AppointmentStatus.NO_SHOW],
        scheduled=by_status[AppointmentStatus.CONFIRMED] + by_status[AppointmentStatus.PENDING],
        revenue_cents=revenue, expected_revenue_cents=expected, new_customers=len(new_customers),
        busiest_day=busiest_day, busiest_day_appointments=days[busiest_day] if busiest_day else 0,
        busiest_hour=busiest_hour, busiest_hour_appointments=hours[busiest_hour] if busiest_hour is not None else 0,
        by_staff=by_staff,
    )


def _utc(value: datetime) -> datetime:
    """Instants compare in UTC (a backend may hand back a naive UTC value from an aggregate)."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
