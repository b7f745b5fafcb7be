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

Each worker also applies Parlo's logging (``log_config``, :mod:`parlo.logs`): uvicorn
configures it in every process it spawns, so ``--workers N`` keeps Parlo's own lines.

SIGTERM (systemd, containers) is a graceful stop: uvicorn stops accepting, lets requests
in flight finish for up to ``graceful_timeout`` seconds, then runs the lifespan's shutdown
(the embedded queue consumer finishes the task it holds). With several workers the
supervisor passes SIGTERM on to each of them and waits.
"""

from __future__ import annotations

import gc
import socket

import uvicorn
from starlette.applications import Starlette
from uvicorn.supervisors import Multiprocess

from parlo.app import create_app
from parlo.logs import logging_config, remember_secrets, secrets_of
from parlo.settings import Settings

APP = "parlo.server:serving_app"
#: How long the supervisor waits for a worker's answer before taking it for hung and
#: replacing it. uvicorn's 5 s is shorter than a worker's start on a busy 2-core machine
#: (importing OR-Tools, the schema…): workers were killed and respawned in a loop.
WORKER_STARTUP_SECONDS = 60


def serving_app() -> Starlette:
    """The app as `parlo serve` runs it in each worker: built, then its long-lived objects frozen."""
    settings = Settings()
    remember_secrets(secrets_of(settings))  # this process's log lines mask them too
    app = create_app(settings, watch_workers=True)
    gc.freeze()
    return app


def run_server(*, host: str, port: int, workers: int, proxy_headers: bool = True,
               forwarded_allow_ips: str | None = None, graceful_timeout: float | None = 20.0,
               log_config: dict | None = None, log_level: str = "INFO") -> None:
    config = uvicorn.Config(APP, factory=True, host=host, port=port, workers=workers,
                            proxy_headers=proxy_headers, forwarded_allow_ips=forwarded_allow_ips,
                            timeout_graceful_shutdown=graceful_timeout,
                            timeout_worker_healthcheck=WORKER_STARTUP_SECONDS,
                            log_config=log_config or logging_config(log_level), log_level=log_level.lower())
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
