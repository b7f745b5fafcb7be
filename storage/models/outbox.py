"""The outbox: every WhatsApp message Parlo sends is first a row here."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, OptionalTenantMixin, TimestampsMixin, tenant_fk
from storage.models.enums import DeliveryStatus, db_enum
from storage.types import JSONDocument


class OutboundMessage(OptionalTenantMixin, TimestampsMixin, Base):
    """A message to deliver, written in the same transaction as the change that caused it.

    Either ``body`` (a session message) or ``template_name`` + ``template_variables`` (a
    WhatsApp template, needed outside the 24-hour window). ``dedupe_key`` (e.g.
    ``reminder_24h:<appointment id>``) makes a notification impossible to queue twice (per
    organization: the key names the salon's own rows). ``conversation_id`` has no foreign key:
    a reply on the central number is the organization's message in Parlo's conversation.
    """

    __tablename__ = "outbound_messages"
    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint("body IS NOT NULL OR template_name IS NOT NULL", name="has_content"),
        Index("ix_outbound_messages_due", "status", "next_attempt_at"),
        UniqueConstraint("dedupe_key", "organization_id"),
        UniqueConstraint("provider_message_id", "organization_id"),
        tenant_fk("appointment_id", "appointments", set_null=True),
    )

    conversation_id: Mapped[uuid.UUID | None]
    appointment_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    to_number: Mapped[str] = mapped_column(String(40))
    from_number: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40), default="reply")
    body: Mapped[str | None] = mapped_column(Text)
    template_name: Mapped[str | None] = mapped_column(String(64))
    template_variables: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    dedupe_key: Mapped[str | None] = mapped_column(String(160))
    status: Mapped[DeliveryStatus] = mapped_column(
        db_enum(DeliveryStatus, "outbound_delivery_status"), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_message_id: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
