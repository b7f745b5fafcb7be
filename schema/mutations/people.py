import strawberry

from resolvers import customers, staff_members
from schema.inputs.people import (
    CreateCustomerInput,
    CreateStaffMemberInput,
    UpdateCustomerInput,
    UpdateStaffMemberInput,
)
from schema.mutations.catalog import deleted
from schema.mutations.results import CustomerChangeResult, DeleteResult, StaffMemberResult, outcome
from schema.types.customer import Customer
from schema.types.ids import from_id
from schema.types.staff_member import StaffMember


@strawberry.type
class PeopleMutations:
    @strawberry.mutation(description="Add someone to the team, with the services they perform and their default spot.")
    async def create_staff_member(self, info: strawberry.Info, input: CreateStaffMemberInput) -> StaffMemberResult:
        return outcome(await staff_members.create_staff(info.context.use_case, input.to_draft()), StaffMember.of, StaffMemberResult)

    @strawberry.mutation(description="Edit, deactivate (isActive: false) or reactivate a team member.")
    async def update_staff_member(self, info: strawberry.Info, id: strawberry.ID,
                                  input: UpdateStaffMemberInput) -> StaffMemberResult:
        return outcome(await staff_members.update_staff(info.context.use_case, from_id(id), input.to_changes()),
                       StaffMember.of, StaffMemberResult)

    @strawberry.mutation(description="Only someone with no appointments; otherwise deactivate them.")
    async def delete_staff_member(self, info: strawberry.Info, id: strawberry.ID) -> DeleteResult:
        return outcome(await staff_members.delete_staff(info.context.use_case, from_id(id)), deleted, DeleteResult)

    @strawberry.mutation
    async def create_customer(self, info: strawberry.Info, input: CreateCustomerInput) -> CustomerChangeResult:
        return outcome(await customers.create_customer(info.context.use_case, input.to_draft()), Customer.of, CustomerChangeResult)

    @strawberry.mutation(description="Name and notes of a customer.")
    async def update_customer(self, info: strawberry.Info, id: strawberry.ID,
                              input: UpdateCustomerInput) -> CustomerChangeResult:
        return outcome(await customers.update_customer(info.context.use_case, from_id(id), input.to_changes()),
                       Customer.of, CustomerChangeResult)

    @strawberry.mutation(description="Only a customer with no appointments.")
    async def delete_customer(self, info: strawberry.Info, id: strawberry.ID) -> DeleteResult:
        return outcome(await customers.delete_customer(info.context.use_case, from_id(id)), deleted, DeleteResult)
