"""The web dashboard: ``/`` and ``/entrar`` serve the page, ``/panel/<version>/…`` its files.

The dashboard is plain ES modules and CSS shipped inside the package (no Node, no CDN,
no build step), and it talks to the server only through ``POST /graphql``.

Caching: the page itself is ``no-cache`` (it is tiny and names the current version);
every asset lives under a path that contains a hash of all the dashboard's files, so the
browser may keep it forever (``immutable``) and a new release changes every URL at once.
Relative ``import`` statements inside the modules inherit the versioned prefix for free.

Security: a strict Content-Security-Policy (same-origin scripts, styles and requests only,
no inline code, no framing), no referrer (the magic-link token must not leak from
``/entrar?token=…``), and the JavaScript never parses data as HTML.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from importlib import resources

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parlo.components import Component, Services

ASSET_PREFIX = "/panel"

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}

COMPRESSIBLE = {".js", ".css", ".svg", ".json", ".html"}

CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
}


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    content_type: str
    etag: str
    gzipped: bytes | None = None  # text assets, compressed once at start-up (phones on slow data)


@dataclass(frozen=True, slots=True)
class DashboardFiles:
    """Every file of the dashboard, read once at start-up: they are few and small."""

    assets: dict[str, Asset]
    version: str

    @classmethod
    def load(cls) -> DashboardFiles:
        root = resources.files("parlo") / "dashboard"
        assets: dict[str, Asset] = {}
        whole = hashlib.sha256()
        for path, body in sorted(_walk(root)):
            kind = CONTENT_TYPES.get(_suffix(path)) or mimetypes.guess_type(path)[0] or "application/octet-stream"
            digest = hashlib.sha256(body).hexdigest()
            squeezed = gzip.compress(body, compresslevel=9, mtime=0) if _suffix(path) in COMPRESSIBLE else None
            assets[path] = Asset(body=body, content_type=kind, etag=f'"{digest[:32]}"',
                                 gzipped=squeezed if squeezed and len(squeezed) < len(body) else None)
            whole.update(path.encode() + b"\0" + digest.encode())
        return cls(assets=assets, version=whole.hexdigest()[:12])

    def page(self) -> bytes:
        """index.html with the versioned asset prefix filled in, and every module preloaded
        (so a phone fetches them in parallel instead of discovering imports one level at a time)."""
        prefix = f"{ASSET_PREFIX}/{self.version}"
        preload = "\n  ".join(
            f'<link rel="modulepreload" href="{prefix}/{name}">'
            for name in sorted(self.assets) if name.endswith(".js") and name != "app.js"
        )
        template = self.assets["index.html"].body.decode()
        return template.replace("{{PRELOAD}}", preload).replace("{{ASSETS}}", prefix).encode()


def _walk(folder, prefix: str = ""):
    for entry in folder.iterdir():
        name = f"{prefix}{entry.name}"
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _walk(entry, f"{name}/")
        elif entry.is_file() and _suffix(entry.name) in CONTENT_TYPES:  # not README.md and the like
            yield name, entry.read_bytes()


def _suffix(path: str) -> str:
    dot = path.rfind(".")
    return path[dot:] if dot >= 0 else ""


def dashboard_component(services: Services) -> Component:
    files = DashboardFiles.load()
    page = files.page()
    page_etag = f'"{hashlib.sha256(page).hexdigest()[:32]}"'

    async def serve_page(request: Request) -> Response:
        headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache", "ETag": page_etag}
        if request.headers.get("if-none-match") == page_etag:
            return Response(status_code=304, headers=headers)
        return Response(page, media_type="text/html; charset=utf-8", headers=headers)

    async def serve_asset(request: Request) -> Response:
        version = request.path_params["version"]
        asset = files.assets.get(request.path_params["path"])
        if asset is None or request.path_params["path"] == "index.html":
            return Response("No encontrado", status_code=404, media_type="text/plain; charset=utf-8",
                            headers=SECURITY_HEADERS)
        # An old page asking for an old version gets today's file, but must not keep it.
        caching = "public, max-age=31536000, immutable" if version == files.version else "no-cache"
        headers = {**SECURITY_HEADERS, "Cache-Control": caching, "ETag": asset.etag, "Vary": "Accept-Encoding"}
        if request.headers.get("if-none-match") == asset.etag:
            return Response(status_code=304, headers=headers)
        if asset.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
            return Response(asset.gzipped, media_type=asset.content_type, headers={**headers, "Content-Encoding": "gzip"})
        return Response(asset.body, media_type=asset.content_type, headers=headers)

    return Component(routes=[
        Route("/", serve_page, methods=["GET", "HEAD"]),
        Route("/entrar", serve_page, methods=["GET", "HEAD"]),
        Route(ASSET_PREFIX + "/{version}/{path:path}", serve_asset, methods=["GET", "HEAD"]),
    ])
