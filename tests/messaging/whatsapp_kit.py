"""Helpers for the WhatsApp tests: salons with numbers, Twilio's form, signatures, a wired Messaging."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import httpx
from sqlalchemy import select

from messaging.engine import AcknowledgementEngine, Reply, Turn
from messaging.runtime import DeliveryPolicy, InlineWorkQueue, Messaging, MessagingConfig
from messaging.senders import LogSender, TwilioSender
from messaging.signatures import sign
from resolvers.context import ResolverConfig
from storage import (
    Database,
    Message,
    MessageDirection,
    Organization,
    OrganizationStatus,
    OutboundMessage,
    PermissionLevel,
    Staff,
    StaffRole,
    WhatsAppStatus,
)
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio

CENTRAL = "+525500000000"
PUBLIC_URL = "https://parlo.test"
_sids = itertools.count(1)


def new_sid() -> str:
    return f"SM{uuid.uuid4().hex}"


def twilio_form(*, sender: str, to: str, body: str = "Hola", sid: str | None = None, **extra: str) -> dict[str, str]:
    """The form Twilio posts for an incoming WhatsApp message."""
    form = {
        "SmsMessageSid": sid or new_sid(), "NumMedia": "0", "ProfileName": "Juan", "SmsSid": "", "WaId": "",
        "SmsStatus": "received", "Body": body, "To": f"whatsapp:{to}", "NumSegments": "1",
        "ReferralNumMedia": "0", "MessageSid": "", "AccountSid": ACCOUNT_SID, "From": f"whatsapp:{sender}",
        "ApiVersion": "2010-04-01",
    }
    form["MessageSid"] = form["SmsSid"] = form["SmsMessageSid"]
    form["WaId"] = sender.lstrip("+")
    form.update(extra)
    return form


async def post_signed(http: httpx.AsyncClient, path: str, form: dict[str, str], *, token: str = AUTH_TOKEN,
                      signature: str | None = None) -> httpx.Response:
    headers = {"X-Twilio-Signature": signature if signature is not None else sign(token, PUBLIC_URL + path, form)}
    return await http.post(path, data=form, headers=headers)


class TickingClock:
    """A clock that moves a millisecond each time it is read: order shows in timestamps."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._step = timedelta(milliseconds=1)

    def __call__(self) -> datetime:
        self._now += self._step
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta


class EchoEngine:
    """Answers "eco: <text>", so order and content are visible in what Twilio received."""

    async def respond(self, turn: Turn) -> list[Reply]:
        return [Reply(f"eco: {turn.text}")]


def wire(db: Database, clock, *, twilio: FakeTwilio | None = None, engine=None,
         policy: DeliveryPolicy | None = None, content_sids: dict[str, str] | None = None, voice=None) -> Messaging:
    queue = InlineWorkQueue()
    sender = TwilioSender(ACCOUNT_SID, AUTH_TOKEN, http_client=twilio.async_client()) if twilio is not None else LogSender()
    m = Messaging(db=db, clock=clock, sender=sender, engine=engine or AcknowledgementEngine(), queue=queue,
                  config=MessagingConfig(central_number=CENTRAL, public_url=PUBLIC_URL, content_sids=content_sids or {},
                                         resolver=ResolverConfig(jwt_secret="x" * 40, public_url=PUBLIC_URL,
                                                                 central_number=CENTRAL),
                                         delivery=policy or DeliveryPolicy()), voice=voice)
    queue.bind(m)
    return m


@dataclass
class Salon:
    org: Organization
    number: str
    owner: Staff


async def salon(db: Database, now: datetime, *, number: str = "+525587654321", name: str = "Barbería Don Carlos",
                owner_phone: str = "+525512345001", status: OrganizationStatus = OrganizationStatus.ACTIVE,
                owner_has_written: bool = True) -> Salon:
    async with db.transaction(write=True) as session:
        org = Organization(name=name, timezone="America/Mexico_City", status=status, whatsapp_number=number,
                           whatsapp_status=WhatsAppStatus.CONNECTED, settings={}, created_at=now, updated_at=now)
        session.add(org)
        await session.flush()
        owner = Staff(organization_id=org.id, name="Carlos Mendoza", phone_number=owner_phone,
                      role=StaffRole.OWNER, permission_level=PermissionLevel.OWNER,
                      first_message_at=now if owner_has_written else None, created_at=now, updated_at=now)
        session.add(owner)
    return Salon(org, number, owner)


async def outbox(db: Database) -> list[OutboundMessage]:
    async with db.session() as session:
        return list((await session.scalars(select(OutboundMessage).order_by(OutboundMessage.created_at, OutboundMessage.id))).all())


async def inbound_messages(db: Database) -> list[Message]:
    async with db.session() as session:
        return list((await session.scalars(select(Message).where(Message.direction == MessageDirection.INBOUND)
                                            .order_by(Message.sequence, Message.created_at, Message.id))).all())


FRIDAY = datetime(2026, 1, 16, 16, 0, tzinfo=timezone.utc)
