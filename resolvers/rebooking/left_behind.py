"""No one left behind: what applying a plan does for the appointments it could not place.

Each such visit is marked "needs a new time" (``Appointment.needs_new_time_at``): the agenda
and GraphQL show it, reminders skip it, and the owner's summary counts it until it is moved
or cancelled. Its customer gets one message (``appointment_needs_new_time``) with the best
times the slot search finds for the same services once the outage is out of the calendar
(other stylists that day, then the next days; a stylist the customer asked for is kept),
numbered, plus the waitlist for that day. So the reply books like any other offer, the
customer's conversation is left waiting on those options (flow ``new_time``, read by
``messaging.conversation.rules.customer.new_time``).

All of it happens in the plan's apply transaction, once per visit (a visit already marked
is not marked or messaged again).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import solver
from resolvers.outbox import enqueue
from resolvers.rebooking.disruptions import TimeTaken, local_midnight
from resolvers.rebooking.types import UnplaceableAppointment
from resolvers.scheduling import notices
from resolvers.scheduling.access import lock_appointments
from resolvers.scheduling.rules import BookingRules
from resolvers.scheduling.slots import VISIT_REACH, solver_request
from resolvers.scheduling.snapshot import load_snapshot
from storage import (
    ACTIVE_STATUSES,
    Appointment,
    Conversation,
    ConversationChannel,
    Customer,
    FlowSession,
    Location,
    Organization,
)
from storage.ids import new_id

#: How many times one message offers, and how far ahead they are looked for.
OPTIONS = 3
SEARCH_DAYS = 7
FLOW = "new_time"


def _iso(value: datetime) -> str:
    return value.astimezone(ZoneInfo("UTC")).isoformat().replace("+00:00", "Z")


def _pick(slots: list[solver.Slot], wanted: datetime, zone: ZoneInfo) -> list[solver.Slot]:
    """The nearest times to the lost one: that day first, then the closest days, nearest time of
    day; at most one per stylist and hour so the options differ."""
    local = wanted.astimezone(zone)

    def nearness(slot: solver.Slot):
        start = slot.start.astimezone(zone)
        minutes = abs((start.hour * 60 + start.minute) - (local.hour * 60 + local.minute))
        return abs((start.date() - local.date()).days), minutes, slot.start

    chosen, seen = [], set()
    for slot in sorted(slots, key=nearness):
        key = (slot.assignment.services[0].staff_id, slot.start.astimezone(zone).date(), slot.start.hour)
        if key in seen:
            continue
        seen.add(key)
        chosen.append(slot)
        if len(chosen) == OPTIONS:
            break
    return sorted(chosen, key=lambda s: s.start)


async def leave_no_one_behind(session: AsyncSession, organization: Organization, location: Location,
                              unplaceable: Sequence[UnplaceableAppointment], taken: TimeTaken,
                              now: datetime) -> tuple[list[uuid.UUID], int]:
    """Mark, offer and message; returns (the appointments marked, the customers messaged)."""
    expected = {u.appointment_id: u for u in unplaceable}
    rows = await lock_appointments(session, organization.id, list(expected))
    still = [r for r in rows.values() if r.status in ACTIVE_STATUSES and r.needs_new_time_at is None
             and r.starts_at == expected[r.id].starts_at and r.starts_at > now]
    if not still:
        return [], 0
    visits: dict[tuple, list[Appointment]] = {}
    for row in sorted(still, key=lambda r: (r.starts_at, str(r.id))):
        visits.setdefault((row.booking_group_id or row.id, row.customer_id), []).append(row)

    zone = ZoneInfo(organization.timezone)
    first_day = min(r.starts_at for r in still).astimezone(zone).date()
    start = max(now, local_midnight(first_day, zone))
    end = local_midnight(first_day + timedelta(days=SEARCH_DAYS + 1), zone)
    snapshot = await load_snapshot(session, organization, location, start, end + VISIT_REACH,
                                   without_appointments=[r.id for r in still], rules=BookingRules.of(organization),
                                   busy_margin=VISIT_REACH)
    salon = taken.applied_to(snapshot.salon)
    customers = {c.id: c for c in await session.scalars(
        select(Customer).where(Customer.organization_id == organization.id,
                               Customer.id.in_({r.customer_id for r in still})))}

    told = 0
    for (_, customer_id), parts in visits.items():
        for row in parts:
            row.needs_new_time_at = now
            row.updated_at = now
        first = parts[0]
        services = [r.service_type_id for r in parts if r.service_type_id in snapshot.services]
        pinned = first.staff_id if first.staff_requested else None
        options: list[dict] = []
        if services:
            request = solver_request(list(dict.fromkeys(services)), group_size=1, staff_id=pinned, spot_id=None,
                                     start=start, end=end, limit=200)
            found = solver.available_slots(salon, request, now)
            for slot in _pick(found, first.starts_at, zone):
                piece = slot.assignment.services[0]
                member = snapshot.staff.get(uuid.UUID(piece.staff_id))
                options.append({"starts_at": _iso(slot.start), "staff_id": piece.staff_id,
                                "staff_name": member.name if member else "",
                                "spot_id": piece.spot_id})
        customer = customers.get(customer_id)
        if customer is None or not notices.has_phone(customer):
            continue
        names = [snapshot.services[s].name for s in services]
        old_staff = snapshot.staff.get(first.staff_id) if first.staff_id else None
        facts = {"appointment_id": str(first.id), "business_name": organization.name,
                 "customer_name": customer.name, "service_name": names[0] if names else "tu servicio",
                 "starts_at": _iso(first.starts_at), "timezone": organization.timezone,
                 "staff_name": old_staff.name.split(" ")[0] if old_staff else None, "options": options}
        if len(names) > 1:
            facts["service_names"] = names
        enqueue(session, now=now, to=customer.phone_number, organization_id=organization.id, kind="notification",
                template_name="appointment_needs_new_time", variables=facts,
                dedupe_key=f"appointment_needs_new_time:{first.id}:{_iso(first.starts_at)}",
                appointment_id=first.id, from_number=organization.whatsapp_number)
        told += 1
        await _wait_for_the_answer(session, organization, customer, first, services, options, now)
    return [r.id for r in still], told


async def _wait_for_the_answer(session: AsyncSession, organization: Organization, customer: Customer,
                               first: Appointment, services: list[uuid.UUID], options: list[dict],
                               now: datetime) -> None:
    """The customer's conversation waits on these options, so "la 2" books the second one."""
    conversation = (await session.scalars(select(Conversation).where(
        Conversation.organization_id == organization.id, Conversation.channel == ConversationChannel.BUSINESS,
        Conversation.phone_number == customer.phone_number)
        .order_by(Conversation.last_message_at.desc().nulls_last(), Conversation.id).limit(1))).first()
    if conversation is None:
        return  # never wrote to us: their first message finds the marked visit through "mis citas"
    # The conversation's typed memory (messaging/conversation/rules/customer/new_time.py, version 1).
    data = {"version": 1, "appointment_id": str(first.id), "service_id": str(services[0]) if services else None,
            "old_start": _iso(first.starts_at), "options": options, "day": first.starts_at.isoformat()}
    flow = (await session.scalars(select(FlowSession).where(FlowSession.organization_id == organization.id,
                                                            FlowSession.conversation_id == conversation.id))).first()
    if flow is None:
        flow = FlowSession(id=new_id(), conversation_id=conversation.id, organization_id=organization.id,
                           customer_id=customer.id, created_at=now, flow_type=FLOW, state="choosing_option")
        session.add(flow)
    flow.flow_type, flow.state, flow.last_active_state = FLOW, "choosing_option", "choosing_option"
    flow.collected_data = data
    flow.last_message_at, flow.updated_at = now, now
