"""`parlo worker`: stops without losing a turn, says it is alive, keeps no Huey results."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

import parlo.queue
from messaging.inbound import InboundMessage, store_inbound
from parlo.heartbeat import read_heartbeats
from parlo.queue import make_huey
from parlo.tasks import register
from parlo.worker import ConversationWorker, WorkerOptions
from storage import DeliveryStatus, Message, MessageDirection, OutboundMessage
from tests.fakes.openai_server import ANSWER
from tests.messaging.whatsapp_kit import CENTRAL, salon

REDIS_TEST_URL = "redis://127.0.0.1:6379/13"  # this area's own Redis database (see PROTOCOL.md)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001
        return False


async def _store(db, clock, shop, sender: str, body: str = "hola") -> uuid.UUID:
    stored = await store_inbound(db, InboundMessage(message_sid=f"SM{uuid.uuid4().hex}",
                                                    from_address=f"whatsapp:{sender}",
                                                    to_address=f"whatsapp:{shop.number}", body=body),
                                 now=clock(), central_number=CENTRAL)
    return stored.conversation_id


async def _counts(db) -> tuple[int, int]:
    """(inbound messages not yet answered, outbox rows)."""
    async with db.session() as session:
        unanswered = await session.scalar(select(func.count()).select_from(Message).where(
            Message.direction == MessageDirection.INBOUND, Message.processed_at.is_(None)))
        outbox = await session.scalar(select(func.count()).select_from(OutboundMessage))
    return unanswered, outbox


@pytest.mark.slow
async def test_sigterm_during_a_turn_lets_the_turn_finish_and_loses_nothing(db, clock, database_url, tmp_path):
    """The model takes 3 s; SIGTERM arrives while it thinks: the answer is still written, once."""
    shop = await salon(db, clock())
    for i in range(3):
        await _store(db, clock, shop, f"+52556000000{i}")
    openai_port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "PARLO_", "REDIS_URL", "OPENAI"))}
    fake = subprocess.Popen([sys.executable, "-m", "tests.fakes.openai_server", "--port", str(openai_port),
                             "--delay", "3"], env=env, start_new_session=True)
    worker = None
    try:
        env.update(DATABASE_URL=database_url, OPENAI_API_KEY="sk-test", PARLO_CENTRAL_NUMBER=CENTRAL,
                   OPENAI_BASE_URL=f"http://127.0.0.1:{openai_port}/v1",
                   PARLO_CLOCK=(clock() + timedelta(seconds=5)).isoformat())
        worker = subprocess.Popen([sys.executable, "-m", "parlo.cli", "worker", "--workers", "1"], env=env,
                                  cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:  # until the model has all three turns in hand
            try:
                if httpx.get(f"http://127.0.0.1:{openai_port}/stats", timeout=2).json()["requests"] >= 3:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and worker.poll() is None, "the worker never asked the model"
            await asyncio.sleep(0.1)
        worker.send_signal(signal.SIGTERM)
        output, _ = await asyncio.to_thread(worker.communicate, timeout=60)
        assert worker.returncode == 0, output.decode(errors="replace")
        assert b"Unclosed" not in output  # the OpenAI client's aiohttp session closed on the worker's loop
        assert b"HTTP Request: POST" not in output  # no log line per OpenAI request at INFO
    finally:
        for proc in (worker, fake):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
    unanswered, outbox = await _counts(db)
    assert unanswered == 0
    async with db.session() as session:
        bodies = (await session.scalars(select(OutboundMessage.body))).all()
    assert sorted(bodies) == [ANSWER] * 3  # each turn answered once, none cut, none doubled


async def test_a_running_worker_leaves_a_heartbeat_and_removes_it_when_it_stops(db, clock, settings, tmp_path):
    worker = ConversationWorker(settings, clock, options=WorkerOptions(concurrency=8, huey_threads=0,
                                                                       heartbeat_every=0.1))
    await worker.start()
    try:
        for _ in range(50):
            beats = [b for b in read_heartbeats(settings) if b.pid == os.getpid()]
            if beats:
                break
            await asyncio.sleep(0.05)
        [beat] = beats
        assert beat.role == "worker" and beat.concurrency == 8 and beat.alive and beat.age() < 5
    finally:
        await worker.stop()
    assert not [b for b in read_heartbeats(settings) if b.pid == os.getpid()]


@pytest.mark.skipif(not _redis_up(), reason="Redis is not running on 127.0.0.1:6379")
async def test_a_worker_answers_what_the_web_rings_on_redis_and_beats_there(db, clock, settings, monkeypatch):
    from parlo.queue import RedisDoorbell

    monkeypatch.setattr(parlo.queue, "DOORBELL_KEY", f"parlo:test-doorbell:{uuid.uuid4().hex}")
    redis_settings = settings.model_copy(update={"redis_url": REDIS_TEST_URL})
    monkeypatch.setattr(parlo.queue, "make_huey", lambda s, **kw: make_huey(s, memory=True))
    shop = await salon(db, clock())
    worker = ConversationWorker(redis_settings, clock, options=WorkerOptions(concurrency=8, huey_threads=0,
                                                                             heartbeat_every=0.1))
    web = RedisDoorbell(REDIS_TEST_URL, key=parlo.queue.DOORBELL_KEY)
    await worker.start()
    try:
        for i in range(5):
            await web.conversation_waiting(await _store(db, clock, shop, f"+52557000000{i}"))
        for _ in range(300):
            if await _counts(db) == (0, 5):
                break
            await asyncio.sleep(0.05)
        assert await _counts(db) == (0, 5)
        assert any(b.pid == os.getpid() for b in read_heartbeats(redis_settings))
    finally:
        await worker.stop()
        await web.client().delete(web.key)  # what a stopped worker left unread (nothing, normally)
        await web.close()
    assert not any(b.pid == os.getpid() for b in read_heartbeats(redis_settings))


async def test_huey_keeps_no_results_after_a_day_of_work(db, clock, settings):
    """Every task of a day (conversations, deliveries, sweeps, notifications) leaves the result store empty."""
    huey = make_huey(settings, memory=True)
    tasks = register(huey, settings, clock)
    shop = await salon(db, clock())
    for hour in range(24):
        conversation_id = await _store(db, clock, shop, f"+5255800{hour:05d}", "quiero una cita")
        for task in (tasks.process_conversation.s(str(conversation_id)), tasks.deliver_outbox.s(),
                     tasks.sweep.s(), tasks.notifications.s()):
            await asyncio.to_thread(huey.execute, task)
        clock.advance(timedelta(hours=1))
    unanswered, outbox = await _counts(db)
    assert unanswered == 0 and outbox >= 24  # the day's work was done...
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(OutboundMessage).where(
            OutboundMessage.status == DeliveryStatus.PENDING)) == 0
    assert huey.storage.result_store_size() == 0  # ...and nothing was kept of it


def test_a_worker_fits_its_concurrency_to_the_connections_postgresql_has_free():
    from parlo.worker import ConnectionRoom, connections_needed, fit_concurrency

    plenty = ConnectionRoom(max_connections=400, reserved=3, in_use=20)
    assert fit_concurrency(64, plenty, processes=2, huey_threads=2) == 64
    # PostgreSQL's default 100, two web processes connected: two workers at 64 would need ~230
    tight = ConnectionRoom(max_connections=100, reserved=3, in_use=20)
    fits = fit_concurrency(64, tight, processes=2, huey_threads=2)
    assert 1 <= fits < 64 and 2 * connections_needed(fits, 2) <= 100 - 3 - 20
    assert fit_concurrency(64, ConnectionRoom(100, 3, 90), processes=2, huey_threads=2) == 0
    limited = ConnectionRoom(max_connections=400, reserved=3, in_use=20, database_limit=30, database_in_use=5)
    assert connections_needed(fit_concurrency(64, limited, processes=1, huey_threads=0)) <= 25


@pytest.mark.postgres_only
async def test_a_worker_short_of_connections_carries_fewer_turns_and_answers_them_all(db, clock, settings, caplog):
    """The database allows 30 more connections: the worker runs fewer turns at once, says so, and
    answers every message (before, it asked for 64 claims + 84 work connections and stalled)."""
    from sqlalchemy import text

    shop = await salon(db, clock())
    async with db.engine.connect() as conn:
        name = await conn.scalar(text("SELECT current_database()"))
        here = await conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"))
        await conn.execute(text(f'ALTER DATABASE "{name}" CONNECTION LIMIT {here + 30}'))
        await conn.commit()
    worker = ConversationWorker(settings, clock, options=WorkerOptions(concurrency=64, huey_threads=0, listen=False))
    try:
        await worker.start()
        assert 1 <= worker.consumer.concurrency < 64
        assert "carrying" in caplog.text
        for i in range(12):
            worker.consumer.submit(await _store(db, clock, shop, f"+52559100{i:04d}"))
        for _ in range(600):
            if await _counts(db) == (0, 12):
                break
            await asyncio.sleep(0.05)
        assert await _counts(db) == (0, 12)
    finally:
        await worker.stop()
        async with db.engine.connect() as conn:
            await conn.execute(text(f'ALTER DATABASE "{name}" CONNECTION LIMIT -1'))
            await conn.commit()


@pytest.mark.postgres_only
async def test_parlo_worker_with_no_connections_to_spare_stops_and_says_why(db, database_url, tmp_path):
    from sqlalchemy import text

    async with db.engine.connect() as conn:
        name = await conn.scalar(text("SELECT current_database()"))
        here = await conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"))
        await conn.execute(text(f'ALTER DATABASE "{name}" CONNECTION LIMIT {here + 2}'))
        await conn.commit()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "PARLO_", "REDIS_URL",
                                                                        "OPENAI"))}
        env.update(DATABASE_URL=database_url)
        done = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "parlo.cli", "worker", "--workers", "2"],
                                       env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    finally:
        async with db.engine.connect() as conn:
            await conn.execute(text(f'ALTER DATABASE "{name}" CONNECTION LIMIT -1'))
            await conn.commit()
    assert done.returncode == 78, done.stderr[-2000:]
    assert "PostgreSQL no tiene conexiones libres" in done.stderr and "max_connections" in done.stderr
