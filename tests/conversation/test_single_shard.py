"""On Citus, the hot paths route every statement to one shard; only the designed sweeps fan out.

DESIGN.md, "Beyond one database": every query filters by ``organization_id`` so Citus sends
it to the one shard holding that salon. A statement that does not (``WHERE id = $1`` on a
tenant table, a look-up by phone or token across salons) becomes one task per shard: 32
round trips on a production cluster for what should be one. Citus says so itself: with
``citus.multi_task_query_log_level`` set, its planner reports "multi-task query about to be
executed" for each such statement, and asyncpg hands the report to a log listener with the
statement that caused it. These tests turn that on for every connection the app opens,
drive a booking, a WhatsApp turn (webhook, rule engine, reply delivered), a magic-link
sign-in and a delivery tick, and fail on any multi-shard statement that is not one of the
periodic sweeps across all salons (marked ``/* parlo:all-salons */``, storage.queries.ALL_SALONS).

Citus only: elsewhere there are no shards to count.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event

from messaging.delivery import deliver_due, recover_abandoned
from messaging.notifications import dispatch_due
from resolvers.context import Actor, Context
from resolvers.magic_links import StaffSession, request_magic_link, verify_magic_link
from resolvers.outbox import enqueue
from storage import Conversation, ConversationChannel, DeliveryStatus
from storage.queries import ALL_SALONS
from tests.conversation.kit import Chat, don_carlos, unas_bonitas
from tests.graphql.helpers import full_salon, gql, staff_token
from tests.messaging.whatsapp_kit import CENTRAL

BOOK = """mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { __typename
  ... on Problem { message } ... on Booking { appointments { id startsAt } } } }"""
LINK = re.compile(r"/entrar\?token=([A-Za-z0-9_\-]+)")


@pytest.fixture
def on_citus(citus):
    if not citus:
        pytest.skip("needs a Citus coordinator in PARLO_TEST_DATABASE_URL: no shards to count elsewhere")


@asynccontextmanager
async def multi_shard_statements(http) -> AsyncIterator[list[str]]:
    """Every statement Citus planned as more than one task, on the app's connections (the
    test's own reads go through another pool). Work rung meanwhile must end inside the block
    (``queue.drain()``): what runs after it is not seen.

    Each connection the app opens in the block asks for the report at its start (server
    settings) and hands it to a log listener that only appends: nothing here awaits inside
    SQLAlchemy's loop over a pool's listeners, where a suspended listener let a concurrent
    checkout, or this block's own ``event.remove``, fail with "deque mutated during iteration".
    """
    engine = http.app.state.services.db.engine.sync_engine
    seen: list[str] = []
    watching = [True]

    def listener(_connection, message) -> None:
        if watching[0] and "multi-task query" in message.message:
            seen.append(" ".join((message.query or "?").split()))

    def reporting(_dialect, _record, _cargs, cparams) -> None:
        # Custom plans only: from a prepared statement's sixth run PostgreSQL also plans it
        # generically, to compare costs, and Citus then reports the generic plan of a claim
        # (a parameter for the salon) as multi-task, though it prices that plan out of use
        # (DissuadePlannerFromUsingPlan) and every run executes on the one shard.
        cparams["server_settings"] = {**cparams.get("server_settings", {}),
                                      "citus.multi_task_query_log_level": "warning",
                                      "plan_cache_mode": "force_custom_plan"}

    def listening(dbapi_connection, _record) -> None:
        dbapi_connection.driver_connection.add_log_listener(listener)

    event.listen(engine, "do_connect", reporting)
    event.listen(engine, "connect", listening)
    await http.app.state.services.db.engine.dispose()  # connections opened before the block do not report
    try:
        yield seen
    finally:
        watching[0] = False
        event.remove(engine, "connect", listening)
        event.remove(engine, "do_connect", reporting)


async def _settle() -> None:
    for _ in range(3):  # asyncpg calls log listeners soon, not at once
        await asyncio.sleep(0)


def _unplanned(statements: list[str]) -> str:
    """The multi-shard statements that are not designed sweeps, one per line (empty: none)."""
    return "\n".join(dict.fromkeys(s[:400] for s in statements if ALL_SALONS not in s))


async def test_a_booking_routes_every_statement_to_one_shard(on_citus, rules_app, db, clock):
    full = await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")
    token = staff_token(full.salon, full.salon.ana, clock())
    monday_noon = datetime(2026, 1, 19, 18, 0, tzinfo=timezone.utc)
    async with multi_shard_statements(rules_app) as seen:
        body = await gql(rules_app, BOOK, {"i": {
            "serviceIds": [str(full.salon.corte.id)], "staffId": str(full.salon.beto.id),
            "start": monday_noon.isoformat(), "customerPhone": "5598700001", "customerName": "Cliente Uno"}},
            token=token)
        await rules_app.messaging.queue.drain()
        await _settle()
    assert body["data"]["bookAppointment"]["__typename"] == "Booking", body
    assert not _unplanned(seen), _unplanned(seen)


MOVE = """mutation($id: ID!, $start: DateTime!) { rescheduleAppointment(id: $id, start: $start) { __typename
  ... on Problem { message } } }"""
CANCEL = """mutation($id: ID!) { cancelAppointment(id: $id, reason: "Se enfermó") { __typename ... on Problem { message } } }"""


async def test_moving_and_cancelling_route_every_statement_to_one_shard(on_citus, rules_app, db, clock):
    full = await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")
    token = staff_token(full.salon, full.salon.ana, clock())
    appointment = str(full.appointment.id)
    monday_noon = datetime(2026, 1, 19, 18, 0, tzinfo=timezone.utc)
    async with multi_shard_statements(rules_app) as seen:
        moved = await gql(rules_app, MOVE, {"id": appointment, "start": monday_noon.isoformat()}, token=token)
        cancelled = await gql(rules_app, CANCEL, {"id": appointment}, token=token)
        await rules_app.messaging.queue.drain()
        await _settle()
    assert moved["data"]["rescheduleAppointment"]["__typename"] == "Booking", moved
    assert cancelled["data"]["cancelAppointment"]["__typename"] == "Appointment", cancelled
    assert not _unplanned(seen), _unplanned(seen)


async def test_the_owner_and_the_central_number_route_every_statement_to_one_shard(on_citus, rules_app, db, clock):
    shop = await don_carlos(db, clock())
    owner = Chat(rules_app, db, shop.staff["carlos"].phone_number, shop.number)
    newcomer = Chat(rules_app, db, "+5215599998888", CENTRAL)  # a salon that does not exist yet
    await owner.say("Hola")
    await newcomer.say("Hola")
    async with multi_shard_statements(rules_app) as seen:
        assert await owner.say("¿Qué tengo hoy?")
        assert await newcomer.say("Quiero registrar mi negocio")
        await _settle()
    assert not _unplanned(seen), _unplanned(seen)
    # The central number's own look-ups (an unfinished business onboarding, staff by phone) and
    # the onboarding's writes each name their shard: what is left is the delivery sweep.
    assert not [s for s in seen if "onboarding_sessions" in s or "FROM staff" in s], seen
    assert all("outbound_messages" in s for s in seen), seen


async def test_a_whatsapp_turn_routes_every_statement_to_one_shard(on_citus, rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)
    await chat.say("Hola")  # the customer's first turn (creates the conversation and customer)
    async with multi_shard_statements(rules_app) as seen:
        answer = await chat.say("Quiero un corte el lunes a las 11")
        await _settle()
    assert answer
    assert not _unplanned(seen), _unplanned(seen)


async def test_a_magic_link_sign_in_routes_every_statement_to_one_shard(on_citus, rules_app, db, clock, fake_twilio):
    shop = await don_carlos(db, clock())
    owner = shop.staff["carlos"]
    async with db.transaction(write=True) as session:  # the owner wrote to Parlo lately: the link goes as text
        session.add(Conversation(organization_id=None, channel=ConversationChannel.CENTRAL, business_number=CENTRAL,
                                 phone_number=owner.phone_number, reply_to=f"whatsapp:{owner.phone_number}",
                                 context={}, last_inbound_at=clock(), created_at=clock(), updated_at=clock()))
    m = rules_app.messaging
    # The resolvers with the wired messaging's secret (the one the sender renders links with).
    ctx = Context(db=m.db, now=m.clock, actor=Actor.anonymous(), config=m.config.resolver)
    async with multi_shard_statements(rules_app) as seen:
        await request_magic_link(ctx, owner.phone_number)
        await deliver_due(m)
        [link] = [sent for sent in fake_twilio.messages if LINK.search(sent.body or "")]
        signed_in = await verify_magic_link(ctx, LINK.search(link.body)[1])
        await _settle()
    assert isinstance(signed_in, StaffSession) and signed_in.staff.id == owner.id, signed_in
    assert not _unplanned(seen), _unplanned(seen)
    # Who has this phone is asked of the staff_phones reference table (one node), then of the
    # salon's shard: the one multi-shard statement left is the delivery tick's sweep.
    assert len(seen) == 1 and "outbound_messages" in seen[0], seen


async def test_a_delivery_tick_sweeps_once_and_follows_up_on_one_shard(on_citus, rules_app, db, clock, fake_twilio):
    """Two salons with due rows, two to one person (the second waits for the first), Parlo's own
    row, and a row abandoned mid-send: one sweep finds them, everything after names the salon."""
    carlos = await don_carlos(db, clock())
    unas = await unas_bonitas(db, clock())
    m = rules_app.messaging
    now = clock()
    async with db.transaction(write=True) as session:
        for shop in (carlos, unas):
            for text in ("Uno", "Dos"):
                enqueue(session, now=now, to="+525511114444", organization_id=shop.org.id, body=text, kind="notice")
        enqueue(session, now=now, to="+525511115555", organization_id=None, body="De Parlo", kind="notice",
                from_number=CENTRAL)
        stuck = enqueue(session, now=now - timedelta(hours=1), to="+525511116666", organization_id=carlos.org.id,
                        body="Atorado", kind="notice")
        stuck.status, stuck.claimed_at, stuck.attempts = DeliveryStatus.SENDING, now - timedelta(hours=1), 1
    async with multi_shard_statements(rules_app) as seen:
        report = await deliver_due(m)
        recovered = await recover_abandoned(m)  # the row goes back to the queue, which rings a delivery run
        await m.queue.drain()  # that run ends inside the block: its sweep is counted, not left to timing
        empty = await deliver_due(m)  # nothing left: an empty tick
        await _settle()
    assert report.sent == 5 and recovered == 1 and empty.sent == 0
    assert sorted(x.body for x in fake_twilio.messages) == ["Atorado", "De Parlo", "Dos", "Dos", "Uno", "Uno"]
    assert not _unplanned(seen), _unplanned(seen)
    sweeps = [s for s in seen if ALL_SALONS in s]
    # Per tick one sweep for due rows (+ one for abandoned ones); nothing per row. In order: the
    # tick, the abandoned-send sweep, the run it rang, the empty tick.
    assert len(sweeps) == 4, sweeps
    assert ["abandoned" if "claimed_at <=" in s else "due" for s in sweeps] == ["due", "abandoned", "due", "due"], sweeps


async def test_the_minute_dispatch_reads_across_salons_only_in_marked_sweeps(on_citus, rules_app, db, clock):
    """Reminders, summaries and follow-ups are periodic work over every salon: their look-ups
    are sweeps (one statement per kind per minute, marked); what follows names the salon."""
    first = await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")
    second = await full_salon(db, clock(), name="Barbería Norte", phone_prefix="+52551299")
    reminder_due = first.appointment.starts_at - timedelta(hours=24)
    async with multi_shard_statements(rules_app) as seen:
        for at in (clock(), reminder_due, reminder_due + timedelta(hours=2)):
            report = await dispatch_due(rules_app.messaging.db, now=at, config=rules_app.messaging.config.resolver)
        await _settle()
    assert report is not None and second.appointment.starts_at == first.appointment.starts_at
    assert not _unplanned(seen), _unplanned(seen)


TEAM = """mutation($s: [ID!]!) { createStaffMember(input: {name: "Nico", phone: "55 1234 7777", serviceIds: $s}) {
  __typename ... on Problem { message } ... on StaffMember { id } } }"""
RETEAM = """mutation($id: ID!, $s: [ID!]!) { updateStaffMember(id: $id, input: {phone: "55 1234 7788", serviceIds: $s}) {
  __typename ... on Problem { message } } }"""
UNTEAM = """mutation($id: ID!) { deleteStaffMember(id: $id) { __typename ... on Problem { message } } }"""
UNSPOT = """mutation($id: ID!) { deleteSpot(id: $id) { __typename ... on Problem { message } } }"""


async def test_managing_the_team_routes_every_statement_to_one_shard(on_citus, rules_app, db, clock):
    """A staff member added, re-phoned with other services and deleted (the who-has-this-phone
    look-up written with each), and a spot in use refused: every statement names the salon."""
    from sqlalchemy import select

    from storage import StaffPhone

    full = await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")
    token = staff_token(full.salon, full.salon.ana, clock())
    async with multi_shard_statements(rules_app) as seen:
        added = await gql(rules_app, TEAM, {"s": [str(full.salon.corte.id)]}, token=token)
        nico = added["data"]["createStaffMember"]["id"]
        changed = await gql(rules_app, RETEAM, {"id": nico, "s": [str(full.salon.barba.id)]}, token=token)
        async with db.session() as s:
            phones = set((await s.scalars(select(StaffPhone.phone_number)
                                          .where(StaffPhone.organization_id == full.salon.org.id))).all())
        gone = await gql(rules_app, UNTEAM, {"id": nico}, token=token)
        in_use = await gql(rules_app, UNSPOT, {"id": str(full.salon.silla1.id)}, token=token)
        await rules_app.messaging.queue.drain()
        await _settle()
    assert changed["data"]["updateStaffMember"]["__typename"] == "StaffMember", changed
    assert "+525512347788" in phones and "+525512347777" not in phones
    assert gone["data"]["deleteStaffMember"]["__typename"] == "Deleted", gone
    assert in_use["data"]["deleteSpot"]["__typename"] == "Conflict", in_use
    assert seen == [], seen  # not even a sweep


async def test_an_owner_on_the_central_number_is_found_by_phone_on_one_node(on_citus, rules_app, db, clock):
    """The central number finds the sender's salon from staff_phones (a reference table) and
    asks that salon's shard: no search of every shard's staff."""
    shop = await don_carlos(db, clock())
    owner = Chat(rules_app, db, shop.staff["carlos"].phone_number, CENTRAL)
    await owner.say("Hola")
    async with multi_shard_statements(rules_app) as seen:
        answer = await owner.say("¿Qué tengo hoy?")
        await _settle()
    assert "Carlos" in answer, answer
    assert not _unplanned(seen), _unplanned(seen)
    assert all("outbound_messages" in s for s in seen), seen  # the delivery sweep at most
