"""Worker heartbeats: each worker says every few seconds that it is alive and how busy it is.

Where: with Redis, a key per worker process ``parlo:heartbeat:<host>:<pid>`` holding JSON,
expiring after ``ttl`` seconds (so a dead worker disappears by itself); without Redis, a
JSON file per process in ``<queue file>.heartbeats/`` beside the embedded database (a dead
worker's file stays, and its ``at`` grows old). ``parlo doctor`` and ``/health`` call
:func:`read_heartbeats` and judge freshness with :meth:`Heartbeat.age`.

The JSON: ``{"role", "host", "pid", "started_at", "at", "in_flight", "waiting", "runs",
"concurrency"}``; times are Unix seconds from the wall clock (liveness is about real time,
not the service's possibly frozen clock); :class:`WorkerHeartbeat` gives them as aware UTC
datetimes. A worker beats every :data:`HEARTBEAT_INTERVAL` seconds: three intervals without
a beat mean it is gone.

Not in Huey's storage: its key-value store is the result store (a Redis hash), which stays
empty with results off, and it cannot list keys or expire them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from parlo.settings import Settings

log = logging.getLogger("parlo.worker")

KEY_PREFIX = "parlo:heartbeat:"
#: Seconds between two beats of a worker.
HEARTBEAT_INTERVAL = 5.0
DEFAULT_TTL = 6 * HEARTBEAT_INTERVAL


@dataclass(frozen=True)
class Heartbeat:
    """As stored: Unix seconds."""

    role: str
    host: str
    pid: int
    started_at: float
    at: float
    in_flight: int = 0
    waiting: int = 0
    runs: int = 0
    concurrency: int = 0


@dataclass(frozen=True)
class WorkerHeartbeat:
    """One worker process's latest beat, as ``parlo doctor`` and ``/health`` read it."""

    role: str
    host: str
    pid: int
    started_at: datetime
    at: datetime
    in_flight: int
    waiting: int
    runs: int
    concurrency: int

    def age(self, now: datetime | None = None) -> float:
        """Seconds since this worker last beat (wall clock)."""
        return ((now or datetime.now(timezone.utc)) - self.at).total_seconds()

    @property
    def alive(self) -> bool:
        return self.age() < 3 * HEARTBEAT_INTERVAL

    @classmethod
    def of(cls, beat: Heartbeat) -> "WorkerHeartbeat":
        def when(seconds: float) -> datetime:
            return datetime.fromtimestamp(seconds, timezone.utc)

        return cls(role=beat.role, host=beat.host, pid=beat.pid, started_at=when(beat.started_at), at=when(beat.at),
                   in_flight=beat.in_flight, waiting=beat.waiting, runs=beat.runs, concurrency=beat.concurrency)


def heartbeat_dir(settings: Settings) -> Path:
    from parlo.queue import queue_file_for

    queue = Path(queue_file_for(settings.database_url))
    return queue.with_name(queue.name + ".heartbeats")


class Heart:
    """Beats for one worker process until ``stopping`` is set; ``forget()`` removes its entry."""

    def __init__(self, settings: Settings, *, role: str, stats: Callable[[], dict], ttl: float = DEFAULT_TTL) -> None:
        self.settings = settings
        self.role = role
        self.stats = stats
        self.ttl = ttl
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.started_at = time.time()
        self._redis = None

    @property
    def key(self) -> str:
        return f"{KEY_PREFIX}{self.host}:{self.pid}"

    @property
    def file(self) -> Path:
        return heartbeat_dir(self.settings) / f"{self.host}-{self.pid}.json"

    def current(self) -> Heartbeat:
        return Heartbeat(role=self.role, host=self.host, pid=self.pid, started_at=self.started_at, at=time.time(),
                         **self.stats())

    async def beat(self) -> None:
        body = json.dumps(asdict(self.current()))
        if self.settings.redis_url:
            if self._redis is None:
                import redis.asyncio

                self._redis = redis.asyncio.Redis.from_url(self.settings.redis_url)
            await self._redis.set(self.key, body, ex=max(int(self.ttl), 1))
        else:
            await asyncio.to_thread(_write_atomically, self.file, body)

    async def run(self, *, every: float, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            try:
                await self.beat()
            except Exception:  # noqa: BLE001 - a missed beat shows as age; the work goes on
                log.warning("could not write the worker heartbeat", exc_info=True)
            try:
                await asyncio.wait_for(stopping.wait(), timeout=every)
            except asyncio.TimeoutError:
                pass

    async def forget(self) -> None:
        try:
            if self.settings.redis_url:
                if self._redis is not None:
                    await self._redis.delete(self.key)
                    await self._redis.aclose()
                    self._redis = None
            else:
                self.file.unlink(missing_ok=True)
        except Exception:  # noqa: BLE001 - it expires or ages anyway
            log.warning("could not remove the worker heartbeat", exc_info=True)


def _write_atomically(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(body)
    partial.replace(path)


def read_heartbeats(settings: Settings) -> list[WorkerHeartbeat]:
    """Every worker's latest beat (Redis: those of the last 30 s; files: all, judge by ``alive``/``age()``)."""
    bodies: list[str | bytes] = []
    if settings.redis_url:
        import redis

        client = redis.Redis.from_url(settings.redis_url)
        try:
            keys = list(client.scan_iter(match=KEY_PREFIX + "*", count=100))
            bodies = [body for body in (client.mget(keys) if keys else []) if body]
        finally:
            client.close()
    else:
        folder = heartbeat_dir(settings)
        if folder.is_dir():
            for file in folder.glob("*.json"):
                try:
                    bodies.append(file.read_text())
                except OSError:
                    continue
    beats = []
    for body in bodies:
        try:
            beats.append(WorkerHeartbeat.of(Heartbeat(**json.loads(body))))
        except (TypeError, ValueError):
            continue
    return sorted(beats, key=lambda beat: (beat.host, beat.pid))
