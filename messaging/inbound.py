"""Inbound WhatsApp messages: Twilio's form, and storing it exactly once.

The webhook does only this and answers Twilio at once; everything slow (routing, the
engine, sending) happens in :mod:`messaging.processing` from the queue. Storing is
idempotent on ``MessageSid`` (Twilio redelivers when it does not hear back in 15 s), and
gives each message its place (``sequence``) in the conversation's arrival order.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from resolvers import log_context
from resolvers.phones import InvalidPhone, normalise_phone
from storage import (
    NO_ORGANIZATION,
    ContentType,
    Conversation,
    ConversationChannel,
    Database,
    Message,
    MessageDirection,
    SenderType,
)
from storage.queries import organization_of_number

WHATSAPP_PREFIX = "whatsapp:"


def phone_of(address: str) -> str:
    """``whatsapp:+5215512345678`` → ``+525512345678``; numbers phonenumbers rejects keep their digits."""
    try:
        return normalise_phone(address)
    except InvalidPhone:
        raw = address.removeprefix(WHATSAPP_PREFIX).strip()
        return "+" + re.sub(r"\D", "", raw) if raw else raw


def content_type_of(mime: str | None) -> ContentType:
    kind = (mime or "").split("/", 1)[0]
    return {"image": ContentType.IMAGE, "audio": ContentType.AUDIO, "video": ContentType.VIDEO,
            "application": ContentType.DOCUMENT, "text": ContentType.DOCUMENT}.get(kind, ContentType.OTHER)


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """The fields of Twilio's incoming-message webhook that Parlo uses."""

    message_sid: str
    from_address: str  # exactly as Twilio sent it: replies go back to this address
    to_address: str
    body: str = ""
    num_media: int = 0
    media_url: str | None = None
    media_content_type: str | None = None
    profile_name: str | None = None
    account_sid: str | None = None

    @classmethod
    def from_form(cls, form: Mapping[str, str]) -> "InboundMessage":
        sid = (form.get("MessageSid") or form.get("SmsMessageSid") or "").strip()
        if not sid or not form.get("From") or not form.get("To"):
            raise ValueError("falta MessageSid, From o To")
        try:
            num_media = int(form.get("NumMedia") or 0)
        except ValueError:
            num_media = 0
        return cls(
            message_sid=sid, from_address=form["From"].strip(), to_address=form["To"].strip(),
            body=(form.get("Body") or "").strip(), num_media=num_media,
            media_url=form.get("MediaUrl0") or None, media_content_type=form.get("MediaContentType0") or None,
            profile_name=(form.get("ProfileName") or "").strip() or None, account_sid=form.get("AccountSid"),
        )

    @property
    def sender_phone(self) -> str:
        return phone_of(self.from_address)

    @property
    def business_number(self) -> str:
        return phone_of(self.to_address)

    @property
    def content_type(self) -> ContentType:
        return content_type_of(self.media_content_type) if self.num_media > 0 else ContentType.TEXT


@dataclass(frozen=True, slots=True)
class Stored:
    conversation_id: uuid.UUID
    message_id: uuid.UUID | None  # None: a redelivery, already stored
    duplicate: bool


def sequence_lock_key(conversation_id: uuid.UUID) -> int:
    """PostgreSQL advisory key that orders a conversation's message numbers (not the processing claim)."""
    return (conversation_id.int >> 64) & 0x7FFF_FFFF_FFFF_FFFF


def _insert(db: Database, model):
    return (postgresql.insert if db.dialect == "postgresql" else sqlite.insert)(model)


async def store_inbound(db: Database, inbound: InboundMessage, *, now: datetime, central_number: str) -> Stored:
    """Store the message once. Safe under concurrent redeliveries of the same ``MessageSid``
    (the insert does nothing on a known SID: no separate look-up on the common path)."""
    phone, business_number = inbound.sender_phone, inbound.business_number
    async with db.transaction(write=True) as session:
        # The receiving number names the tenant (the central number and unknown numbers: none),
        # so everything below routes to one shard on Citus.
        central = business_number == central_number
        org_id = None if central else await organization_of_number(session, business_number)
        this_conversation = (Conversation.organization_id == (org_id or NO_ORGANIZATION),
                             Conversation.business_number == business_number, Conversation.phone_number == phone)
        conversation = await session.scalar(select(Conversation).where(*this_conversation))
        if conversation is None:
            await session.execute(_insert(db, Conversation).values(
                id=uuid.uuid4(), organization_id=org_id,
                channel=ConversationChannel.CENTRAL if central else ConversationChannel.BUSINESS,
                business_number=business_number, phone_number=phone, reply_to=inbound.from_address,
                profile_name=inbound.profile_name, context={}, created_at=now, updated_at=now,
            ).on_conflict_do_nothing(index_elements=[Conversation.business_number, Conversation.phone_number,
                                                     Conversation.organization_id]))
            conversation = await session.scalar(select(Conversation).where(*this_conversation))
        else:
            changes = {}
            if conversation.reply_to != inbound.from_address:
                # WhatsApp may switch between +521… and +52…: answer where the person now writes from.
                changes["reply_to"] = inbound.from_address
            if inbound.profile_name and conversation.profile_name != inbound.profile_name:
                changes["profile_name"] = inbound.profile_name
            if changes:
                await session.execute(update(Conversation).where(*this_conversation).values(**changes))
        log_context.bind_organization(conversation.organization_id)  # the webhook's log lines name the salon
        if db.dialect == "postgresql":
            # Serialise sequence numbers per conversation (not the processing lock: that is another key).
            await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": sequence_lock_key(conversation.id)})
        sequence = (await session.scalar(
            select(func.coalesce(func.max(Message.sequence), 0)).where(
                Message.organization_id == (org_id or NO_ORGANIZATION), Message.conversation_id == conversation.id)
        )) + 1
        message_id = uuid.uuid4()
        inserted = await session.scalar(_insert(db, Message).values(
            id=message_id, conversation_id=conversation.id, organization_id=conversation.organization_id,
            sequence=sequence, direction=MessageDirection.INBOUND, sender_type=SenderType.CUSTOMER,
            content_type=inbound.content_type, body=inbound.body, media_url=inbound.media_url,
            media_content_type=inbound.media_content_type, provider_message_id=inbound.message_sid, created_at=now,
        ).on_conflict_do_nothing(index_elements=[Message.provider_message_id, Message.organization_id])
            .returning(Message.id))
        return Stored(conversation.id, inserted, inserted is None)
