"""Many conversations at once on one event loop, each conversation one turn at a time.

A turn mostly waits: on OpenAI (a second or two), on Twilio, on the database. A thread per
turn caps a worker at a handful of turns; here a process carries up to ``concurrency``
conversations at once as asyncio tasks that share its engine, its database pool and its
HTTP clients.

What keeps the guarantees:

* **order within a conversation** — a conversation runs in at most one task of this
  process (:meth:`ConversationConsumer.submit` while it runs only marks it "again": the
  task loops once more instead of starting a second one), and across processes
  :func:`messaging.processing.process_conversation` takes the conversation's claim first;
* **exactly once** — the claim plus the turn's own transaction, unchanged;
* **nothing lost** — the database is the source of truth (unprocessed inbound rows); the
  queue is only a doorbell. A failed conversation is tried again after a delay and, failing
  that, the periodic sweep finds it.
* **bounded** — at most ``concurrency`` conversations run; more submissions wait in an
  ordered set (one entry per conversation however often it rings), and
  :meth:`ConversationConsumer.wait_for_room` lets a puller stop taking work off a shared
  queue while the process is full, so another worker process gets it.

:class:`OutboxRunner` is the same idea for outbox delivery: a ring starts a delivery run,
rings during a run ask for one more, at most ``parallel`` runs at once (delivery claims
rows one by one, so runs never send the same row, and a person's rows keep their order).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable

from messaging.claims import LEASE_SETTINGS
from messaging.runtime import Messaging
from resolvers import log_context
from storage import Database

log = logging.getLogger("parlo.whatsapp")


#: Connections for the conversations' leases (a take and a give-back per turn, each one short
#: statement: a handful serve hundreds of turns a second).
LEASE_POOL = 4
#: How often the consumer measures how late its event loop runs (seconds).
LAG_TICK = 0.1
#: A loop this late is saturated (CPU: ours, or the machine's): start no more conversations and
#: lower the limit. A turn waits for the loop at each of its ~50 awaits (statements, HTTP), so
#: 0.1 s late already adds seconds to every turn, spent from its budget instead of on OpenAI.
LAG_HIGH = 0.1
#: Below this the loop has room: the limit grows back by one a tick while it is what holds turns back.
LAG_LOW = 0.03


class ConversationConsumer:
    def __init__(self, messaging: Messaging, *, concurrency: int = 128, retry_delay: float = 5.0,
                 max_retries: int = 3, floor: int = 8, lag_high: float = LAG_HIGH) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.messaging = messaging
        self.concurrency = concurrency
        #: Turns allowed in flight now: ``concurrency`` while the loop keeps up, down to ``floor``
        #: while it is saturated (each turn's CPU, not the model, is then the limit: more in flight
        #: only makes every turn slower, past its budget, and leaves nothing for other processes).
        self.limit = concurrency
        self.floor = min(floor, concurrency)
        self.lag_high = lag_high
        self.lag = 0.0
        self._lowered_at = 0.0
        self._late_ticks = 0
        self._ticking: asyncio.TimerHandle | None = None
        self._leases_db: Database | None = None
        if not messaging.db.is_sqlite and messaging.claims.engine is None:
            # The leases' statements on connections of their own that do not wait for the WAL
            # flush (messaging.claims.LEASE_SETTINGS); each holds one only for its statement.
            self._leases_db = Database.connect(messaging.db.engine.url.render_as_string(hide_password=False),
                                               pool_size=LEASE_POOL, max_overflow=0, server_settings=LEASE_SETTINGS)
            messaging.claims.engine = self._leases_db.engine
        self.retry_delay = retry_delay
        self.max_retries = max_retries
        self._active: dict[uuid.UUID, bool] = {}  # running conversation → rung again meanwhile
        self._backlog: dict[uuid.UUID, None] = {}  # an ordered set: waiting for room
        #: Each known conversation's organization (what the ring carried): its turns' reads name
        #: their tenant (one shard on Citus). Kept while the conversation runs or waits.
        self._tenants: dict[uuid.UUID, uuid.UUID] = {}
        self._tasks: set[asyncio.Task] = set()
        self._failures: dict[uuid.UUID, int] = {}
        self._timers: set[asyncio.TimerHandle] = set()
        self._room = asyncio.Event()
        self._room.set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._closed = False
        #: Conversations run to completion (a run may answer several messages).
        self.runs = 0

    @property
    def in_flight(self) -> int:
        return len(self._active)

    @property
    def waiting(self) -> int:
        return len(self._backlog)

    @property
    def room(self) -> int:
        """Conversations that could start at once (what a puller may take off a shared queue)."""
        if self._closed or self._backlog:
            return 0
        allowed = self.limit if self.lag < self.lag_high else min(self.limit, self.floor)
        return max(allowed - len(self._active), 0)

    def submit(self, conversation_id: uuid.UUID, organization_id: uuid.UUID | None = None) -> None:
        """The conversation has work waiting: run it now, after its current run, or when there is room.

        ``organization_id``: the conversation's, when the ring carried it."""
        if self._closed:
            return
        if organization_id is not None:
            self._tenants[conversation_id] = organization_id
        if conversation_id in self._active:
            self._active[conversation_id] = True
        elif self._has_room():
            self._start(conversation_id)
        else:
            self._backlog[conversation_id] = None
        self._update_events()

    def _has_room(self) -> bool:
        return len(self._active) < self.limit and (self.lag < self.lag_high or len(self._active) < self.floor)

    def _tick(self, expected: float) -> None:
        """Every LAG_TICK while there is work: how late the loop runs; adjust the limit; fill room."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        self.lag = max(now - expected, 0.0)
        self._ticking = None
        # The last four ticks, a bit each: late or not.
        self._late_ticks = (self._late_ticks << 1 | (self.lag > self.lag_high)) & 0b1111
        # Two late ticks of the last four: a loop that stays behind (turns' CPU in chunks late
        # every other tick, too). One is a moment (a hundred turns whose model answered together,
        # each recording its turn): it offers no room meanwhile (``room``), but cutting the limit
        # for it left a quarter of the turns unstarted for the seconds the limit takes to grow
        # back (bench/load.py --model-only: 128 → 96, back in ~3 s).
        if self._late_ticks.bit_count() >= 2 and now - self._lowered_at > 1.0:  # at most once a second
            self.limit = max(self.floor, min(self.limit, len(self._active)) * 3 // 4)
            self._lowered_at = now
        elif self.lag < LAG_LOW and self.limit < self.concurrency and len(self._active) >= self.limit - 1:
            self.limit += 1
        self._fill()
        self._update_events()

    def _watch(self) -> None:
        if self._ticking is None and not self._closed and (self._active or self._backlog):
            loop = asyncio.get_running_loop()
            self._ticking = loop.call_later(LAG_TICK, self._tick, loop.time() + LAG_TICK)

    def _fill(self) -> None:
        while self._backlog and self._has_room() and not self._closed:
            waiting = next(iter(self._backlog))
            del self._backlog[waiting]
            self._start(waiting)

    async def wait_for_room(self) -> None:
        """Returns when one more conversation could start at once."""
        await self._room.wait()

    async def wait_idle(self) -> None:
        """Returns when nothing runs and nothing waits (tests, ``drain``)."""
        await self._idle.wait()

    async def close(self, *, timeout: float = 30.0) -> bool:
        """Take nothing new; let running conversations finish (up to ``timeout``). True if all did.

        Whatever is cancelled at the deadline rolls back: its messages stay unprocessed and
        the next worker's sweep answers them. The backlog is simply dropped, for the same reason.
        """
        self._closed = True
        for waiting in self._backlog:
            self._tenants.pop(waiting, None)
        self._backlog.clear()
        if self._ticking is not None:
            self._ticking.cancel()
            self._ticking = None
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        pending: set[asyncio.Task] = set()
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)
                log.warning("%d conversations were still running at shutdown; the sweep will answer them",
                            len(pending))
        if self._leases_db is not None:
            await self._leases_db.dispose()
        return not pending

    def _start(self, conversation_id: uuid.UUID) -> None:
        self._active[conversation_id] = False
        task = asyncio.get_running_loop().create_task(self._run(conversation_id),
                                                      name=f"conversation-{conversation_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, conversation_id: uuid.UUID) -> None:
        from messaging.processing import process_conversation

        log_context.task_id.set(f"conversation-{conversation_id.hex[:12]}")  # this task's log lines
        try:
            while True:
                try:
                    await process_conversation(self.messaging, conversation_id, self._tenants.get(conversation_id))
                except Exception:  # noqa: BLE001 - retried below, then left to the sweep
                    self._failed(conversation_id)
                    return
                self._failures.pop(conversation_id, None)
                if not self._active.get(conversation_id):
                    return
                self._active[conversation_id] = False
        finally:
            self.runs += 1
            self._active.pop(conversation_id, None)
            if conversation_id not in self._failures:  # a retry later still names the tenant
                self._tenants.pop(conversation_id, None)
            self._fill()
            self._update_events()

    def _failed(self, conversation_id: uuid.UUID) -> None:
        attempts = self._failures.get(conversation_id, 0) + 1
        if attempts > self.max_retries or self._closed:
            self._failures.pop(conversation_id, None)
            self._tenants.pop(conversation_id, None)
            log.exception("conversation %s failed %d times; the periodic sweep will try it again",
                          conversation_id, attempts)
            return
        self._failures[conversation_id] = attempts
        log.exception("conversation %s failed; trying again in %.0f s", conversation_id,
                      self.retry_delay * attempts)
        loop = asyncio.get_running_loop()
        timer: asyncio.TimerHandle

        def again() -> None:
            self._timers.discard(timer)
            self.submit(conversation_id)

        timer = loop.call_later(self.retry_delay * attempts, again)
        self._timers.add(timer)

    def _update_events(self) -> None:
        if self._has_room() and not self._backlog and not self._closed:
            self._room.set()
        else:
            self._room.clear()
        if self._active or self._backlog:
            self._idle.clear()
            self._watch()
        else:
            self._idle.set()
            self.lag = 0.0  # measured again with the next work
            self._late_ticks = 0


class OutboxRunner:
    """Coalesced outbox delivery on the loop: ``ring()`` after a commit that wrote outbox rows."""

    def __init__(self, deliver: Callable[[], Awaitable[object]], *, parallel: int = 2) -> None:
        self.deliver = deliver
        self.parallel = parallel
        self._running = 0
        self._again = False
        self._tasks: set[asyncio.Task] = set()
        self._timers: set[asyncio.TimerHandle] = set()
        self._closed = False
        self._idle = asyncio.Event()
        self._idle.set()

    def ring(self, *, delay: float = 0.0) -> None:
        if self._closed:
            return
        loop = asyncio.get_running_loop()
        if delay > 0:
            timer: asyncio.TimerHandle

            def later() -> None:
                self._timers.discard(timer)
                self.ring()

            timer = loop.call_later(delay, later)
            self._timers.add(timer)
            return
        if self._running >= self.parallel:
            self._again = True
            return
        self._running += 1
        self._idle.clear()
        task = loop.create_task(self._run(), name="outbox-delivery")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self) -> None:
        try:
            while True:
                self._again = False
                try:
                    await self.deliver()
                except Exception:  # noqa: BLE001 - rows stay pending; the sweep delivers them
                    log.exception("outbox delivery failed; the periodic sweep will retry")
                if not self._again or self._closed:
                    return
        finally:
            self._running -= 1
            if not self._running:
                self._idle.set()

    async def wait_idle(self) -> None:
        await self._idle.wait()

    async def close(self, *, timeout: float = 30.0) -> None:
        """Finish the runs under way (each row they claimed ends sent, failed or pending)."""
        self._closed = True
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        if self._tasks:
            done, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)


class LocalWorkQueue:
    """messaging's :class:`~messaging.runtime.WorkQueue` for code running beside a consumer.

    Rings from the consumer's own loop go straight in; rings from another thread (Huey's
    periodic tasks run on threads with loops of their own) hop over with
    ``call_soon_threadsafe``.
    """

    def __init__(self, consumer: ConversationConsumer, outbox: OutboxRunner,
                 loop: asyncio.AbstractEventLoop, clock: Callable[[], object]) -> None:
        self.consumer = consumer
        self.outbox = outbox
        self.loop = loop
        self.clock = clock

    def _call(self, fn, *args, **kwargs) -> None:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            fn(*args, **kwargs)
        elif not self.loop.is_closed():
            self.loop.call_soon_threadsafe(lambda: fn(*args, **kwargs))

    async def conversation_waiting(self, conversation_id: uuid.UUID, organization_id: uuid.UUID | None = None) -> None:
        self._call(self.consumer.submit, conversation_id, organization_id)

    async def outbox_waiting(self, *, at=None) -> None:
        delay = (at - self.clock()).total_seconds() if at is not None else 0.0
        self._call(self.outbox.ring, delay=max(delay, 0.0))
