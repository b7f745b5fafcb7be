"""The Huey instance: SqliteHuey beside the embedded database, RedisHuey when REDIS_URL is set.

Tasks themselves live in ``messaging/``; they are registered on this instance by
:func:`parlo.tasks.register` so lower layers never import the composition root.
"""

from __future__ import annotations

from pathlib import Path

from huey import Huey, RedisHuey, SqliteHuey
from sqlalchemy.engine import make_url

from parlo.settings import Settings


def queue_file_for(database_url: str) -> str:
    """``parlo.db`` → ``parlo.queue.db`` in the same folder; in-memory databases get a temp file."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        db = Path(url.database)
        return str(db.with_name(db.stem + ".queue.db"))
    return str(Path("parlo.queue.db").resolve())


def make_huey(settings: Settings, *, immediate: bool = False) -> Huey:
    if settings.redis_url:
        return RedisHuey("parlo", url=settings.redis_url, immediate=immediate, utc=True)
    return SqliteHuey("parlo", filename=queue_file_for(settings.database_url), immediate=immediate, utc=True)
