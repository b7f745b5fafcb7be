"""GraphiQL served from the package: works offline and under a strict Content-Security-Policy.

Strawberry's own GraphiQL page loads React and GraphiQL from a CDN (blank without internet,
and refused by a CSP that allows only this server). Here the same pinned builds
(``parlo/graphiql/VENDORED.md``) are package files: ``GET /graphql`` from a browser gets
our page, its scripts come from ``/graphiql/<version>/…`` (cached for good: the version is
a hash of the files), and the page has no inline code. Only when introspection is on
(development, or ``PARLO_GRAPHQL_INTROSPECTION=true``).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from dataclasses import dataclass
from importlib import resources

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from parlo.components import Component

ASSET_PREFIX = "/graphiql"
#: package → version of what ``parlo/graphiql/`` holds; the test compares the SHA-384 hashes.
PINNED = {"graphiql": "3.8.3", "react": "18.2.0", "react-dom": "18.2.0"}
SERVED = ("graphiql.min.js", "graphiql.min.css", "react.production.min.js", "react-dom.production.min.js",
          "graphiql-parlo.js", "graphiql-parlo.css")
CONTENT_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
])
SECURITY_HEADERS = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


@dataclass(frozen=True, slots=True)
class _Asset:
    body: bytes
    gzipped: bytes
    content_type: str
    integrity: str


def sri(body: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()


class GraphiQL:
    """The page and its files, read once; ``wants(scope)`` says whether a request is for the page."""

    def __init__(self, endpoint: str = "/graphql") -> None:
        folder = resources.files("parlo") / "graphiql"
        self.assets: dict[str, _Asset] = {}
        whole = hashlib.sha256()
        for name in SERVED:
            body = (folder / name).read_bytes()
            self.assets[name] = _Asset(body, gzip.compress(body, compresslevel=9, mtime=0),
                                       CONTENT_TYPES[name[name.rfind("."):]], sri(body))
            whole.update(name.encode() + b"\0" + hashlib.sha256(body).digest())
        self.version = whole.hexdigest()[:12]
        page = (folder / "index.html").read_text(encoding="utf-8")
        page = page.replace("{{ASSETS}}", f"{ASSET_PREFIX}/{self.version}").replace("{{ENDPOINT}}", endpoint)
        for name, asset in self.assets.items():
            page = page.replace("{{SRI:" + name + "}}", asset.integrity)
        self.page = page.encode()

    @staticmethod
    def wants(scope: Scope) -> bool:
        """A browser opening /graphql: a GET that accepts HTML and carries no query to run."""
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return False
        accept = next((v for k, v in scope.get("headers", ()) if k == b"accept"), b"").decode("latin-1")
        return "text/html" in accept and b"query=" not in scope.get("query_string", b"")

    async def serve_page(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = Response(self.page, media_type="text/html; charset=utf-8",
                            headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})
        await response(scope, receive, send)

    async def serve_asset(self, request: Request) -> Response:
        asset = self.assets.get(request.path_params["name"])
        if asset is None:
            return Response("No encontrado", status_code=404, media_type="text/plain; charset=utf-8",
                            headers=SECURITY_HEADERS)
        current = request.path_params["version"] == self.version
        headers = {**SECURITY_HEADERS, "Vary": "Accept-Encoding",
                   "Cache-Control": "public, max-age=31536000, immutable" if current else "no-cache"}
        if "gzip" in request.headers.get("accept-encoding", ""):
            return Response(asset.gzipped, media_type=asset.content_type,
                            headers={**headers, "Content-Encoding": "gzip"})
        return Response(asset.body, media_type=asset.content_type, headers=headers)


def graphiql_component(ide: GraphiQL) -> Component:
    return Component(routes=[Route(ASSET_PREFIX + "/{version}/{name}", ide.serve_asset, methods=["GET", "HEAD"])])
