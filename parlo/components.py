"""A component is a slice of the app: its routes and what it starts and stops with it.

Each area (GraphQL, WhatsApp, dashboard) builds one from the shared :class:`Services`,
so the app factory stays a short list and the areas never edit each other's files.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from starlette.routing import BaseRoute

from parlo.clock import Clock
from parlo.settings import Settings
from resolvers.context import ResolverConfig
from storage import Database


@dataclass
class Services:
    """What every component may use; one per process, on ``app.state.services``."""

    settings: Settings
    clock: Clock
    db: Database

    def resolver_config(self) -> ResolverConfig:
        s = self.settings
        return ResolverConfig(
            jwt_secret=s.jwt_secret.get_secret_value(),
            public_url=s.public_url,
            admin_password=s.admin_password.get_secret_value() if s.admin_password else None,
            free_monthly_bookings=s.free_monthly_bookings,
            central_number=s.central_number,
        )


@dataclass
class Component:
    routes: list[BaseRoute] = field(default_factory=list)
    start: Callable[[], Awaitable[None]] | None = None
    stop: Callable[[], Awaitable[None]] | None = None
