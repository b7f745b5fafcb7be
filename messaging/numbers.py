"""Each business's WhatsApp number: provisioned by Parlo, or the owner's own, connected.

Provisioning (spec: a business that finishes onboarding is live at once): buy a Mexican
mobile number through Twilio's numbers API with its messaging webhook pointed at Parlo,
register it as a WhatsApp sender (Messaging v2 Channels Senders, with our webhook and
status callback), and map the number to the organization. Meta reviews the sender, so
the organization's ``whatsapp_status`` stays ``pending`` until the sender is ``ONLINE``;
the periodic sweep (:func:`sync_pending_senders`) follows it up.

Connecting: an owner who already has a WhatsApp Business number gives it; we register it
as a sender, keep the sender id, and follow its status the same way. The GraphQL side can
simply set ``whatsapp_number`` with status ``pending`` and no sender id: the sweep
registers it.

Which businesses: those whose business onboarding (``OnboardingSession`` kind business)
is ``completed`` and that have no number (:func:`provision_finished_onboardings`, run by
the sweep and right after an onboarding turn); the owner is told the number on the
central line.

Crash safety: a bought number carries the organization id in its friendly name, and is
looked up before buying, so a retry after a crash never buys a second number.

Without Twilio (development), :class:`DevelopmentNumbers` assigns a number from the
organization id so the rest of the flow works.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from twilio.rest import Client
from twilio.rest.messaging.v2.channels_sender import ChannelsSenderList

from messaging.inbound import phone_of
from messaging.senders import SendFailed, classify
from messaging.spanish.phones import format_phone
from resolvers.outbox import enqueue
from storage import Database, OnboardingKind, OnboardingSession, Organization, WhatsAppStatus
from storage.queries import ALL_SALONS, organization_of_number

log = logging.getLogger("parlo.whatsapp")

#: Twilio sender statuses → the organization's WhatsApp status.
SENDER_STATUSES = {
    "ONLINE": WhatsAppStatus.CONNECTED, "ONLINE:UPDATING": WhatsAppStatus.CONNECTED,
    "CREATING": WhatsAppStatus.PENDING, "PENDING_VERIFICATION": WhatsAppStatus.PENDING,
    "VERIFYING": WhatsAppStatus.PENDING, "TWILIO_REVIEW": WhatsAppStatus.PENDING, "DRAFT": WhatsAppStatus.PENDING,
    "STUBBED": WhatsAppStatus.PENDING, "OFFLINE": WhatsAppStatus.FAILED,
}


@dataclass(frozen=True, slots=True)
class NumberAssignment:
    number: str  # E.164
    sender_id: str | None
    status: WhatsAppStatus


class NumberProvider(Protocol):
    async def provision(self, *, organization_id: uuid.UUID, business_name: str) -> NumberAssignment: ...

    async def connect(self, *, number: str, business_name: str) -> NumberAssignment: ...

    async def sender_status(self, sender_id: str) -> WhatsAppStatus: ...


class NoNumberAvailable(RuntimeError):
    """Twilio had no Mexican mobile number to sell right now."""


class TwilioNumbers:
    def __init__(self, client: Client, *, public_url: str, waba_id: str | None = None) -> None:
        self.client = client
        self.webhook_url = f"{public_url.rstrip('/')}/webhooks/twilio"
        self.status_url = f"{public_url.rstrip('/')}/webhooks/twilio/status"
        self.waba_id = waba_id

    def _register_sender(self, number: str, business_name: str):
        payload = {
            "sender_id": f"whatsapp:{number}",
            "webhook": {"callback_url": self.webhook_url, "callback_method": "POST",
                        "status_callback_url": self.status_url, "status_callback_method": "POST"},
            "profile": {"name": business_name[:100]},
        }
        if self.waba_id:
            payload["configuration"] = {"waba_id": self.waba_id}
        return self.client.messaging.v2.channels_senders.create(
            ChannelsSenderList.MessagingV2ChannelsSenderRequestsCreate(payload))

    def _provision(self, organization_id: uuid.UUID, business_name: str) -> NumberAssignment:
        label = f"Parlo {organization_id}"
        owned = self.client.incoming_phone_numbers.list(friendly_name=label, limit=1)
        if owned:
            number = owned[0].phone_number
        else:
            offers = self.client.available_phone_numbers("MX").mobile.list(sms_enabled=True, limit=5)
            if not offers:
                raise NoNumberAvailable("Twilio no tiene números móviles de México disponibles")
            bought = self.client.incoming_phone_numbers.create(
                phone_number=offers[0].phone_number, friendly_name=label,
                sms_url=self.webhook_url, sms_method="POST",
                status_callback=self.status_url, status_callback_method="POST",
            )
            number = bought.phone_number
        sender = self._register_sender(number, business_name)
        return NumberAssignment(phone_of(number), sender.sid,
                                SENDER_STATUSES.get(str(sender.status or "CREATING"), WhatsAppStatus.PENDING))

    def _connect(self, number: str, business_name: str) -> NumberAssignment:
        sender = self._register_sender(number, business_name)
        return NumberAssignment(number, sender.sid,
                                SENDER_STATUSES.get(str(sender.status or "CREATING"), WhatsAppStatus.PENDING))

    async def provision(self, *, organization_id: uuid.UUID, business_name: str) -> NumberAssignment:
        try:
            return await asyncio.to_thread(self._provision, organization_id, business_name)
        except NoNumberAvailable:
            raise
        except Exception as exc:  # noqa: BLE001 - sorted like message sends
            raise classify(exc) from exc

    async def connect(self, *, number: str, business_name: str) -> NumberAssignment:
        try:
            return await asyncio.to_thread(self._connect, number, business_name)
        except Exception as exc:  # noqa: BLE001
            raise classify(exc) from exc

    async def sender_status(self, sender_id: str) -> WhatsAppStatus:
        try:
            sender = await asyncio.to_thread(self.client.messaging.v2.channels_senders(sender_id).fetch)
        except Exception as exc:  # noqa: BLE001
            raise classify(exc) from exc
        return SENDER_STATUSES.get(str(sender.status), WhatsAppStatus.PENDING)


class DevelopmentNumbers:
    """No Twilio: a CDMX-looking number (55 9xxx xxxx) derived from the organization id, connected at once."""

    async def provision(self, *, organization_id: uuid.UUID, business_name: str) -> NumberAssignment:
        return NumberAssignment(f"+52559{organization_id.int % 10_000_000:07d}", f"dev-{organization_id.hex[:12]}",
                                WhatsAppStatus.CONNECTED)

    async def connect(self, *, number: str, business_name: str) -> NumberAssignment:
        return NumberAssignment(number, f"dev-{number.lstrip('+')}", WhatsAppStatus.CONNECTED)

    async def sender_status(self, sender_id: str) -> WhatsAppStatus:
        return WhatsAppStatus.CONNECTED


async def _record(db: Database, organization_id: uuid.UUID, assignment: NumberAssignment, now: datetime, *,
                  announce_to: str | None = None, central_number: str | None = None) -> Organization:
    async with db.transaction(write=True) as session:
        org = await session.get(Organization, organization_id)
        if org is None:
            raise LookupError(f"no organization {organization_id}")
        org.whatsapp_number = assignment.number
        org.whatsapp_sender_id = assignment.sender_id
        org.whatsapp_status = assignment.status
        org.updated_at = now
        if announce_to:
            enqueue(session, now=now, to=announce_to, organization_id=org.id, kind="number_ready",
                    body=number_ready_notice(org.name, assignment), from_number=central_number,
                    dedupe_key=f"number_ready:{org.id}")
    return org


def number_ready_notice(business: str, assignment: NumberAssignment) -> str:
    text = (f"¡{business} ya está en Parlo! 🎉 Tus clientes pueden escribir al {format_phone(assignment.number)} "
            "para agendar, y tú también puedes manejar tu agenda desde ese número.")
    if assignment.status is WhatsAppStatus.PENDING:
        text += " WhatsApp está revisando el número; te aviso en cuanto quede activo (suele tardar unas horas)."
    return text


async def provision_number(db: Database, numbers: NumberProvider, *, organization_id: uuid.UUID,
                           now: datetime, announce_to: str | None = None,
                           central_number: str | None = None) -> Organization:
    """Give the organization its own WhatsApp number (idempotent: an organization with one keeps it).

    ``announce_to``: the owner's phone, told the number from Parlo's central number (outbox,
    same transaction as the assignment).
    """
    async with db.session() as session:
        org = await session.get(Organization, organization_id)
    if org is None:
        raise LookupError(f"no organization {organization_id}")
    if org.whatsapp_number:
        return org
    assignment = await numbers.provision(organization_id=org.id, business_name=org.name)
    if isinstance(numbers, DevelopmentNumbers):
        assignment = await _free_development_number(db, assignment)
    log.info("organization %s gets WhatsApp number %s (sender %s, %s)", org.id, assignment.number,
             assignment.sender_id, assignment.status)
    return await _record(db, org.id, assignment, now, announce_to=announce_to, central_number=central_number)


async def provision_finished_onboardings(db: Database, numbers: NumberProvider, *, now: datetime,
                                         central_number: str) -> int:
    """Businesses whose WhatsApp onboarding is completed and that have no number yet get one.

    Only those: an organization created from the dashboard is not sold a number by surprise.
    """
    async with db.session() as session:
        rows = (await session.execute(
            select(Organization.id, OnboardingSession.phone_number).prefix_with(ALL_SALONS)  # the periodic sweep
            .join(OnboardingSession, OnboardingSession.organization_id == Organization.id)
            .where(OnboardingSession.kind == OnboardingKind.BUSINESS, OnboardingSession.state == "completed",
                   Organization.whatsapp_number.is_(None),
                   Organization.whatsapp_status == WhatsAppStatus.NOT_CONNECTED)
        )).all()
    done = 0
    for organization_id, owner_phone in rows:
        try:
            await provision_number(db, numbers, organization_id=organization_id, now=now, announce_to=owner_phone,
                                   central_number=central_number)
            done += 1
        except (SendFailed, NoNumberAvailable) as exc:
            log.warning("no WhatsApp number for organization %s yet: %s", organization_id, exc)
    return done


async def _free_development_number(db: Database, assignment: NumberAssignment) -> NumberAssignment:
    number = assignment.number
    async with db.session() as session:
        while await organization_of_number(session, number) is not None:  # the routing table: one node
            number = f"+52559{(int(number[-7:]) + 1) % 10_000_000:07d}"
    return NumberAssignment(number, assignment.sender_id, assignment.status)


async def connect_number(db: Database, numbers: NumberProvider, *, organization_id: uuid.UUID, number: str,
                         now: datetime) -> Organization:
    """Connect a number the owner already has: register it as a sender and keep its id."""
    async with db.session() as session:
        org = await session.get(Organization, organization_id)
        owner = await organization_of_number(session, number)  # the routing table: one node
    taken = owner if owner not in (None, organization_id) else None
    if org is None:
        raise LookupError(f"no organization {organization_id}")
    if taken is not None:
        raise ValueError("Ese número ya está conectado a otro negocio en Parlo.")
    assignment = await numbers.connect(number=number, business_name=org.name)
    return await _record(db, org.id, assignment, now)


async def sync_pending_senders(db: Database, numbers: NumberProvider, *, now: datetime) -> int:
    """Register numbers marked pending without a sender, and follow pending senders until online."""
    async with db.session() as session:
        pending = (await session.scalars(select(Organization).prefix_with(ALL_SALONS).where(  # the periodic sweep
            Organization.whatsapp_status == WhatsAppStatus.PENDING, Organization.whatsapp_number.is_not(None)))).all()
    changed = 0
    for org in pending:
        try:
            if org.whatsapp_sender_id is None:
                assignment = await numbers.connect(number=org.whatsapp_number, business_name=org.name)
                await _record(db, org.id, assignment, now)
                changed += 1
                continue
            status = await numbers.sender_status(org.whatsapp_sender_id)
        except SendFailed as exc:
            log.warning("WhatsApp sender of %s not checked: %s", org.id, exc.detail)
            continue
        if status is not org.whatsapp_status:
            async with db.transaction(write=True) as session:
                fresh = await session.get(Organization, org.id)
                fresh.whatsapp_status = status
                fresh.updated_at = now
            changed += 1
    return changed
