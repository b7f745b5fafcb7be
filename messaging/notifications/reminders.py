"""Reminders: the customer hears about a visit ``reminder_hours_before`` (24 h) before it, and
optionally again ``second_reminder_hours_before`` (2 h) before.

Due when ``start - lead <= now < start - lead + catch_up``. The key is the visit and its
*current* start (``appointment_reminder:<visit>:<start>``): a rescheduled visit is due
again at its new time, a cancelled one is no longer found, and any re-run finds the key
written. A visit booked, or moved, after its reminder was due (less than 24 h ahead) gets
none: the confirmation or the move's notice just told the customer. A visit a re-plan could
not place (``needs_new_time_at``) gets none either: its time no longer holds, and its customer
was sent other times instead.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from messaging.notifications.outbox_rows import Notice, already_written, write_once
from messaging.notifications.policy import DispatchPolicy
from messaging.notifications.visits import UPCOMING, visits_of, with_whole_groups
from resolvers.notification_settings import NotificationSettings
from storage import Appointment, DeliveryStatus, Organization, OutboundMessage
from storage.queries import ALL_SALONS

FIRST = "appointment_reminder"
SECOND = "appointment_reminder_2h"


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def reminder_key(template: str, visit_key: str, starts_at: datetime) -> str:
    return f"{template}:{visit_key}:{_iso(starts_at)}"


async def dispatch_reminders(session: AsyncSession, *, now: datetime, organizations: dict[uuid.UUID, Organization],
                             policy: DispatchPolicy = DispatchPolicy()) -> list[str]:
    """Write the reminders due now; returns the keys written (empty when a re-run finds them all)."""
    leads: dict[tuple[str, timedelta], list[uuid.UUID]] = defaultdict(list)
    for org in organizations.values():
        chosen = NotificationSettings.of(org.settings)
        leads[(FIRST, chosen.reminder_lead)].append(org.id)
        if chosen.second_reminder and chosen.second_reminder_lead < chosen.reminder_lead:
            leads[(SECOND, chosen.second_reminder_lead)].append(org.id)
    written: list[str] = []
    for (template, lead), org_ids in sorted(leads.items(), key=lambda item: (item[0][0], item[0][1])):
        catch_up = policy.catch_up_for(lead)
        found = (await session.scalars(select(Appointment).prefix_with(ALL_SALONS).where(
            Appointment.organization_id.in_(org_ids), Appointment.status.in_(UPCOMING),
            Appointment.needs_new_time_at.is_(None), Appointment.starts_at > now + lead - catch_up, Appointment.starts_at <= now + lead,
        ))).all()
        # Most visits are one appointment: their key is known from the row, so the minutes after
        # the first skip what is written without loading customers, services and staff again.
        single = {reminder_key(template, str(a.id), a.starts_at): a for a in found if a.booking_group_id is None}
        written_before = await already_written(session, list(single))
        found = [a for a in found if a.booking_group_id is not None
                 or reminder_key(template, str(a.id), a.starts_at) not in written_before]
        if not found:
            continue
        rows = await with_whole_groups(session, found, UPCOMING)
        due = []
        for visit in await visits_of(session, rows, organizations):
            due_at = visit.starts_at - lead
            if due_at <= now < due_at + catch_up and visit.changed_at <= due_at:
                due.append(visit)
        keys = [reminder_key(template, v.key, v.starts_at) for v in due]
        done = await already_written(session, keys)
        notices = [
            Notice(dedupe_key=key, to=v.customer.phone_number, organization_id=v.organization.id,
                   template_name=template, appointment_id=v.first.id, from_number=v.organization.whatsapp_number,
                   variables={**v.facts, "hours_before": int(lead.total_seconds() // 3600)})
            for key, v in zip(keys, due) if key not in done
        ]
        new = await write_once(session, notices, now=now)
        if new:
            sent_to = {n.appointment_id for n in notices if n.dedupe_key in set(new)}
            ids = [a.id for v in due if v.first.id in sent_to for a in v.appointments]
            # the minute's reminders over every salon that has one: marked like the sweep that found them
            await session.execute(update(Appointment).prefix_with(ALL_SALONS)
                                  .where(Appointment.organization_id.in_(org_ids), Appointment.id.in_(ids))
                                  .values(reminder_sent_at=now, updated_at=Appointment.updated_at).execution_options(synchronize_session=False))
        written.extend(new)
    return written


async def withdraw_stale_reminders(session: AsyncSession, *, now: datetime) -> list[str]:
    """Reminders still waiting in the outbox (a retry after a Twilio outage) for a visit that was
    cancelled or moved since: taken out, so nobody is reminded of a time that no longer holds.

    Only rows still ``pending`` go (a worker holding one has it ``sending``); the moved visit's
    new reminder has its own key.
    """
    waiting = (await session.execute(
        select(OutboundMessage.id, OutboundMessage.organization_id, OutboundMessage.dedupe_key,
               OutboundMessage.template_variables, Appointment.status, Appointment.starts_at,
               Appointment.needs_new_time_at).prefix_with(ALL_SALONS)
        .join(Appointment, (Appointment.id == OutboundMessage.appointment_id)
              & (Appointment.organization_id == OutboundMessage.organization_id))
        .where(OutboundMessage.template_name.in_((FIRST, SECOND)), OutboundMessage.status == DeliveryStatus.PENDING)
    )).all()
    stale = [(row_id, tenant, key) for row_id, tenant, key, facts, status, starts_at, needs_new_time in waiting
             if status not in UPCOMING or needs_new_time is not None or (facts or {}).get("start") != _iso(starts_at)]
    withdrawn: list[str] = []
    for row_id, tenant, key in stale:
        gone = await session.execute(delete(OutboundMessage).where(OutboundMessage.organization_id == tenant,
                                                                   OutboundMessage.id == row_id,
                                                                   OutboundMessage.status == DeliveryStatus.PENDING)
                                     .execution_options(synchronize_session=False))
        if gone.rowcount:
            withdrawn.append(key)
    return withdrawn
