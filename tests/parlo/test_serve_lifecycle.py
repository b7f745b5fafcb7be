"""`parlo serve` as systemd and containers run it: signed links to where it listens, a graceful SIGTERM."""

from __future__ import annotations

import json
import signal
import socket
import time

import httpx
from sqlalchemy import select

from parlo.cli import local_public_url
from storage import OutboundMessage
from tests.parlo.cli_kit import FROZEN_CLOCK, clean_env, parlo, serving
from tests.parlo.test_init import _read


def test_sigterm_lets_the_request_in_flight_finish_then_exits_cleanly(tmp_path):
    env = clean_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'parlo.db'}")
    with serving(cwd=tmp_path, env=env) as (port, proc):
        body = json.dumps({"query": "{ __typename }"}).encode()
        with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
            conn.sendall(b"POST /graphql HTTP/1.1\r\nHost: parlo\r\nContent-Type: application/json\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body[:5])
            time.sleep(0.5)
            proc.send_signal(signal.SIGTERM)  # the request is half-way in
            time.sleep(1.0)
            assert proc.poll() is None  # still serving what it started
            conn.sendall(body[5:])
            answer = b""
            while b"__typename" not in answer:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 200"), answer
        assert b'"Query"' in answer
        output = proc.communicate(timeout=40)[0]
        # uvicorn re-raises the signal once it has stopped cleanly: systemd and Docker count that as a clean stop.
        assert proc.returncode in (0, -signal.SIGTERM), output
        assert "Shutting down" in output and "Application shutdown complete" in output


def test_magic_links_point_where_the_server_listens_without_a_public_url(tmp_path):
    env = clean_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'parlo.db'}", PARLO_CLOCK=FROZEN_CLOCK)
    assert parlo("demo", cwd=tmp_path, env=env).returncode == 0
    with serving(cwd=tmp_path, env=env) as (port, proc):
        asked = httpx.post(f"http://127.0.0.1:{port}/graphql", timeout=20, json={
            "query": 'mutation { requestMagicLink(phone: "+525512345001") { __typename } }'})
        assert asked.status_code == 200, asked.text
        deadline = time.monotonic() + 30  # the embedded worker sends it (logged: no Twilio here)
        while time.monotonic() < deadline and not _read(f"sqlite+aiosqlite:///{tmp_path / 'parlo.db'}", select(
                OutboundMessage.sent_at).where(OutboundMessage.template_name == "magic_link",
                                               OutboundMessage.sent_at.is_not(None))):
            time.sleep(0.5)
        proc.terminate()
        output = proc.communicate(timeout=40)[0]
    # The link as it left, in the log line of the message (its token masked, like every credential).
    assert f"http://127.0.0.1:{port}/entrar?token=***" in output, output


def test_parlo_token_link_signs_in_a_browser_once(tmp_path):
    env = clean_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'parlo.db'}", PARLO_CLOCK=FROZEN_CLOCK)
    assert parlo("demo", cwd=tmp_path, env=env).returncode == 0
    with serving("--no-worker", cwd=tmp_path, env=env) as (port, _):
        link = parlo("token", "--phone", "55 1234 5001", "--link", "--url", f"http://127.0.0.1:{port}",
                     cwd=tmp_path, env=env)
        assert link.returncode == 0, link.stderr
        url = link.stdout.strip()
        assert url.startswith(f"http://127.0.0.1:{port}/entrar?token=")
        page = httpx.get(url, timeout=20)
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        token = url.split("token=", 1)[1]
        redeem = {"query": "mutation($t: String!) { verifyMagicLink(token: $t) { __typename "
                           "... on StaffSession { staff { name } } } }", "variables": {"t": token}}
        first = httpx.post(f"http://127.0.0.1:{port}/graphql", json=redeem, timeout=20).json()
        second = httpx.post(f"http://127.0.0.1:{port}/graphql", json=redeem, timeout=20).json()
    assert first["data"]["verifyMagicLink"] == {"__typename": "StaffSession", "staff": {"name": "Carlos Mendoza"}}
    assert second["data"]["verifyMagicLink"]["__typename"] != "StaffSession"


def test_the_local_public_url_is_reachable_from_this_machine():
    assert local_public_url("0.0.0.0", 9000) == "http://127.0.0.1:9000"
    assert local_public_url("192.168.1.20", 8000) == "http://192.168.1.20:8000"
    assert local_public_url("::1", 8000) == "http://[::1]:8000"


def test_chat_against_a_running_server_on_another_port_prints_the_replies(tmp_path):
    env = clean_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'parlo.db'}", PARLO_CLOCK=FROZEN_CLOCK)
    assert parlo("demo", cwd=tmp_path, env=env).returncode == 0
    with serving(cwd=tmp_path, env=env) as (port, _):
        chat = parlo("chat", "--url", f"http://127.0.0.1:{port}", "--as", "+5215599990001", "-m", "Hola",
                     cwd=tmp_path, env=env)
    assert chat.returncode == 0, chat.stderr
    assert "\nparlo › " in chat.stdout, chat.stdout


def test_chat_says_why_nothing_answers_when_no_worker_runs(tmp_path):
    redis_url = "redis://127.0.0.1:6379/11"  # live-salon's own Redis database
    env = clean_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'parlo.db'}", PARLO_CLOCK=FROZEN_CLOCK,
                    REDIS_URL=redis_url)
    assert parlo("demo", cwd=tmp_path, env=env).returncode == 0
    with serving(cwd=tmp_path, env=env) as (port, _):  # REDIS_URL: the queue waits for `parlo worker`
        chat = parlo("chat", "--url", f"http://127.0.0.1:{port}", "--as", "+5215599990001", "-m", "Hola",
                     "--wait", "3", cwd=tmp_path, env=env)
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    assert chat.returncode == 0, chat.stderr
    assert "nadie lo ha procesado" in chat.stdout and "parlo worker" in chat.stdout, chat.stdout
