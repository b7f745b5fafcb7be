"""After the visit: a rating request when it was completed (if the salon wants them), an
invitation to book again when the customer did not come.

Both are for visits of the last ``follow_up_window`` (48 h) only, so switching a setting on
never messages last month's customers, and both wait for local daytime (9:00-21:00): a
visit that ends at 8:30 PM is asked about the next morning. One per visit
(``review_request:<visit>``, ``no_show_rebook:<visit>``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from messaging.notifications.outbox_rows import Notice, already_written, write_once
from messaging.notifications.policy import DispatchPolicy
from messaging.notifications.visits import Visit, visits_of
from resolvers.notification_settings import NotificationSettings
from storage import Appointment, AppointmentStatus, Organization
from storage.queries import ALL_SALONS

REVIEW = "review_request"
NO_SHOW = "no_show_rebook"


def _in_daytime(organizations: dict[uuid.UUID, Organization], now: datetime,
                policy: DispatchPolicy) -> dict[uuid.UUID, Organization]:
    return {i: o for i, o in organizations.items() if policy.daytime(now.astimezone(ZoneInfo(o.timezone)).time())}


async def _write(session: AsyncSession, template: str, visits: list[Visit], now: datetime) -> list[str]:
    keys = [f"{template}:{v.key}" for v in visits]
    done = await already_written(session, keys)
    return await write_once(session, [
        Notice(dedupe_key=key, to=v.customer.phone_number, organization_id=v.organization.id, template_name=template,
               appointment_id=v.first.id, from_number=v.organization.whatsapp_number, variables=v.facts)
        for key, v in zip(keys, visits) if key not in done], now=now)


async def dispatch_review_requests(session: AsyncSession, *, now: datetime,
                                   organizations: dict[uuid.UUID, Organization],
                                   policy: DispatchPolicy = DispatchPolicy()) -> list[str]:
    chosen = {i: NotificationSettings.of(o.settings) for i, o in _in_daytime(organizations, now, policy).items()}
    asking = {i: organizations[i] for i, c in chosen.items() if c.review_requests}
    if not asking:
        return []
    found = (await session.scalars(select(Appointment).prefix_with(ALL_SALONS).where(  # the minute's sweep
        Appointment.organization_id.in_(list(asking)), Appointment.status == AppointmentStatus.COMPLETED,
        Appointment.ends_at > now - policy.follow_up_window, Appointment.ends_at <= now,
    ))).all()
    visits = [v for v in await visits_of(session, found, asking)
              if v.ends_at + chosen[v.organization.id].review_delay <= now]
    return await _write(session, REVIEW, visits, now)


async def dispatch_no_show_invitations(session: AsyncSession, *, now: datetime,
                                       organizations: dict[uuid.UUID, Organization],
                                       policy: DispatchPolicy = DispatchPolicy()) -> list[str]:
    inviting = {i: o for i, o in _in_daytime(organizations, now, policy).items()
                if NotificationSettings.of(o.settings).no_show_rebook}
    if not inviting:
        return []
    found = (await session.scalars(select(Appointment).prefix_with(ALL_SALONS).where(  # the minute's sweep
        Appointment.organization_id.in_(list(inviting)), Appointment.status == AppointmentStatus.NO_SHOW,
        Appointment.starts_at > now - policy.follow_up_window, Appointment.starts_at <= now,
        Appointment.updated_at <= now - policy.no_show_grace,
    ))).all()
    return await _write(session, NO_SHOW, await visits_of(session, found, inviting), now)
