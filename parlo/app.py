"""The ASGI application: ``create_app()`` builds it; nothing happens at import time.

``uvicorn parlo.app:create_app --factory`` or ``parlo serve``. Each process reads the
settings once, opens one database engine in the lifespan and closes it on shutdown.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from parlo import __version__
from parlo.clock import Clock, clock_from
from parlo.components import Component, Services
from parlo.logs import RequestContext
from parlo.security_headers import SecurityHeaders
from parlo.settings import Settings
from parlo.worker_watch import WorkerWatch, worker_status
from storage import Database, DatabaseUnavailable
from storage.migrations import current_revision, head_revision, upgrade

log = logging.getLogger("parlo")

#: PostgreSQL connections one web process keeps (SQLite ignores it). A request holds at most one
#: at a time (the token's staff read, then its transaction). The same ceiling as the former pool
#: of 10 plus 20 overflow, but none is closed on return: past 10 requests at once, every request
#: used to open a connection (TLS attempt, a new backend) and close it again, ~5 % of a booking's
#: web CPU at 16 at once (bench/booking_cpu.py) and a backend start on PostgreSQL each time.
WEB_POOL = 30


async def ensure_schema(settings: Settings) -> None:
    """Migrate the embedded SQLite database by itself; PostgreSQL is migrated by ``parlo migrate``.

    Alembic runs its own event loop, so it goes to a thread.
    """
    current = await asyncio.to_thread(current_revision, settings.database_url)
    head = head_revision()
    if current == head:
        return
    if settings.is_sqlite:
        log.info("migrating the embedded database from %s to %s", current or "empty", head)
        await asyncio.to_thread(upgrade, settings.database_url)
    else:
        raise DatabaseUnavailable(f"la base de datos está en la revisión {current or 'vacía'} y el código espera {head}: "
                                  "corre `parlo migrate` (en cada despliegue, antes de arrancar el servicio).")


async def health(request: Request) -> JSONResponse:
    """200 while the database answers (what a load balancer needs); the workers' heartbeats are
    reported, not judged here: a web process without workers still stores every message."""
    services: Services = request.app.state.services
    body: dict = {"status": "ok", "database": services.db.dialect, "version": __version__}
    try:
        body["worker"] = (await worker_status(services.settings)).as_json()
    except Exception:  # noqa: BLE001 - e.g. Redis down: say so, the database decides the status
        log.warning("health check: could not read the workers' heartbeats", exc_info=True)
        body["worker"] = {"alive": None, "detail": "no pude leer los latidos de los workers"}
    try:
        await services.db.ping()
    except DatabaseUnavailable:
        log.exception("health check: database unreachable")
        return JSONResponse({**body, "status": "error", "detail": "la base de datos no responde"}, status_code=503)
    return JSONResponse(body)


def build_components(services: Services) -> list[Component]:
    """The app's areas, in mounting order. Imported here, not at module level: no work at import."""
    from parlo.dashboard_app import dashboard_component
    from parlo.graphql_app import graphql_component
    from parlo.whatsapp_app import whatsapp_component

    return [graphql_component(services), whatsapp_component(services), dashboard_component(services)]


def create_app(settings: Settings | None = None, *, clock: Clock | None = None, migrate: bool = True,
               watch_workers: bool = False) -> Starlette:
    """Build the app. Opens no connection: the engine connects lazily, in the lifespan's loop.

    ``watch_workers`` (``parlo serve``): warn in the log while no worker is alive, when the
    worker is not embedded (parlo.worker_watch)."""
    settings = settings or Settings()
    services = Services(settings=settings, clock=clock or clock_from(settings.clock),
                        db=Database.connect(settings.database_url, pool_size=WEB_POOL, max_overflow=0))
    components = build_components(services)
    if watch_workers:
        watch = WorkerWatch(settings)
        components.append(Component(start=watch.start, stop=watch.stop))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if migrate:
            await ensure_schema(settings)
        started: list[Component] = []
        try:
            for component in components:
                if component.start:
                    await component.start()
                started.append(component)
            log.info("Parlo %s ready on %s", __version__, settings.backend_name)
            yield
        finally:
            for component in reversed(started):
                if component.stop:
                    await component.stop()
            await services.db.dispose()

    routes = [Route("/health", health, methods=["GET"])]
    for component in components:
        routes.extend(component.routes)
    # RequestContext outermost: every line logged while serving a request, the headers' too, carries its id.
    app = Starlette(routes=routes, lifespan=lifespan, debug=False,
                    middleware=[Middleware(RequestContext),
                                Middleware(SecurityHeaders, production=settings.is_production)])
    app.state.services = services
    return app
