"""The visits a re-plan left behind, as a list the owner can work through.

Applying a plan marks each visit it could not place (``Appointment.needs_new_time_at``,
:mod:`resolvers.rebooking.left_behind`); moving or cancelling it clears the mark. This reads
the ones still waiting, soonest first, so the dashboard can show them apart from the agenda
and the owner can open each to move or cancel it.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from resolvers.context import Context
from resolvers.errors import Problem, ValidationError
from resolvers.permissions import Permission
from resolvers.reads import read_session
from resolvers.scheduling.access import allowed, organization_id
from storage import Appointment, AppointmentStatus

#: How far back a waiting visit still shows: one whose time passed is still unresolved (the
#: owner should cancel it or mark it), but the scan stays on the (organization, starts_at) index.
LOOK_BACK = timedelta(days=14)
MAX_FIRST = 200


async def appointments_needing_new_time(ctx: Context, *, first: int = 50) -> list[Appointment] | Problem:
    """Pending or confirmed appointments marked "needs a new time", by start (anyone who may see
    the agenda; each organization sees only its own)."""
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    if denied := allowed(ctx.actor, Permission.VIEW_SCHEDULE):
        return denied
    if not 1 <= first <= MAX_FIRST:
        return ValidationError(f"Puedo mostrar de 1 a {MAX_FIRST} citas.", field="first")
    query = (select(Appointment)
             .where(Appointment.organization_id == org_id, Appointment.starts_at >= ctx.now() - LOOK_BACK,
                    Appointment.needs_new_time_at.is_not(None),
                    Appointment.status.in_((AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED)))
             .order_by(Appointment.starts_at, Appointment.id).limit(first))
    async with read_session(ctx.db) as session:
        return list((await session.scalars(query)).all())
