"""The free plan's monthly booking allowance, counted in the organization's calendar month.

A booking is a visit: the appointments of one multi-service or group booking count once.
Past the limit Parlo keeps booking (a salon must never lose a client to a paywall) and
warns the owner once a month; the warning is visible in every booking result too.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.context import Context
from resolvers.errors import Problem
from resolvers.permissions import Permission
from resolvers.scheduling.access import allowed, load_organization, organization_id
from resolvers.scheduling.types import PlanUsage
from storage import Appointment, Organization

FREE_PLAN = "free"
#: Visits booked in [start, end): a booking group counts once. Built once (bind parameters).
_VISITS_CREATED = select(func.count(distinct(func.coalesce(Appointment.booking_group_id, Appointment.id)))).where(
    Appointment.organization_id == bindparam("org_id"),
    Appointment.created_at >= bindparam("start"),
    Appointment.created_at < bindparam("end"),
)


def month_bounds(now: datetime, zone: ZoneInfo) -> tuple[str, datetime, datetime]:
    local = now.astimezone(zone)
    first = local.date().replace(day=1)
    following = first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)
    start = datetime.combine(first, time(0), tzinfo=zone).astimezone(timezone.utc)
    end = datetime.combine(following, time(0), tzinfo=zone).astimezone(timezone.utc)
    return f"{first:%Y-%m}", start, end


def limit_message(used: int, limit: int) -> str | None:
    if used > limit:
        return (f"Ya pasaste las {limit} citas gratis de este mes ({used} agendadas). "
                "Seguimos agendando normal; cambia de plan para no perder nada.")
    if used == limit:
        return f"Llegaste a las {limit} citas gratis de este mes. Las siguientes se siguen agendando."
    return None


#: The same, leaving one visit out (``visit``: its booking group, else its appointment's id).
_OTHER_VISITS_CREATED = _VISITS_CREATED.where(
    func.coalesce(Appointment.booking_group_id, Appointment.id) != bindparam("visit"))


def other_visits_created(organization: Organization, now: datetime, visit: uuid.UUID) -> tuple[Select, dict]:
    """This month's visits but ``visit``, as a statement and its parameters: a booking's combined
    write (resolvers.scheduling.booking) runs it with the INSERTs of that visit and adds one.
    Whether a statement sees the rows its own CTEs insert differs (PostgreSQL: never; Citus
    runs such CTEs first, and then does), so the new visit is left out and counted by hand."""
    _month, start, end = month_bounds(now, ZoneInfo(organization.timezone))
    return _OTHER_VISITS_CREATED, {"org_id": organization.id, "start": start, "end": end, "visit": visit}


async def count_usage(session: AsyncSession, organization: Organization, now: datetime, free_limit: int) -> PlanUsage:
    _month, start, end = month_bounds(now, ZoneInfo(organization.timezone))
    used = await session.scalar(_VISITS_CREATED, {"org_id": organization.id, "start": start, "end": end}) or 0
    return plan_usage(organization, now, free_limit, used)


def plan_usage(organization: Organization, now: datetime, free_limit: int, used: int) -> PlanUsage:
    """The plan's figures once ``used`` (this month's visits, the new one included) is known."""
    month, _start, _end = month_bounds(now, ZoneInfo(organization.timezone))
    limit = free_limit if (organization.plan or FREE_PLAN) == FREE_PLAN else None
    return PlanUsage(
        plan=organization.plan or FREE_PLAN,
        month=month,
        bookings_used=used,
        limit=limit,
        over_limit=limit is not None and used > limit,
        message=limit_message(used, limit) if limit is not None else None,
    )


async def usage(ctx: Context) -> PlanUsage | Problem:
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    if denied := allowed(ctx.actor, Permission.VIEW_STATS):
        return denied
    async with ctx.db.session() as session:
        organization = await load_organization(session, org_id, for_write=False)
        if not isinstance(organization, Organization):
            return organization
        return await count_usage(session, organization, ctx.now(), ctx.config.free_monthly_bookings)
