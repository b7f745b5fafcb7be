"""The dashboard under a real browser: Parlo served by uvicorn on a free port, Debian's
Chromium driven by Playwright (``executable_path``; ``playwright install`` is never used).

The server runs in a background thread with its own event loop and engine on the test
database, its clock frozen at Friday 16 January 2026, 10:00 in Mexico City; the browser's
clock is frozen at the same instant, so "Hoy" is that Friday on both sides. Each test loads
the demo salon (``db`` empties every table afterwards).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest
import uvicorn

from parlo.clock import FrozenClock
from parlo.settings import Settings

#: Same instant as tests/conftest.py: Friday 16 January 2026, 10:00 in Mexico City.
FRIDAY_MORNING = datetime(2026, 1, 16, 16, 0, tzinfo=timezone.utc)

CHROMIUM = os.environ.get("PARLO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic", "--lang=es-MX",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
ADMIN_PASSWORD = "contraseña-de-prueba-e2e"


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "browser: drives Debian's Chromium through Playwright (CI installs it)")


def chromium_missing_reason() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium no está instalado en {CHROMIUM} (apt-get install chromium; .ci/run lo instala)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "falta el paquete playwright (pip install -e '.[test]')"
    return None


def pytest_collection_modifyitems(config, items) -> None:
    reason = chromium_missing_reason()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        return  # in CI a missing browser must fail loudly, not skip
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


class QuietQueue:
    """The WhatsApp work queue, muted: the outbox rows stay in the database for the tests to read."""

    async def conversation_waiting(self, conversation_id, organization_id=None) -> None:
        return None

    async def outbox_waiting(self, *, at=None) -> None:
        return None


class InFlight:
    """Counts requests the server is still working on, so a test can wait for quiet
    before the database is emptied (PostgreSQL's TRUNCATE deadlocks with a live transaction)."""

    def __init__(self, app) -> None:
        self.app = app
        self.active = 0

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        self.active += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.active -= 1

    def wait_until_idle(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self.active and time.monotonic() < deadline:
            time.sleep(0.02)


@dataclass
class LiveServer:
    url: str
    settings: Settings
    clock: FrozenClock
    in_flight: InFlight


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(database_url) -> Iterator[LiveServer]:
    """Parlo on a real socket, as `parlo serve` runs it (minus migrations: the run already migrated)."""
    from parlo.app import create_app
    from parlo.whatsapp_app import runtime_of

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    settings = Settings(
        _env_file=None, database_url=database_url, jwt_secret="e2e-secret-with-enough-entropy-0123456789",
        admin_password=ADMIN_PASSWORD, public_url=url, central_number="+525500000000", env="development",
        twilio_account_sid=None, twilio_auth_token=None, openai_api_key=None, redis_url=None,
    )
    clock = FrozenClock(FRIDAY_MORNING)
    app = create_app(settings, clock=clock, migrate=False)
    runtime_of(app.state.services).use_queue(QuietQueue())
    in_flight = InFlight(app)
    server = uvicorn.Server(uvicorn.Config(in_flight, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="parlo-e2e-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the e2e server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(url=url, settings=settings, clock=clock, in_flight=in_flight)
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[object]:
    reason = chromium_missing_reason()
    if reason is not None:
        pytest.fail(reason) if os.environ.get("CI") == "true" else pytest.skip(reason)
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
async def demo(db, live_server):
    """The demo salon (Barbería Don Carlos) loaded at the frozen Friday morning."""
    from parlo.demo import load_demo

    live_server.clock.set(FRIDAY_MORNING)
    org, _ = await load_demo(db, FRIDAY_MORNING)
    return org


#: The two screens issue 22 asks for: a laptop and a phone.
DESKTOP = (1280, 800)
PHONE = (390, 844)


async def open_page(browser, live_server: LiveServer, *, width: int = DESKTOP[0]):
    """A fresh browser profile (no session) at the given width, clock frozen like the server's."""
    context = await browser.new_context(
        viewport={"width": width, "height": DESKTOP[1] if width > 500 else PHONE[1]}, locale="es-MX",
        timezone_id="America/Mexico_City", base_url=live_server.url,
    )
    context.set_default_timeout(15_000)
    page = await context.new_page()
    await page.clock.set_fixed_time(FRIDAY_MORNING)
    page.problems = []  # console errors and uncaught exceptions, asserted empty by tests
    page.on("pageerror", lambda exc: page.problems.append(f"pageerror: {exc}"))
    return page


async def close_page(page, live_server: LiveServer) -> None:
    """Close the browser profile, then let the server finish what the page had asked for."""
    await page.context.close()
    await asyncio.to_thread(live_server.in_flight.wait_until_idle)


@pytest.fixture
async def page(db, browser, live_server) -> AsyncIterator[object]:
    """A browser page; it asks for ``db`` so it closes before the tables are emptied. The server's
    clock (shared by the whole run) starts at the frozen Friday again: a test that moved it must
    not move the next one's."""
    live_server.clock.set(FRIDAY_MORNING)
    page = await open_page(browser, live_server)
    try:
        yield page
    finally:
        await close_page(page, live_server)


@pytest.fixture
async def phone(db, browser, live_server) -> AsyncIterator[object]:
    live_server.clock.set(FRIDAY_MORNING)
    page = await open_page(browser, live_server, width=PHONE[0])
    try:
        yield page
    finally:
        await close_page(page, live_server)


async def screenshot(page, name: str) -> Path:
    """Keep a screenshot as a CI artifact: artifacts/screenshots/<name>-<width>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    path = SCREENSHOTS / f"{name}-{width}.png"
    await page.evaluate("window.scrollTo(0, 0)")
    await page.screenshot(path=str(path), full_page=True)
    return path



@pytest.fixture
async def owner_page(page, demo, db, live_server):
    """The owner, Carlos, signed in through a magic link and looking at Friday's agenda."""
    from playwright.async_api import expect

    from tests.dashboard.salon import magic_link

    await page.goto(await magic_link(db, live_server.url, now=FRIDAY_MORNING))
    await expect(page.get_by_role("heading", name="Viernes 16 de enero")).to_be_visible()
    return page


@pytest.fixture
async def api(demo, db, live_server):
    """The API as another client signed in as the owner (to change things behind the browser's back)."""
    from tests.dashboard.salon import Api, owner_token

    return Api(live_server.url, await owner_token(db, live_server.settings.jwt_secret.get_secret_value(), FRIDAY_MORNING))
