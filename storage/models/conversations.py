"""WhatsApp conversations, their messages, and the state of multi-turn flows."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, OptionalTenantMixin, TimestampsMixin, tenant_fk
from storage.models.enums import (
    ContentType,
    ConversationChannel,
    ConversationStatus,
    DeliveryStatus,
    MessageDirection,
    OnboardingKind,
    SenderType,
    db_enum,
)
from storage.types import JSONDocument


class Conversation(OptionalTenantMixin, TimestampsMixin, Base):
    """The thread between one phone and one Parlo number.

    Identified by (``business_number``, ``phone_number``): the number that received the
    message and the sender. ``organization_id`` is the organization that owns the receiving
    number, fixed when the conversation starts; it is empty (the central tenant) on Parlo's
    central number, where owners onboard and manage, and for a number no salon owns.
    ``reply_to`` keeps the exact ``From`` Twilio sent (WhatsApp's ``+521…`` form for Mexican
    mobiles), because replies must go to that address. ``customer_id``/``staff_id`` have no
    foreign key: on the central number they name a person of another tenant; deleting the
    person clears them (:mod:`storage.references`).
    """

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("business_number", "phone_number", "organization_id"),)

    channel: Mapped[ConversationChannel] = mapped_column(db_enum(ConversationChannel, "conversation_channel"))
    business_number: Mapped[str] = mapped_column(String(20))
    phone_number: Mapped[str] = mapped_column(String(20))
    reply_to: Mapped[str] = mapped_column(String(40))
    profile_name: Mapped[str | None] = mapped_column(String(120))
    customer_id: Mapped[uuid.UUID | None]
    staff_id: Mapped[uuid.UUID | None]
    status: Mapped[ConversationStatus] = mapped_column(
        db_enum(ConversationStatus, "conversation_status"), default=ConversationStatus.ACTIVE
    )
    #: While handed off, Parlo stays quiet until staff hand it back or this instant passes.
    handed_off_until: Mapped[datetime | None]
    context: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    last_message_at: Mapped[datetime | None]
    #: Last inbound message the customer sent: WhatsApp's 24-hour session window starts there.
    last_inbound_at: Mapped[datetime | None]
    #: The last place handed out in the conversation's message order (``Message.sequence``): each
    #: writer bumps it with an UPDATE … RETURNING, the row lock serialising them (messaging.inbound).
    last_sequence: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    #: A worker's lease on the conversation while it answers it (messaging.runtime.ConversationClaims,
    #: PostgreSQL): held until this instant of the database's clock, by whoever wrote ``claim_token``.
    claimed_until: Mapped[datetime | None]
    claim_token: Mapped[uuid.UUID | None]


class Message(OptionalTenantMixin, Base):
    """One message in either direction, in its conversation's tenant. ``provider_message_id``
    (Twilio's MessageSid) is unique there, which is what makes a redelivered webhook a no-op:
    a redelivery names the same receiving number, hence the same tenant."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_conversation_sequence", "conversation_id", "sequence"),
        UniqueConstraint("provider_message_id", "organization_id"),
        tenant_fk("conversation_id", "conversations", ondelete="CASCADE"),
    )

    conversation_id: Mapped[uuid.UUID]
    #: Arrival order within the conversation (inbound messages are processed in this order).
    sequence: Mapped[int] = mapped_column(BigInteger, default=0)
    direction: Mapped[MessageDirection] = mapped_column(db_enum(MessageDirection, "message_direction"))
    sender_type: Mapped[SenderType] = mapped_column(db_enum(SenderType, "sender_type"))
    content_type: Mapped[ContentType] = mapped_column(db_enum(ContentType, "content_type"), default=ContentType.TEXT)
    body: Mapped[str] = mapped_column(Text, default="")
    media_url: Mapped[str | None] = mapped_column(Text)
    media_content_type: Mapped[str | None] = mapped_column(String(100))
    provider_message_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[DeliveryStatus | None] = mapped_column(db_enum(DeliveryStatus, "message_delivery_status"))
    processed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class FlowSession(OptionalTenantMixin, TimestampsMixin, Base):
    """The multi-turn flow a conversation is in (booking, cancel, block time, add staff…).

    One per conversation: starting a new flow replaces the old one. ``last_active_state``
    is what an abandoned flow resumes to. It lives with the organization the flow acts on,
    which on the central number is not the conversation's tenant: so no foreign key to the
    conversation.
    """

    __tablename__ = "flow_sessions"
    __table_args__ = (
        UniqueConstraint("conversation_id", "organization_id"),
        tenant_fk("customer_id", "customers", ondelete="CASCADE"),
        tenant_fk("staff_id", "staff", ondelete="CASCADE"),
    )

    conversation_id: Mapped[uuid.UUID]
    customer_id: Mapped[uuid.UUID | None]
    staff_id: Mapped[uuid.UUID | None]
    flow_type: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(40))
    last_active_state: Mapped[str | None] = mapped_column(String(40))
    collected_data: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    last_message_at: Mapped[datetime | None]


class OnboardingSession(OptionalTenantMixin, TimestampsMixin, Base):
    """Progress of a business owner (on the central number) or a new staff member.

    Business onboarding is keyed by the owner's phone until the organization exists;
    staff onboarding has exactly one row per staff member.
    """

    __tablename__ = "onboarding_sessions"
    __table_args__ = (
        UniqueConstraint("kind", "phone_number", "organization_id"),
        UniqueConstraint("staff_id", "organization_id"),
        tenant_fk("staff_id", "staff", ondelete="CASCADE"),
    )

    kind: Mapped[OnboardingKind] = mapped_column(db_enum(OnboardingKind, "onboarding_kind"))
    phone_number: Mapped[str] = mapped_column(String(20))
    staff_id: Mapped[uuid.UUID | None]
    state: Mapped[str] = mapped_column(String(40), default="initiated")
    last_active_state: Mapped[str | None] = mapped_column(String(40))
    collected_data: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    conversation_context: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    last_message_at: Mapped[datetime | None]
