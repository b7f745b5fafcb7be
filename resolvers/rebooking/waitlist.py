"""The waitlist: customers waiting for a service on a day, offered freed time first come, first served.

``join_waitlist`` adds a customer (a customer for themselves, or staff for a customer's
phone). ``offer_freed_slot`` (in ``resolvers.scheduling.waitlist_offers``) is called by the
cancel path *inside its transaction*: the first customer waiting for that service that
local day gets a ``waitlist_offer`` notice (raw facts of the freed time) and their entry
becomes ``offered``; ``pass_on_stale_offers``
(a periodic job) expires offers nobody answered and offers the time to the next one. When
they answer "sí", the conversation engine calls ``accept_waitlist_offer``: the offered time
is booked like any other request (re-checked; someone may have taken it) and the entry
becomes ``booked``.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.context import ActorKind, Context
from resolvers.errors import NotFound, Problem, ValidationError
from resolvers.permissions import Permission
from resolvers.scheduling import notices
from resolvers.scheduling.access import (
    SERVICE_NOT_FOUND,
    allowed,
    load_organization,
    organization_id,
    phone_or_problem,
)
from resolvers.scheduling import BookedAppointments, BookingRequest, book_appointment
from resolvers.scheduling.booking import customer_by_phone
from resolvers.scheduling.rules import BookingRules
from resolvers.scheduling.waitlist_offers import offer_to_next_waiting
from storage.ids import new_id
from storage import (
    OutboundMessage,
    Customer,
    Organization,
    ServiceType,
    WaitlistEntry,
    WaitlistStatus,
)
from storage.queries import ALL_SALONS, get_in


async def join_waitlist(ctx: Context, service_id: uuid.UUID, day: date, *, customer_phone: str | None = None,
                        customer_name: str | None = None) -> WaitlistEntry | Problem:
    """Wait for ``service_id`` on local ``day``; joining twice returns the same entry."""
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    actor = ctx.actor
    if not actor.is_customer:
        if denied := allowed(actor, Permission.BOOK):
            return denied
        if not customer_phone:
            return ValidationError("¿Para qué cliente? Dame su teléfono.", field="customerPhone")
        phone = phone_or_problem(customer_phone)
        if isinstance(phone, Problem):
            return phone
    now = ctx.now()
    async with ctx.db.transaction(write=True) as session:
        organization = await load_organization(session, org_id, for_write=True)
        if not isinstance(organization, Organization):
            return organization
        service = await get_in(session, ServiceType, org_id, service_id)
        if service is None or service.organization_id != org_id or not service.is_active:
            return SERVICE_NOT_FOUND
        today = now.astimezone(ZoneInfo(organization.timezone)).date()
        if day < today:
            return ValidationError("Ese día ya pasó.", field="date")
        days_ahead = BookingRules.of(organization).max_days_ahead
        if (day - today).days > days_ahead:
            return ValidationError(f"Solo se puede apartar hasta {days_ahead} días antes.", field="date")
        if actor.is_customer:
            customer = await get_in(session, Customer, org_id, actor.customer_id)
            if customer is None or customer.organization_id != org_id:
                return ValidationError("No encontré tus datos.", field="customerPhone")
        else:
            customer = await customer_by_phone(session, org_id, phone, customer_name, now, dialect=ctx.db.dialect)
        existing = await session.scalar(select(WaitlistEntry).where(
            WaitlistEntry.organization_id == org_id, WaitlistEntry.customer_id == customer.id,
            WaitlistEntry.service_type_id == service.id, WaitlistEntry.desired_date == day,
            WaitlistEntry.status.in_((WaitlistStatus.WAITING, WaitlistStatus.OFFERED))))
        if existing is not None:
            return existing
        entry = WaitlistEntry(id=new_id(), organization_id=org_id, customer_id=customer.id,
                              service_type_id=service.id, desired_date=day, status=WaitlistStatus.WAITING,
                              created_at=now, updated_at=now)
        session.add(entry)
        notices.activity(session, now=now, organization=organization, kind="waitlist_joined",
                         summary=f"Lista de espera: {customer.name or 'Cliente'}, {service.name}, {day.isoformat()}",
                         subject_id=entry.id, data={"service_id": str(service.id), "date": day.isoformat(),
                                                    "customer_id": str(customer.id), "actor": actor.kind.value})
        await session.flush()
    return entry


async def _offered_slot(session: AsyncSession, entry: WaitlistEntry) -> dict | None:
    """The facts of the last offer made to this entry (the outbox row is the record of what was offered)."""
    offer = await session.scalar(
        select(OutboundMessage)
        .where(OutboundMessage.organization_id == entry.organization_id,
               OutboundMessage.template_name == "waitlist_offer",
               OutboundMessage.dedupe_key.startswith(f"waitlist_offer:{entry.id}:"))
        .order_by(OutboundMessage.created_at.desc(), OutboundMessage.id.desc())
        .limit(1)
    )
    return dict(offer.template_variables) if offer is not None else None


#: An offer nobody answered passes to the next customer waiting after this long.
OFFER_TIMEOUT = timedelta(hours=2)


async def pass_on_stale_offers(ctx: Context, *, older_than: timedelta = OFFER_TIMEOUT) -> int:
    """Expire offers not answered in time and offer each still-future slot to the next customer waiting.

    For a periodic job: the system actor of one organization, or a platform admin / the
    system actor without an organization for all of them. Returns how many offers expired.
    """
    actor = ctx.actor
    if actor.kind not in (ActorKind.SYSTEM, ActorKind.ADMIN):
        return 0
    now = ctx.now()
    expired = 0
    async with ctx.db.transaction(write=True) as session:
        query = select(WaitlistEntry).where(WaitlistEntry.status == WaitlistStatus.OFFERED,
                                            WaitlistEntry.offered_at <= now - older_than)
        if actor.organization_id is not None:
            query = query.where(WaitlistEntry.organization_id == actor.organization_id)
        else:
            query = query.prefix_with(ALL_SALONS)  # the periodic job over every salon: a sweep
        for entry in (await session.scalars(query.order_by(WaitlistEntry.offered_at, WaitlistEntry.id))).all():
            entry.status = WaitlistStatus.EXPIRED
            entry.updated_at = now
            expired += 1
            slot = await _offered_slot(session, entry)
            organization = await session.get(Organization, entry.organization_id)
            if slot is None or organization is None or datetime.fromisoformat(slot["starts_at"]) <= now:
                continue
            slot = {k: v for k, v in slot.items() if k not in ("waitlist_entry_id", "customer_name")}
            await offer_to_next_waiting(session, now=now, organization=organization, slot=slot, skip_customer_id=None)
    if expired:
        await ctx.outbox_written()
    return expired


OFFER_NOT_FOUND = NotFound("No encontré ese espacio ofrecido.")


async def accept_waitlist_offer(ctx: Context, entry_id: uuid.UUID) -> BookedAppointments | Problem:
    """Book the time offered to this waitlist entry (the customer's "sí"); the entry becomes booked.

    A customer accepts only their own offer; staff may accept on a customer's behalf. If the
    time was taken meanwhile the answer is ``SlotTaken`` with alternatives, and the entry
    stays offered.
    """
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    actor = ctx.actor
    if not actor.is_customer and (denied := allowed(actor, Permission.BOOK)):
        return denied
    async with ctx.db.session() as session:
        entry = await get_in(session, WaitlistEntry, org_id, entry_id)
        if (entry is None or entry.organization_id != org_id or entry.status is not WaitlistStatus.OFFERED
                or (actor.is_customer and entry.customer_id != actor.customer_id)):
            return OFFER_NOT_FOUND
        facts = await _offered_slot(session, entry)
        customer = await get_in(session, Customer, entry.organization_id, entry.customer_id)
    if facts is None or customer is None:
        return OFFER_NOT_FOUND
    staff_id = facts.get("staff_id")
    request = BookingRequest(
        service_ids=(entry.service_type_id,), start=datetime.fromisoformat(facts["starts_at"]),
        customer_phone=None if actor.is_customer else customer.phone_number,
        staff_id=uuid.UUID(staff_id) if staff_id else None,
    )
    booked = await book_appointment(ctx, request)
    if isinstance(booked, Problem) and staff_id:  # the stylist is gone: anyone free then will do
        booked = await book_appointment(ctx, replace(request, staff_id=None))
    if isinstance(booked, Problem):
        return booked
    async with ctx.db.transaction(write=True) as session:
        row = await get_in(session, WaitlistEntry, entry.organization_id, entry.id)
        row.status = WaitlistStatus.BOOKED
        row.updated_at = ctx.now()
    return booked


async def my_waitlist_offer(ctx: Context) -> WaitlistEntry | None:
    """The offer standing for the customer writing (the latest, if several): what their "sí" or "no" answers.

    One indexed read of the customer's own entries; None for staff, or with no offer standing.
    """
    org_id = organization_id(ctx)
    actor = ctx.actor
    if not isinstance(org_id, uuid.UUID) or not actor.is_customer or actor.customer_id is None:
        return None
    async with ctx.db.session() as session:
        return await session.scalar(
            select(WaitlistEntry)
            .where(WaitlistEntry.organization_id == org_id, WaitlistEntry.customer_id == actor.customer_id,
                   WaitlistEntry.status == WaitlistStatus.OFFERED)
            .order_by(WaitlistEntry.offered_at.desc(), WaitlistEntry.id)
            .limit(1)
        )


async def decline_waitlist_offer(ctx: Context, entry_id: uuid.UUID) -> WaitlistEntry | Problem:
    """The customer's "no" to an offer: the entry leaves the line (``expired``: the offer was not taken,
    as when nobody answers) and the freed time goes at once to the next customer waiting that day."""
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    actor = ctx.actor
    if not actor.is_customer and (denied := allowed(actor, Permission.BOOK)):
        return denied
    now = ctx.now()
    async with ctx.db.transaction(write=True) as session:
        entry = await session.scalar(select(WaitlistEntry).where(WaitlistEntry.organization_id == org_id,
                                                                 WaitlistEntry.id == entry_id))
        if (entry is None or entry.status is not WaitlistStatus.OFFERED
                or (actor.is_customer and entry.customer_id != actor.customer_id)):
            return OFFER_NOT_FOUND
        entry.status = WaitlistStatus.EXPIRED
        entry.updated_at = now
        organization = await session.get(Organization, org_id)
        slot = await _offered_slot(session, entry)
        notices.activity(session, now=now, organization=organization, kind="waitlist_declined",
                         summary="Un cliente de la lista de espera no tomó el espacio ofrecido",
                         subject_id=entry.id, data={"waitlist_entry_id": str(entry.id),
                                                    "appointment_id": (slot or {}).get("appointment_id")})
        if slot is not None and datetime.fromisoformat(slot["starts_at"]) > now:
            slot = {k: v for k, v in slot.items() if k not in ("waitlist_entry_id", "customer_name")}
            await offer_to_next_waiting(session, now=now, organization=organization, slot=slot,
                                        skip_customer_id=entry.customer_id)
    await ctx.outbox_written()
    return entry
