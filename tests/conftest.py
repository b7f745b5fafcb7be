"""Shared fixtures: one real database per test run, SQLite or PostgreSQL.

Choose the backend with ``PARLO_TEST_DATABASE_URL`` (default: a SQLite file in a temp
folder). For PostgreSQL, give a URL to any database on the server; the run creates its own
throwaway database ``parlo_test_<random>`` there, migrates it, and drops it at the end,
so parallel runs never share rows.

``db`` gives a migrated :class:`storage.Database` and empties every table after the test.
Mark what only PostgreSQL can prove with ``@pytest.mark.postgres_only``.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from parlo.clock import FrozenClock
from parlo.settings import Settings
from storage import Base, Database
from storage.database import normalise_url
from storage.migrations import upgrade

TEST_DATABASE_URL = os.environ.get("PARLO_TEST_DATABASE_URL", "").strip()

#: A Friday in January 2026, 10:00 in Mexico City: tests that need "now" start here.
FRIDAY_MORNING = datetime(2026, 1, 16, 16, 0, tzinfo=timezone.utc)


def _backend() -> str:
    return "postgresql" if TEST_DATABASE_URL.startswith("postgres") else "sqlite"


def pytest_report_header(config) -> str:
    return f"parlo test database: {_backend()}"


def pytest_collection_modifyitems(config, items) -> None:
    if _backend() == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set PARLO_TEST_DATABASE_URL)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


async def _create_pg_database(server_url: str) -> str:
    url = make_url(normalise_url(server_url))
    name = f"parlo_test_{secrets.token_hex(4)}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


async def _drop_pg_database(server_url: str, test_url: str) -> None:
    name = make_url(test_url).database
    admin = create_async_engine(make_url(normalise_url(server_url)), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


@pytest.fixture(scope="session")
def dialect() -> str:
    return _backend()


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
        if db.is_sqlite:
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
