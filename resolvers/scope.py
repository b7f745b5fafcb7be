"""Which organization a use case may touch, decided from the actor alone.

Every tenant query filters by the organization returned here, so a staff member of one
salon can never name another salon's rows: an id from elsewhere simply is not found.
Platform admins act inside an organization by impersonating its owner (a staff token),
which keeps one code path and one audit trail for "who did this".
"""

from __future__ import annotations

import uuid

from resolvers.context import Actor, ActorKind, Context
from resolvers.errors import NotAuthenticated, PermissionDenied, Problem
from resolvers.permissions import Permission, check

ADMIN_NEEDS_ORGANIZATION = PermissionDenied(
    "Como administrador, usa «Entrar como» en la organización para ver o cambiar sus datos."
)


def organization_of(actor: Actor) -> uuid.UUID | Problem:
    if actor.kind is ActorKind.ANONYMOUS:
        return NotAuthenticated()
    if actor.organization_id is None:
        return ADMIN_NEEDS_ORGANIZATION if actor.is_admin else PermissionDenied()
    return actor.organization_id


def authorize(ctx: Context, permission: Permission) -> uuid.UUID | Problem:
    """The actor's organization when they may do ``permission`` there, else the problem."""
    organization = organization_of(ctx.actor)
    if isinstance(organization, Problem):
        return organization
    if ctx.actor.is_customer:
        return PermissionDenied()
    denied = check(ctx.actor, permission)
    return denied if denied is not None else organization


def catalogue_reader(ctx: Context) -> uuid.UUID | Problem:
    """What the business shows anyone who writes to it: services, team names, hours.

    Staff read it with the schedule permission; a customer reads it for their own
    business (the AI asks "which services do you have?"), active rows only.
    """
    if ctx.actor.is_customer:
        return organization_of(ctx.actor)
    return authorize(ctx, Permission.VIEW_SCHEDULE)


def parse_uuid(value: object) -> uuid.UUID | None:
    """An id a client sent, or None when it is not one (treated as "not found")."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None
