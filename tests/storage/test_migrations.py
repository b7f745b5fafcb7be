"""The hand-reviewed migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

import asyncio

import pytest

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from storage import Base
from storage.migrations import current_revision, downgrade, head_revision, upgrade


def test_database_is_at_head(database_url):
    assert current_revision(database_url) == head_revision()


async def test_migrated_schema_matches_the_models(shared_db):
    def diff(sync_conn):
        context = MigrationContext.configure(
            sync_conn,
            opts={"include_object": _ignore_exclusions, "compare_type": False},
        )
        return compare_metadata(context, Base.metadata)

    async with shared_db.engine.connect() as conn:
        differences = await conn.run_sync(diff)
    assert differences == []


def _ignore_exclusions(obj, name, type_, reflected, compare_to):
    return not (type_ == "constraint" and name and str(name).startswith("ex_occupancy_"))


async def test_every_model_table_exists(shared_db):
    async with shared_db.engine.connect() as conn:
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    assert set(Base.metadata.tables) <= tables


def test_migrations_go_down_and_up_again(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'roundtrip.db'}"
    upgrade(url)
    downgrade(url, "base")
    assert current_revision(url) is None
    upgrade(url)
    assert current_revision(url) == head_revision()


@pytest.mark.postgres_only
async def test_postgresql_has_the_no_overlap_exclusions(shared_db):
    async with shared_db.engine.connect() as conn:
        names = set(
            (await conn.execute(text("SELECT conname FROM pg_constraint WHERE contype = 'x'"))).scalars()
        )
    assert {"ex_occupancy_staff_id_no_overlap", "ex_occupancy_spot_id_no_overlap"} <= names


def test_alembic_runs_from_a_running_event_loop_in_a_thread(tmp_path):
    """`parlo serve` migrates inside its event loop; Alembic must go to a thread there."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'loop.db'}"

    async def main():
        await asyncio.to_thread(upgrade, url)

    asyncio.run(main())
    assert current_revision(url) == head_revision()
