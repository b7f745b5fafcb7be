"""Migration 0005 re-keys a populated database in place: every row kept, every key tenant-scoped.

A database at 0004 is filled with raw SQL in that shape (a salon with staff, services,
spots, an appointment and its occupancy, a review, a business conversation, an owner's
conversation on the central number, an onboarding on the central number, the outbox, a
trace), upgraded to head, and then read and written through today's models.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from storage import (
    NO_ORGANIZATION,
    Appointment,
    Conversation,
    Database,
    FunctionTrace,
    Message,
    OnboardingSession,
    Organization,
    OutboundMessage,
    Staff,
    WhatsAppNumber,
    spot_services,
    staff_services,
)
from storage.migrations import upgrade
from tests.conftest import TEST_DATABASE_URL, _backend, _create_pg_database, _drop_pg_database

CENTRAL = "+525500000000"
SALON_NUMBER = "+525511112222"
START = datetime(2026, 1, 16, 17, 0, tzinfo=timezone.utc)


@pytest.fixture
def fresh_url(tmp_path) -> Iterator[str]:
    if _backend() == "postgresql":
        url = asyncio.run(_create_pg_database(TEST_DATABASE_URL))
        try:
            yield url
        finally:
            asyncio.run(_drop_pg_database(TEST_DATABASE_URL, url))
    else:
        yield f"sqlite+aiosqlite:///{tmp_path / 'populated.db'}"


class Ids:
    def __init__(self) -> None:
        for name in ("org", "location", "service", "spot", "staff", "customer", "appointment", "occupancy",
                     "review", "business_conversation", "central_conversation", "inbound", "central_inbound",
                     "reply", "flow", "onboarding", "outbox", "trace", "token"):
            setattr(self, name, uuid.uuid4())


def _key(db: Database, value):
    """A value as the 0004 schema stored it (SQLite: UUIDs as 32 hex digits, instants as UTC text)."""
    if not db.is_sqlite:
        return value
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


async def _fill_0004(db: Database, ids: Ids) -> None:
    k = lambda v: v  # noqa: E731  (values are converted for the backend at insert time)
    now = START - timedelta(days=1)
    rows = [
        ("organizations", dict(id=k(ids.org), name="Estética Lupita", timezone="America/Mexico_City",
                               status="active", whatsapp_number=SALON_NUMBER, whatsapp_status="connected",
                               plan="free", settings="{}")),
        ("locations", dict(id=k(ids.location), organization_id=k(ids.org), name="Centro", is_primary=True,
                           is_active=True, business_hours="{}")),
        ("service_types", dict(id=k(ids.service), organization_id=k(ids.org), name="Corte", duration_minutes=45,
                               price_cents=15000, currency="MXN", buffer_after_minutes=0, is_active=True,
                               settings="{}")),
        ("spots", dict(id=k(ids.spot), organization_id=k(ids.org), location_id=k(ids.location), name="Silla 1",
                       display_order=0, is_active=True)),
        ("spot_services", dict(spot_id=k(ids.spot), service_type_id=k(ids.service))),
        ("staff", dict(id=k(ids.staff), organization_id=k(ids.org), location_id=k(ids.location), name="Lupita",
                       phone_number="+525512340001", role="owner", permission_level="owner", is_active=True,
                       default_spot_id=k(ids.spot), settings="{}")),
        ("staff_services", dict(staff_id=k(ids.staff), service_type_id=k(ids.service))),
        ("customers", dict(id=k(ids.customer), organization_id=k(ids.org), phone_number="+525598765432",
                           accepts_moves=False, profile_data="{}")),
        ("appointments", dict(id=k(ids.appointment), organization_id=k(ids.org), location_id=k(ids.location),
                              customer_id=k(ids.customer), service_type_id=k(ids.service), staff_id=k(ids.staff),
                              spot_id=k(ids.spot), starts_at=START, ends_at=START + timedelta(minutes=45),
                              status="confirmed", source="whatsapp", staff_requested=False, price_cents=15000,
                              created_by_staff_id=k(ids.staff))),
        ("occupancy", dict(id=k(ids.occupancy), organization_id=k(ids.org), appointment_id=k(ids.appointment),
                           staff_id=k(ids.staff), starts_at=START, ends_at=START + timedelta(minutes=45))),
        ("appointment_reviews", dict(id=k(ids.review), organization_id=k(ids.org),
                                     appointment_id=k(ids.appointment), rating=5)),
        ("auth_tokens", dict(id=k(ids.token), organization_id=k(ids.org), staff_id=k(ids.staff),
                             token_hash="ab" * 32, token_type="magic_link", expires_at=START)),
        ("conversations", dict(id=k(ids.business_conversation), organization_id=k(ids.org), channel="business",
                               business_number=SALON_NUMBER, phone_number="+525598765432",
                               reply_to="whatsapp:+5215598765432", customer_id=k(ids.customer), status="active",
                               context="{}")),
        # Before 0005 an owner's central-number conversation took the salon it managed.
        ("conversations", dict(id=k(ids.central_conversation), organization_id=k(ids.org), channel="central",
                               business_number=CENTRAL, phone_number="+525512340001",
                               reply_to="whatsapp:+5215512340001", staff_id=k(ids.staff), status="active",
                               context="{}")),
        ("messages", dict(id=k(ids.inbound), conversation_id=k(ids.business_conversation), organization_id=k(ids.org),
                          sequence=1, direction="inbound", sender_type="customer", content_type="text",
                          body="Hola", provider_message_id="SM" + "1" * 32, created_at=now)),
        ("messages", dict(id=k(ids.central_inbound), conversation_id=k(ids.central_conversation),
                          organization_id=k(ids.org), sequence=1, direction="inbound", sender_type="staff",
                          content_type="text", body="¿Qué tengo hoy?", provider_message_id="SM" + "2" * 32,
                          created_at=now)),
        ("messages", dict(id=k(ids.reply), conversation_id=k(ids.central_conversation), organization_id=None,
                          sequence=2, direction="outbound", sender_type="ai", content_type="text",
                          body="Hoy tienes una cita.", created_at=now)),
        ("flow_sessions", dict(id=k(ids.flow), conversation_id=k(ids.business_conversation),
                               organization_id=k(ids.org), customer_id=k(ids.customer), flow_type="booking",
                               state="asking_time", collected_data="{}")),
        ("onboarding_sessions", dict(id=k(ids.onboarding), kind="business", phone_number="+525577776666",
                                     organization_id=None, state="initiated", collected_data="{}",
                                     conversation_context="{}")),
        ("outbound_messages", dict(id=k(ids.outbox), organization_id=k(ids.org), conversation_id=k(ids.business_conversation),
                                   appointment_id=k(ids.appointment), to_number="whatsapp:+5215598765432",
                                   kind="reminder", template_name="reminder_24h", template_variables="{}",
                                   dedupe_key=f"reminder_24h:{ids.appointment}", status="pending", attempts=0)),
        ("function_traces", dict(id=k(ids.trace), correlation_id="c1", sequence_number=0, function_name="route",
                                 trace_type="service", organization_id=None, input_summary="{}",
                                 output_summary="{}", is_error=False, created_at=now)),
    ]
    async with db.engine.begin() as conn:
        for table, values in rows:
            columns = ", ".join(values)
            params = ", ".join(f":{c}" for c in values)
            await conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({params})"),
                               {c: _key(db, v) for c, v in values.items()})


async def _count(session, table) -> int:
    return await session.scalar(select(func.count()).select_from(table))


async def test_a_populated_database_is_rekeyed_in_place(fresh_url):
    await asyncio.to_thread(upgrade, fresh_url, "0004")
    db = Database.connect(fresh_url)
    ids = Ids()
    try:
        await _fill_0004(db, ids)
        await asyncio.to_thread(upgrade, fresh_url)
        await db.dispose()  # SQLite rebuilt the tables under the pool's connections
        db = Database.connect(fresh_url)
        async with db.session() as s:
            # every row kept, the association rows now carry their salon
            for table in ("organizations", "staff", "appointments", "occupancy", "appointment_reviews",
                          "conversations", "messages", "flow_sessions", "onboarding_sessions",
                          "outbound_messages", "function_traces", "auth_tokens"):
                assert await _count(s, text(table)) == (3 if table == "messages" else
                                                        2 if table == "conversations" else 1), table
            assert (await s.execute(select(staff_services.c.organization_id))).scalars().all() == [ids.org]
            assert (await s.execute(select(spot_services.c.organization_id))).scalars().all() == [ids.org]

            # the routing reference table knows the salon's number
            assert await s.scalar(select(WhatsAppNumber.organization_id)
                                  .where(WhatsAppNumber.number == SALON_NUMBER)) == ids.org

            # the central-number conversation and all its messages belong to no salon now
            central = await s.get(Conversation, ids.central_conversation)
            assert central.organization_id is None
            tenants = dict((await s.execute(select(Message.id, Message.organization_id))).all())
            assert tenants == {ids.inbound: ids.org, ids.central_inbound: None, ids.reply: None}
            raw = await s.scalar(select(func.count()).select_from(text("messages"))
                                 .where(text("organization_id = :nil")).params(nil=_key(db, NO_ORGANIZATION)))
            assert raw == 2  # stored as the nil UUID: a distribution column cannot be NULL
            assert (await s.get(OnboardingSession, ids.onboarding)).organization_id is None
            assert (await s.get(FunctionTrace, ids.trace)).organization_id is None
            assert (await s.get(OutboundMessage, ids.outbox)).dedupe_key == f"reminder_24h:{ids.appointment}"

            member = await s.get(Staff, ids.staff)
            assert (member.location_id, member.default_spot_id) == (ids.location, ids.spot)

        # the keys are tenant-scoped and enforced: an appointment cannot name another salon's customer
        other = uuid.uuid4()
        with pytest.raises(IntegrityError):
            async with db.transaction(write=True) as s:
                s.add(Organization(id=other, name="Otra", timezone="America/Mexico_City", settings={}))
                await s.flush()
                s.add(Appointment(organization_id=other, location_id=ids.location, customer_id=ids.customer,
                                  service_type_id=ids.service, starts_at=START, ends_at=START + timedelta(hours=1)))

        # a number stays with one salon: the routing table refuses it for a second one
        with pytest.raises(IntegrityError):
            async with db.transaction(write=True) as s:
                s.add(Organization(name="Copia", timezone="America/Mexico_City", settings={},
                                   whatsapp_number=SALON_NUMBER))

        # deleting the staff member clears what used to be ON DELETE SET NULL, the rest cascades
        async with db.transaction(write=True) as s:
            await s.execute(text("DELETE FROM occupancy"))
            await s.execute(text("DELETE FROM appointment_reviews"))
            await s.execute(text("DELETE FROM outbound_messages"))
            await s.execute(text("DELETE FROM appointments"))
            await s.delete(await s.get(Staff, ids.staff))
        async with db.session() as s:
            assert (await s.get(Conversation, ids.central_conversation)).staff_id is None
            assert await _count(s, staff_services) == 0
    finally:
        await db.dispose()

