"""A :class:`FakeTwilio` account served over real HTTP on 127.0.0.1 (aiohttp), answering after ``delay``.

The other tests hand twilio's client the fake as its ``http_client``; this one lets the
sender's own aiohttp client run too (its session, timeout, Basic auth on the wire):
:func:`to_server` is the production client with only the host swapped for this server's.
Also what ``bench/twilio_send.py`` sends to: ``python -m tests.fakes.twilio_server --port P``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
from urllib.parse import urlsplit

from aiohttp import web

from messaging.senders import LoopBoundTwilioHttpClient
from tests.fakes.twilio import FakeTwilio


class FakeTwilioServer:
    def __init__(self, account: FakeTwilio | None = None, *, delay: float = 0.0) -> None:
        self.account = account or FakeTwilio()
        self.delay = delay
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def _answer(self, request: web.Request) -> web.Response:
        if self.delay:
            await asyncio.sleep(self.delay)
        auth = None
        if request.headers.get("Authorization", "").startswith("Basic "):
            user, _, password = base64.b64decode(request.headers["Authorization"][6:]).decode().partition(":")
            auth = (user, password)
        data = dict(await request.post()) if request.method == "POST" else {}
        answer = self.account.request(request.method, str(request.url), params=dict(request.query), data=data,
                                      auth=auth)
        return web.Response(status=answer.status_code, text=answer.text, content_type="application/json")

    async def start(self, port: int = 0) -> "FakeTwilioServer":
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._answer)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> "FakeTwilioServer":
        return await self.start()

    async def __aexit__(self, *exc) -> None:
        await self.stop()


def to_server(base_url: str, *, timeout: float) -> LoopBoundTwilioHttpClient:
    """The sender's production HTTP client, sending to ``base_url`` instead of api.twilio.com."""

    class ToServer(LoopBoundTwilioHttpClient):
        async def request(self, method, url, *args, **kwargs):
            parts = urlsplit(url)
            return await super().request(method, f"{base_url}{parts.path}{'?' + parts.query if parts.query else ''}",
                                         *args, **kwargs)

    return ToServer(timeout=timeout)


async def _serve(port: int, delay: float) -> None:
    server = await FakeTwilioServer(delay=delay).start(port)
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    asyncio.run(_serve(args.port, args.delay))
