import strawberry

from resolvers import rebooking
from schema.errors import result
from schema.mutations.results import outcome
from schema.types.ids import from_id
from schema.types.rebooking import RebookingPlan

RebookingPlanResult = result("RebookingPlanResult", RebookingPlan)


@strawberry.type
class RebookingQueries:
    @strawberry.field(description="A stored rebooking plan, with which moves were applied (owners and admins).")
    async def rebooking_plan(self, info: strawberry.Info, id: strawberry.ID) -> RebookingPlanResult:
        return outcome(await rebooking.get_rebooking_plan(info.context.use_case, from_id(id)), RebookingPlan.of)
