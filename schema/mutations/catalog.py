import strawberry

from resolvers import catalog
from schema.inputs.catalog import CreateServiceInput, CreateSpotInput, UpdateServiceInput, UpdateSpotInput
from schema.mutations.results import DeleteResult, ServiceResult, SpotResult, outcome
from schema.types.ids import from_id, to_id
from schema.types.payloads import Deleted
from schema.types.service import Service
from schema.types.spot import Spot


def deleted(value) -> Deleted:
    return Deleted(id=to_id(value))


@strawberry.type
class CatalogMutations:
    @strawberry.mutation
    async def create_service(self, info: strawberry.Info, input: CreateServiceInput) -> ServiceResult:
        return outcome(await catalog.create_service(info.context.use_case, input.to_draft()), Service.of, ServiceResult)

    @strawberry.mutation(description="Change a service; isActive: false hides it from booking.")
    async def update_service(self, info: strawberry.Info, id: strawberry.ID, input: UpdateServiceInput) -> ServiceResult:
        return outcome(await catalog.update_service(info.context.use_case, from_id(id), input.to_changes()), Service.of, ServiceResult)

    @strawberry.mutation(description="Only a service with no appointments; otherwise deactivate it.")
    async def delete_service(self, info: strawberry.Info, id: strawberry.ID) -> DeleteResult:
        return outcome(await catalog.delete_service(info.context.use_case, from_id(id)), deleted, DeleteResult)

    @strawberry.mutation
    async def create_spot(self, info: strawberry.Info, input: CreateSpotInput) -> SpotResult:
        return outcome(await catalog.create_spot(info.context.use_case, input.to_draft()), Spot.of, SpotResult)

    @strawberry.mutation
    async def update_spot(self, info: strawberry.Info, id: strawberry.ID, input: UpdateSpotInput) -> SpotResult:
        return outcome(await catalog.update_spot(info.context.use_case, from_id(id), input.to_changes()), Spot.of, SpotResult)

    @strawberry.mutation(description="Only a spot with no appointments; otherwise deactivate it.")
    async def delete_spot(self, info: strawberry.Info, id: strawberry.ID) -> DeleteResult:
        return outcome(await catalog.delete_spot(info.context.use_case, from_id(id)), deleted, DeleteResult)
