"""Queue a WhatsApp message in the same transaction as the change that causes it.

Use cases never send anything: they add an :class:`storage.OutboundMessage` row with the
session they are already writing in, so the message exists if and only if the change
commits. ``messaging/`` delivers the rows (and renders notification templates from their
variables, in Spanish); after committing, a use case calls ``await ctx.outbox_written()``
so delivery starts at once instead of at the next sweep.

Two shapes:
* a reply or free text: ``body`` set (e.g. a conversation answer, a staff message to a customer);
* a notification: ``kind`` + ``template_name`` + ``variables`` with raw facts (ISO instants,
  ids, names, centavos), no text; messaging formats them for the customer's business.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage import DeliveryStatus, OutboundMessage
from storage.ids import new_id

WHATSAPP_PREFIX = "whatsapp:"


def whatsapp_address(phone_or_address: str) -> str:
    """``+52…`` → ``whatsapp:+52…``; an address Twilio gave us is kept exactly as it came."""
    return phone_or_address if phone_or_address.startswith(WHATSAPP_PREFIX) else WHATSAPP_PREFIX + phone_or_address


def enqueue(
    session: AsyncSession,
    *,
    now: datetime,
    to: str,
    organization_id: uuid.UUID | None,
    body: str | None = None,
    kind: str = "reply",
    template_name: str | None = None,
    variables: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    appointment_id: uuid.UUID | None = None,
    conversation_id: uuid.UUID | None = None,
    from_number: str | None = None,
    send_after: datetime | None = None,
) -> OutboundMessage:
    row = OutboundMessage(**outbox_values(
        now=now, to=to, organization_id=organization_id, body=body, kind=kind, template_name=template_name,
        variables=variables, dedupe_key=dedupe_key, appointment_id=appointment_id, conversation_id=conversation_id,
        from_number=from_number, send_after=send_after))
    session.add(row)
    return row


def outbox_values(
    *,
    now: datetime,
    to: str,
    organization_id: uuid.UUID | None,
    body: str | None = None,
    kind: str = "reply",
    template_name: str | None = None,
    variables: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    appointment_id: uuid.UUID | None = None,
    conversation_id: uuid.UUID | None = None,
    from_number: str | None = None,
    send_after: datetime | None = None,
) -> dict[str, Any]:
    """An outbox row's columns, for :func:`enqueue` or a Core insert on a hot path (a turn's replies)."""
    if body is None and template_name is None:
        raise ValueError("an outbound message needs a body or a template")
    return dict(
        id=new_id(),
        organization_id=organization_id,
        conversation_id=conversation_id,
        appointment_id=appointment_id,
        to_number=whatsapp_address(to),
        from_number=whatsapp_address(from_number) if from_number else None,
        kind=kind,
        body=body,
        template_name=template_name,
        template_variables=variables or {},
        dedupe_key=dedupe_key,
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=send_after or now,
        created_at=now,
        updated_at=now,
    )
