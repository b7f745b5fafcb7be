"""Shared fixtures: one real database per test run, SQLite or PostgreSQL.

Choose the backend with ``PARLO_TEST_DATABASE_URL`` (default: a SQLite file in a temp
folder). For PostgreSQL, give a URL to any database on the server; the run creates its own
throwaway database ``parlo_test_<random>`` there, migrates it, and drops it at the end,
so parallel runs never share rows.

``db`` gives a migrated :class:`storage.Database` and empties every table after the test.
Mark what only PostgreSQL can prove with ``@pytest.mark.postgres_only``.

Citus: give the coordinator's URL (``citus-cluster url``). The throwaway database is then
created on the coordinator and on every worker, with the extension in each, the nodes
registered in it, and the tables distributed by ``upgrade`` (as ``parlo migrate`` does).
Mark what only makes sense on one node with ``@pytest.mark.single_node(reason)``.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone

import httpx
import pytest
from hypothesis import HealthCheck, settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from parlo.clock import FrozenClock
from parlo.settings import Settings
from storage import Base, Database
from storage.database import normalise_url
from storage.migrations import upgrade

TEST_DATABASE_URL = os.environ.get("PARLO_TEST_DATABASE_URL", "").strip()

# Property tests must not fail for the machine's speed: no per-example deadline, and no
# "too slow" health check (data generation on 2 busy cores trips it). Under CI (CI=true, as
# .ci/run is run there) they are also derandomized: the same examples every run, so a gate
# cannot fail on an example nobody met before; run them locally to explore new ones.
hypothesis_settings.register_profile("parlo", deadline=None, suppress_health_check=[HealthCheck.too_slow],
                                     print_blob=True)
hypothesis_settings.register_profile("ci", parent=hypothesis_settings.get_profile("parlo"), derandomize=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                                 or ("ci" if os.environ.get("CI") == "true" else "parlo"))

#: A Friday in January 2026, 10:00 in Mexico City: tests that need "now" start here.
FRIDAY_MORNING = datetime(2026, 1, 16, 16, 0, tzinfo=timezone.utc)


def _backend() -> str:
    return "postgresql" if TEST_DATABASE_URL.startswith("postgres") else "sqlite"


def pytest_report_header(config) -> str:
    return f"parlo test database: {_backend()}"


def pytest_collection_modifyitems(config, items) -> None:
    if _backend() == "postgresql":
        if not _is_citus():
            return
        for item in items:
            marker = item.get_closest_marker("single_node")
            if marker is not None:
                item.add_marker(pytest.mark.skip(reason=f"one node only: {marker.args[0] if marker.args else ''}"))
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set PARLO_TEST_DATABASE_URL)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


def _is_citus() -> bool:
    """Is PARLO_TEST_DATABASE_URL a Citus coordinator (the extension in its database)?"""
    global _CITUS
    if _CITUS is None:
        _CITUS = _backend() == "postgresql" and asyncio.run(_has_citus(TEST_DATABASE_URL))
    return _CITUS


_CITUS: bool | None = None


async def _has_citus(server_url: str) -> bool:
    engine = create_async_engine(make_url(normalise_url(server_url)))
    try:
        async with engine.connect() as conn:
            return bool(await conn.scalar(text("SELECT count(*) FROM pg_extension WHERE extname = 'citus'")))
    finally:
        await engine.dispose()


async def _on(url, statements: list[str], database: str | None = None) -> list:
    url = make_url(normalise_url(url)) if isinstance(url, str) else url
    engine = create_async_engine(url.set(database=database) if database else url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            return [(await conn.execute(text(sql))).all() if sql.lstrip().upper().startswith("SELECT")
                    else await conn.execute(text(sql)) for sql in statements]
    finally:
        await engine.dispose()


async def _citus_workers(server_url: str) -> list[tuple[str, int]]:
    rows = (await _on(server_url, ["SELECT nodename, nodeport FROM pg_dist_node "
                                   "WHERE noderole = 'primary' AND groupid <> 0 ORDER BY nodeport"]))[0]
    return [(host, port) for host, port in rows]


async def _create_pg_database(server_url: str) -> str:
    url = make_url(normalise_url(server_url))
    name = f"parlo_test_{secrets.token_hex(4)}"
    await _on(url, [f'CREATE DATABASE "{name}"'])
    if _is_citus():
        # Citus does not propagate CREATE DATABASE: each node gets the database and the
        # extension, then the coordinator's copy learns the nodes. Few shards: a test salon
        # is small and 32 shards of 20 tables make every TRUNCATE slow.
        workers = await _citus_workers(server_url)
        for host, port in workers:
            node = url.set(host=host, port=port)
            await _on(node, [f'CREATE DATABASE "{name}"'])
            await _on(node, ["CREATE EXTENSION IF NOT EXISTS citus"], database=name)
        await _on(url, ["CREATE EXTENSION IF NOT EXISTS citus",
                        f"SELECT citus_set_coordinator_host('{url.host}', {url.port or 5432})",
                        *(f"SELECT citus_add_node('{host}', {port})" for host, port in workers),
                        f'ALTER DATABASE "{name}" SET citus.shard_count = 4'], database=name)
    return url.set(database=name).render_as_string(hide_password=False)


async def _drop_pg_database(server_url: str, test_url: str) -> None:
    name = make_url(test_url).database
    url = make_url(normalise_url(server_url))
    workers = await _citus_workers(server_url) if _is_citus() else []
    await _on(url, [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])
    for host, port in workers:
        await _on(url.set(host=host, port=port), [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])


@pytest.fixture(scope="session")
def dialect() -> str:
    return _backend()


@pytest.fixture(scope="session")
def citus() -> bool:
    """Whether the tests run on a Citus cluster (PARLO_TEST_DATABASE_URL at its coordinator)."""
    return _is_citus()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """A freshly migrated database for this test run."""
    if _backend() == "postgresql":
        url = asyncio.run(_create_pg_database(TEST_DATABASE_URL))
        try:
            upgrade(url)
            yield url
        finally:
            asyncio.run(_drop_pg_database(TEST_DATABASE_URL, url))
    else:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'parlo-test.db'}"
        upgrade(url)
        yield url


@pytest.fixture(scope="session")
async def shared_db(database_url) -> AsyncIterator[Database]:
    database = Database.connect(database_url)
    yield database
    await database.dispose()


async def empty_all_tables(db: Database) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    async with db.engine.begin() as conn:
        if db.is_sqlite or _is_citus():
            # On Citus a TRUNCATE locks and empties every shard of every table: 4-9 s a test,
            # against ~0.3 s for DELETEs of the few rows a test writes.
            for name in tables:
                await conn.execute(text(f'DELETE FROM "{name}"'))
        else:
            await conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE"))


@pytest.fixture
async def db(shared_db) -> AsyncIterator[Database]:
    """The test database, emptied after each test."""
    try:
        yield shared_db
    finally:
        await empty_all_tables(shared_db)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(FRIDAY_MORNING)


@pytest.fixture
def settings(database_url) -> Settings:
    return Settings(
        _env_file=None,
        database_url=database_url,
        jwt_secret="test-secret-with-enough-entropy-0123456789",
        admin_password="admin-test-password",
        public_url="https://parlo.test",
        central_number="+525500000000",
        env="development",
        twilio_account_sid=None,
        twilio_auth_token=None,
        openai_api_key=None,
        redis_url=None,
    )


@pytest.fixture
async def client(settings, clock, db) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the whole app in-process, lifespan included."""
    from parlo.app import create_app

    app = create_app(settings, clock=clock, migrate=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            http.app = app  # type: ignore[attr-defined]  (tests reach services through it)
            yield http
