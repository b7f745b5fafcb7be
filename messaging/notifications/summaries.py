"""The daily schedule summary: at the organization's local hour (``daily_summary_hour``, 7:00).

Huey's crontab runs in UTC and salons do not, so the job runs every minute and asks each
organization what time it is there: due from ``local date + hour`` in the salon's zone
(``zoneinfo`` handles DST: Tijuana's 7:00 is 15:00 UTC in winter and 14:00 UTC in
summer) until ``summary_catch_up`` later. One per recipient and local day
(``daily_summary:<org>:<staff>:<date>``). To the owner, and to admins listed in
``notify_admin_ids``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from messaging.notifications.outbox_rows import Notice, already_written, write_once
from messaging.notifications.policy import DispatchPolicy
from resolvers.notification_settings import NotificationSettings
from resolvers.scheduling.notices import NO_PHONE_PREFIX, notice_recipients
from storage import Appointment, AppointmentStatus, Customer, Organization, ServiceType, Staff

TEMPLATE = "daily_summary"


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def summary_due_at(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """The UTC instant of ``hour``:00 on local ``day`` (a time skipped by DST counts as the first one after)."""
    return datetime.combine(day, time(hour), zone).astimezone(ZoneInfo("UTC"))


def summary_key(organization_id: uuid.UUID, staff_id: uuid.UUID, day: date) -> str:
    return f"{TEMPLATE}:{organization_id}:{staff_id}:{day.isoformat()}"


async def recipients(session: AsyncSession, organization: Organization) -> list[Staff]:
    """The owners, and the admins who asked to get the owner's notices too (one rule for every notice)."""
    return await notice_recipients(session, organization)


async def _day_lines(session: AsyncSession, organization: Organization, day: date,
                     zone: ZoneInfo, limit: int) -> tuple[int, list[dict]]:
    start = datetime.combine(day, time(0), zone).astimezone(ZoneInfo("UTC"))
    end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(ZoneInfo("UTC"))
    rows = (await session.execute(
        select(Appointment.starts_at, ServiceType.name, Customer.name, Customer.phone_number, Staff.name)
        .join(ServiceType, (ServiceType.id == Appointment.service_type_id)
              & (ServiceType.organization_id == Appointment.organization_id))
        .join(Customer, (Customer.id == Appointment.customer_id) & (Customer.organization_id == Appointment.organization_id))
        .outerjoin(Staff, (Staff.id == Appointment.staff_id) & (Staff.organization_id == Appointment.organization_id))
        .where(Appointment.organization_id == organization.id, Appointment.starts_at >= start,
               Appointment.starts_at < end, Appointment.status != AppointmentStatus.CANCELLED,
               Appointment.needs_new_time_at.is_(None))
        .order_by(Appointment.starts_at, Staff.name, Appointment.id)
    )).all()
    lines = [{"starts_at": _iso(starts_at), "service_name": service, "customer_name": customer_name,
              "customer_phone": phone if not phone.startswith(NO_PHONE_PREFIX) else None, "staff_name": staff}
             for starts_at, service, customer_name, phone, staff in rows[:limit]]
    return len(rows), lines


async def _waiting_for_a_new_time(session: AsyncSession, organization: Organization, since: datetime) -> int:
    """Visits a re-plan could not place that are still unresolved (not moved, not cancelled)."""
    return await session.scalar(select(func.count()).select_from(Appointment).where(
        Appointment.organization_id == organization.id, Appointment.needs_new_time_at.is_not(None),
        Appointment.status.in_((AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED)),
        Appointment.starts_at >= since)) or 0


async def dispatch_summaries(session: AsyncSession, *, now: datetime, organizations: dict[uuid.UUID, Organization],
                             policy: DispatchPolicy = DispatchPolicy()) -> list[str]:
    written: list[str] = []
    for org in organizations.values():
        chosen = NotificationSettings.of(org.settings)
        if not chosen.daily_summary:
            continue
        zone = ZoneInfo(org.timezone)
        today = now.astimezone(zone).date()
        due_days = [day for day in (today - timedelta(days=1), today)
                    if summary_due_at(day, chosen.daily_summary_hour, zone) <= now
                    < summary_due_at(day, chosen.daily_summary_hour, zone) + policy.summary_catch_up]
        if not due_days:
            continue
        people = [m for m in await recipients(session, org) if m.phone_number]
        for day in due_days:
            keys = {m.id: summary_key(org.id, m.id, day) for m in people}
            done = await already_written(session, list(keys.values()))
            waiting = [m for m in people if keys[m.id] not in done]
            if not waiting:
                continue
            count, lines = await _day_lines(session, org, day, zone, policy.summary_lines)
            waiting_count = await _waiting_for_a_new_time(
                session, org, datetime.combine(day, time(0), zone).astimezone(ZoneInfo("UTC")))
            facts = {"business_name": org.name, "date": day.isoformat(), "timezone": org.timezone,
                     "appointment_count": count, "appointments": lines, "needs_new_time": waiting_count}
            written.extend(await write_once(session, [
                Notice(dedupe_key=keys[m.id], to=m.phone_number, organization_id=org.id, template_name=TEMPLATE,
                       from_number=org.whatsapp_number,
                       variables={**facts, "staff_name": m.name.split()[0], "recipient_staff_id": str(m.id)})
                for m in waiting], now=now))
    return written
