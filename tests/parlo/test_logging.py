"""Every process logs the same way: each line says which request or task, and which organization."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import threading
import time

import httpx
from huey import MemoryHuey

from parlo.logs import ContextFilter, JsonFormatter, logging_config, redact, remember_secrets, track_tasks
from resolvers import log_context
from tests.parlo.cli_kit import FROZEN_CLOCK, clean_env, parlo, serving

SECRET = "jwt-secret-for-the-logging-test-0123456789"


def _ready_processes(text: str) -> set:
    return {line["process"] for line in _json_lines(text) if line.get("logger") == "parlo"
            and "ready" in line.get("message", "")}


def _json_lines(text: str) -> list[dict]:
    lines = []
    for raw in text.splitlines():
        try:
            lines.append(json.loads(raw))
        except ValueError:
            continue
    return lines


def test_two_uvicorn_workers_both_write_parlos_lines_with_request_and_organization(tmp_path):
    env = clean_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'parlo.db'}", PARLO_LOG_FORMAT="json",
                    PARLO_JWT_SECRET=SECRET, PARLO_CLOCK=FROZEN_CLOCK)
    assert parlo("demo", cwd=tmp_path, env=env).returncode == 0
    token = parlo("token", "--phone", "+525512345001", cwd=tmp_path, env=env).stdout.strip()
    with serving("--workers", "2", "--no-worker", cwd=tmp_path, env=env) as (port, proc):
        # Read the output as it comes: /health answers as soon as ONE worker is up, and on a busy
        # machine the other may still be importing when the requests below are done.
        seen: list[str] = []
        reader = threading.Thread(target=lambda: seen.extend(proc.stdout), daemon=True)
        reader.start()
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=10) as http:
            for n in range(12):
                http.get("/health", headers={"X-Request-ID": f"health-{n}"})
            answered = http.post("/graphql", json={"query": "{ me { __typename } }"},
                                 headers={"Authorization": f"Bearer {token}", "X-Request-ID": "who-am-i"})
            assert answered.headers["x-request-id"] == "who-am-i"
            http.get("/entrar?token=a-magic-link-token-that-must-not-be-logged")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(_ready_processes("".join(seen))) < 2:
            time.sleep(0.2)
        time.sleep(0.5)
        proc.terminate()
        proc.wait(timeout=40)
        reader.join(timeout=10)
        output = "".join(seen)
    lines = _json_lines(output)
    assert lines, output
    ready = [line for line in lines if line["logger"] == "parlo" and "ready" in line["message"]]
    assert len({line["process"] for line in ready}) == 2, output  # Parlo's own lines, from both workers
    access = {line["request_id"]: line for line in lines if line["logger"] == "uvicorn.access"}
    assert {f"health-{n}" for n in range(12)} <= set(access)
    assert access["who-am-i"]["organization_id"]  # the staff token's organization
    assert "a-magic-link-token" not in output and "token=***" in output
    assert SECRET not in output and token not in output


def test_a_huey_task_logs_with_its_task_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("parlo.test_task")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    huey = MemoryHuey("log-test", immediate=True)
    track_tasks(huey)

    @huey.task()
    def remind(org: str) -> None:
        log_context.bind_organization(org)
        logger.info("reminder sent")

    try:
        result = remind("3f0c1d7e-0000-4000-8000-000000000001")
        logger.info("after the task")
    finally:
        logger.removeHandler(handler)
    during, after = _json_lines(stream.getvalue())
    assert during["task_id"] == result.id and during["organization_id"].startswith("3f0c1d7e")
    assert after["task_id"] is None and after["organization_id"] is None


def test_secrets_and_credentials_never_reach_a_line():
    remember_secrets(["tw-auth-token-123456", "sk-live-openai-key-abcdefghijklmnop", None, "abc"])
    line = redact("auth tw-auth-token-123456 key sk-live-openai-key-abcdefghijklmnop "
                  "url postgresql://parlo:hunter22@db:5432/parlo link https://x.mx/entrar?token=abc.def&x=1 "
                  "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl")
    for leaked in ("tw-auth-token", "sk-live", "hunter22", "abc.def", "eyJ"):
        assert leaked not in line
    assert "token=***&x=1" in line and "parlo:***@db" in line and "Bearer ***" in line
    remember_secrets([])


def test_text_is_the_default_and_the_level_is_a_setting():
    config = logging_config("warning", "text")
    assert config["root"]["level"] == "WARNING"
    assert config["formatters"]["parlo"]["()"].endswith("TextFormatter")
    assert config["loggers"]["uvicorn.access"]["propagate"] is True


async def test_a_webhook_logs_its_request_and_the_salon_it_reached(client, settings, db, clock):
    from messaging.signatures import sign
    from parlo.demo import load_demo
    from tests.messaging.whatsapp_kit import twilio_form

    org, _ = await load_demo(db, clock())
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("parlo.whatsapp")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    try:
        form = twilio_form(sender="+5215599990001", to="+525587654321")
        signature = sign(settings.webhook_auth_token, settings.public_url + "/webhooks/twilio", form)
        response = await client.post("/webhooks/twilio", data=form,
                                     headers={"X-Twilio-Signature": signature, "X-Request-ID": "twilio-1"})
        assert response.status_code == 200
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
    stored = [line for line in _json_lines(stream.getvalue()) if "stored" in line["message"]]
    assert stored and stored[0]["request_id"] == "twilio-1" and stored[0]["organization_id"] == str(org.id)
