"""Run uvicorn, with two fixes: one for several worker processes, one for the collector.

With ``--workers N`` uvicorn binds the listening socket itself, with protocol 0; asyncio
only turns on TCP_NODELAY for sockets whose protocol is IPPROTO_TCP, so every accepted
connection ran with Nagle's algorithm. A response written in two pieces (headers, then
body) then waited for the client's delayed ACK: +40 ms on every request over a kept-alive
connection (measured: 45 ms vs 2.8 ms for /health). Accepted sockets inherit TCP_NODELAY
from the listening socket on Linux, so we set it there.

Each worker builds the app and then freezes what it holds so far (``gc.freeze``): the
modules, the schema and the settings live as long as the process, yet every full
collection walked them all (~180,000 objects, ~90 ms, every few hundred requests). Frozen,
the collector only looks at what requests make.
"""

from __future__ import annotations

import gc
import socket

import uvicorn
from starlette.applications import Starlette
from uvicorn.supervisors import Multiprocess

from parlo.app import create_app

APP = "parlo.server:serving_app"


def serving_app() -> Starlette:
    """The app as `parlo serve` runs it in each worker: built, then its long-lived objects frozen."""
    app = create_app()
    gc.freeze()
    return app


def run_server(*, host: str, port: int, workers: int) -> None:
    config = uvicorn.Config(APP, factory=True, host=host, port=port, workers=workers,
                            proxy_headers=True, log_level="info")
    if config.workers <= 1:
        uvicorn.Server(config).run()
        return
    sock = config.bind_socket()
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        Multiprocess(config, sockets=[sock]).run()
    except KeyboardInterrupt:
        pass
