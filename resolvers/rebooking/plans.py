"""Reading a stored plan back (the dashboard's plan view, the conversation's "aplica 1, 3")."""

from __future__ import annotations

import uuid

from resolvers.context import Context
from resolvers.errors import NotFound, Problem
from resolvers.permissions import Permission
from resolvers.rebooking.payload import plan_from_row
from resolvers.rebooking.types import PlanResult
from resolvers.scheduling.access import allowed, organization_id
from storage import RebookingPlan
from storage.queries import get_in

PLAN_NOT_FOUND = NotFound("No encontré ese plan.")


async def get_rebooking_plan(ctx: Context, plan_id: uuid.UUID) -> PlanResult | Problem:
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    if denied := allowed(ctx.actor, Permission.REBOOK):
        return denied
    async with ctx.db.session() as session:
        row = await get_in(session, RebookingPlan, org_id, plan_id)
        if row is None or row.organization_id != org_id:
            return PLAN_NOT_FOUND
        return plan_from_row(row)
