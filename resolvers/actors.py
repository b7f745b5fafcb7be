"""Who is calling: turn a session token into an :class:`Actor`, re-reading the database.

A token only names the staff member; their permission level, whether they are still
active and whether their organization is suspended are read on every request, so a
demotion or a suspension takes effect at once (spec 5.3.8). The token's session generation
is compared with the person's on the same read: a token issued before "cerrar sesión en
todos lados", a permission change, a deactivation or a new phone is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select

from resolvers.auth import InvalidToken, read_token
from resolvers.context import Actor, ActorKind, Context
from resolvers.errors import NotAuthenticated, Problem, Suspended
from resolvers.reads import read_connection
from storage import Database, Organization, OrganizationStatus, Staff

SESSION_EXPIRED = NotAuthenticated("Tu sesión expiró o no es válida. Vuelve a entrar con tu liga de WhatsApp.")
SESSION_REVOKED = NotAuthenticated("Esta sesión se cerró (en todos lados o por un cambio en tu acceso). "
                                   "Vuelve a entrar con tu liga de WhatsApp.")
STAFF_INACTIVE = NotAuthenticated("Tu acceso a este negocio ya no está activo. Habla con el dueño.")
#: Organizations whose people may not sign in.
LOCKED_OUT = (OrganizationStatus.SUSPENDED, OrganizationStatus.CHURNED)
# Built once: every request runs it, and building a select costs more than PostgreSQL answering it.
_STAFF_STANDING = (
    select(Staff.is_active, Staff.permission_level, Staff.phone_number, Organization.status,
           Staff.session_generation)
    .join(Organization, Organization.id == Staff.organization_id)
    .where(Staff.id == bindparam("staff_id"), Staff.organization_id == bindparam("organization_id"))
)


async def actor_from_token(db: Database, token: str, *, secret: str, now: datetime) -> Actor | Problem:
    try:
        claims = read_token(token, secret=secret, now=now)
    except InvalidToken:
        return SESSION_EXPIRED
    if claims.kind == "admin":
        return Actor.admin()
    async with read_connection(db) as connection:
        row = (await connection.execute(
            _STAFF_STANDING, {"staff_id": claims.staff_id, "organization_id": claims.organization_id})).first()
    if row is None:
        return SESSION_EXPIRED
    is_active, level, phone, status, generation = row
    if status in LOCKED_OUT:
        return Suspended()
    if not is_active:
        return STAFF_INACTIVE
    if claims.generation != generation:
        return SESSION_REVOKED
    return Actor.staff(organization_id=claims.organization_id, staff_id=claims.staff_id, level=level,
                       phone=phone, impersonated_by_admin=claims.impersonated_by_admin)


@dataclass(frozen=True, slots=True)
class Me:
    """The actor as the dashboard shows them: who, where, with which permission level."""

    actor: Actor
    staff: Staff | None
    organization: Organization | None


async def describe_me(ctx: Context) -> Me | Problem:
    actor = ctx.actor
    if actor.kind is ActorKind.ANONYMOUS:
        return NotAuthenticated()
    staff = organization = None
    async with ctx.db.session() as session:
        if actor.organization_id is not None:
            organization = await session.get(Organization, actor.organization_id)
        if actor.staff_id is not None:
            staff = await session.scalar(
                select(Staff).where(Staff.id == actor.staff_id, Staff.organization_id == actor.organization_id)
            )
    return Me(actor=actor, staff=staff, organization=organization)
