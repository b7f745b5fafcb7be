"""Short read-only sessions for one SELECT (loader batches, the per-request actor), without a transaction.

A loader batch is a single statement, so BEGIN/ROLLBACK add two round trips and nothing
else; on PostgreSQL that is most of a batch's cost. Autocommit sessions skip them.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from storage import Database

_AUTOCOMMIT: dict[AsyncEngine, AsyncEngine] = {}


def _autocommit(db: Database) -> AsyncEngine:
    engine = _AUTOCOMMIT.get(db.engine)
    if engine is None:
        engine = _AUTOCOMMIT[db.engine] = db.engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine


def read_session(db: Database) -> AsyncSession:
    return AsyncSession(_autocommit(db), expire_on_commit=False)


def read_connection(db: Database) -> AsyncConnection:
    """A Core connection for one SELECT of columns (no ORM rows): no session to build and close,
    no ORM execution around the statement (the per-request actor: ~0.07 ms less of ~0.22)."""
    return _autocommit(db).connect()
