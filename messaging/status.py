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

from sqlalchemy import func, select, update

from storage import Database, DeliveryStatus, OutboundMessage
from storage.base import NO_ORGANIZATION
from storage.queries import ALL_SALONS

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


def status_callback(base_url: str, row: OutboundMessage) -> str:
    """Where Twilio reports a row's status: the row and its salon, so the callback finds the row
    by its whole key (one shard on Citus), not by the SID across every salon."""
    return f"{base_url}?outbox={row.id}&tenant={row.organization_id or NO_ORGANIZATION}"


def tenant_of_callback(value: str | None) -> uuid.UUID | None | object:
    """The ``tenant`` parameter of a callback URL: a salon, None (Parlo's own rows), or UNKNOWN."""
    try:
        tenant = uuid.UUID(value) if value else None
    except ValueError:
        tenant = None
    if tenant is None:
        return UNKNOWN
    return None if tenant == NO_ORGANIZATION else tenant


#: A callback whose URL did not name the salon (sent before the URL carried it).
UNKNOWN = object()


async def record_provider_status(db: Database, *, provider_message_id: str, status: str, now: datetime,
                                 outbox_id: uuid.UUID | None = None, error: str | None = None,
                                 organization_id: uuid.UUID | None | object = UNKNOWN) -> bool:
    """Apply one callback. Returns whether anything changed.

    ``organization_id``: the row's salon (None: Parlo's own row), from the callback URL. Unknown,
    the row is looked for across every salon (callbacks of messages sent before the URL said it).
    """
    new = TWILIO_STATUSES.get(status.lower())
    if new is None:
        return False
    known = organization_id is not UNKNOWN
    columns = (OutboundMessage.id, OutboundMessage.organization_id, OutboundMessage.provider_message_id,
               OutboundMessage.status, OutboundMessage.sent_at, OutboundMessage.delivered_at)
    async with db.transaction(write=True) as session:
        if known and await _forward_by_sid(session, provider_message_id, new, now, organization_id, error):
            return True
        by_sid = select(*columns).where(OutboundMessage.provider_message_id == provider_message_id)
        row = (await session.execute(by_sid.where(OutboundMessage.organization_id == organization_id) if known
                                     else by_sid.prefix_with(ALL_SALONS))).first()
        if row is None and outbox_id is not None:
            by_id = select(*columns).where(OutboundMessage.id == outbox_id)
            row = (await session.execute(by_id.where(OutboundMessage.organization_id == organization_id) if known
                                         else by_id.prefix_with(ALL_SALONS))).first()
            if row is not None and row.provider_message_id not in (None, provider_message_id):
                return False  # the row went out as another message; this callback is not about it
        if row is None:
            return False
        values: dict = {}
        if row.provider_message_id is None:
            values.update(provider_message_id=provider_message_id, sent_at=row.sent_at or now)
        if moves_forward(row.status, new):
            values["status"] = new
            if new is DeliveryStatus.DELIVERED or (new is DeliveryStatus.READ and row.delivered_at is None):
                values["delivered_at"] = now
            if new is DeliveryStatus.FAILED and error:
                values["last_error"] = error
        if not values:
            return False
        # Core, naming the salon: the ORM locates a row that may belong to no salon by id alone.
        await session.execute(
            update(OutboundMessage).where(OutboundMessage.organization_id == row.organization_id,
                                          OutboundMessage.id == row.id)
            .values(updated_at=now, **values).execution_options(synchronize_session=False))
        return True


#: For each new status, the statuses a row may move to it from (:func:`moves_forward`).
_MOVES_FROM: dict[DeliveryStatus, list[DeliveryStatus]] = {
    new: [current for current in DeliveryStatus if moves_forward(current, new)] for new in set(TWILIO_STATUSES.values())
}


async def _forward_by_sid(session, sid: str, new: DeliveryStatus, now: datetime,
                          organization_id: uuid.UUID | None, error: str | None) -> bool:
    """The common callback in one statement: a row of this salon already knows its SID, and the
    status moves it forward. Whether a row changed; if not, the look-up below sorts out why
    (another salon's SID, a row still waiting for its SID, a late or repeated callback)."""
    values: dict = {"status": new, "updated_at": now}
    if new is DeliveryStatus.DELIVERED:
        values["delivered_at"] = now
    elif new is DeliveryStatus.READ:
        values["delivered_at"] = func.coalesce(OutboundMessage.delivered_at, now)
    elif new is DeliveryStatus.FAILED and error:
        values["last_error"] = error
    result = await session.execute(
        update(OutboundMessage).where(OutboundMessage.organization_id == organization_id,
                                      OutboundMessage.provider_message_id == sid,
                                      OutboundMessage.status.in_(_MOVES_FROM[new]))
        .values(**values).execution_options(synchronize_session=False))
    return result.rowcount > 0
