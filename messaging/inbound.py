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
from functools import lru_cache

from sqlalchemy import func, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession

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
from storage.ids import new_id
from storage.queries import organization_of_number

WHATSAPP_PREFIX = "whatsapp:"


@lru_cache(maxsize=8192)
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
    #: The conversation's tenant as stored (the queue carries it to the turn); None: unknown.
    organization_id: uuid.UUID | None = None


#: Storing a message on PostgreSQL: ONE statement, written by hand and sent straight to the
#: driver (asyncpg prepares it once per connection). The conversation is created or, if it
#: exists, its row is locked and its message counter bumped (``last_sequence``: the arrival
#: order, serialised by that row lock); the message is inserted with that number unless its
#: MessageSid is known. A redelivery therefore still bumps the counter: numbers may skip,
#: order never breaks. ``$2`` is the tenant (the receiving number's salon, or the nil UUID):
#: every table named here is filtered by it, so on Citus the statement routes to one shard.
#: Building the same through the ORM cost ~2.5 ms of CPU per webhook, 45% of the request.
_STORE_SQL = """
WITH conversation AS (
    INSERT INTO conversations AS c (id, organization_id, channel, business_number, phone_number, reply_to,
                                    profile_name, status, context, last_sequence, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', '{}'::jsonb, 1, $8, $8)
    ON CONFLICT (business_number, phone_number, organization_id) DO UPDATE
        SET last_sequence = c.last_sequence + 1,
            reply_to = EXCLUDED.reply_to,
            profile_name = COALESCE(EXCLUDED.profile_name, c.profile_name)
    RETURNING c.id, c.last_sequence
), message AS (
    INSERT INTO messages (id, conversation_id, organization_id, sequence, direction, sender_type, content_type,
                          body, media_url, media_content_type, provider_message_id, created_at)
    SELECT $9, conversation.id, $2, conversation.last_sequence, 'inbound', 'customer', $10, $11, $12, $13, $14, $8
    FROM conversation
    ON CONFLICT (provider_message_id, organization_id) DO NOTHING
    RETURNING id
)
SELECT conversation.id, (SELECT id FROM message) FROM conversation
"""
_NUMBER_SQL = "SELECT organization_id FROM whatsapp_numbers WHERE number = $1"


async def store_inbound(db: Database, inbound: InboundMessage, *, now: datetime, central_number: str) -> Stored:
    """Store the message once. Safe under concurrent redeliveries of the same ``MessageSid``
    (the insert does nothing on a known SID: no separate look-up on the common path).

    The receiving number names the tenant (the central number and unknown numbers: none),
    so everything routes to one shard on Citus. WhatsApp may switch a person between
    ``+521…`` and ``+52…``: ``reply_to`` follows where they now write from.
    """
    phone, business_number = inbound.sender_phone, inbound.business_number
    central = business_number == central_number
    channel = ConversationChannel.CENTRAL if central else ConversationChannel.BUSINESS
    if db.dialect == "postgresql":
        async with db.engine.connect() as conn:  # autocommit: the statement is its own transaction
            driver = (await conn.get_raw_connection()).driver_connection
            org_id = None if central else await driver.fetchval(_NUMBER_SQL, business_number)
            log_context.bind_organization(org_id)  # the webhook's log lines name the salon
            conversation_id, inserted = await driver.fetchrow(
                _STORE_SQL, new_id(), org_id or NO_ORGANIZATION, channel.value, business_number, phone,
                inbound.from_address, inbound.profile_name, now, new_id(), inbound.content_type.value,
                inbound.body, inbound.media_url, inbound.media_content_type, inbound.message_sid)
        return Stored(conversation_id, inserted, inserted is None, org_id or NO_ORGANIZATION)
    async with db.transaction(write=True) as session:  # SQLite: BEGIN IMMEDIATE serialises the two statements
        org_id = None if central else await organization_of_number(session, business_number)
        log_context.bind_organization(org_id)
        upsert = sqlite.insert(Conversation).values(
            id=new_id(), organization_id=org_id, channel=channel, business_number=business_number,
            phone_number=phone, reply_to=inbound.from_address, profile_name=inbound.profile_name, context={},
            last_sequence=1, created_at=now, updated_at=now)
        conversation_id, sequence = (await session.execute(upsert.on_conflict_do_update(
            index_elements=[Conversation.business_number, Conversation.phone_number, Conversation.organization_id],
            set_={"last_sequence": Conversation.last_sequence + 1, "reply_to": upsert.excluded.reply_to,
                  "profile_name": func.coalesce(upsert.excluded.profile_name, Conversation.profile_name)},
        ).returning(Conversation.id, Conversation.last_sequence))).one()
        inserted = await session.scalar(sqlite.insert(Message).values(
            id=new_id(), conversation_id=conversation_id, organization_id=org_id,
            sequence=sequence, direction=MessageDirection.INBOUND, sender_type=SenderType.CUSTOMER,
            content_type=inbound.content_type, body=inbound.body, media_url=inbound.media_url,
            media_content_type=inbound.media_content_type, provider_message_id=inbound.message_sid, created_at=now,
        ).on_conflict_do_nothing(index_elements=[Message.provider_message_id, Message.organization_id])
            .returning(Message.id))
        return Stored(conversation_id, inserted, inserted is None, org_id)


_CONVERSATIONS = Conversation.__table__


async def next_sequences(session: AsyncSession, conversation_id: uuid.UUID, organization_id: uuid.UUID | None,
                         count: int, **changes) -> tuple[int, str] | None:
    """Reserve ``count`` places in the conversation's order (and apply ``changes`` to its row).

    Returns the first reserved number and the conversation's ``reply_to`` (None: no such
    conversation). The row stays locked until the transaction ends, which is what orders the
    numbers: every writer of a conversation's messages takes this row first, then touches
    messages, so none waits on another in the opposite order.
    """
    row = (await session.execute(
        update(_CONVERSATIONS)  # Core, on the table: no ORM bookkeeping on this hot path
        .where(_CONVERSATIONS.c.organization_id == organization_id, _CONVERSATIONS.c.id == conversation_id)
        .values(last_sequence=_CONVERSATIONS.c.last_sequence + count, **changes)
        .returning(_CONVERSATIONS.c.last_sequence, _CONVERSATIONS.c.reply_to)
    )).first()
    return None if row is None else (row[0] - count + 1, row[1])
