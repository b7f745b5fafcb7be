import strawberry

from resolvers import rebooking
from resolvers.errors import ValidationError
from schema.errors import as_graphql, result
from schema.inputs.rebooking import JoinWaitlistInput, SuggestRebookingInput
from schema.inputs.unset import given
from schema.mutations.results import outcome
from schema.types.ids import from_id, optional_id
from schema.types.rebooking import RebookingApplied, RebookingPlan, WaitlistEntry

SuggestRebookingResult = result("SuggestRebookingResult", RebookingPlan)
ApplyRebookingResult = result("ApplyRebookingResult", RebookingApplied)
JoinWaitlistResult = result("JoinWaitlistResult", WaitlistEntry)


@strawberry.type
class RebookingMutations:
    @strawberry.mutation(description="The least disruptive plan for what happened (owners and admins); stored, "
                                     "nothing moves until applyRebooking.")
    async def suggest_rebooking(self, info: strawberry.Info, input: SuggestRebookingInput) -> SuggestRebookingResult:
        disruption = input.to_disruption()
        if isinstance(disruption, ValidationError):
            return as_graphql(disruption)
        return outcome(await rebooking.suggest_rebooking(info.context.use_case, disruption,
                                                         location_id=optional_id(given(input.location_id))),
                       RebookingPlan.of)

    @strawberry.mutation(description="Apply the chosen moves of a plan in one transaction, re-checked on fresh data; "
                                     "each moved customer is asked to confirm or pick another time.")
    async def apply_rebooking(self, info: strawberry.Info, plan_id: strawberry.ID,
                              move_ids: list[strawberry.ID]) -> ApplyRebookingResult:
        return outcome(await rebooking.apply_rebooking(info.context.use_case, from_id(plan_id),
                                                       [str(i) for i in move_ids]), RebookingApplied.of)

    @strawberry.mutation(description="Wait for a freed slot of a service on a day (a customer for themselves, "
                                     "staff for a customer's phone).")
    async def join_waitlist(self, info: strawberry.Info, input: JoinWaitlistInput) -> JoinWaitlistResult:
        return outcome(await rebooking.join_waitlist(info.context.use_case, from_id(input.service_id), input.date,
                                                     customer_phone=given(input.customer_phone),
                                                     customer_name=given(input.customer_name)), WaitlistEntry.of)
