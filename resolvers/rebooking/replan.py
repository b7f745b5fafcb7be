"""``replan_rebooking``: a fresh plan for the moves of a plan that could not be applied.

When applying refuses some moves (someone booked that time since, the appointment changed),
the owner is offered a new plan for just those appointments: the same disruption as asked
(kept in the plan as ``request``), on today's agenda, with every other appointment left
where it is now. An expired plan can be re-planned too: that is how the owner asks again.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from resolvers.context import Context
from resolvers.errors import Problem, ValidationError
from resolvers.permissions import Permission
from resolvers.rebooking.disruptions import disruption_of
from resolvers.rebooking.payload import plan_from_row, request_of
from resolvers.rebooking.plans import PLAN_NOT_FOUND
from resolvers.rebooking.suggest import suggest_rebooking
from resolvers.rebooking.types import PlanResult
from resolvers.scheduling.access import allowed, organization_id
from storage import RebookingPlan
from storage.queries import get_in


async def replan_rebooking(ctx: Context, plan_id: uuid.UUID,
                           appointment_ids: Sequence[uuid.UUID] | None = None) -> PlanResult | Problem:
    """A new stored plan for ``appointment_ids`` (default: the plan's affected appointments it has not moved)."""
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    if denied := allowed(ctx.actor, Permission.REBOOK):
        return denied
    async with ctx.db.session() as session:
        row = await get_in(session, RebookingPlan, org_id, plan_id)
        if row is None or row.organization_id != org_id:
            return PLAN_NOT_FOUND
        plan = plan_from_row(row)
        request = request_of(row)
    disruption = disruption_of(request or {})
    if disruption is None:
        return ValidationError("Ese plan es de una versión anterior; pídeme uno nuevo.", field="planId")
    pending = [m.appointment_id for m in plan.moves if m.applied_at is None and m.affected]
    wanted = list(appointment_ids) if appointment_ids is not None else pending
    known = {m.appointment_id for m in plan.moves} | {u.appointment_id for u in plan.unplaceable}
    if not wanted or any(i not in known for i in wanted):
        return ValidationError("Dime cuáles citas del plan reacomodo.", field="appointmentIds")
    location = uuid.UUID(request["location_id"]) if request.get("location_id") else None
    return await suggest_rebooking(ctx, disruption, location_id=location, only=wanted)
