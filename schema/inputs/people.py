import strawberry

from resolvers.customers import CustomerChanges, CustomerDraft
from resolvers.staff_members import StaffChanges, StaffDraft
from schema.inputs.unset import given, was_sent
from schema.types.enums import PermissionLevel
from schema.types.ids import from_id, optional_id


@strawberry.input
class CreateStaffMemberInput:
    name: str
    phone: str
    permission_level: PermissionLevel = PermissionLevel.STAFF
    service_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    default_spot_id: strawberry.ID | None = strawberry.UNSET
    location_id: strawberry.ID | None = strawberry.UNSET
    same_hours_as_business: bool = strawberry.field(default=False, description=(
        "True: works whenever the location is open. False (default): no working hours, so not bookable, "
        "until setRecurringAvailability sets them (an empty week there means the business's hours)."))

    def to_draft(self) -> StaffDraft:
        return StaffDraft(name=self.name, phone=self.phone, permission_level=self.permission_level,
                          service_ids=tuple(from_id(i) for i in self.service_ids),
                          default_spot_id=optional_id(given(self.default_spot_id)),
                          location_id=optional_id(given(self.location_id)),
                          same_hours_as_business=self.same_hours_as_business)


@strawberry.input(description="Only the fields sent change. defaultSpotId: null clears it.")
class UpdateStaffMemberInput:
    name: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    permission_level: PermissionLevel | None = strawberry.UNSET
    service_ids: list[strawberry.ID] | None = strawberry.UNSET
    default_spot_id: strawberry.ID | None = strawberry.UNSET
    is_active: bool | None = strawberry.UNSET

    def to_changes(self) -> StaffChanges:
        ids = given(self.service_ids)
        return StaffChanges(name=given(self.name), phone=given(self.phone),
                            permission_level=given(self.permission_level),
                            service_ids=None if ids is None else tuple(from_id(i) for i in ids),
                            default_spot_id=optional_id(given(self.default_spot_id)),
                            clear_default_spot=was_sent(self.default_spot_id) and self.default_spot_id is None,
                            is_active=given(self.is_active))


@strawberry.input
class CreateCustomerInput:
    phone: str
    name: str | None = strawberry.UNSET
    notes: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET

    def to_draft(self) -> CustomerDraft:
        return CustomerDraft(phone=self.phone, name=given(self.name), notes=given(self.notes), email=given(self.email))


@strawberry.input
class UpdateCustomerInput:
    name: str | None = strawberry.UNSET
    notes: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    accepts_moves: bool | None = strawberry.UNSET

    def to_changes(self) -> CustomerChanges:
        return CustomerChanges(name=given(self.name), notes=given(self.notes), email=given(self.email),
                               accepts_moves=given(self.accepts_moves))
