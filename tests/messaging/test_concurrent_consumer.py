"""One worker process carries many conversations at once, each in order and exactly once."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict

from sqlalchemy import func, select

from messaging.consumer import ConversationConsumer, LocalWorkQueue, OutboxRunner
from messaging.delivery import deliver_due
from messaging.engine import Reply, Turn
from messaging.inbound import InboundMessage, store_inbound
from storage import Message, MessageDirection, OutboundMessage
from tests.messaging.whatsapp_kit import CENTRAL, EchoEngine, salon, wire


class SlowEngine:
    """Answers "eco: <text>" after ``delay`` seconds, and records who was in flight when."""

    def __init__(self, delay: float = 0.3, *, hold_until: int = 0) -> None:
        self.delay = delay
        #: Hold every turn until this many are in flight at once (or 20 s pass: the test then fails).
        self.hold_until = hold_until
        self.everyone_in = asyncio.Event()
        self.in_flight = 0
        self.most_in_flight = 0
        self.per_conversation: dict[uuid.UUID, int] = defaultdict(int)
        self.overlapped = False
        self.seen: dict[uuid.UUID, list[str]] = defaultdict(list)

    async def respond(self, turn: Turn) -> list[Reply]:
        self.in_flight += 1
        self.per_conversation[turn.conversation_id] += 1
        self.overlapped |= self.per_conversation[turn.conversation_id] > 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.in_flight >= self.hold_until:
                self.everyone_in.set()
            try:
                await asyncio.wait_for(self.everyone_in.wait(), 20)
            except asyncio.TimeoutError:
                pass
            await asyncio.sleep(self.delay)
            self.seen[turn.conversation_id].append(turn.text)
            return [Reply(f"eco: {turn.text}")]
        finally:
            self.in_flight -= 1
            self.per_conversation[turn.conversation_id] -= 1


def consumer_for(db, clock, engine, *, concurrency: int):
    m = wire(db, clock, engine=engine)
    consumer = ConversationConsumer(m, concurrency=concurrency, retry_delay=0.05)
    outbox = OutboxRunner(lambda: deliver_due(m))
    m.queue = LocalWorkQueue(consumer, outbox, asyncio.get_running_loop(), clock)
    return m, consumer, outbox


async def store(db, clock, shop, sender: str, body: str) -> uuid.UUID:
    stored = await store_inbound(db, InboundMessage(message_sid=f"SM{uuid.uuid4().hex}", from_address=f"whatsapp:{sender}",
                                                    to_address=f"whatsapp:{shop.number}", body=body),
                                 now=clock(), central_number=CENTRAL)
    return stored.conversation_id


async def settle(consumer, outbox, seconds: float = 30.0) -> None:
    async def both():
        while True:
            await consumer.wait_idle()
            await outbox.wait_idle()
            if not consumer.in_flight and not consumer.waiting:
                return
    await asyncio.wait_for(both(), seconds)


async def replies_by_conversation(db) -> dict[uuid.UUID, list[str]]:
    async with db.session() as session:
        rows = (await session.execute(select(Message.conversation_id, Message.body).where(
            Message.direction == MessageDirection.OUTBOUND).order_by(Message.sequence))).all()
    found: dict[uuid.UUID, list[str]] = defaultdict(list)
    for conversation_id, body in rows:
        found[conversation_id].append(body)
    return found


async def test_one_process_answers_many_slow_conversations_at_once(db, clock):
    shop = await salon(db, clock())
    engine = SlowEngine(delay=0.5, hold_until=30)
    m, consumer, outbox = consumer_for(db, clock, engine, concurrency=64)
    conversations = [await store(db, clock, shop, f"+5255100{i:05d}", f"hola {i}") for i in range(30)]
    for conversation_id in conversations:
        await m.queue.conversation_waiting(conversation_id)
    await settle(consumer, outbox)
    assert engine.most_in_flight == 30  # all thirty waiting on the "model" at once, not one per thread
    replies = await replies_by_conversation(db)
    assert sorted(len(replies[c]) for c in conversations) == [1] * 30


async def test_in_flight_conversations_never_exceed_the_bound(db, clock):
    shop = await salon(db, clock())
    engine = SlowEngine(delay=0.1, hold_until=4)
    m, consumer, outbox = consumer_for(db, clock, engine, concurrency=4)
    conversations = [await store(db, clock, shop, f"+5255200{i:05d}", "hola") for i in range(12)]
    for conversation_id in conversations:
        await m.queue.conversation_waiting(conversation_id)
    assert consumer.in_flight == 4 and consumer.waiting == 8
    await settle(consumer, outbox)
    assert engine.most_in_flight == 4
    assert all(len(bodies) == 1 for bodies in (await replies_by_conversation(db)).values())


async def test_a_conversation_rung_while_it_runs_is_answered_in_order_with_no_overlap(db, clock):
    shop = await salon(db, clock())
    engine = SlowEngine(delay=0.05)
    m, consumer, outbox = consumer_for(db, clock, engine, concurrency=64)
    sender = "+525530000001"
    first = await store(db, clock, shop, sender, "uno")
    await m.queue.conversation_waiting(first)
    for word in ("dos", "tres", "cuatro", "cinco"):
        await asyncio.sleep(0.02)  # each arrives while an earlier one is being answered
        conversation_id = await store(db, clock, shop, sender, word)
        await m.queue.conversation_waiting(conversation_id)
    await settle(consumer, outbox)
    assert not engine.overlapped
    assert engine.seen[first] == ["uno", "dos", "tres", "cuatro", "cinco"]
    assert (await replies_by_conversation(db))[first] == [f"eco: {w}" for w in ("uno", "dos", "tres", "cuatro", "cinco")]


async def test_two_worker_processes_answer_each_message_exactly_once(db, clock):
    """Two consumers with their own claims (as two processes have) both rung for every conversation."""
    shop = await salon(db, clock())
    engine = SlowEngine(delay=0.02)
    a = consumer_for(db, clock, engine, concurrency=16)
    b = consumer_for(db, clock, engine, concurrency=16)
    senders = [f"+5255400{i:05d}" for i in range(8)]
    for round_ in range(3):
        for sender in senders:
            conversation_id = await store(db, clock, shop, sender, f"mensaje {round_}")
            await a[0].queue.conversation_waiting(conversation_id)
            await b[0].queue.conversation_waiting(conversation_id)
        await asyncio.sleep(0.01)
    await settle(a[1], a[2])
    await settle(b[1], b[2])
    assert not engine.overlapped
    replies = await replies_by_conversation(db)
    assert len(replies) == 8
    for bodies in replies.values():
        assert bodies == ["eco: mensaje 0", "eco: mensaje 1", "eco: mensaje 2"]
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(OutboundMessage)) == 24
        assert await session.scalar(select(func.count()).select_from(Message).where(
            Message.direction == MessageDirection.INBOUND, Message.processed_at.is_(None))) == 0


async def test_a_conversation_whose_turn_fails_is_tried_again_without_holding_up_the_others(db, clock):
    shop = await salon(db, clock())
    engine = SlowEngine(delay=0.01)
    m, consumer, outbox = consumer_for(db, clock, engine, concurrency=8)
    # An engine's error is answered with an apology by processing itself; what the consumer
    # retries is a turn that could not be recorded (the database went away for a moment).
    import messaging.processing as processing

    original = processing._record_turn
    broke = {"done": False}

    async def record_once_broken(*args, **kwargs):
        if not broke["done"]:
            broke["done"] = True
            raise ConnectionError("database went away")
        return await original(*args, **kwargs)

    processing._record_turn = record_once_broken
    try:
        ids = [await store(db, clock, shop, f"+5255500{i:05d}", "hola") for i in range(3)]
        for conversation_id in ids:
            await m.queue.conversation_waiting(conversation_id)
        for _ in range(200):
            replies = await replies_by_conversation(db)
            if all(len(replies[c]) == 1 for c in ids):
                break
            await asyncio.sleep(0.05)
        await settle(consumer, outbox)
    finally:
        processing._record_turn = original
    replies = await replies_by_conversation(db)
    assert all(len(replies[c]) == 1 for c in ids)


async def test_one_process_keeps_many_turns_waiting_on_a_slow_model_at_once(db, clock):
    """The real engine (OpenAI client, rule fallback, breaker) on a model that takes a second per call:
    the model has most of the turns in hand at once, each answered by the model (none left to the
    rules by a budget the turns spent waiting for each other)."""

    import httpx2

    from messaging.conversation.build import build_engine
    from tests.conversation.kit import don_carlos
    from tests.fakes.openai_server import ANSWER, make_app

    shop = await don_carlos(db, clock())
    model = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=make_app(1.0)), base_url="http://fake-openai.test")
    engine = build_engine("sk-test", "http://fake-openai.test/v1", "gpt-4.1", http_client=model, max_retries=0)
    m, consumer, outbox = consumer_for(db, clock, engine, concurrency=64)
    conversations = [await store(db, clock, shop, f"+52556100{i:04d}", "hola, buenas tardes") for i in range(24)]
    for conversation_id in conversations:
        await m.queue.conversation_waiting(conversation_id)
    await settle(consumer, outbox, seconds=60)
    seen = (await model.get("/stats")).json()
    await model.aclose()
    assert seen["requests"] == 24 and seen["max_in_flight"] >= 12  # not one turn at a time
    replies = await replies_by_conversation(db)
    assert [replies[c] for c in conversations] == [[ANSWER]] * 24  # the model answered every turn
    # (concurrency is asserted by the model's own count of calls at once, not by a wall time,
    # which a loaded machine stretches while the behaviour is right)


class BusyEngine:
    """Each turn holds the event loop (CPU work, as a turn's own code does) for ``busy`` seconds."""

    def __init__(self, busy: float) -> None:
        self.busy = busy
        self.in_flight = 0
        self.most_in_flight = 0

    async def respond(self, turn: Turn) -> list[Reply]:
        import time

        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            for _ in range(3):
                time.sleep(self.busy / 3)  # noqa: ASYNC251 - the point: a loop with no time to spare
                await asyncio.sleep(0)
            await asyncio.sleep(0.2)  # then the "model"
            return [Reply(f"eco: {turn.text}")]
        finally:
            self.in_flight -= 1


async def test_a_saturated_loop_takes_no_more_turns_than_it_can_carry(db, clock):
    """When the turns' own CPU is the limit, more in flight only makes each turn later (past its budget)
    and takes work other processes could do: the consumer lowers its limit toward ``floor`` and
    stops reporting room, then answers everything."""
    shop = await salon(db, clock())
    engine = BusyEngine(busy=0.3)
    m = wire(db, clock, engine=engine)
    consumer = ConversationConsumer(m, concurrency=64, floor=4, lag_high=0.08, retry_delay=0.05)
    outbox = OutboxRunner(lambda: deliver_due(m))
    m.queue = LocalWorkQueue(consumer, outbox, asyncio.get_running_loop(), clock)
    conversations = [await store(db, clock, shop, f"+5255620{i:05d}", "hola") for i in range(20)]
    for conversation_id in conversations[:8]:
        await m.queue.conversation_waiting(conversation_id)
    for _ in range(200):  # the loop falls behind: the limit comes down, no room is offered
        await asyncio.sleep(0.1)
        if consumer.limit < 64:
            break
    assert consumer.limit < 64 and consumer.room == 0
    for conversation_id in conversations[8:]:
        await m.queue.conversation_waiting(conversation_id)
    assert consumer.waiting > 0  # held back in order, not started
    await settle(consumer, outbox, seconds=120)
    assert engine.most_in_flight < 20
    replies = await replies_by_conversation(db)
    assert sorted(len(replies[c]) for c in conversations) == [1] * 20


async def test_one_late_tick_is_a_moment_two_of_the_last_four_lower_the_limit(db, clock):
    """A hundred turns whose model answered at once keep the loop busy for a moment: no room is
    offered meanwhile, but the limit stays; a loop late again soon after is saturated, and comes down."""
    m = wire(db, clock, engine=EchoEngine())
    consumer = ConversationConsumer(m, concurrency=64, floor=8, lag_high=0.1)
    try:
        loop = asyncio.get_running_loop()
        consumer._active.update({uuid.uuid4(): False for _ in range(64)})  # 64 turns running
        consumer._tick(loop.time() - 0.4)  # one tick 0.4 s late
        assert consumer.limit == 64 and consumer.room == 0
        consumer._tick(loop.time())  # on time again
        assert consumer.limit == 64
        consumer._tick(loop.time() - 0.4)  # late again, two ticks after the first
        assert consumer.limit == 48
    finally:
        consumer._active.clear()
        await consumer.close()
