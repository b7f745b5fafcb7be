"""A worker's claim on a conversation is a lease on its row (PostgreSQL; messaging/claims.py).

What it must keep from the advisory lock it replaced: one holder at a time, taken back as soon
as the holder lets go, and a dead holder's claim freed without anyone's help. What it adds: no
connection is held while the turn waits on the model, so a worker's turns in flight are not
bounded by its connections.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text, update

from messaging.claims import MIN_LEASE, ConversationClaims
from messaging.inbound import InboundMessage, store_inbound
from messaging.processing import process_conversation
from storage import Conversation, Database, Message, MessageDirection
from tests.messaging.whatsapp_kit import EchoEngine, salon, wire

pytestmark = pytest.mark.postgres_only


async def _conversation(db, clock, body: str = "hola", sender: str = "+5215512340000"):
    shop = await salon(db, clock())
    stored = await store_inbound(db, InboundMessage(message_sid=f"SM{sender[-6:]}{body}", from_address=f"whatsapp:{sender}",
                                                    to_address=f"whatsapp:{shop.number}", body=body),
                                 now=clock(), central_number="+525500000000")
    return shop, stored


async def _lease_of(db, conversation_id):
    async with db.session() as s:
        return (await s.execute(select(Conversation.claimed_until, Conversation.claim_token)
                                .where(Conversation.id == conversation_id))).one()


async def test_one_holder_at_a_time_and_the_claim_is_free_again_when_let_go(db, clock):
    shop, stored = await _conversation(db, clock)
    first, second = ConversationClaims(db), ConversationClaims(db)  # two worker processes
    async with first.hold(stored.conversation_id, shop.org.id) as held:
        assert held
        async with second.hold(stored.conversation_id, shop.org.id) as other:
            assert not other
        async with first.hold(stored.conversation_id) as again:  # the same process, no tenant: still refused
            assert not again
        until, token = await _lease_of(db, stored.conversation_id)
        assert token is not None and until is not None
    assert await _lease_of(db, stored.conversation_id) == (None, None)
    async with second.hold(stored.conversation_id, shop.org.id) as held:
        assert held


async def test_a_claim_holds_no_connection_while_the_turn_waits(db, clock):
    """Twice as many conversations held at once as the pool has connections, none checked out."""
    small = Database.connect(db.engine.url.render_as_string(hide_password=False), pool_size=2, max_overflow=0)
    try:
        shop = await salon(db, clock())
        ids = []
        for k in range(6):
            stored = await store_inbound(db, InboundMessage(
                message_sid=f"SMheld{k}", from_address=f"whatsapp:+52155123400{k:02d}",
                to_address=f"whatsapp:{shop.number}", body="hola"), now=clock(), central_number="+525500000000")
            ids.append(stored.conversation_id)
        claims = ConversationClaims(small)
        entered = asyncio.Event()
        go = asyncio.Event()
        holding = 0

        async def hold(conversation_id):
            nonlocal holding
            async with claims.hold(conversation_id, shop.org.id) as held:
                assert held
                holding += 1
                if holding == len(ids):
                    entered.set()
                await go.wait()

        tasks = [asyncio.create_task(hold(c)) for c in ids]
        await asyncio.wait_for(entered.wait(), 10)
        assert small.engine.pool.checkedout() == 0
        go.set()
        await asyncio.gather(*tasks)
    finally:
        await small.dispose()


async def test_a_dead_holder_s_lease_runs_out_and_its_late_give_back_frees_nothing(db, clock):
    shop, stored = await _conversation(db, clock)
    dead, alive = ConversationClaims(db), ConversationClaims(db)
    async with dead.hold(stored.conversation_id, shop.org.id) as held:
        assert held
        async with alive.hold(stored.conversation_id, shop.org.id) as other:
            assert not other
        async with db.transaction(write=True) as s:  # the lease ran out (the holder stalled or died)
            await s.execute(update(Conversation).where(Conversation.id == stored.conversation_id)
                            .values(claimed_until=func.now() - text("interval '1 second'")))
        async with alive.hold(stored.conversation_id, shop.org.id) as other:
            assert other  # taken over...
            dead._leases[stored.conversation_id].renew_at = 0  # (it would renew now)
            assert await dead.keep(stored.conversation_id) is False  # ...the stalled holder learns it lost it
            _, token = await _lease_of(db, stored.conversation_id)
    # the stalled holder's give-back (leaving its block) did not free the new holder's lease above
    assert token is not None


async def test_a_long_run_renews_its_lease_and_answers_everything(db, clock, monkeypatch):
    """A conversation with several waiting messages is answered in one hold; the lease is renewed
    between them once half of it has passed, so no other worker can take it meanwhile."""
    import messaging.claims as claims_module

    shop, stored = await _conversation(db, clock, "uno")
    for body in ("dos", "tres"):
        await store_inbound(db, InboundMessage(message_sid=f"SM{body}", from_address="whatsapp:+5215512340000",
                                               to_address=f"whatsapp:{shop.number}", body=body),
                            now=clock(), central_number="+525500000000")
    m = wire(db, clock, engine=EchoEngine())
    m.queue.paused = True
    ticks = iter(range(0, 10_000, 40))  # each read of the monotonic clock: 40 s later (lease: 60 s, renewed at 30)
    monkeypatch.setattr(claims_module, "monotonic", lambda: float(next(ticks)))
    renewed: list[object] = []
    real_keep = m.claims.keep

    async def keep(conversation_id):
        until_before, _ = await _lease_of(db, conversation_id)
        kept = await real_keep(conversation_id)
        until_after, _ = await _lease_of(db, conversation_id)
        renewed.append(until_after > until_before)
        return kept
    monkeypatch.setattr(m.claims, "keep", keep)
    assert await process_conversation(m, stored.conversation_id, shop.org.id) == 3
    assert renewed and all(renewed)
    assert await _lease_of(db, stored.conversation_id) == (None, None)
    async with db.session() as s:
        assert not (await s.scalars(select(Message.id).where(
            Message.conversation_id == stored.conversation_id, Message.direction == MessageDirection.INBOUND,
            Message.processed_at.is_(None)))).all()


async def test_a_lease_lasts_at_least_three_turn_budgets(db, clock):
    m = wire(db, clock, engine=EchoEngine())
    assert m.claims.lease >= timedelta(seconds=3 * m.config.turn_budget) and m.claims.lease >= MIN_LEASE


async def test_the_claim_reads_the_first_waiting_message_in_its_own_statement(db, clock):
    from messaging.processing import _NEXT_PENDING

    shop, stored = await _conversation(db, clock, "primero")
    await store_inbound(db, InboundMessage(message_sid="SMsegundo", from_address="whatsapp:+5215512340000",
                                           to_address=f"whatsapp:{shop.number}", body="segundo"),
                        now=clock(), central_number="+525500000000")
    claims, other = ConversationClaims(db), ConversationClaims(db)
    async with claims.hold(stored.conversation_id, shop.org.id, read=_NEXT_PENDING[True]) as claim:
        assert claim and claim.read_with_it
        assert claim.row[0] == stored.message_id and claim.row[3] == "primero"  # the oldest, not the newest
        async with other.hold(stored.conversation_id, shop.org.id, read=_NEXT_PENDING[True]) as refused:
            assert not refused and refused.row is None  # refused: nothing read either
    async with claims.hold(stored.conversation_id, read=_NEXT_PENDING[True]) as claim:  # tenant unknown
        assert claim and not claim.read_with_it  # the caller reads for itself (by id alone)


async def test_a_worker_s_leases_commit_without_waiting_for_the_wal_flush(db, clock):
    """Only the leases: a turn's record still waits for its commit to be durable."""
    from sqlalchemy import text as sql

    from messaging.consumer import ConversationConsumer

    m = wire(db, clock, engine=EchoEngine())
    consumer = ConversationConsumer(m, concurrency=4)
    try:
        async with m.claims.engine.connect() as conn:
            assert await conn.scalar(sql("SHOW synchronous_commit")) == "off"
        async with m.db.engine.connect() as conn:
            assert await conn.scalar(sql("SHOW synchronous_commit")) == "on"
        shop, stored = await _conversation(db, clock)
        async with m.claims.hold(stored.conversation_id, shop.org.id) as held:
            assert held
            async with ConversationClaims(db).hold(stored.conversation_id, shop.org.id) as other:
                assert not other  # seen by others at once
    finally:
        await consumer.close()
