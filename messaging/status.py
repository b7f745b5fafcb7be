"""Twilio's status callbacks: an outbound message's status only ever moves forward.

queued → sent → delivered → read, or failed (from queued or sent; a delivered message
cannot fail any more). Callbacks arrive late, twice, and out of order; each is applied
only if it moves the row forward. A callback for a row still marked ``sending`` also
records its SID: that is how a worker that died after Twilio took the message is
caught up (see :mod:`messaging.delivery`).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from storage import Database, DeliveryStatus, OutboundMessage

#: Twilio's status words → ours.
TWILIO_STATUSES: dict[str, DeliveryStatus] = {
    "accepted": DeliveryStatus.QUEUED, "scheduled": DeliveryStatus.QUEUED, "queued": DeliveryStatus.QUEUED,
    "sending": DeliveryStatus.QUEUED, "sent": DeliveryStatus.SENT, "delivered": DeliveryStatus.DELIVERED,
    "read": DeliveryStatus.READ, "undelivered": DeliveryStatus.FAILED, "failed": DeliveryStatus.FAILED,
    "canceled": DeliveryStatus.FAILED,
}

_RANK = {DeliveryStatus.PENDING: 0, DeliveryStatus.SENDING: 1, DeliveryStatus.QUEUED: 2, DeliveryStatus.SENT: 3,
         DeliveryStatus.DELIVERED: 4, DeliveryStatus.READ: 5}


def moves_forward(current: DeliveryStatus, new: DeliveryStatus) -> bool:
    if current is DeliveryStatus.FAILED:
        return False
    if new is DeliveryStatus.FAILED:
        return current in (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.QUEUED, DeliveryStatus.SENT)
    return _RANK[new] > _RANK[current]


async def record_provider_status(db: Database, *, provider_message_id: str, status: str, now: datetime,
                                 outbox_id: uuid.UUID | None = None, error: str | None = None) -> bool:
    """Apply one callback. Returns whether anything changed."""
    new = TWILIO_STATUSES.get(status.lower())
    if new is None:
        return False
    async with db.transaction(write=True) as session:
        row = await session.scalar(select(OutboundMessage).where(OutboundMessage.provider_message_id == provider_message_id))
        if row is None and outbox_id is not None:
            row = await session.get(OutboundMessage, outbox_id)
            if row is not None and row.provider_message_id not in (None, provider_message_id):
                return False  # the row went out as another message; this callback is not about it
        if row is None:
            return False
        changed = False
        if row.provider_message_id is None:
            row.provider_message_id = provider_message_id
            row.sent_at = row.sent_at or now
            changed = True
        if moves_forward(row.status, new):
            row.status = new
            if new is DeliveryStatus.DELIVERED or (new is DeliveryStatus.READ and row.delivered_at is None):
                row.delivered_at = now
            if new is DeliveryStatus.FAILED and error:
                row.last_error = error
            changed = True
        if changed:
            row.updated_at = now
        return changed
