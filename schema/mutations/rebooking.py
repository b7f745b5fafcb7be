from datetime import date

import strawberry

from resolvers import rebooking
from resolvers.errors import Problem
from schema.errors import Conflict, NotFound, PermissionDenied, Suspended, ValidationError, as_graphql, result
from schema.inputs.rebooking import SuggestRebookingInput
from schema.inputs.unset import given
from schema.mutations.results import outcome
from schema.types.ids import from_id, optional_id
from schema.types.rebooking import RebookingApplied, RebookingPlan
from schema.types.waitlist import WaitlistEntry

_REBOOKING = (NotFound, PermissionDenied, ValidationError, Conflict, Suspended)  # Conflict: an expired plan
RebookingPlanResult = result("RebookingPlanResult", RebookingPlan, *_REBOOKING)
RebookingAppliedResult = result("RebookingAppliedResult", RebookingApplied, *_REBOOKING)
WaitlistResult = result("WaitlistResult", WaitlistEntry, NotFound, PermissionDenied, ValidationError, Suspended)


@strawberry.type
class RebookingMutations:
    @strawberry.mutation(description="Owners and admins: the least disruptive plan for what happened (nothing moves yet).")
    async def suggest_rebooking(self, info: strawberry.Info, input: SuggestRebookingInput) -> RebookingPlanResult:
        disruption = input.to_disruption()
        if isinstance(disruption, Problem):
            return as_graphql(disruption, RebookingPlanResult)
        return outcome(await rebooking.suggest_rebooking(info.context.use_case, disruption,
                                                         location_id=optional_id(given(input.location_id))),
                       RebookingPlan.of, RebookingPlanResult)

    @strawberry.mutation(description="Apply the chosen moves of a plan, re-checked; refused ones say why.")
    async def apply_rebooking(self, info: strawberry.Info, plan_id: strawberry.ID,
                              move_ids: list[strawberry.ID]) -> RebookingAppliedResult:
        return outcome(await rebooking.apply_rebooking(info.context.use_case, from_id(plan_id), [str(m) for m in move_ids]),
                       RebookingApplied.of, RebookingAppliedResult)

    @strawberry.mutation(description="A fresh plan for the same disruption, just for these appointments of a plan "
                                     "(default: the affected ones it has not moved, e.g. moves refused on apply).")
    async def replan_rebooking(self, info: strawberry.Info, plan_id: strawberry.ID,
                               appointment_ids: list[strawberry.ID] | None = None) -> RebookingPlanResult:
        ids = [from_id(i) for i in appointment_ids] if appointment_ids is not None else None
        return outcome(await rebooking.replan_rebooking(info.context.use_case, from_id(plan_id), ids),
                       RebookingPlan.of, RebookingPlanResult)

    @strawberry.mutation(description="Wait for a freed slot of a service on a local day (first come, first served).")
    async def join_waitlist(self, info: strawberry.Info, service_id: strawberry.ID, day: date,
                            customer_phone: str | None = None, customer_name: str | None = None) -> WaitlistResult:
        return outcome(await rebooking.join_waitlist(info.context.use_case, from_id(service_id), day,
                                                     customer_phone=customer_phone, customer_name=customer_name),
                       WaitlistEntry.of, WaitlistResult)
