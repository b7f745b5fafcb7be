"""The queues: Huey for periodic work and delayed delivery, a doorbell for conversations.

Huey: SqliteHuey beside the embedded database, RedisHuey when REDIS_URL is set, with
results off (nothing reads a task's return value; stored, they only filled Redis). Tasks
live in ``messaging/`` and are registered by :func:`parlo.tasks.register`, so lower layers
never import the composition root. :class:`EmbeddedConsumer` runs Huey's consumer inside
``parlo serve`` (threads, no signal handlers: uvicorn owns those).

The doorbell tells a worker that a conversation has messages waiting, or that the outbox
has rows due. It carries no work: the database does (unprocessed inbound rows, pending
outbox rows), so a ring lost with a crashed worker only delays the work until the periodic
sweep. With Redis it is one list (``LPUSH`` by the web, ``BRPOP`` by whichever worker has
room: :func:`listen`); without Redis the worker is inside the web process and rings go
straight to it (:class:`messaging.consumer.LocalWorkQueue`), or a separate worker polls
the database (:func:`poll_database`).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import tempfile
import uuid
import weakref
from collections.abc import Awaitable, Callable
from pathlib import Path

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.consumer import Consumer
from sqlalchemy.engine import make_url

from parlo.settings import Settings


def queue_file_for(database_url: str) -> str:
    """``parlo.db`` → ``parlo.queue.db`` in the same folder; other databases get a file in the temp folder."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        db = Path(url.database)
        return str(db.with_name(db.stem + ".queue.db"))
    digest = hashlib.sha256(database_url.encode()).hexdigest()[:12]
    return str(Path(tempfile.gettempdir()) / f"parlo-{digest}.queue.db")


log = logging.getLogger("parlo.whatsapp")

#: The Redis list of rings; an item is ``"<conversation id> <organization id>"`` (the tenant rides
#: along so the turn's reads name it: one shard on Citus), a bare conversation id (rung before
#: the tenant rode along, or with none known), or OUTBOX.
DOORBELL_KEY = "parlo:doorbell"
OUTBOX = "outbox"


def make_huey(settings: Settings, *, immediate: bool = False, memory: bool = False) -> Huey:
    from parlo.logs import track_tasks

    common = dict(immediate=immediate, utc=True, results=False)
    if memory:
        huey = MemoryHuey("parlo", **common)
    elif settings.redis_url:
        huey = RedisHuey("parlo", url=settings.redis_url, **common)
    else:
        huey = SqliteHuey("parlo", filename=queue_file_for(settings.database_url), **common)
    track_tasks(huey)  # a task's log lines carry its id
    return huey


class RedisDoorbell:
    """Rings on a Redis list, from any event loop (a client per loop: a connection never crosses loops)."""

    def __init__(self, url: str, *, key: str | None = None) -> None:
        self.url = url
        self.key = key or DOORBELL_KEY
        self._clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def client(self):
        import redis.asyncio

        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = self._clients[loop] = redis.asyncio.Redis.from_url(self.url, decode_responses=True)
        return client

    async def conversation_waiting(self, conversation_id: uuid.UUID, organization_id: uuid.UUID | None = None
                                   ) -> None:
        await self.client().lpush(self.key, ring_of(conversation_id, organization_id))

    async def outbox_waiting(self) -> None:
        await self.client().lpush(self.key, OUTBOX)

    async def close(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        client = self._clients.pop(loop, None)
        if client is not None:
            await client.aclose()


def ring_of(conversation_id: uuid.UUID, organization_id: uuid.UUID | None) -> str:
    return str(conversation_id) if organization_id is None else f"{conversation_id} {organization_id}"


def parse_ring(item: str) -> tuple[uuid.UUID, uuid.UUID | None]:
    """A doorbell item's conversation and organization (None for a bare id). ValueError: neither."""
    conversation, _, organization = item.partition(" ")
    return uuid.UUID(conversation), uuid.UUID(organization) if organization else None


async def listen(doorbell: RedisDoorbell, *, wait_for_room: Callable[[], Awaitable[None]], room: Callable[[], int],
                 conversation: Callable[[uuid.UUID, uuid.UUID | None], None], outbox: Callable[[], None],
                 stopping: asyncio.Event, poll_seconds: float = 1.0) -> None:
    """Take rings off Redis while this process has room; stop when ``stopping`` is set.

    A ring is taken only when a conversation could start at once, so a full worker leaves
    the list to the others; what one BRPOP wakes up for is followed by a non-blocking pop
    of as many more as there is room for.
    """
    client = doorbell.client()
    while not stopping.is_set():
        await _until(wait_for_room(), stopping)
        if stopping.is_set():
            return
        try:
            first = await client.brpop([doorbell.key], timeout=poll_seconds)
            items = [first[1]] if first else []
            if items and room() > 1:
                items += await client.rpop(doorbell.key, room() - 1) or []
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - Redis away: the sweep covers for it; try again soon
            log.exception("cannot read the doorbell from Redis; trying again")
            await _until(asyncio.sleep(1.0), stopping)
            continue
        for item in items:
            if item == OUTBOX:
                outbox()
                continue
            try:
                conversation(*parse_ring(item))
            except ValueError:
                log.warning("ignoring a doorbell item that is not a conversation id: %r", item)


async def poll_database(waiting: Callable[[], Awaitable[list[tuple[uuid.UUID, uuid.UUID | None]]]], *,
                        conversation: Callable[[uuid.UUID, uuid.UUID | None], None],
                        outbox: Callable[[], None], stopping: asyncio.Event, every: float = 0.5) -> None:
    """No Redis and a worker apart from the web: look for waiting work in the database."""
    while not stopping.is_set():
        try:
            for conversation_id, organization_id in await waiting():
                conversation(conversation_id, organization_id)
            outbox()
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - the database is away: try again
            log.exception("cannot look for waiting conversations; trying again")
        await _until(asyncio.sleep(every), stopping)


async def _until(awaitable: Awaitable, stopping: asyncio.Event) -> None:
    """Await ``awaitable`` unless ``stopping`` is set first."""
    work = asyncio.ensure_future(awaitable)
    stop = asyncio.ensure_future(stopping.wait())
    try:
        await asyncio.wait({work, stop}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for future in (work, stop):
            if not future.done():
                future.cancel()


class EmbeddedConsumer(Consumer):
    """Huey's consumer as threads of the web process; stop it with ``stop(graceful=True)``.

    It polls often (at most every half second) so a WhatsApp reply does not wait for
    Huey's default 10-second idle backoff.
    """

    def __init__(self, huey: Huey, *, workers: int = 2, periodic: bool = True) -> None:
        super().__init__(huey, workers=workers, worker_type="thread", periodic=periodic, initial_delay=0.05,
                         backoff=1.2, max_delay=0.5, check_worker_health=False, shutdown_timeout=30)

    def _set_signal_handlers(self) -> None:  # the web server handles signals
        pass
