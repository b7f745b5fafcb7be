"""A fake of Twilio's media hosting, served in-process to the real download code (httpx).

Like Twilio: ``GET /2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media/{MediaSid}``
needs HTTP basic auth with the account's SID and auth token, and answers with a redirect
to a signed URL on another host (its storage), which serves the bytes. What each request
carried is kept, so a test can assert the credentials went to Twilio and not to storage.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN

API_BASE = "http://fake-twilio-api.test"
STORAGE = "http://fake-twilio-media.test"


def media_url(media_sid: str = "ME0001", message_sid: str = "MM0001") -> str:
    """What Twilio puts in ``MediaUrl0``."""
    return f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{message_sid}/Media/{media_sid}"


@dataclass
class Media:
    body: bytes
    content_type: str = "audio/ogg"
    status: int = 200
    #: Send no Content-Length (chunked), so only counting the bytes can find a large file.
    chunked: bool = False


@dataclass
class FakeTwilioMedia:
    media: dict[str, Media] = field(default_factory=dict)
    #: (host, path, Authorization header or None) of every request.
    seen: list[tuple[str, str, str | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.app = Starlette(routes=[
            Route("/2010-04-01/Accounts/{account}/Messages/{message}/Media/{sid}", self._api),
            Route("/blob/{sid}", self._blob),
        ])

    def add(self, sid: str, body: bytes, **options) -> str:
        self.media[sid] = Media(body, **options)
        return media_url(sid)

    def http_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app))

    async def _api(self, request: Request) -> Response:
        self.seen.append((request.url.hostname or "", request.url.path, request.headers.get("authorization")))
        expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        if request.headers.get("authorization") != expected or request.path_params["account"] != ACCOUNT_SID:
            return PlainTextResponse("Authenticate", status_code=401)
        media = self.media.get(request.path_params["sid"])
        if media is None:
            return PlainTextResponse("Not Found", status_code=404)
        if media.status != 200:
            return PlainTextResponse("Service Unavailable", status_code=media.status)
        return RedirectResponse(f"{STORAGE}/blob/{request.path_params['sid']}?Expires=1&Signature=abc", status_code=307)

    async def _blob(self, request: Request) -> Response:
        self.seen.append((request.url.hostname or "", request.url.path, request.headers.get("authorization")))
        media = self.media[request.path_params["sid"]]
        if media.chunked:
            async def chunks():
                for start in range(0, len(media.body), 1 << 20):
                    yield media.body[start:start + (1 << 20)]
            return StreamingResponse(chunks(), media_type=media.content_type)
        return Response(media.body, media_type=media.content_type)
