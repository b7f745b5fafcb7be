"""The notes on a booked visit ("trae su tinte", "usó 5.1"): the salon's, kept after the visit.

Notes do not touch the schedule, so no snapshot or solver: one row in one transaction,
plus an activity line so the owner can see who changed them. Past, completed and
cancelled visits keep accepting notes, because what was done is often written afterwards.
Customers give notes when they book; changing them later is for the salon (its notes may
say things meant for the staff).
"""

from __future__ import annotations

import uuid

from resolvers.context import Context
from resolvers.errors import Problem, ValidationError
from resolvers.permissions import Permission
from resolvers.scheduling import notices
from resolvers.scheduling.access import (
    allowed,
    load_organization,
    lock_appointment,
    organization_id,
)
from resolvers.scheduling.booking import MAX_NOTES
from storage import Appointment, Organization


async def set_appointment_notes(ctx: Context, appointment_id: uuid.UUID, notes: str | None) -> Appointment | Problem:
    """Replace the notes; ``None`` or blank clears them."""
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    if denied := allowed(ctx.actor, Permission.BOOK):
        return denied
    text = (notes or "").strip() or None
    if text is not None and len(text) > MAX_NOTES:
        return ValidationError(f"Las notas son muy largas: máximo {MAX_NOTES} caracteres.", field="notes")
    now = ctx.now()
    async with ctx.db.transaction(write=True) as session:
        organization = await load_organization(session, org_id, for_write=True)
        if not isinstance(organization, Organization):
            return organization
        appointment = await lock_appointment(session, ctx, appointment_id)
        if not isinstance(appointment, Appointment):
            return appointment
        if appointment.notes != text:
            appointment.notes = text
            appointment.updated_at = now
            notices.activity(session, now=now, organization=organization, kind="appointment_notes_changed",
                             summary="Notas de la cita actualizadas" if text else "Notas de la cita borradas",
                             subject_id=appointment.id,
                             data={"appointment_id": str(appointment.id), "actor": ctx.actor.kind.value})
    return appointment
