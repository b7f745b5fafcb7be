"""Short read-only sessions for one SELECT (loader batches, the per-request actor), without a transaction.

A loader batch is a single statement, so BEGIN/ROLLBACK add two round trips and nothing
else; on PostgreSQL that is most of a batch's cost. Autocommit sessions skip them.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from storage import Database

_AUTOCOMMIT: dict[AsyncEngine, AsyncEngine] = {}


def read_session(db: Database) -> AsyncSession:
    engine = _AUTOCOMMIT.get(db.engine)
    if engine is None:
        engine = _AUTOCOMMIT[db.engine] = db.engine.execution_options(isolation_level="AUTOCOMMIT")
    return AsyncSession(engine, expire_on_commit=False)
