"""Who is acting, and with what: the argument every use case takes first.

The actor is decided by the edge (a dashboard token, the sender's phone on WhatsApp),
never by what a client or a language model says. Use cases read ``ctx.actor`` and
``ctx.now()``; they never read the environment or the wall clock.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING

from storage import Database, PermissionLevel

if TYPE_CHECKING:
    from resolvers.sign_in_limits import SignInLimits


class ActorKind(str, Enum):
    ANONYMOUS = "anonymous"
    CUSTOMER = "customer"  # a client writing on WhatsApp: only their own appointments
    STAFF = "staff"  # a staff member with a permission level, in one organization
    ADMIN = "admin"  # a Parlo platform admin: every organization
    SYSTEM = "system"  # Parlo itself (schedulers, onboarding) acting for one organization


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind
    organization_id: uuid.UUID | None = None
    staff_id: uuid.UUID | None = None
    customer_id: uuid.UUID | None = None
    permission_level: PermissionLevel | None = None
    phone: str | None = None
    impersonated_by_admin: bool = False

    @classmethod
    def anonymous(cls) -> "Actor":
        return cls(kind=ActorKind.ANONYMOUS)

    @classmethod
    def admin(cls) -> "Actor":
        return cls(kind=ActorKind.ADMIN)

    @classmethod
    def system(cls, organization_id: uuid.UUID | None) -> "Actor":
        return cls(kind=ActorKind.SYSTEM, organization_id=organization_id)

    @classmethod
    def staff(cls, *, organization_id: uuid.UUID, staff_id: uuid.UUID, level: PermissionLevel,
              phone: str | None = None, impersonated_by_admin: bool = False) -> "Actor":
        return cls(kind=ActorKind.STAFF, organization_id=organization_id, staff_id=staff_id,
                   permission_level=level, phone=phone, impersonated_by_admin=impersonated_by_admin)

    @classmethod
    def customer(cls, *, organization_id: uuid.UUID, customer_id: uuid.UUID, phone: str) -> "Actor":
        return cls(kind=ActorKind.CUSTOMER, organization_id=organization_id, customer_id=customer_id, phone=phone)

    @property
    def is_admin(self) -> bool:
        return self.kind is ActorKind.ADMIN

    @property
    def is_staff(self) -> bool:
        return self.kind is ActorKind.STAFF

    @property
    def is_customer(self) -> bool:
        return self.kind is ActorKind.CUSTOMER


@dataclass(frozen=True, slots=True)
class ResolverConfig:
    """The few settings use cases need, handed down from ``parlo.settings``."""

    jwt_secret: str
    public_url: str = "http://127.0.0.1:8000"
    admin_password: str | None = None
    free_monthly_bookings: int = 50
    central_number: str = "+525500000000"


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a use case may touch. Cheap to build: one per request or per message."""

    db: Database
    now: Callable[[], datetime]
    actor: Actor
    config: ResolverConfig
    #: Ties together the traces and log lines of one request or one WhatsApp turn.
    correlation_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    #: Called after a commit that wrote outbox rows, so delivery starts now (set by parlo/).
    outbox_notifier: Callable[[], Awaitable[None]] | None = None
    #: The caller's IP address (HTTP requests; uvicorn resolves it behind a trusted proxy).
    client_address: str | None = None
    #: The deployment's sign-in rate limits (Redis or the database); None: the database's.
    sign_in_limits: SignInLimits | None = None

    async def outbox_written(self) -> None:
        if self.outbox_notifier is not None:
            await self.outbox_notifier()

    def acting_as(self, actor: Actor) -> "Context":
        return Context(db=self.db, now=self.now, actor=actor, config=self.config,
                       correlation_id=self.correlation_id, outbox_notifier=self.outbox_notifier,
                       client_address=self.client_address, sign_in_limits=self.sign_in_limits)

    def limits(self) -> SignInLimits:
        """The sign-in limits to count with: the deployment's, else counters in this database."""
        if self.sign_in_limits is not None:
            return self.sign_in_limits
        from resolvers.sign_in_limits import SignInLimits

        return SignInLimits.in_database(self.db, self.now, secret=self.config.jwt_secret)
