"""Offer a freed time to the waitlist, inside the transaction that freed it.

Lives in scheduling because cancelling calls it: the waitlist use cases
(``resolvers.rebooking.waitlist``: join, accept, pass stale offers on) build on
scheduling, so scheduling cannot import them. First come, first served: the oldest
waiting entry for the service on that local day gets a ``waitlist_offer`` message.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.outbox import enqueue
from resolvers.scheduling import notices
from storage import (
    Appointment,
    Customer,
    Location,
    Organization,
    ServiceType,
    Spot,
    Staff,
    WaitlistEntry,
    WaitlistStatus,
)
from storage.queries import get_in


def iso_utc(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


async def offer_freed_slot(session: AsyncSession, *, now: datetime, appointment: Appointment) -> WaitlistEntry | None:
    """Offer the time ``appointment`` just freed to the first customer waiting for its service that day.

    Call it in the cancelling transaction, after the appointment's occupancy is gone; the
    caller commits and then calls ``ctx.outbox_written()`` as usual. Returns the offered entry.
    """
    organization = await session.get(Organization, appointment.organization_id)
    if organization is None or appointment.starts_at <= now:
        return None
    org_id = appointment.organization_id
    service = await get_in(session, ServiceType, org_id, appointment.service_type_id)
    staff = await get_in(session, Staff, org_id, appointment.staff_id)
    spot = await get_in(session, Spot, org_id, appointment.spot_id)
    location = await get_in(session, Location, org_id, appointment.location_id)
    slot = {
        "business_name": organization.name, "location_name": location.name if location else None,
        "service_id": str(appointment.service_type_id), "service_name": service.name if service else "",
        "starts_at": iso_utc(appointment.starts_at), "ends_at": iso_utc(appointment.ends_at),
        "timezone": organization.timezone,
        "staff_id": str(appointment.staff_id) if appointment.staff_id else None,
        "staff_name": staff.name if staff else None,
        "spot_id": str(appointment.spot_id) if appointment.spot_id else None,
        "spot_name": spot.name if spot else None,
        "appointment_id": str(appointment.id),
    }
    return await offer_to_next_waiting(session, now=now, organization=organization, slot=slot,
                                skip_customer_id=appointment.customer_id)


async def offer_to_next_waiting(session: AsyncSession, *, now: datetime, organization: Organization, slot: dict,
                         skip_customer_id: uuid.UUID | None) -> WaitlistEntry | None:
    """The first customer waiting for the slot's service that local day gets it offered (entry → offered)."""
    start = datetime.fromisoformat(slot["starts_at"])
    day = start.astimezone(ZoneInfo(organization.timezone)).date()
    query = (select(WaitlistEntry)
             .where(WaitlistEntry.organization_id == organization.id,
                    WaitlistEntry.service_type_id == uuid.UUID(slot["service_id"]),
                    WaitlistEntry.desired_date == day,
                    WaitlistEntry.status == WaitlistStatus.WAITING)
             .order_by(WaitlistEntry.created_at, WaitlistEntry.id))
    if skip_customer_id is not None:
        query = query.where(WaitlistEntry.customer_id != skip_customer_id)
    for entry in (await session.scalars(query)).all():
        customer = await get_in(session, Customer, organization.id, entry.customer_id)
        if customer is None or not notices.has_phone(customer):
            continue
        entry.status = WaitlistStatus.OFFERED
        entry.offered_at = now
        entry.updated_at = now
        enqueue(
            session, now=now, to=customer.phone_number, organization_id=organization.id, kind="notification",
            template_name="waitlist_offer", dedupe_key=f"waitlist_offer:{entry.id}:{slot['starts_at']}",
            from_number=organization.whatsapp_number,
            variables={**slot, "waitlist_entry_id": str(entry.id), "customer_name": customer.name},
        )
        notices.activity(session, now=now, organization=organization, kind="waitlist_offered",
                         summary=f"Espacio ofrecido a {customer.name or 'Cliente'} de la lista de espera",
                         subject_id=entry.id, data={"appointment_id": slot.get("appointment_id"),
                                                    "waitlist_entry_id": str(entry.id)})
        return entry
    return None
