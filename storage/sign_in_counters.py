"""A `limits` storage kept in the database, for the sign-in rate limits when there is no Redis.

Why a storage of our own: the `limits` library (its strategies and rate-limit items are
what :mod:`resolvers.sign_in_limits` uses) ships memory, Redis, Memcached and MongoDB
storages. Memory does not hold across processes (two uvicorn workers would each allow the
full count), and the embedded default has no Redis; the database is the one thing every
process of every deployment shares. This implements the fixed-window part of the storage
interface (``incr``, ``get``, ``get_expiry``, ``clear``, ``reset``, ``check``) on the
``sign_in_counters`` table.

``incr`` is one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` by the counter's key (on Citus,
the table is distributed by that key: one node per count): atomic on PostgreSQL, and
inside a ``BEGIN IMMEDIATE`` write transaction on SQLite, so 200 attempts at once get
exactly the allowed number through. :meth:`DatabaseCounters.incr_in_order` and
:meth:`DatabaseCounters.give_back` do an attempt's windows in one transaction. Time is the injected clock (Redis counts with its own
clock; there the window is a key's TTL).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from limits.aio.storage import Storage
from sqlalchemy import case, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError

from storage.database import Database
from storage.models.sign_in import SignInCounter
from storage.queries import ALL_SALONS

#: Every this many hits, windows that ended are deleted (one indexed DELETE).
SWEEP_EVERY = 200

_table = SignInCounter.__table__


class DatabaseCounters(Storage):
    """Fixed-window counters in ``sign_in_counters``; time from ``now`` (the service's clock)."""

    STORAGE_SCHEME = ["parlo+database"]  # the registry wants one; built directly, never from a URI

    def __init__(self, db: Database, now: Callable[[], datetime]) -> None:
        super().__init__(wrap_exceptions=True)
        self._db, self._now = db, now
        self._hits = 0

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return (DBAPIError, OSError)

    async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        if amount < 0:
            await self.give_back([key], -amount)
            return await self.get(key)
        counts = await self.incr_in_order([(key, expiry, 2**31 - 1)], amount)
        return counts[0]

    async def incr_in_order(self, hits: Sequence[tuple[str, int, int]], amount: int = 1) -> list[int]:
        """Count ``amount`` on each ``(key, expiry, limit)`` in order, in one transaction, stopping
        after the first whose count passes its limit (the windows after it are not counted).

        One transaction for an attempt's windows instead of one each: a commit is what costs
        (a WAL flush on PostgreSQL), and an admin login counts six windows. PostgreSQL does not
        wait for that flush here (``synchronous_commit = off``): a crash may forget the last
        few milliseconds of counts, which a rate limit can afford.
        """
        now = self._now()
        insert = pg_insert if self._db.dialect == "postgresql" else sqlite_insert
        ended = _table.c.expires_at <= now
        counts = []
        async with self._db.transaction(write=True) as session:
            await self._no_flush_wait(session)
            for key, expiry, limit in hits:
                ends = now + timedelta(seconds=expiry)
                statement = insert(_table).values(key=key, count=amount, expires_at=ends).on_conflict_do_update(
                    index_elements=[_table.c.key],
                    set_={"count": case((ended, amount), else_=_table.c.count + amount),
                          "expires_at": case((ended, ends), else_=_table.c.expires_at)},
                ).returning(_table.c.count)
                counts.append(int((await session.execute(statement)).scalar_one()))
                if counts[-1] > limit:
                    break
        self._hits += 1
        if self._hits % SWEEP_EVERY == 0:
            await self.sweep()
        return counts

    async def give_back(self, keys: Sequence[str], amount: int = 1) -> None:
        """Attempts that turned out not to count (they succeeded, or were refused unchecked)."""
        if not keys:
            return
        floor = func.max if self._db.is_sqlite else func.greatest
        now = self._now()
        async with self._db.transaction(write=True) as session:
            await self._no_flush_wait(session)
            # One statement per key, in one transaction: on Citus each names its own shard
            # (``key IN (…)`` would ask every shard holding one of them).
            for key in dict.fromkeys(keys):
                await session.execute(update(_table).where(_table.c.key == key, _table.c.expires_at > now)
                                      .values(count=floor(_table.c.count - amount, 0)))

    async def _no_flush_wait(self, session) -> None:
        if self._db.dialect == "postgresql":
            await session.execute(text("SET LOCAL synchronous_commit = off"))

    async def get(self, key: str) -> int:
        async with self._db.session() as session:
            count = await session.scalar(select(_table.c.count).where(_table.c.key == key,
                                                                      _table.c.expires_at > self._now()))
        return int(count or 0)

    async def get_expiry(self, key: str) -> float:
        now = self._now()
        async with self._db.session() as session:
            ends = await session.scalar(select(_table.c.expires_at).where(_table.c.key == key,
                                                                         _table.c.expires_at > now))
        return (ends or now).timestamp()

    async def check(self) -> bool:
        try:
            await self._db.ping()
        except Exception:  # noqa: BLE001 - the interface asks for a yes/no
            return False
        return True

    async def reset(self) -> int | None:
        async with self._db.transaction(write=True) as session:
            return (await session.execute(delete(_table))).rowcount

    async def clear(self, key: str) -> None:
        async with self._db.transaction(write=True) as session:
            await session.execute(delete(_table).where(_table.c.key == key))

    async def sweep(self) -> int:
        """Delete the windows that have ended: a key seen once (one IP's visit) would stay forever.
        On Citus the one statement here that visits every shard (every 200th hit), marked as a sweep."""
        async with self._db.transaction(write=True) as session:
            return (await session.execute(delete(_table).prefix_with(ALL_SALONS)
                                          .where(_table.c.expires_at <= self._now()))).rowcount
