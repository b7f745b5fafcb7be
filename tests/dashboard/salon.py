"""What the browser tests need besides the browser: sign-in links, the API as another
client would use it, and a few rows the demo salon does not have (a conversation, activity)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import httpx
from sqlalchemy import select

from resolvers.auth import issue_staff_token
from resolvers.magic_links import hash_token, magic_link_url, random_link_token, wire_variables
from storage import (
    AuthToken, Conversation, ConversationChannel, Database, Message, MessageDirection, OutboundMessage,
    SenderType, Staff, TokenType,
)

OWNER_PHONE = "+525512345001"  # Carlos Mendoza, owner of Barbería Don Carlos
OWNER_PHONE_AS_TYPED = "55 1234 5001"


async def magic_link(db: Database, public_url: str, *, phone: str = OWNER_PHONE, now: datetime) -> str:
    """A fresh sign-in link for a staff member, exactly as requestMagicLink stores one."""
    async with db.transaction(write=True) as session:
        staff = await session.scalar(select(Staff).where(Staff.phone_number == phone))
        token = random_link_token(staff.organization_id)  # a link's token starts with its salon's id
        session.add(AuthToken(organization_id=staff.organization_id, staff_id=staff.id, token_hash=hash_token(token),
                              token_type=TokenType.MAGIC_LINK, expires_at=now + timedelta(minutes=15),
                              created_at=now, updated_at=now))
    return magic_link_url(public_url, token)


async def link_sent_by_whatsapp(db: Database, settings, phone: str = OWNER_PHONE) -> str:
    """The URL of the newest magic-link message queued for this phone, as WhatsApp gets it (the
    outbox holds no link: the sender renders it, resolvers/magic_links.py)."""
    async with db.session() as session:
        row = await session.scalar(
            select(OutboundMessage).where(OutboundMessage.to_number.contains(phone), OutboundMessage.kind == "magic_link")
            .order_by(OutboundMessage.created_at.desc(), OutboundMessage.id.desc()))
    assert row is not None, "no magic link was queued"
    return wire_variables(row.template_variables, secret=settings.jwt_secret.get_secret_value(),
                          public_url=settings.public_url, organization_id=row.organization_id)["url"]


async def owner_token(db: Database, secret: str, now: datetime, phone: str = OWNER_PHONE) -> str:
    async with db.session() as session:
        staff = await session.scalar(select(Staff).where(Staff.phone_number == phone))
    return issue_staff_token(staff_id=staff.id, organization_id=staff.organization_id, secret=secret, now=now)


class Api:
    """Parlo's GraphQL API as another dashboard (or the WhatsApp assistant) would call it."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.token = token

    async def run(self, query: str, **variables) -> dict:
        async with httpx.AsyncClient(base_url=self.url, timeout=30) as http:
            answer = await http.post("/graphql", json={"query": query, "variables": variables},
                                     headers={"Authorization": f"Bearer {self.token}"})
        body = answer.json()
        assert not body.get("errors"), body
        return body["data"]

    async def ids(self) -> tuple[dict[str, str], dict[str, str]]:
        data = await self.run("{ services { id name } staff { id name } }")
        return ({s["name"]: s["id"] for s in data["services"]}, {s["name"]: s["id"] for s in data["staff"]})

    async def book(self, *, service: str, staff: str, start: datetime, phone: str, name: str | None = None) -> str:
        services, staff_ids = await self.ids()
        data = await self.run(
            """mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) {
                 __typename ... on Problem { message } ... on Booking { appointments { id } } } }""",
            input={"serviceIds": [services[service]], "staffId": staff_ids[staff], "start": start.isoformat(),
                   "customerPhone": phone, "customerName": name, "notifyCustomer": False})
        result = data["bookAppointment"]
        assert result["__typename"] == "Booking", result
        return result["appointments"][0]["id"]


async def add_conversation(db: Database, organization_id: uuid.UUID, now: datetime) -> uuid.UUID:
    """A customer's short WhatsApp exchange with the assistant, yesterday and today."""
    async with db.transaction(write=True) as session:
        conversation = Conversation(
            organization_id=organization_id, channel=ConversationChannel.BUSINESS, business_number="+525587654321",
            phone_number="+525511110001", reply_to="whatsapp:+5215511110001", profile_name="Juan Pérez",
            last_message_at=now, created_at=now - timedelta(days=1), updated_at=now)
        session.add(conversation)
        await session.flush()
        lines = [
            (now - timedelta(days=1), MessageDirection.INBOUND, SenderType.CUSTOMER, "Hola, ¿tienen lugar mañana para un corte?"),
            (now - timedelta(days=1, minutes=-1), MessageDirection.OUTBOUND, SenderType.AI,
             "¡Hola Juan! Mañana tengo a las 11:00 AM con Pedro o a las 4:00 PM con Carlos. ¿Cuál prefieres?"),
            (now - timedelta(minutes=5), MessageDirection.INBOUND, SenderType.CUSTOMER, "La de las 11 porfa"),
            (now - timedelta(minutes=4), MessageDirection.OUTBOUND, SenderType.AI, "Listo, te agendé a las 11:00 AM con Pedro."),
        ]
        for sequence, (at, direction, sender, body) in enumerate(lines):
            session.add(Message(conversation_id=conversation.id, organization_id=organization_id, sequence=sequence,
                                direction=direction, sender_type=sender, body=body, created_at=at))
    return conversation.id
