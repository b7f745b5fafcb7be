"""Security headers on every response, whatever route wrote it.

A route that sets its own (the dashboard's page has a Content-Security-Policy for its
scripts) keeps them; every other response gets the defaults below. JSON and plain-text
answers may load nothing and be framed by nobody; an HTML page without its own policy
(GraphiQL in development) is only kept out of frames. Responses of the API are never
cached: they carry one person's agenda. HSTS only in production, which is https-only.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COMMON = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
PAGE_POLICY = "frame-ancestors 'none'"
HSTS = "max-age=63072000; includeSubDomains"
#: Paths whose answers are one person's data: never stored by a browser or a proxy.
PRIVATE_PREFIXES = ("/graphql", "/webhooks/")


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, production: bool) -> None:
        self.app = app
        self.production = production

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = scope.get("path", "").startswith(PRIVATE_PREFIXES)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in COMMON.items():
                    headers.setdefault(name, value)
                html = headers.get("content-type", "").startswith("text/html")
                headers.setdefault("content-security-policy", PAGE_POLICY if html else API_POLICY)
                if private:
                    headers.setdefault("cache-control", "no-store")
                if self.production:
                    headers.setdefault("strict-transport-security", HSTS)
            await send(message)

        await self.app(scope, receive, with_headers)
