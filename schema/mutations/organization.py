import strawberry

from resolvers import locations, organizations
from schema.inputs.organization import CreateLocationInput, UpdateLocationInput, UpdateOrganizationInput
from schema.mutations.catalog import deleted
from schema.mutations.results import DeleteResult, LocationResult, OrganizationChangeResult, outcome
from schema.types.ids import from_id
from schema.types.location import Location
from schema.types.organization import Organization


@strawberry.type
class OrganizationMutations:
    @strawberry.mutation(description="Owner only: name, time zone and settings.")
    async def update_organization(self, info: strawberry.Info, input: UpdateOrganizationInput) -> OrganizationChangeResult:
        return outcome(await organizations.update_organization(info.context.use_case, input.to_changes()),
                       Organization.of, OrganizationChangeResult)

    @strawberry.mutation
    async def create_location(self, info: strawberry.Info, input: CreateLocationInput) -> LocationResult:
        return outcome(await locations.create_location(info.context.use_case, input.to_draft()), Location.of, LocationResult)

    @strawberry.mutation(description="Edit or deactivate (isActive: false) a location.")
    async def update_location(self, info: strawberry.Info, id: strawberry.ID, input: UpdateLocationInput) -> LocationResult:
        return outcome(await locations.update_location(info.context.use_case, from_id(id), input.to_changes()),
                       Location.of, LocationResult)

    @strawberry.mutation(description="Only an unused location, never the only one.")
    async def delete_location(self, info: strawberry.Info, id: strawberry.ID) -> DeleteResult:
        return outcome(await locations.delete_location(info.context.use_case, from_id(id)), deleted, DeleteResult)
