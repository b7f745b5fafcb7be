"""The files under deploy/ cannot all run here (no systemd as PID 1, no Docker daemon, no Caddy):
each is at least parsed, and every Parlo command they start is one `parlo` accepts."""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from parlo.cli import build_parser
from parlo.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("parlo-*"))


def _parlo_command(argv: list[str]) -> None:
    """Fails the test unless `parlo` would accept these arguments (argparse exits otherwise)."""
    assert argv[0].endswith("parlo"), argv
    build_parser().parse_args(argv[1:])


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(path)
    return parser


def test_every_systemd_unit_starts_a_real_parlo_command():
    assert {u.name for u in UNITS} >= {"parlo-web.service", "parlo-worker.service", "parlo-backup.service",
                                       "parlo-backup.timer"}
    for path in UNITS:
        unit = _unit(path)
        if path.suffix != ".service":
            continue
        for key in ("ExecStartPre", "ExecStart"):
            if unit.has_option("Service", key):
                argv = shlex.split(unit.get("Service", key))
                if argv[0].endswith("/parlo"):
                    _parlo_command(argv)
                else:
                    assert (ROOT / argv[0].removeprefix("/opt/parlo/")).exists(), argv[0]
    web = _unit(DEPLOY / "systemd" / "parlo-web.service")
    assert web.get("Service", "ExecStartPre").endswith("parlo migrate")  # migrations run on every deploy
    assert web.get("Service", "KillSignal") == "SIGTERM"
    assert "--forwarded-allow-ips 127.0.0.1" in web.get("Service", "ExecStart")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_reads_the_units_without_a_warning(tmp_path):
    for path in UNITS:
        text = path.read_text()
        # verify also checks that the programs exist: point them at one that does.
        text = re.sub(r"/opt/parlo/\S+", "/bin/true", text).replace("EnvironmentFile=", "EnvironmentFile=-")
        (tmp_path / path.name).write_text(text)
    done = subprocess.run(["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],
                          capture_output=True, text=True, env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"})
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr


def test_compose_runs_migrate_before_web_and_worker_with_postgres_and_redis():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "web", "worker"} <= set(services)
    for name in ("migrate", "web", "worker"):
        _parlo_command(services[name]["command"])
        assert services[name]["build"]["dockerfile"] == "deploy/Dockerfile"
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgresql://")
        assert services[name]["environment"]["REDIS_URL"].startswith("redis://redis:")
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["web"]["command"][1] == "serve" and "--no-worker" in services["web"]["command"]
    assert (ROOT / services["web"]["build"]["context"].replace("..", ".")).is_dir()


def test_the_dockerfile_installs_the_package_and_serves():
    lines = [line.strip() for line in (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ").splitlines()
             if line.strip() and not line.strip().startswith("#")]
    instructions = [line.split()[0] for line in lines]
    known = {"FROM", "ENV", "RUN", "WORKDIR", "COPY", "USER", "EXPOSE", "STOPSIGNAL", "HEALTHCHECK", "CMD", "ARG"}
    assert instructions[0] == "FROM" and set(instructions) <= known
    cmd = next(line for line in lines if line.startswith("CMD"))
    _parlo_command(yaml.safe_load(cmd.removeprefix("CMD")))  # the exec form is a JSON list
    assert any(line.startswith("RUN pip install .") for line in lines)
    assert "STOPSIGNAL SIGTERM" in lines
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().split()
    assert ".git" in ignored and ".env" in ignored  # secrets and history stay out of the image


def _balanced(text: str) -> bool:
    depth = 0
    for char in re.sub(r"#.*", "", text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_the_proxies_forward_to_parlo_with_the_headers_it_trusts():
    web = _unit(DEPLOY / "systemd" / "parlo-web.service").get("Service", "ExecStart")
    port = re.search(r"--port (\d+)", web).group(1)
    caddy = (DEPLOY / "Caddyfile").read_text()
    assert _balanced(caddy) and f"reverse_proxy 127.0.0.1:{port}" in caddy
    nginx = (DEPLOY / "nginx" / "parlo.conf").read_text()
    assert _balanced(nginx) and f"server 127.0.0.1:{port};" in nginx
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Request-ID"):
        assert f"proxy_set_header {header}" in nginx
    assert "return 301 https://" in nginx and "ssl_certificate" in nginx
    for statement in re.sub(r"#.*", "", nginx).split(";")[:-1]:
        assert not statement.strip().endswith("{"), statement  # no statement left without its ';'


def test_the_example_environment_names_only_real_settings():
    known = {field.validation_alias for field in Settings.model_fields.values()} | {"FORWARDED_ALLOW_IPS"}
    names = [line.split("=", 1)[0] for line in (DEPLOY / "parlo.env.example").read_text().splitlines()
             if line and not line.startswith("#")]
    assert set(names) <= known, set(names) - known
    assert {"DATABASE_URL", "REDIS_URL", "PARLO_PUBLIC_URL", "PARLO_JWT_SECRET", "PARLO_ENV",
            "PARLO_LOG_LEVEL", "PARLO_LOG_FORMAT"} <= set(names)


def test_the_shell_scripts_parse():
    for script in [*DEPLOY.glob("*.sh"), DEPLOY / "parlo-as"]:
        assert os.access(script, os.X_OK), f"{script.name} is not executable"
        done = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


@pytest.mark.postgres_only
async def test_a_backup_restores_to_the_same_rows(database_url, db, clock):
    """deploy/restore-check.sh: backup, restore into a scratch database, same rows and revision."""
    import asyncio

    from parlo.demo import load_demo

    await load_demo(db, clock())
    done = await asyncio.to_thread(subprocess.run, ["bash", str(DEPLOY / "restore-check.sh")],
                                   capture_output=True, text=True, timeout=300,
                                   env={**os.environ, "DATABASE_URL": database_url})
    assert done.returncode == 0, done.stderr
    assert "restore-check: ok" in done.stdout and "same rows" in done.stdout


def test_backup_refuses_sqlite_with_the_way_to_back_it_up(tmp_path):
    done = subprocess.run(["bash", str(DEPLOY / "backup.sh")], capture_output=True, text=True,
                          env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/parlo.db",
                               "PARLO_BACKUP_DIR": str(tmp_path)})
    assert done.returncode == 1 and "SQLite" in done.stderr
