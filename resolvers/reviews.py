"""A customer's 1–5 rating of a visit: the answer to the review request (spec: rating flow).

Only the customer who came may rate, only a completed visit, and only recently (the
request goes out an hour after the visit; a week is plenty to answer). Answering again
updates the rating: people correct a mistyped number.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from resolvers.context import Context
from resolvers.errors import NotFound, PermissionDenied, Problem, ValidationError
from storage import Appointment, AppointmentReview, AppointmentStatus

RATING_WINDOW = timedelta(days=7)
MAX_FEEDBACK = 1000


async def rate_recent_visit(ctx: Context, rating: int | None, *, feedback: str | None = None,
                            appointment_id: uuid.UUID | None = None) -> AppointmentReview | Problem:
    """Record (or correct) the rating of the customer's latest completed visit, or of ``appointment_id``."""
    actor = ctx.actor
    if not actor.is_customer or actor.customer_id is None:
        return PermissionDenied("Solo quien vino a la cita puede calificarla.")
    if rating is not None and not 1 <= rating <= 5:
        return ValidationError("La calificación va del 1 al 5.", field="rating")
    now = ctx.now()
    text = " ".join((feedback or "").split())[:MAX_FEEDBACK] or None
    async with ctx.db.transaction(write=True) as session:
        query = (select(Appointment)
                 .where(Appointment.organization_id == actor.organization_id,
                        Appointment.customer_id == actor.customer_id,
                        Appointment.status == AppointmentStatus.COMPLETED,
                        Appointment.ends_at >= now - RATING_WINDOW, Appointment.ends_at <= now)
                 .order_by(Appointment.ends_at.desc(), Appointment.id.desc()).limit(1))
        if appointment_id is not None:
            query = query.where(Appointment.id == appointment_id)
        visit = await session.scalar(query)
        if visit is None:
            return NotFound("No encontré una visita reciente para calificar.")
        review = await session.scalar(select(AppointmentReview).where(
            AppointmentReview.organization_id == visit.organization_id, AppointmentReview.appointment_id == visit.id))
        if review is None:
            if rating is None:
                return ValidationError("Primero dime tu calificación del 1 al 5.", field="rating")
            review = AppointmentReview(organization_id=visit.organization_id, appointment_id=visit.id,
                                       rating=rating, feedback=text, created_at=now, updated_at=now)
            session.add(review)
        else:
            if rating is not None:
                review.rating = rating
            if text is not None:
                review.feedback = text
            review.updated_at = now
        await session.flush()
    return review
