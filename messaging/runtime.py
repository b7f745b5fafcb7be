"""What messaging's functions run with: the database, a clock, a sender, an engine, a queue.

``parlo/`` builds one :class:`Messaging` per process (web) or per worker thread (Huey),
from settings; tests build their own with a frozen clock and a fake Twilio. Nothing
here reads the environment or the wall clock.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from messaging.claims import ConversationClaims
from resolvers.context import ResolverConfig
from storage import Database

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from messaging.engine import ConversationEngine
    from messaging.numbers import NumberProvider
    from messaging.senders import Sender
    from messaging.voice import VoiceNotes

log = logging.getLogger("parlo.whatsapp")


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """Retries: exponential backoff from ``first_retry`` up to ``max_delay``, ``max_attempts`` in all."""

    max_attempts: int = 8
    first_retry: timedelta = timedelta(seconds=5)
    max_delay: timedelta = timedelta(minutes=30)
    #: A row claimed longer ago than this is presumed abandoned by a dead worker.
    lease: timedelta = timedelta(minutes=2)
    batch_size: int = 50

    def backoff(self, attempts: int) -> timedelta:
        return min(self.first_retry * (2 ** max(attempts - 1, 0)), self.max_delay)


@dataclass(frozen=True, slots=True)
class MessagingConfig:
    central_number: str = "+525500000000"
    public_url: str = "http://127.0.0.1:8000"
    #: Twilio Content SIDs (HX…) per template name, for messages outside the 24-hour window.
    content_sids: dict[str, str] = field(default_factory=dict)
    resolver: ResolverConfig = field(default_factory=lambda: ResolverConfig(jwt_secret="unset"))
    delivery: DeliveryPolicy = field(default_factory=DeliveryPolicy)
    #: An inbound message still unprocessed after this long is picked up by the sweep.
    stale_inbound: timedelta = timedelta(seconds=30)
    #: A message whose turn keeps failing this long is answered with an apology and skipped,
    #: so one poisoned message cannot block its conversation.
    give_up_after: timedelta = timedelta(minutes=15)
    #: Seconds a person may wait for a turn's answer, whatever is slow (OpenAI, a voice note):
    #: the LLM is given what is left, and the rule engine answers when it runs out.
    turn_budget: float = 12.0

    @property
    def status_callback_url(self) -> str:
        return f"{self.public_url}/webhooks/twilio/status"


@asynccontextmanager
async def reading(db: Database) -> AsyncIterator[AsyncSession]:
    """A session for reads that need no transaction: one statement, one consistent answer.

    On PostgreSQL it runs in autocommit, so a read is one round trip instead of BEGIN,
    SELECT, ROLLBACK (a worker makes several per turn). SQLite keeps the ordinary session.
    """
    if db.is_sqlite:
        async with db.session() as session:
            yield session
        return
    async with db.engine.connect() as conn:
        auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
        async with AsyncSession(bind=auto, expire_on_commit=False) as session:
            yield session


@asynccontextmanager
async def read_connection(db: Database) -> AsyncIterator["AsyncConnection"]:
    """:func:`reading` without the ORM session: a Core connection, for the prebuilt Core
    statements a worker runs on every turn (an ``AsyncSession`` around each cost more CPU
    than the statement)."""
    async with db.engine.connect() as conn:
        yield conn if db.is_sqlite else await conn.execution_options(isolation_level="AUTOCOMMIT")


@asynccontextmanager
async def write_connection(db: Database) -> AsyncIterator["AsyncConnection"]:
    """A write transaction on a Core connection (SQLite: ``BEGIN IMMEDIATE``, as
    ``Database.transaction(write=True)``): commit on success, roll back on error."""
    engine = db.engine.execution_options(parlo_begin="IMMEDIATE") if db.is_sqlite else db.engine
    async with engine.begin() as conn:
        yield conn


class WorkQueue(Protocol):
    """Where follow-up work goes: Huey in production, asyncio tasks in tests."""

    async def conversation_waiting(self, conversation_id: uuid.UUID, organization_id: uuid.UUID | None = None
                                   ) -> None:
        """``organization_id``: the conversation's, carried with the work so the turn's reads
        name their tenant (one shard on Citus)."""

    async def outbox_waiting(self, *, at: datetime | None = None) -> None: ...


@dataclass
class Messaging:
    """Everything messaging needs; one per process or worker thread."""

    db: Database
    clock: Callable[[], datetime]
    sender: "Sender"
    engine: "ConversationEngine"
    queue: WorkQueue
    config: MessagingConfig = field(default_factory=MessagingConfig)
    #: Buys/connects WhatsApp numbers (messaging.numbers); None where nothing needs it.
    numbers: "NumberProvider | None" = None
    #: Hears voice notes (messaging.voice); None: the sender is asked to write instead.
    voice: "VoiceNotes | None" = None

    def __post_init__(self) -> None:
        # a lease outlives any one turn (its budget) several times over: renewed between turns
        self.claims = ConversationClaims(self.db, lease=timedelta(seconds=3 * self.config.turn_budget))

    def now(self) -> datetime:
        return self.clock()

    async def close(self) -> None:
        """Close the engine's and the sender's connections (OpenAI's and Twilio's aiohttp
        sessions) on this, the loop that used them; the database is its owner's to dispose."""
        from .engine import close_engine

        try:
            await close_engine(self.engine)
        finally:
            aclose = getattr(self.sender, "aclose", None)  # the log sender holds nothing
            if aclose is not None:
                await aclose()


class InlineWorkQueue:
    """Runs the follow-up work as asyncio tasks on the current loop (tests, in-process chat).

    Like a queue with coalescing: one delivery run at a time (asked again while running,
    it runs once more), one run per conversation at a time, ``workers`` runs at most at
    once. ``drain()`` waits until all is quiet.
    """

    def __init__(self, *, only_to: tuple[str, ...] | None = None, workers: int = 8) -> None:
        self.messaging: Messaging | None = None
        # Like a worker pool: at most this many runs at once (a claimed conversation holds a
        # connection on PostgreSQL, so unbounded runs would exhaust the pool).
        self._slots = asyncio.Semaphore(workers)
        self.only_to = only_to  # deliver only to these addresses (``parlo chat``)
        self._tasks: set[asyncio.Task] = set()
        self._again: dict[object, bool] = {}
        self.paused = False

    def bind(self, messaging: Messaging) -> None:
        self.messaging = messaging

    def _run(self, key: object, work) -> None:
        if key in self._again:
            self._again[key] = True
            return
        self._again[key] = False

        async def loop() -> None:
            try:
                while True:
                    async with self._slots:
                        await work()
                    if not self._again.get(key):
                        return
                    self._again[key] = False
            finally:
                self._again.pop(key, None)

        task = asyncio.get_running_loop().create_task(loop())
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("inline work failed", exc_info=task.exception())

    async def conversation_waiting(self, conversation_id: uuid.UUID, organization_id: uuid.UUID | None = None
                                   ) -> None:
        from messaging.processing import process_conversation

        if self.messaging is not None and not self.paused:
            m = self.messaging
            self._run(conversation_id, lambda: process_conversation(m, conversation_id, organization_id))

    async def outbox_waiting(self, *, at: datetime | None = None) -> None:
        from messaging.delivery import deliver_due

        if self.messaging is not None and not self.paused and (at is None or at <= self.messaging.now()):
            m = self.messaging
            self._run("outbox", lambda: deliver_due(m, only_to=self.only_to))

    async def drain(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
