"""Engines and session factories for SQLite (embedded) and PostgreSQL (production).

Strawberry resolves sibling fields concurrently, so callers get *factories* and open a
short session per unit of work; a session is never shared between tasks (DESIGN.md traps).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

#: SQLite waits this long for a competing writer before giving up with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 30_000


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or is not migrated."""


def normalise_url(url: str) -> str:
    """Accept the URLs people paste (``postgres://``, ``sqlite:///``) and pick the async driver."""
    parsed = make_url(url)
    driver = parsed.drivername
    if driver in ("postgres", "postgresql", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif driver == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed.render_as_string(hide_password=False)


@dataclass(frozen=True, slots=True)
class Database:
    """The database handles one process needs.

    ``session`` opens ordinary transactions. ``write_session`` opens transactions that
    change the schedule: on SQLite they start with ``BEGIN IMMEDIATE`` so two writers are
    serialised and a check-then-insert inside one cannot race; on PostgreSQL it is the same
    as ``session`` because the exclusion constraint settles races.
    """

    engine: AsyncEngine
    session: async_sessionmaker[AsyncSession]
    write_session: async_sessionmaker[AsyncSession]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @classmethod
    def connect(cls, url: str, *, pool: bool = True, echo: bool = False, pool_size: int = 10,
                max_overflow: int = 20, server_settings: dict[str, str] | None = None) -> "Database":
        """Create the engine. ``pool=False`` (NullPool) is for code that runs on several event
        loops, such as Huey tasks: a pooled asyncpg connection cannot move between loops.
        ``pool_size``/``max_overflow`` size a PostgreSQL pool (a worker sizes it to its concurrency).
        ``server_settings``: PostgreSQL settings for every connection of this engine."""
        url = normalise_url(url)
        kwargs: dict = {"echo": echo}
        if server_settings and not url.startswith("sqlite"):
            kwargs["connect_args"] = {"server_settings": dict(server_settings)}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
            if not pool:
                kwargs["poolclass"] = NullPool
        else:
            if pool:
                # Optimistic disconnect handling: no pre-ping (with asyncpg it costs three round
                # trips per checkout, ~0.9 ms, several times per GraphQL request). A connection
                # killed by a database restart fails one statement, SQLAlchemy then invalidates
                # the whole pool, and the caller's retry (Twilio's, the dashboard's) succeeds.
                # LIFO: the connection handed back last is handed out next, so a burst runs on the
                # few connections that are warm (asyncpg's prepared statements and type codecs,
                # PostgreSQL's cached plans: planning and asyncpg's type introspection were about
                # a third of PostgreSQL's time per turn when 80 connections took turns), and the
                # rest of the pool stays idle instead of each being warmed up in its turn.
                kwargs.update(pool_size=pool_size, max_overflow=max_overflow, pool_recycle=1800, pool_use_lifo=True)
            else:
                kwargs["poolclass"] = NullPool
        engine = create_async_engine(url, **kwargs)
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine)
        writer = engine.execution_options(parlo_begin="IMMEDIATE") if engine.dialect.name == "sqlite" else engine
        return cls(
            engine=engine,
            session=async_sessionmaker(engine, expire_on_commit=False),
            write_session=async_sessionmaker(writer, expire_on_commit=False),
        )

    async def dispose(self) -> None:
        await self.engine.dispose()

    @asynccontextmanager
    async def transaction(self, *, write: bool = False) -> AsyncIterator[AsyncSession]:
        """``async with db.transaction(write=True) as s:`` — commit on success, roll back on error."""
        factory = self.write_session if write else self.session
        async with factory() as session, session.begin():
            yield session

    async def ping(self) -> None:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except (OSError, DBAPIError) as exc:
            raise DatabaseUnavailable(str(exc)) from exc


def _configure_sqlite(engine: AsyncEngine) -> None:
    """Foreign keys on, WAL so readers never block the writer, and explicit BEGINs.

    pysqlite's own transaction handling would start transactions lazily and never as
    IMMEDIATE; taking over BEGIN (the recipe in SQLAlchemy's SQLite docs) lets
    :attr:`Database.write_session` serialise schedule writes.
    """
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by every test
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("parlo_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())


def _sqlstate(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", None)
    for candidate in (orig, getattr(orig, "__cause__", None)):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if code:
            return str(code)
    return None


def is_exclusion_violation(exc: BaseException) -> bool:
    """PostgreSQL's SQLSTATE 23P01: the no-overlap constraint rejected a booking (slot taken)."""
    return isinstance(exc, DBAPIError) and _sqlstate(exc) == "23P01"


def is_retryable_conflict(exc: BaseException) -> bool:
    """PostgreSQL aborted one of two writers that waited on each other: deadlock (40P01) or
    serialization failure (40001). Racing exclusion checks can deadlock; retry on fresh data."""
    return isinstance(exc, DBAPIError) and _sqlstate(exc) in ("40P01", "40001")


def is_unique_violation(exc: BaseException) -> bool:
    """A duplicate key (SQLSTATE 23505 on PostgreSQL, "UNIQUE constraint failed" on SQLite)."""
    if not isinstance(exc, IntegrityError):
        return False
    return _sqlstate(exc) == "23505" or "UNIQUE constraint failed" in str(exc.orig)
