"""Per-conversation order and exactly-once replies, under bursts and concurrent workers."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select

from messaging.engine import Reply, Turn
from messaging.processing import process_conversation, waiting_conversations, waiting_turns
from storage import Conversation, ConversationStatus, Message, MessageDirection
from tests.messaging.whatsapp_kit import (
    FRIDAY,
    EchoEngine,
    TickingClock,
    inbound_messages,
    outbox,
    post_signed,
    salon,
    twilio_form,
    wire,
)


async def test_a_burst_of_200_messages_from_50_senders_is_all_answered_in_order(whatsapp_app, db, fake_twilio):
    clock = TickingClock(FRIDAY)
    shop = await salon(db, clock())
    senders = [f"+52155{i:08d}" for i in range(10_000_001, 10_000_051)]
    async with whatsapp_app(clock, engine=EchoEngine()) as http:
        async def conversation(phone: str) -> None:
            for k in range(4):  # one person writes fast: each message after the previous was accepted
                form = twilio_form(sender=phone, to=shop.number, body=f"{phone} mensaje {k}")
                assert (await post_signed(http, "/webhooks/twilio", form)).status_code == 200

        await asyncio.gather(*(conversation(p) for p in senders))
        await http.messaging.queue.drain()

    messages = await inbound_messages(db)
    assert len(messages) == 200 and all(m.processed_at is not None for m in messages)
    by_conversation = defaultdict(list)
    for m in messages:
        by_conversation[m.conversation_id].append(m)
    for thread in by_conversation.values():
        thread.sort(key=lambda m: m.sequence)
        assert [m.body.rsplit(" ", 1)[-1] for m in thread] == ["0", "1", "2", "3"]  # arrival order kept
        assert [m.processed_at for m in thread] == sorted(m.processed_at for m in thread)  # handled in that order
    assert len(fake_twilio.messages) == 200
    for phone in senders:
        assert [m.body for m in fake_twilio.sent_to(f"whatsapp:{phone}")] == \
            [f"eco: {phone} mensaje {k}" for k in range(4)]


async def test_two_workers_on_one_conversation_answer_each_message_once_in_order(db):
    clock = TickingClock(FRIDAY)
    shop = await salon(db, clock())
    first, second = (wire(db, clock, engine=EchoEngine()) for _ in range(2))
    for q in (first.queue, second.queue):
        q.paused = True
    from messaging.inbound import InboundMessage, store_inbound

    stored = None
    for k in range(6):
        stored = await store_inbound(db, InboundMessage(message_sid=f"SMorder{k}", from_address="whatsapp:+525598765432",
                                                        to_address=f"whatsapp:{shop.number}", body=f"m{k}"),
                                     now=clock(), central_number="+525500000000")
    results = await asyncio.gather(*(process_conversation(w, stored.conversation_id)
                                     for w in (first, second, first, second)))
    assert sum(results) == 6
    rows = await outbox(db)
    assert [r.body for r in rows] == [f"eco: m{k}" for k in range(6)]


async def test_a_failing_engine_gets_an_apology_and_the_conversation_moves_on(whatsapp_app, db, fake_twilio):
    class Flaky:
        async def respond(self, turn: Turn) -> list[Reply]:
            if "explota" in turn.text:
                raise RuntimeError("bug")
            return [Reply("ok")]

    clock = TickingClock(FRIDAY)
    shop = await salon(db, clock())
    async with whatsapp_app(clock, engine=Flaky()) as http:
        for body in ["explota", "hola"]:
            await post_signed(http, "/webhooks/twilio", twilio_form(sender="+525598765432", to=shop.number, body=body))
    bodies = [m.body for m in fake_twilio.messages]
    assert bodies[0].startswith("Perdón, tuve un problema") and bodies[1] == "ok"


async def test_a_handed_off_conversation_is_stored_but_parlo_stays_quiet(whatsapp, db, clock, fake_twilio):
    shop = await salon(db, clock())
    await post_signed(whatsapp, "/webhooks/twilio", twilio_form(sender="+525598765432", to=shop.number))
    await whatsapp.messaging.queue.drain()
    async with db.transaction(write=True) as session:
        conversation = await session.scalar(select(Conversation))
        conversation.status = ConversationStatus.HANDED_OFF
        conversation.handed_off_until = clock() + timedelta(hours=1)
    await post_signed(whatsapp, "/webhooks/twilio", twilio_form(sender="+525598765432", to=shop.number, body="¿hola?"))
    await whatsapp.messaging.queue.drain()
    assert len(fake_twilio.messages) == 1
    assert all(m.processed_at for m in await inbound_messages(db))


async def test_replies_are_recorded_in_the_conversation_history(whatsapp, db, clock):
    shop = await salon(db, clock())
    await post_signed(whatsapp, "/webhooks/twilio", twilio_form(sender="+525598765432", to=shop.number, body="hola"))
    await whatsapp.messaging.queue.drain()
    async with db.session() as session:
        history = (await session.scalars(select(Message).order_by(Message.sequence))).all()
    assert [(m.direction, m.sequence) for m in history] == [(MessageDirection.INBOUND, 1), (MessageDirection.OUTBOUND, 2)]
    assert history[1].organization_id == shop.org.id


async def test_the_sweep_finds_messages_a_lost_queue_task_left_behind(whatsapp, db, clock, fake_twilio):
    shop = await salon(db, clock())
    whatsapp.messaging.queue.paused = True  # the queue "loses" the task
    await post_signed(whatsapp, "/webhooks/twilio", twilio_form(sender="+525598765432", to=shop.number))
    m = whatsapp.messaging
    assert await waiting_conversations(m) == []  # too fresh: its task may still be on the way
    clock.advance(timedelta(minutes=1))
    [conversation_id] = await waiting_conversations(m)
    m.queue.paused = False
    assert await process_conversation(m, conversation_id) == 1
    await m.queue.drain()
    assert len(fake_twilio.messages) == 1


async def test_the_queue_carries_the_salon_and_a_bare_conversation_id_still_works(whatsapp, db, clock, fake_twilio):
    """Rings carry the conversation's organization (its turn's reads name it: one shard on
    Citus); a ring queued before that (the conversation id alone) is answered all the same."""
    from parlo.queue import parse_ring, ring_of

    shop = await salon(db, clock())
    m = whatsapp.messaging
    m.queue.paused = True
    for sender in ("+525598765432", "+525598765433"):
        await post_signed(whatsapp, "/webhooks/twilio", twilio_form(sender=sender, to=shop.number))
    clock.advance(timedelta(minutes=1))
    waiting = sorted(await waiting_turns(m))
    assert [organization for _, organization in waiting] == [shop.org.id, shop.org.id]
    (new, organization), (old, _) = waiting
    assert parse_ring(ring_of(new, organization)) == (new, organization)
    assert parse_ring(str(old)) == (old, None)
    m.queue.paused = False
    assert await process_conversation(m, *parse_ring(ring_of(new, organization))) == 1
    assert await process_conversation(m, *parse_ring(str(old))) == 1
    await m.queue.drain()
    assert len(fake_twilio.messages) == 2 and await waiting_turns(m) == []


async def test_a_conversation_claim_holds_across_processes_on_sqlite(db, dialect, tmp_path):
    """The embedded worker and a `parlo worker` are different processes on one SQLite file."""
    import subprocess
    import sys
    import uuid as uuid_

    from messaging.runtime import ConversationClaims

    if dialect != "sqlite":
        return
    claims = ConversationClaims(db)
    conversation = uuid_.uuid4()
    holder = ("import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT);"
              "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(30)")
    claims.lock_dir.mkdir(exist_ok=True)
    other = subprocess.Popen([sys.executable, "-c", holder, str(claims.lock_dir / conversation.hex)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "held"
        async with claims.hold(conversation) as held:
            assert not held
    finally:
        other.kill()
        other.wait()
    async with claims.hold(conversation) as held:  # the dead process's lock went with it
        assert held
        async with claims.hold(conversation) as again:  # and a second worker in this process is refused
            assert not again


async def test_a_message_that_keeps_failing_is_skipped_with_an_apology_after_a_while(db, clock, monkeypatch):
    import messaging.processing as processing
    from messaging.inbound import InboundMessage, store_inbound

    shop = await salon(db, clock())
    m = wire(db, clock, engine=EchoEngine())
    m.queue.paused = True
    for k, body in enumerate(["veneno", "hola"]):
        stored = await store_inbound(db, InboundMessage(message_sid=f"SMpoison{k}", from_address="whatsapp:+525598765432",
                                                        to_address=f"whatsapp:{shop.number}", body=body),
                                     now=clock(), central_number="+525500000000")
    real_route = processing.route_message

    async def broken_for_poison(db_, **kw):
        raise RuntimeError("a bug that fails this turn every time")
    monkeypatch.setattr(processing, "route_message", broken_for_poison)
    import pytest as _pytest
    with _pytest.raises(RuntimeError):
        await process_conversation(m, stored.conversation_id)  # early on: retried later, order kept
    assert all(msg.processed_at is None for msg in await inbound_messages(db))

    clock.advance(m.config.give_up_after)
    calls = {"n": 0}

    async def broken_once(db_, **kw):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("still broken for the first message")
        return await real_route(db_, **kw)
    monkeypatch.setattr(processing, "route_message", broken_once)
    assert await process_conversation(m, stored.conversation_id) == 2
    assert [r.body for r in await outbox(db)] == [processing.TROUBLE_NOTICE, "eco: hola"]
