"""A Redis restart loses Huey's queue (no persistence), never a notification: the outbox is
in the database and the next minute's dispatcher and delivery find everything.

Runs against a private ``redis-server`` on a free port (the machine's shared Redis is left
alone), restarted in the middle of the test.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

import parlo.tasks
from parlo.clock import FrozenClock
from parlo.queue import make_huey
from parlo.tasks import register
from storage import DeliveryStatus
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio
from tests.notifications.kit import CONTENT_SIDS, at, book, notices
from tests.resolvers.factories import make_salon

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")]

ZONE = "America/Mexico_City"


class PrivateRedis:
    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).stdout.strip() == b"PONG":
                return
            time.sleep(0.05)
        raise RuntimeError("the private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # our own process, by its id
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    redis = PrivateRedis()
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


def _drain(huey) -> int:
    """A consumer's turn, in one thread: run every queued task until the queue is empty."""
    done = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        done += 1
    for hook in huey._shutdown.values():  # the worker thread closes its loop and engine
        hook()
    return done


async def test_a_redis_restart_loses_no_notification(db, settings, private_redis, monkeypatch):
    twilio = FakeTwilio()
    monkeypatch.setattr(parlo.tasks, "TWILIO_HTTP_CLIENT", twilio)
    monkeypatch.setattr(parlo.tasks, "TWILIO_ASYNC_HTTP_CLIENT", twilio.async_client)
    clock = FrozenClock(at(ZONE, 2026, 3, 2, 12))
    salon = await make_salon(db, clock(), staff_hours=True)
    await book(db, clock, salon, at(ZONE, 2026, 3, 5, 10))
    await book(db, clock, salon, at(ZONE, 2026, 3, 5, 11), staff=salon.ana)
    settings = settings.model_copy(update={"redis_url": private_redis.url, "twilio_account_sid": ACCOUNT_SID,
                                           "twilio_auth_token": SecretStr(AUTH_TOKEN),
                                           "twilio_content_sids": CONTENT_SIDS})
    huey = make_huey(settings)
    tasks = register(huey, settings, clock)
    huey.flush()

    clock.set(at(ZONE, 2026, 3, 4, 11))
    tasks.notifications()                 # the 11:00 tick is queued in Redis...
    private_redis.stop()                  # ...and Redis goes down before a worker takes it
    with pytest.raises(Exception):  # noqa: B017 - whatever redis-py raises while Redis is down
        tasks.notifications()             # the 11:01 tick cannot even be queued
    private_redis.start()                 # back, empty: --save "" and no AOF
    assert huey.pending_count() == 0
    assert await notices(db) == []        # nothing was dispatched meanwhile, nothing half done

    clock.set(at(ZONE, 2026, 3, 4, 11, 2))
    tasks.notifications()                 # the next tick after the restart
    await asyncio.to_thread(_drain, huey)

    rows = await notices(db, "appointment_reminder")  # Thursday 10:00 and 11:00
    assert len({r.dedupe_key for r in rows}) == 2
    assert all(r.status is DeliveryStatus.QUEUED for r in rows)
    assert len(twilio.messages) == len(rows) == 2

    tasks.notifications()                 # a duplicated tick: nothing new
    await asyncio.to_thread(_drain, huey)
    assert len(await notices(db, "appointment_reminder")) == 2 and len(twilio.messages) == 2
