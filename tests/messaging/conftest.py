"""Fixtures for the WhatsApp tests: a fake Twilio and the app wired to it in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio


@pytest.fixture
def fake_twilio() -> FakeTwilio:
    return FakeTwilio()


@pytest.fixture
def twilio_settings(settings):
    """The shared test settings with Twilio configured (the fake answers at the HTTP boundary)."""
    return settings.model_copy(update={"twilio_account_sid": ACCOUNT_SID,
                                       "twilio_auth_token": __import__("pydantic").SecretStr(AUTH_TOKEN)})


@pytest.fixture
def whatsapp_app(twilio_settings, db, fake_twilio, monkeypatch):
    """Build the whole app over HTTP with a given clock, Twilio faked, work on an inline queue."""
    import parlo.tasks
    from parlo.app import create_app
    from parlo.whatsapp_app import runtime_of
    from tests.messaging.whatsapp_kit import wire

    monkeypatch.setattr(parlo.tasks, "TWILIO_HTTP_CLIENT", fake_twilio)
    monkeypatch.setattr(parlo.tasks, "TWILIO_ASYNC_HTTP_CLIENT", fake_twilio.async_client)

    @asynccontextmanager
    async def build(clock, engine=None) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(twilio_settings, clock=clock, migrate=False)
        services = app.state.services
        messaging = wire(services.db, clock, twilio=fake_twilio, engine=engine)
        runtime_of(services).use_queue(messaging.queue)
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
                http.app = app  # type: ignore[attr-defined]
                http.messaging = messaging  # type: ignore[attr-defined]
                try:
                    yield http
                finally:
                    await messaging.queue.drain()

    return build


@pytest.fixture
async def whatsapp(whatsapp_app, clock) -> AsyncIterator[httpx.AsyncClient]:
    """The app on the shared frozen clock (``http.messaging`` is its wired messaging)."""
    async with whatsapp_app(clock) as http:
        yield http
