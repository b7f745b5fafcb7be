import strawberry

from resolvers import admin
from schema.inputs.organization import CreateOrganizationInput
from schema.mutations.results import CreateOrganizationResult, ImpersonationResult, OrganizationChangeResult, outcome
from schema.types.enums import OrganizationStatus
from schema.types.ids import from_id
from schema.types.organization import Organization
from schema.types.payloads import OrganizationCreated, StaffSession


@strawberry.type
class AdminMutations:
    @strawberry.mutation(description="Admin only: a new business with its owner and primary location.")
    async def create_organization(self, info: strawberry.Info, input: CreateOrganizationInput) -> CreateOrganizationResult:
        return outcome(await admin.create_organization(info.context.use_case, input.to_draft()), OrganizationCreated.of, CreateOrganizationResult)

    @strawberry.mutation(description="Admin only: suspend (blocks sign-in) or reactivate an organization.")
    async def set_organization_status(self, info: strawberry.Info, id: strawberry.ID,
                                      status: OrganizationStatus) -> OrganizationChangeResult:
        return outcome(await admin.set_organization_status(info.context.use_case, from_id(id), status),
                       Organization.of, OrganizationChangeResult)

    @strawberry.mutation(description="Admin only: a session as the organization's owner, marked impersonated.")
    async def impersonate(self, info: strawberry.Info, organization_id: strawberry.ID) -> ImpersonationResult:
        return outcome(await admin.impersonate(info.context.use_case, from_id(organization_id)), StaffSession.of, ImpersonationResult)
