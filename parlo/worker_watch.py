"""Is any worker alive? What ``/health`` reports, and the web service's warning when none is.

With ``REDIS_URL`` (or ``parlo serve --no-worker``) the web service only stores messages:
``parlo worker`` processes answer them. If none runs, nothing fails loudly — customers just
get no answer — so the web process watches the workers' heartbeats (``parlo.heartbeat``,
written by every worker) and logs a warning, with the fix, when none is alive; once when
that starts, once when a worker comes back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from parlo.settings import Settings

log = logging.getLogger("parlo")

#: Workers take a few seconds to start next to the web service: the first look waits this long.
GRACE_SECONDS = 30.0
CHECK_EVERY_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class WorkerStatus:
    alive: int
    last_beat_seconds_ago: float | None
    embedded: bool

    def as_json(self) -> dict[str, Any]:
        return {"alive": self.alive, "last_beat_seconds_ago": None if self.last_beat_seconds_ago is None
                else round(self.last_beat_seconds_ago, 1), "embedded": self.embedded}


async def worker_status(settings: Settings) -> WorkerStatus:
    from parlo.heartbeat import read_heartbeats

    beats = await asyncio.to_thread(read_heartbeats, settings)
    freshest = min((beat.age() for beat in beats), default=None)
    return WorkerStatus(alive=sum(beat.alive for beat in beats), last_beat_seconds_ago=freshest,
                        embedded=settings.embedded_worker)


def no_worker_warning(settings: Settings) -> str:
    where = "REDIS_URL está configurado" if settings.redis_url else "el servidor corre sin su worker (--no-worker)"
    return (f"{where} y ningún `parlo worker` da señales de vida: los mensajes de WhatsApp se guardan, pero nadie "
            "los contesta ni envía. Arranca `parlo worker` (systemd: parlo-worker.service); `parlo doctor` lo revisa.")


class WorkerWatch:
    """Started with the web app when the worker runs elsewhere; logs when there is none."""

    def __init__(self, settings: Settings, *, grace: float = GRACE_SECONDS, every: float = CHECK_EVERY_SECONDS):
        self.settings = settings
        self.grace = grace
        self.every = every
        self._task: asyncio.Task | None = None
        self._missing = False

    async def start(self) -> None:
        if not self.settings.embedded_worker:
            self._task = asyncio.get_running_loop().create_task(self._watch(), name="parlo-worker-watch")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def check(self) -> None:
        try:
            status = await worker_status(self.settings)
        except Exception:  # noqa: BLE001 - Redis down is reported by /health and doctor
            log.warning("no pude leer los latidos de los workers", exc_info=True)
            return
        if status.alive == 0 and not self._missing:
            self._missing = True
            log.warning(no_worker_warning(self.settings))
        elif status.alive and self._missing:
            self._missing = False
            log.info("un worker volvió a dar señales de vida (%d vivo(s))", status.alive)

    async def _watch(self) -> None:
        await asyncio.sleep(self.grace)
        while True:
            await self.check()
            await asyncio.sleep(self.every)
