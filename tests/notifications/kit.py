"""A salon to send notifications for, a clock to walk, and what reached the fake Twilio."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from messaging.delivery import deliver_due
from messaging.notifications import dispatch_due
from messaging.runtime import Messaging
from messaging.templates import TEMPLATES
from resolvers.scheduling import BookingRequest, book_appointment
from storage import Appointment, Database, OutboundMessage, Staff
from tests.messaging.whatsapp_kit import wire
from tests.resolvers.factories import CONFIG, Salon, as_staff, context

#: Every template has a Content SID, so messages outside the 24-hour window go as templates.
CONTENT_SIDS = {name: f"HX{i:032d}" for i, name in enumerate(TEMPLATES)}


def at(zone: str, year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))


def messaging_for(db: Database, clock, twilio) -> Messaging:
    return wire(db, clock, twilio=twilio, content_sids=CONTENT_SIDS)


async def book(db: Database, clock, salon: Salon, start: datetime, *, staff: Staff | None = None,
               customer_phone: str | None = None, service=None) -> Appointment:
    ctx = context(db, clock, as_staff(salon, salon.ana))
    result = await book_appointment(ctx, BookingRequest(
        service_ids=((service or salon.corte).id,), start=start, customer_phone=customer_phone or
        salon.lupe.phone_number, staff_id=(staff or salon.beto).id, notify_customer=False))
    assert hasattr(result, "appointments"), result
    return result.appointments[0]


async def run_minute(m: Messaging) -> None:
    """What the worker does each minute: dispatch, and deliver what was written."""
    report = await dispatch_due(m.db, now=m.now(), config=CONFIG)
    if report.total:
        await deliver_due(m)


async def notices(db: Database, *templates: str) -> list[OutboundMessage]:
    async with db.session() as session:
        query = select(OutboundMessage).order_by(OutboundMessage.created_at, OutboundMessage.dedupe_key,
                                                 OutboundMessage.id)
        if templates:
            query = query.where(OutboundMessage.template_name.in_(templates))
        return list((await session.scalars(query)).all())


def local_times(rows: Sequence[OutboundMessage], zone: str) -> list[tuple[str, str]]:
    return [(r.template_name, r.created_at.astimezone(ZoneInfo(zone)).strftime("%a %d %H:%M")) for r in rows]


def org_rows(rows: Sequence[OutboundMessage], organization_id: uuid.UUID) -> list[OutboundMessage]:
    return [r for r in rows if r.organization_id == organization_id]
