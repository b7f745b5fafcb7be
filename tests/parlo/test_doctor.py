"""`parlo doctor`: each check says ok, aviso or problema with the fix; any problem exits 1.

Every problem is injected for real: a settings mistake, a database not migrated, Redis not
listening, no worker heartbeat, Twilio refusing the credentials (a fake Twilio at the HTTP
boundary, the real client), a number that is not the account's, a webhook pointing
elsewhere, template SIDs that are not, OpenAI refusing the key or the model (a local HTTP
server speaking OpenAI's API to the real client).
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import parlo.tasks as parlo_tasks
from parlo.doctor import OK, PROBLEM, WARNING, diagnose
from parlo.heartbeat import Heart
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio
from tests.parlo.cli_kit import clean_env, free_port, parlo

OPENAI_KEY = "sk-test-doctor-0123456789abcdef"


@contextmanager
def fake_openai(models=("gpt-4.1",)) -> Iterator[str]:
    """OpenAI's models endpoint on a local port: 401 for another key, 404 for another model."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            model = self.path.rsplit("/", 1)[-1]
            if self.headers.get("Authorization") != f"Bearer {OPENAI_KEY}":
                status, body = 401, {"error": {"message": "Incorrect API key", "type": "invalid_request_error",
                                               "code": "invalid_api_key"}}
            elif model not in models:
                status, body = 404, {"error": {"message": f"The model `{model}` does not exist",
                                               "type": "invalid_request_error", "code": "model_not_found"}}
            else:
                status, body = 200, {"id": model, "object": "model", "created": 0, "owned_by": "openai"}
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def _beat(settings) -> None:
    """A worker's heartbeat, written by the same code every worker runs."""
    heart = Heart(settings, role="worker", stats=lambda: {"in_flight": 0, "waiting": 0, "runs": 3, "concurrency": 64})
    asyncio.run(heart.beat())


def _by_name(checks) -> dict[str, object]:
    return {check.name: check for check in checks}


@pytest.fixture
def healthy(settings, db, tmp_path):
    """Settings of a ready installation: migrated database, a live worker, Twilio and OpenAI accepted."""
    twilio = FakeTwilio(credentials=(ACCOUNT_SID, AUTH_TOKEN))
    twilio.numbers.append({"sid": "PN1", "phone_number": "+525500000000", "friendly_name": "central",
                           "sms_url": "https://parlo.test/webhooks/twilio", "account_sid": ACCOUNT_SID})
    with fake_openai() as openai_url:
        ready = settings.model_copy(update={
            "twilio_account_sid": ACCOUNT_SID, "twilio_auth_token": settings.jwt_secret.__class__(AUTH_TOKEN),
            "openai_api_key": settings.jwt_secret.__class__(OPENAI_KEY), "openai_base_url": openai_url,
            "twilio_content_sids": {}, "database_url": settings.database_url})
        previous, parlo_tasks.TWILIO_HTTP_CLIENT = parlo_tasks.TWILIO_HTTP_CLIENT, twilio
        try:
            _beat(ready)
            yield ready, twilio
        finally:
            parlo_tasks.TWILIO_HTTP_CLIENT = previous
            from parlo.heartbeat import heartbeat_dir

            for file in heartbeat_dir(ready).glob("*.json"):
                file.unlink()


async def test_a_ready_installation_has_no_problem(healthy):
    settings, _ = healthy
    checks = _by_name(await diagnose(settings))
    assert {c.status for c in checks.values()} <= {OK, WARNING}, checks
    assert checks["Base de datos"].status == OK and checks["Worker"].status == OK
    assert checks["Twilio"].status == OK and checks["OpenAI"].status == OK
    assert "https://parlo.test/webhooks/twilio" in checks["URL pública"].detail
    assert checks["Plantillas de WhatsApp"].status == WARNING  # none approved yet: worth knowing, not broken


async def test_twilio_refusing_the_credentials_is_a_problem_with_the_fix(healthy):
    settings, twilio = healthy
    twilio.credentials = (ACCOUNT_SID, "another-token")
    check = _by_name(await diagnose(settings))["Twilio"]
    assert check.status == PROBLEM and "rechazó las credenciales" in check.detail
    assert "TWILIO_AUTH_TOKEN" in check.fix


async def test_a_salon_number_twilio_does_not_know_and_a_webhook_elsewhere(healthy, db, clock):
    from parlo.demo import load_demo

    settings, twilio = healthy
    await load_demo(db, clock())  # its number +525587654321 is not in the fake account
    checks = _by_name(await diagnose(settings))
    salon = checks["WhatsApp de Barbería Don Carlos"]
    assert salon.status == PROBLEM and "no es un número ni un remitente" in salon.detail
    twilio.senders.append({"sid": "XE1", "sender_id": "whatsapp:+525587654321", "status": "ONLINE",
                           "webhook": {"callback_url": "https://old.example.com/hook"}})
    salon = _by_name(await diagnose(settings))["WhatsApp de Barbería Don Carlos"]
    assert salon.status == PROBLEM and "https://old.example.com/hook" in salon.detail
    assert "https://parlo.test/webhooks/twilio" in salon.fix
    twilio.senders[0]["webhook"]["callback_url"] = "https://parlo.test/webhooks/twilio"
    assert _by_name(await diagnose(settings))["WhatsApp de Barbería Don Carlos"].status == OK


async def test_openai_refusing_the_key_or_the_model(healthy):
    settings, _ = healthy
    wrong_key = settings.model_copy(update={"openai_api_key": settings.jwt_secret.__class__("sk-wrong-key-000000000")})
    check = _by_name(await diagnose(wrong_key))["OpenAI"]
    assert check.status == PROBLEM and "OPENAI_API_KEY" in check.detail
    wrong_model = settings.model_copy(update={"openai_model": "gpt-nonexistent"})
    check = _by_name(await diagnose(wrong_model))["OpenAI"]
    assert check.status == PROBLEM and "gpt-nonexistent" in check.detail and "OPENAI_MODEL" in check.fix


async def test_no_worker_alive_is_a_problem(settings, db):
    from parlo.heartbeat import heartbeat_dir

    for file in heartbeat_dir(settings).glob("*.json"):
        file.unlink()
    check = _by_name(await diagnose(settings))["Worker"]
    assert check.status == PROBLEM and "ningún worker está vivo" in check.detail and "parlo" in check.fix


async def test_template_sids_that_are_not_templates_or_not_sids(healthy):
    settings, _ = healthy
    wrong = settings.model_copy(update={"twilio_content_sids": {"recordatorio": "HX1", "magic_link": "abc"}})
    check = _by_name(await diagnose(wrong))["Plantillas de WhatsApp"]
    assert check.status == PROBLEM and "recordatorio" in check.detail and "magic_link" in check.detail


@pytest.mark.parametrize("url, words", [
    ("ftp://parlo.test", "no es una URL completa"),
    ("https://parlo.test/api/", "trae ruta"),
])
async def test_a_public_url_of_the_wrong_form(settings, db, url, words):
    check = _by_name(await diagnose(settings.model_copy(update={"public_url": url})))["URL pública"]
    assert check.status == PROBLEM and words in check.detail


async def test_twilio_cannot_reach_a_local_public_url(healthy):
    settings, _ = healthy
    check = _by_name(await diagnose(settings.model_copy(update={"public_url": "http://127.0.0.1:8000"})))
    assert check["URL pública"].status == PROBLEM and "túnel" in check["URL pública"].fix


async def test_redis_not_listening(settings, db):
    down = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/11"})
    checks = _by_name(await diagnose(down))
    assert checks["Cola"].status == PROBLEM and "no pude conectar con Redis" in checks["Cola"].detail
    assert checks["Worker"].status == PROBLEM


def test_doctor_exits_1_on_a_problem_and_0_when_ready(tmp_path, dialect):
    if dialect == "postgresql":
        pytest.skip("the command on a fresh SQLite folder; the checks run on both databases above")
    from parlo.settings import Settings

    url = f"sqlite+aiosqlite:///{tmp_path / 'parlo.db'}"
    env = clean_env(DATABASE_URL=url)
    unmigrated = parlo("doctor", cwd=tmp_path, env=env)
    assert unmigrated.returncode == 1
    assert "problema" in unmigrated.stdout and "Corre `parlo migrate`" in unmigrated.stdout
    assert parlo("migrate", cwd=tmp_path, env=env).returncode == 0
    _beat(Settings(_env_file=None, database_url=url))
    ready = parlo("doctor", "--json", cwd=tmp_path, env=env)
    assert ready.returncode == 0, ready.stdout
    statuses = {c["name"]: c["status"] for c in json.loads(ready.stdout)}
    assert statuses["Base de datos"] == "ok" and statuses["Worker"] == "ok"
    assert statuses["Twilio"] == "aviso"  # development without Twilio: works, says so
    broken = parlo("doctor", cwd=tmp_path, env={**env, "PARLO_FREE_MONTHLY_BOOKINGS": "muchas"})
    assert broken.returncode == 1 and "PARLO_FREE_MONTHLY_BOOKINGS=«muchas»" in broken.stdout
