"""The Huey instance: SqliteHuey beside the embedded database, RedisHuey when REDIS_URL is set.

Tasks themselves live in ``messaging/``; they are registered on this instance by
:func:`parlo.tasks.register` so lower layers never import the composition root.

:class:`EmbeddedConsumer` runs Huey's consumer inside ``parlo serve`` (threads, no signal
handlers: uvicorn owns those), so the embedded default needs one command.
"""

from __future__ import annotations

import hashlib
import tempfile
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


def make_huey(settings: Settings, *, immediate: bool = False, memory: bool = False) -> Huey:
    if memory:
        return MemoryHuey("parlo", immediate=immediate, utc=True)
    if settings.redis_url:
        return RedisHuey("parlo", url=settings.redis_url, immediate=immediate, utc=True)
    return SqliteHuey("parlo", filename=queue_file_for(settings.database_url), immediate=immediate, utc=True)


class EmbeddedConsumer(Consumer):
    """Huey's consumer as threads of the web process; stop it with ``stop(graceful=True)``.

    It polls often (at most every half second) so a WhatsApp reply does not wait for
    Huey's default 10-second idle backoff.
    """

    def __init__(self, huey: Huey, *, workers: int = 2) -> None:
        super().__init__(huey, workers=workers, worker_type="thread", periodic=True, initial_delay=0.05,
                         backoff=1.2, max_delay=0.5, check_worker_health=False, shutdown_timeout=30)

    def _set_signal_handlers(self) -> None:  # the web server handles signals
        pass
