"""Running ``parlo`` as a newcomer does: a real process, a clean environment, its own database."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

PARLO = [sys.executable, "-m", "parlo.cli"]
FROZEN_CLOCK = "2026-01-16T10:00:00-06:00"  # a Friday, 10:00 in Mexico City


def clean_env(**extra: str) -> dict[str, str]:
    """This machine's environment without any Parlo, database, Redis, Twilio or OpenAI setting."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DATABASE_URL", "PARLO_", "REDIS_URL", "TWILIO_", "OPENAI_"))}
    env.update(extra)
    return env


def parlo(*args: str, cwd: Path, env: dict[str, str], input: str | None = None,
          timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([*PARLO, *args], cwd=cwd, env=env, input=input, capture_output=True, text=True,
                          timeout=timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def fresh_database(dialect: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the run's kind, for commands that create and migrate their own."""
    if dialect != "postgresql":
        yield f"sqlite+aiosqlite:///{tmp_path / 'parlo.db'}"
        return
    from tests.conftest import TEST_DATABASE_URL, _create_pg_database, _drop_pg_database

    url = asyncio.run(_create_pg_database(TEST_DATABASE_URL))
    try:
        yield url
    finally:
        asyncio.run(_drop_pg_database(TEST_DATABASE_URL, url))


def wait_for_health(port: int, proc: subprocess.Popen, timeout: float = 90) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > deadline:
                output = proc.stdout.read() if proc.stdout else ""
                raise AssertionError(f"parlo serve did not come up:\n{output}") from None
            time.sleep(0.2)


@contextmanager
def serving(*args: str, cwd: Path, env: dict[str, str]) -> Iterator[tuple[int, subprocess.Popen]]:
    """``parlo serve`` on a free port; stopped with SIGTERM (and waited for) at the end."""
    port = free_port()
    proc = subprocess.Popen([*PARLO, "serve", "--port", str(port), *args], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for_health(port, proc)
        yield port, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
