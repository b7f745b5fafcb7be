"""The commands a newcomer types, run as real processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from resolvers.auth import read_token

PARLO = [sys.executable, "-m", "parlo.cli"]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "PARLO_", "REDIS_URL"))}
    env.update(extra)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_needs_nothing_else_on_a_fresh_machine(tmp_path):
    """`parlo serve` on an empty folder: creates and migrates the SQLite file, answers /health."""
    port = _free_port()
    proc = subprocess.Popen([*PARLO, "serve", "--port", str(port)], cwd=tmp_path, env=_env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(proc.stdout.read().decode() if proc.stdout else "serve died") from None
                time.sleep(0.2)
        assert response.status_code == 200
        assert response.json()["database"] == "sqlite"
        assert (tmp_path / "parlo.db").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_migrate_demo_and_token(tmp_path, database_url, dialect):
    if dialect == "postgresql":
        url = database_url  # already migrated; migrate must be a no-op there
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    env = _env(tmp_path, DATABASE_URL=url, PARLO_JWT_SECRET="cli-secret-long-enough-for-hs256-0123456789", PARLO_CLOCK="2026-01-16T10:00:00-06:00")
    migrate = subprocess.run([*PARLO, "migrate"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert migrate.returncode == 0, migrate.stderr
    assert "al día" in migrate.stdout
    if dialect == "postgresql":
        pytest.skip("demo and token on PostgreSQL are covered in-process; this run shares its database")
    first = subprocess.run([*PARLO, "demo"], cwd=tmp_path, env=env, capture_output=True, text=True)
    second = subprocess.run([*PARLO, "demo"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert "cargué" in first.stdout and "Ya existía" in second.stdout
    token = subprocess.run([*PARLO, "token", "--phone", "55 1234 5001"], cwd=tmp_path, env=env,
                           capture_output=True, text=True)
    assert token.returncode == 0, token.stderr
    from datetime import datetime, timezone

    claims = read_token(token.stdout.strip(), secret="cli-secret-long-enough-for-hs256-0123456789",
                        now=datetime(2026, 1, 16, 16, 30, tzinfo=timezone.utc))
    assert claims.kind == "staff" and claims.organization_id is not None

    unknown = subprocess.run([*PARLO, "token", "--phone", "55 0000 0000"], cwd=tmp_path, env=env,
                             capture_output=True, text=True)
    assert unknown.returncode != 0 and "no hay personal" in unknown.stderr


def test_serve_refuses_an_unmigrated_postgresql_database(tmp_path, dialect):
    if dialect != "postgresql":
        pytest.skip("only PostgreSQL waits for `parlo migrate`")
    import asyncio

    from tests.conftest import TEST_DATABASE_URL, _create_pg_database, _drop_pg_database

    url = asyncio.run(_create_pg_database(TEST_DATABASE_URL))
    try:
        result = subprocess.run([*PARLO, "serve", "--port", str(_free_port())], cwd=tmp_path,
                                env=_env(tmp_path, DATABASE_URL=url), capture_output=True, text=True, timeout=60)
        assert result.returncode != 0
        assert "parlo migrate" in result.stderr
    finally:
        asyncio.run(_drop_pg_database(TEST_DATABASE_URL, url))
