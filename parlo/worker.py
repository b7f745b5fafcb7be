"""``parlo worker``: conversations and outbox delivery on one event loop, Huey for the clock's work.

One worker process = one event loop, one database engine (plus, on PostgreSQL, a pool
for the conversations' claims: :class:`messaging.consumer.ConversationConsumer`), one
conversation engine (its OpenAI client), and:

* a :class:`messaging.consumer.ConversationConsumer` carrying up to ``concurrency``
  conversations at once (default 64), fed by the doorbell (:mod:`parlo.queue`);
* a :class:`messaging.consumer.OutboxRunner` delivering what turns wrote;
* Huey's consumer on two threads for the periodic sweep and notifications, and for
  deliveries due later (retries, reminders); what the sweep finds is rung into this loop;
* a heartbeat (:mod:`parlo.heartbeat`) that ``parlo doctor`` and ``/health`` read.

SIGTERM or SIGINT: stop taking rings, let the conversations and deliveries under way
finish (up to ``shutdown_timeout``), let Huey finish its running tasks, then exit. A turn
cut at the deadline rolls back and is answered by the next worker, so nothing is lost.

``--workers N`` starts N such processes under a small supervisor that forwards signals
and restarts a process that dies. Only the first runs Huey's scheduler (periodic tasks),
so the sweep is not enqueued N times a minute.

Embedded (``parlo serve`` without Redis): :class:`ConversationWorker` runs on the web
process's own loop with the web's database engine.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import sys
import time
from dataclasses import dataclass, replace
from datetime import timedelta

from messaging.consumer import LEASE_POOL
from parlo.clock import Clock
from parlo.heartbeat import HEARTBEAT_INTERVAL
from parlo.settings import Settings
from storage import Database

log = logging.getLogger("parlo.worker")

#: Turns in flight per worker process. A turn in flight costs no connection (its claim is a lease)
#: and a few kB; with a model that takes 1 s, a process's turns/s is bounded by this over the
#: turn's door-to-door time, which grows with the loop's CPU per turn times the turns sharing
#: it (bench/load.py --worker-concurrency: docs/capacity.md M8). The consumer lowers it by
#: itself while its loop falls behind.
DEFAULT_CONCURRENCY = 128
#: A worker's work pool: every statement and transaction of its turns (a claim is a statement
#: too, a lease, not a connection held). A turn holds a work connection only inside a statement
#: or transaction, so a few dozen serve a hundred turns and more.
WORK_POOL = 40
#: Connections each Huey thread of a worker has open (its own pool; sweeps and notifications use
#: one at a time, rarely two).
HUEY_THREAD_CONNECTIONS = 2
#: Of PostgreSQL's max_connections, what workers leave to everything else (web processes that have
#: not connected yet, psql, migrations).
LEAVE_FREE = 0.1
#: Exit status of a worker that cannot run as configured: the supervisor stops instead of restarting it.
EXIT_CONFIG = 78


class WorkerConfigError(RuntimeError):
    """The worker cannot run as configured; the message (Spanish) says what to change."""


@dataclass(frozen=True)
class WorkerOptions:
    concurrency: int = DEFAULT_CONCURRENCY
    #: Huey's threads (periodic work, delayed deliveries); 0 runs no Huey consumer.
    huey_threads: int = 2
    #: Whether this process enqueues Huey's periodic tasks (one process per fleet should).
    periodic: bool = True
    #: Outbox delivery runs at once on the loop.
    delivery_runs: int = 2
    #: Seconds a delivery run waits after a ring before it looks for due rows, so the rings of
    #: a busy moment share one batch (a round's statements are the same for 1 row or 50): under
    #: load a row each few ms would otherwise be a round each. WhatsApp does not notice 0.1 s.
    #: bench/load.py --bookings-only, 0.1 against 0.025 (A B B A, 86 bookings/s both): worker
    #: CPU per booking 2.6 against 3.2 ms.
    delivery_gather: float = 0.1
    shutdown_timeout: float = 30.0
    heartbeat_every: float = HEARTBEAT_INTERVAL
    #: Listen to the Redis doorbell (a process of its own) or poll the database (no Redis, apart
    #: from the web). The embedded worker is rung directly and polls nothing.
    listen: bool = True
    #: Worker processes started together (``--workers``): they share PostgreSQL's free connections.
    processes: int = 1


def work_pool(concurrency: int) -> tuple[int, int]:
    """(pool_size, max_overflow) of a worker's work pool for ``concurrency`` turns in flight.

    All of it kept open, no overflow: an overflow connection is opened for one statement and
    closed after it, and under a burst that churn (a PostgreSQL backend started and torn
    down, asyncpg's prepared statements lost) cost more worker CPU than the statements."""
    return max(min(concurrency, WORK_POOL), 8), 0  # a turn may hold two at once (a tool beside its session)


def connections_needed(concurrency: int, huey_threads: int = 0) -> int:
    """PostgreSQL connections one worker process may open: its work pool, its leases' and its Huey
    threads' pools."""
    return sum(work_pool(concurrency)) + LEASE_POOL + huey_threads * HUEY_THREAD_CONNECTIONS


@dataclass(frozen=True)
class ConnectionRoom:
    """What PostgreSQL lets this worker's processes open, read at start."""

    max_connections: int
    reserved: int
    in_use: int
    #: ``ALTER DATABASE … CONNECTION LIMIT``, and connections to that database now (None: no limit).
    database_limit: int | None = None
    database_in_use: int = 0

    def per_process(self, processes: int) -> int:
        free = self.max_connections - self.reserved - self.in_use - int(self.max_connections * LEAVE_FREE)
        if self.database_limit is not None:
            free = min(free, self.database_limit - self.database_in_use)
        return max(free, 0) // max(processes, 1)


def fit_concurrency(wanted: int, room: ConnectionRoom, *, processes: int, huey_threads: int) -> int:
    """The largest concurrency up to ``wanted`` whose connections fit; 0 if not even one turn fits."""
    share = room.per_process(processes)
    fits = wanted
    while fits > 0 and connections_needed(fits, huey_threads) > share:
        fits -= 1
    return fits


async def connection_room(db: Database) -> ConnectionRoom:
    """PostgreSQL's connection limits and use, as this worker starts."""
    from sqlalchemy import text

    async with db.engine.connect() as conn:
        row = (await conn.execute(text(
            "SELECT current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int, "
            "(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'), "
            "(SELECT datconnlimit FROM pg_database WHERE datname = current_database()), "
            "(SELECT count(*) FROM pg_stat_activity WHERE datname = current_database())"))).one()
    limit = int(row[3])
    # This connection is counted in use, though the pool keeps it for the worker: count it once.
    return ConnectionRoom(max_connections=int(row[0]), reserved=int(row[1]), in_use=max(int(row[2]) - 1, 0),
                          database_limit=limit if limit >= 0 else None, database_in_use=max(int(row[4]) - 1, 0))


async def sized_concurrency(db: Database, options: WorkerOptions, *, name: str = "worker") -> int:
    """The concurrency this process can carry with the connections PostgreSQL has free.

    Fewer than asked: a warning, and the worker carries fewer turns at once (it answers, more
    slowly) rather than stalling on "too many clients" halfway through a burst. Not even one
    turn: :class:`WorkerConfigError`, so ``parlo worker`` stops and says what to change.
    """
    try:
        room = await connection_room(db)
    except Exception as exc:  # noqa: BLE001 - a database that cannot say (pgbouncer): run as asked
        log.warning("%s: could not read PostgreSQL's connection limits (%s); running with concurrency %d",
                    name, exc, options.concurrency)
        return options.concurrency
    fits = fit_concurrency(options.concurrency, room, processes=options.processes, huey_threads=options.huey_threads)
    need = connections_needed(options.concurrency, options.huey_threads)
    limit = (f"max_connections = {room.max_connections}, {room.in_use} en uso"
             + (f", límite de la base {room.database_limit}" if room.database_limit is not None else ""))
    if fits < 1:
        raise WorkerConfigError(
            f"PostgreSQL no tiene conexiones libres para el worker ({limit}): cada proceso necesita "
            f"{connections_needed(1, options.huey_threads)} como mínimo y {need} con --concurrency "
            f"{options.concurrency}, para {options.processes} proceso(s). Sube max_connections en PostgreSQL, "
            "pon pgbouncer delante, o baja --workers / --concurrency.")
    if fits < options.concurrency:
        log.warning("%s: PostgreSQL has room for %d connections per worker process (max_connections %d, %d in use, "
                    "%d processes), not the %d that concurrency %d needs: carrying %d conversations at once instead. "
                    "Raise max_connections, put pgbouncer in front, or lower --workers/--concurrency.",
                    name, room.per_process(options.processes), room.max_connections, room.in_use, options.processes,
                    need, options.concurrency, fits)
    return fits


class ConversationWorker:
    """Start on a running loop, ``stop()`` on the same loop."""

    def __init__(self, settings: Settings, clock: Clock, *, options: WorkerOptions = WorkerOptions(),
                 db: Database | None = None, name: str = "worker") -> None:
        self.settings = settings
        self.clock = clock
        self.options = options
        self.name = name
        self._given_db = db
        self.db: Database | None = None
        self.stopping = asyncio.Event()
        self._background: list[asyncio.Task] = []
        self._huey_consumer = None
        self.tasks = None
        self.queue = None
        self.heart = None

    async def start(self) -> None:
        from messaging.consumer import ConversationConsumer, LocalWorkQueue, OutboxRunner
        from messaging.delivery import deliver_due
        from messaging.runtime import Messaging
        from parlo.heartbeat import Heart
        from parlo.queue import EmbeddedConsumer, RedisDoorbell, listen, make_huey
        from parlo.tasks import make_engine, make_numbers, make_sender, make_voice, messaging_config, register

        settings, options = self.settings, self.options
        loop = asyncio.get_running_loop()
        if self._given_db is not None:
            self.db = self._given_db
        else:
            probe = Database.connect(settings.database_url, pool=False)
            try:
                if not probe.is_sqlite:  # as many turns at once as PostgreSQL has connections for
                    options = self.options = replace(options, concurrency=await sized_concurrency(probe, options,
                                                                                                  name=self.name))
            finally:
                await probe.dispose()
            # a turn uses about one work connection at a time; some headroom for tool calls run side by side
            size, overflow = work_pool(options.concurrency)
            self.db = Database.connect(settings.database_url, pool_size=size, max_overflow=overflow)
        messaging = Messaging(db=self.db, clock=self.clock, sender=make_sender(settings),
                              engine=make_engine(settings), queue=None,  # type: ignore[arg-type] - set below
                              config=messaging_config(settings), numbers=make_numbers(settings),
                              voice=make_voice(settings))
        self.consumer = ConversationConsumer(messaging, concurrency=options.concurrency)
        async def deliver() -> None:
            if options.delivery_gather > 0:
                await asyncio.sleep(options.delivery_gather)
            await deliver_due(messaging)

        self.outbox = OutboxRunner(deliver, parallel=options.delivery_runs)
        self.queue = messaging.queue = LocalWorkQueue(self.consumer, self.outbox, loop, self.clock)
        self.messaging = messaging

        self.tasks = register(make_huey(settings), settings, self.clock, doorbell=self.queue)
        if options.huey_threads:
            logging.getLogger("huey").setLevel(logging.WARNING)  # an INFO line per task drowns the rest
            self._huey_consumer = EmbeddedConsumer(self.tasks.huey, workers=options.huey_threads,
                                                   periodic=options.periodic)
            self._huey_consumer.start()

        if options.listen and settings.redis_url:
            self._doorbell = RedisDoorbell(settings.redis_url)
            self._background.append(loop.create_task(listen(
                self._doorbell, wait_for_room=self.consumer.wait_for_room,
                room=lambda: self.consumer.room,
                conversation=self.consumer.submit, outbox=self.outbox.ring, stopping=self.stopping)))
        elif options.listen:
            from messaging.processing import waiting_turns
            from parlo.queue import poll_database

            self._background.append(loop.create_task(poll_database(
                lambda: waiting_turns(messaging, older_than=_NO_AGE), conversation=self.consumer.submit,
                outbox=self.outbox.ring, stopping=self.stopping)))
        self.outbox.ring()  # whatever is due since the last worker stopped
        self.heart = Heart(settings, role=self.name, stats=self.stats)
        self._background.append(loop.create_task(self.heart.run(every=options.heartbeat_every,
                                                                stopping=self.stopping)))
        log.info("%s ready: up to %d conversations at once", self.name, options.concurrency)

    def stats(self) -> dict:
        return {"in_flight": self.consumer.in_flight, "waiting": self.consumer.waiting, "runs": self.consumer.runs,
                "concurrency": self.consumer.concurrency}

    async def stop(self) -> None:
        """Finish what is under way, then let go of everything."""
        self.stopping.set()
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        finished = await self.consumer.close(timeout=self.options.shutdown_timeout)
        await self.outbox.close(timeout=self.options.shutdown_timeout)
        if self._huey_consumer is not None:
            await asyncio.to_thread(self._huey_consumer.stop, graceful=True)
        if getattr(self, "_doorbell", None) is not None:
            await self._doorbell.close()
        if self.heart is not None:
            await self.heart.forget()
        if getattr(self, "messaging", None) is not None:
            await self.messaging.close()  # OpenAI's and Twilio's aiohttp sessions: closed on the loop they were made on
        if self._given_db is None and self.db is not None:
            await self.db.dispose()
        log.info("%s stopped%s", self.name, "" if finished else " (some turns were cut; the sweep answers them)")


_NO_AGE = timedelta(0)


def _new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:  # Windows
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def run_worker_process(settings: Settings, clock: Clock, options: WorkerOptions, *, name: str = "worker") -> None:
    """One worker process until SIGTERM/SIGINT."""
    async def main() -> None:
        worker = ConversationWorker(settings, clock, options=options, name=name)
        loop = asyncio.get_running_loop()
        asked = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, asked.set)
        await worker.start()
        try:
            await asked.wait()
            log.info("%s: stopping after the work under way", name)
        finally:
            await worker.stop()

    loop = _new_loop()
    try:
        loop.run_until_complete(main())
    except WorkerConfigError as exc:
        log.error("%s: %s", name, exc)
        print(f"parlo worker: {exc}", file=sys.stderr)
        sys.exit(EXIT_CONFIG)
    finally:
        loop.close()


def _child(options: WorkerOptions, name: str) -> None:
    """A spawned worker process: reads the same environment as its parent."""
    from parlo.clock import clock_from
    from parlo.logs import configure_logging

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's Ctrl-C reaches the parent, which sends SIGTERM
    settings = Settings()
    configure_logging(settings)  # a spawned process starts with no logging of its own
    run_worker_process(settings, clock_from(settings.clock), options, name=name)


def run_workers(settings: Settings, *, processes: int, options: WorkerOptions) -> None:
    """``parlo worker --workers N``: N processes; signals forwarded; a process that dies is replaced."""
    from parlo.clock import clock_from

    if processes <= 1:
        run_worker_process(settings, clock_from(settings.clock), options)
        return
    context = multiprocessing.get_context("spawn")  # a clean interpreter: no loop, thread or pool inherited

    options = replace(options, processes=processes)

    def spawn(index: int):
        child = context.Process(target=_child, name=f"parlo-worker-{index}",
                                args=(replace(options, periodic=options.periodic and index == 0), f"worker {index}"))
        child.start()
        return child

    children = {i: spawn(i) for i in range(processes)}
    stopping = failed = False

    def forward(signum, _frame) -> None:
        nonlocal stopping
        stopping = True
        for child in children.values():
            if child.is_alive() and child.pid:
                os.kill(child.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    while True:
        for index, child in list(children.items()):
            child.join(timeout=0.2)
            if child.is_alive():
                continue
            if stopping:
                children.pop(index)
            elif child.exitcode == EXIT_CONFIG:  # it cannot run as configured: restarting would not help
                log.error("worker %d cannot run as configured; stopping the others", index)
                forward(signal.SIGTERM, None)
                children.pop(index)
                failed = True
            else:
                log.error("worker %d died (exit %s); starting another", index, child.exitcode)
                time.sleep(1.0)
                children[index] = spawn(index)
        if stopping and not children:
            if failed:
                sys.exit(EXIT_CONFIG)
            return
        if not children:
            sys.exit(1)
