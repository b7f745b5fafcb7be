"""Alembic migrations, run programmatically (``parlo migrate``) — no alembic.ini to find."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from storage.database import normalise_url
from storage.distribute import distribute, has_citus

HERE = Path(__file__).resolve().parent


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head", *, distribute: bool | None = None) -> list[str]:
    """Bring the database at ``url`` to ``revision``. Blocking: call it in a thread from async code.

    At head, on a database with the ``citus`` extension, then distributes the tables that are
    not distributed yet (:mod:`storage.distribute`) and returns their names. ``distribute=True``
    insists (no Citus is an error); ``False`` skips it.
    """
    command.upgrade(alembic_config(url), revision)
    if distribute is False or (revision != "head" and not distribute):
        return []
    return distribute_tables(url, required=bool(distribute))


class CitusMissing(RuntimeError):
    """``--distribute`` on a database without the citus extension."""


def distribute_tables(url: str, *, required: bool = False) -> list[str]:
    """Distribute (Citus) what is not yet; ``[]`` on SQLite and plain PostgreSQL."""
    if not normalise_url(url).startswith("postgresql"):
        if required:
            raise CitusMissing("Citus necesita PostgreSQL; esta base de datos es SQLite")
        return []

    async def run() -> list[str]:
        engine = create_async_engine(normalise_url(url), poolclass=NullPool)
        try:
            async with engine.begin() as conn:
                if required and not await conn.run_sync(has_citus):
                    raise CitusMissing("la base de datos no tiene la extensión citus (CREATE EXTENSION citus)")
                return await conn.run_sync(distribute)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(url: str) -> str | None:
    """The database's revision, or None for an empty database. Blocking, like :func:`upgrade`."""

    async def read() -> str | None:
        engine = create_async_engine(normalise_url(url), poolclass=NullPool)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())
        finally:
            await engine.dispose()

    return asyncio.run(read())
