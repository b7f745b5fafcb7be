"""Ending sessions: "cerrar sesión en todos lados".

Dashboard sessions are signed tokens, valid until they expire; what revokes them is the
person's session generation (``staff.session_generation``), which every token carries and
:func:`resolvers.actors.actor_from_token` compares on each request. Bumping it ends every
session issued before, on every device, at once. Besides this use case it is bumped by a
permission change, a deactivation and a new phone (:mod:`resolvers.staff_members`).

Anyone signed in may end their own sessions (the one asking included); an owner or admin
may end a team member's (a stolen phone); a platform admin, anyone's. Platform admins'
own sessions have no row to count on: they last 8 hours at most and all end when
``PARLO_JWT_SECRET`` changes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select, update

from resolvers.context import Context
from resolvers.errors import NotAuthenticated, NotFound, PermissionDenied, Problem
from resolvers.permissions import Permission, check
from storage import PermissionLevel, Staff

ADMIN_SESSIONS = PermissionDenied("Las sesiones de administrador duran 8 horas como máximo; para cerrarlas "
                                  "todas ya, cambia PARLO_JWT_SECRET en el servidor.")
STAFF_NOT_FOUND = NotFound("No encontré a esa persona del equipo.")


@dataclass(frozen=True, slots=True)
class SignedOutEverywhere:
    staff_id: uuid.UUID
    message: str = "Listo: se cerró la sesión en todos los dispositivos. Para volver a entrar pide una liga nueva."


async def sign_out_everywhere(ctx: Context, staff_id: uuid.UUID | None = None) -> SignedOutEverywhere | Problem:
    """End every session of ``staff_id`` (default: the person asking)."""
    actor = ctx.actor
    if actor.is_admin:
        if staff_id is None:
            return ADMIN_SESSIONS
    elif not actor.is_staff:
        return NotAuthenticated()
    target = staff_id or actor.staff_id
    if actor.is_staff and target != actor.staff_id and (denied := check(actor, Permission.MANAGE_STAFF)):
        return denied
    async with ctx.db.transaction(write=True) as session:
        query = select(Staff.permission_level, Staff.organization_id).where(Staff.id == target)
        if not actor.is_admin:
            query = query.where(Staff.organization_id == actor.organization_id)
        row = (await session.execute(query)).first()
        if row is None:
            return STAFF_NOT_FOUND
        level, organization_id = row
        if actor.is_staff and target != actor.staff_id and level is PermissionLevel.OWNER and \
                (denied := check(actor, Permission.CHANGE_PERMISSIONS)):
            return denied  # an admin-level member does not sign the owner out
        await session.execute(update(Staff).where(Staff.organization_id == organization_id, Staff.id == target)
                              .values(session_generation=Staff.session_generation + 1, updated_at=ctx.now()))
    return SignedOutEverywhere(staff_id=target)
