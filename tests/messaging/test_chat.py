"""``parlo chat``: a newcomer talks to the demo salon from the terminal, through the real webhook."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PARLO = [sys.executable, "-m", "parlo.cli"]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DATABASE_URL", "PARLO_", "REDIS_URL", "TWILIO_"))}
    env.update(extra)
    return env


def test_chat_with_the_demo_salon_in_process(tmp_path: Path):
    env = _env(PARLO_CLOCK="2026-01-16T10:00:00-06:00")
    subprocess.run([*PARLO, "demo"], cwd=tmp_path, env=env, check=True, capture_output=True, timeout=120)
    done = subprocess.run([*PARLO, "chat", "--as", "+52 1 55 1234 5678", "--name", "Juan", "-m", "Hola, quiero un corte"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "tú › Hola, quiero un corte" in done.stdout
    assert "→ +525587654321" in done.stdout  # the demo salon's number by default
    assert "\nparlo › " in done.stdout  # whichever engine answers, its reply is printed


def test_chat_reads_lines_from_a_pipe(tmp_path: Path):
    env = _env(PARLO_CLOCK="2026-01-16T10:00:00-06:00")
    done = subprocess.run([*PARLO, "chat", "--as", "+525533334444", "--wait", "5"], input="Hola\n", cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "→ +525500000000" in done.stdout  # no demo salon: Parlo's central number answers
    assert "\nparlo › " in done.stdout


def test_chat_refuses_a_phone_it_cannot_read(tmp_path: Path):
    done = subprocess.run([*PARLO, "chat", "--as", "hola"], cwd=tmp_path, env=_env(), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode != 0 and "No reconozco el número" in done.stderr
