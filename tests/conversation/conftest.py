"""Fixtures: the whole app over HTTP with Twilio faked and a conversation engine of ours."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pydantic
import pytest

from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio


@pytest.fixture
def fake_twilio() -> FakeTwilio:
    return FakeTwilio()


@pytest.fixture
def app_with_engine(settings, db, fake_twilio, monkeypatch):
    """``async with app_with_engine(clock, engine, voice=None) as http`` — ``http.messaging`` is the wired
    Messaging (``voice``: a :class:`messaging.voice.VoiceNotes`, None = voice notes not configured)."""
    import parlo.tasks
    from parlo.app import create_app
    from parlo.whatsapp_app import runtime_of
    from tests.messaging.whatsapp_kit import wire

    monkeypatch.setattr(parlo.tasks, "TWILIO_HTTP_CLIENT", fake_twilio)
    monkeypatch.setattr(parlo.tasks, "TWILIO_ASYNC_HTTP_CLIENT", fake_twilio.async_client)
    configured = settings.model_copy(update={"twilio_account_sid": ACCOUNT_SID,
                                             "twilio_auth_token": pydantic.SecretStr(AUTH_TOKEN)})

    @asynccontextmanager
    async def build(clock, engine, *, voice=None) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(configured, clock=clock, migrate=False)
        services = app.state.services
        messaging = wire(services.db, clock, twilio=fake_twilio, engine=engine, voice=voice)
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
async def rules_app(app_with_engine, clock) -> AsyncIterator[httpx.AsyncClient]:
    from messaging.conversation.rules import RuleEngine

    async with app_with_engine(clock, RuleEngine()) as http:
        yield http


@pytest.fixture
def fake():
    """A scripted fake OpenAI (chat completions and audio transcriptions), served in-process."""
    from tests.conversation.fake_openai import FakeOpenAI

    return FakeOpenAI()


@pytest.fixture
def llm_app(app_with_engine, clock, fake):
    """``async with llm_app(**build_engine options) as http``: the LLM engine on the fake OpenAI (no retries)."""
    from messaging.conversation.build import build_engine
    from tests.conversation.fake_openai import BASE_URL

    def build(**options):
        engine = build_engine("sk-test", BASE_URL, "gpt-4.1", http_client=fake.http_client(),
                              max_retries=options.pop("max_retries", 0), **options)
        return app_with_engine(clock, engine)
    return build
