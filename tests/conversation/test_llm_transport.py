"""The production chat client (openai's httpx2 interface over aiohttp) against a real HTTP server.

The other LLM tests inject an in-process httpx2 client (``FakeOpenAI.http_client``); this
is what a worker sends with: a loopback server that answers, fails (500, 429), takes too
long, or is not there. Each failure must still reach the engine as the ``openai`` error the
library raises over httpx2, after the library's own retries, since the fallback and the
circuit breaker are built on them.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import openai
import pytest
from aiohttp import web

from messaging.conversation.build import build_engine
from messaging.conversation.tools import Offer

ANSWER = {"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "gpt-4.1",
          "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "¡Claro!"}}],
          "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
MESSAGES = [{"role": "system", "content": "Eres Parlo."}, {"role": "user", "content": "¿tienes lugar mañana?"}]
NO_TOOLS = Offer((), {}, [])


@dataclass
class Model:
    """A loopback OpenAI: answers each chat completion as ``mode`` says, after ``delay`` seconds."""

    base_url: str = ""
    mode: str = "answer"
    delay: float = 0.0
    bodies: list[bytes] = field(default_factory=list)
    #: The client's port of each request's connection: the same one twice is a reused connection.
    connections: list[int] = field(default_factory=list)

    async def complete(self, request: web.Request) -> web.Response:
        self.bodies.append(await request.read())
        self.connections.append(request.transport.get_extra_info("peername")[1])
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.mode == "answer":
            return web.json_response(ANSWER)
        status = {"overloaded": 500, "rate limited": 429}[self.mode]
        # retry-after-ms: the library waits that long before its retry (instead of ~0.5-1 s)
        return web.json_response({"error": {"message": self.mode, "type": "server_error"}}, status=status,
                                 headers={"retry-after-ms": "10"})


@pytest.fixture
async def model() -> AsyncIterator[Model]:
    fake = Model()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", fake.complete)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.base_url = f"http://127.0.0.1:{runner.addresses[0][1]}/v1"
    try:
        yield fake
    finally:
        await runner.cleanup()


def _llm(base_url: str, **options):
    return build_engine("sk-test", base_url, "gpt-4.1", **options).primary


def _refused_port() -> int:
    with socket.socket() as s:  # bound, never listening: a connection to it is refused
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_the_production_engine_sends_over_aiohttp_and_keeps_its_connection(model):
    llm = _llm(model.base_url, max_retries=0)
    assert isinstance(llm.client._client, openai.DefaultAioHttpClient)
    try:
        for _ in range(3):
            answer = await llm._complete(MESSAGES, NO_TOOLS)
            assert answer is not None and answer.content == "¡Claro!" and not answer.calls
    finally:
        await llm.aclose()
    assert b'"messages":[{"role":"system"' in model.bodies[0]
    assert len(model.connections) == 3 and len(set(model.connections)) == 1  # one connection, kept alive
    assert llm.client._client.is_closed


async def test_a_test_client_given_to_the_engine_is_the_one_it_uses():
    import httpx2

    given = httpx2.AsyncClient(transport=httpx2.MockTransport(lambda request: httpx2.Response(200, json=ANSWER)))
    llm = _llm("http://fake-openai.test/v1", http_client=given, max_retries=0)
    assert llm.client._client is given
    assert (await llm._complete(MESSAGES, NO_TOOLS)).content == "¡Claro!"
    await llm.aclose()


@pytest.mark.parametrize("mode, error", [("overloaded", openai.InternalServerError),
                                         ("rate limited", openai.RateLimitError)])
async def test_an_openai_error_status_is_retried_then_raised_as_the_libraries_error(model, mode, error):
    model.mode = mode
    llm = _llm(model.base_url, max_retries=1)
    try:
        with pytest.raises(error):
            await llm._complete(MESSAGES, NO_TOOLS)
    finally:
        await llm.aclose()
    assert len(model.bodies) == 2  # the first try and the library's one retry


async def test_a_model_slower_than_the_request_timeout_is_a_timeout_after_the_retry(model):
    model.delay = 5.0
    llm = _llm(model.base_url, max_retries=1, request_timeout=0.3)
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        with pytest.raises(openai.APITimeoutError):
            await llm._complete(MESSAGES, NO_TOOLS)
    finally:
        await llm.aclose()
    assert len(model.bodies) == 2
    assert loop.time() - started < 4.0  # two 0.3 s tries and the back-off, not the model's 5 s


async def test_no_server_is_a_connection_error_and_the_log_says_refused():
    """httpx2 raised ``ConnectError`` (``APIConnectionError``); the aiohttp adapter maps a refused
    connection to ``ConnectTimeout``, so openai says ``APITimeoutError`` (a subclass: retried
    and counted the same). What the engine logs names the refusal underneath."""
    from messaging.conversation.llm import _failure

    llm = _llm(f"http://127.0.0.1:{_refused_port()}/v1", max_retries=1)
    try:
        with pytest.raises(openai.APIConnectionError) as raised:
            await llm._complete(MESSAGES, NO_TOOLS)
    finally:
        await llm.aclose()
    told = _failure(raised.value)
    assert told.startswith(f"{type(raised.value).__name__}: ") and "(ConnectionRefusedError: " in told


async def test_a_request_cut_by_the_turn_deadline_leaves_the_client_usable(model):
    """The fallback cancels a request the turn has no time for; the next turn's request still goes."""
    model.delay = 5.0
    llm = _llm(model.base_url, max_retries=0)
    try:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(llm._complete(MESSAGES, NO_TOOLS), 0.2)
        model.delay = 0.0
        assert (await llm._complete(MESSAGES, NO_TOOLS)).content == "¡Claro!"
    finally:
        await llm.aclose()
