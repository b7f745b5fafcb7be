"""The README's commands work as written: every ``.venv/bin/parlo`` line runs here, in order,
on a fresh folder (with the tester's phone input where a command would wait for a person)."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import httpx

from tests.parlo.cli_kit import FROZEN_CLOCK, clean_env, parlo, serving

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def _bash_commands() -> list[list[str]]:
    """Each command of the README's bash blocks: continuation lines joined, comments and && split off."""
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", README, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            for part in line.split("&&"):
                words = shlex.split(part, comments=True)
                if words:
                    commands.append(words)
    return commands


def test_the_set_up_commands_name_what_the_repository_has():
    commands = _bash_commands()
    programs = {words[0] for words in commands}
    assert {"python3", ".venv/bin/pip", ".venv/bin/parlo", ".venv/bin/pytest"} <= programs
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    for words in commands:
        if words[0] == ".venv/bin/pip":
            target = words[-1]
            assert target.startswith("."), words
            wanted = re.findall(r"\[(\w+)\]", target)
            assert set(wanted) <= set(extras), words
        assert not (words[0] == "parlo"), f"{words}: the README uses .venv/bin/parlo everywhere"


def test_the_readmes_parlo_commands_run_in_order(tmp_path):
    env = clean_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'parlo.db'}", PARLO_CLOCK=FROZEN_CLOCK)
    ran: list[str] = []
    for words in _bash_commands():
        if words[0] != ".venv/bin/parlo":
            continue
        args = words[1:]
        name = args[0]
        if name == "serve" and "--workers" in args:
            continue  # the Production section: PostgreSQL and Redis, run by tests/deploy and the CLI tests
        if name in ("migrate", "worker"):
            continue  # Production section too (PostgreSQL, Redis)
        if name == "serve":
            with serving(*args[1:], cwd=tmp_path, env=env) as (port, _):
                assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=20).json()["status"] == "ok"
            ran.append(name)
            continue
        done = parlo(*args, cwd=tmp_path, env=env, input="Hola\n" if name == "chat" else None)
        if name == "doctor":
            # Nothing is serving now, so no worker is alive: that, and only that, is a problem here.
            problems = [line for line in done.stdout.splitlines() if line.strip().startswith("problema")]
            assert done.returncode == 1 and len(problems) == 1 and "Worker" in problems[0], done.stdout
            ran.append(name)
            continue
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        if name == "chat":
            assert "\nparlo › " in done.stdout, done.stdout
        if name == "token":
            assert "/entrar?token=" in done.stdout
        ran.append(name)
    assert {"serve", "demo", "chat", "token", "init", "doctor"} <= set(ran), ran


def test_the_commands_table_names_every_option_of_every_command():
    """The README's "Commands" table is the CLI's reference: each row names all its command's options."""
    import argparse

    from parlo.cli import build_parser

    rows = {}
    for line in README.split("## Commands", 1)[1].split("\n## ", 1)[0].splitlines():
        found = re.match(r"\| `parlo (\w+)", line)
        if found:
            rows[found.group(1)] = line
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    assert set(rows) == set(commands), set(rows) ^ set(commands)
    for name, parser in commands.items():
        for action in parser._actions:
            longest = max(action.option_strings, key=len, default=None)
            if longest is None or longest in ("--help", "--debug"):
                continue  # --debug is documented once, for every command, under the table
            options = [o for o in action.option_strings if o.startswith("--")]
            assert any(o in rows[name] for o in options), f"README's `parlo {name}` row does not mention {longest}"
