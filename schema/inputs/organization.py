import strawberry
from strawberry.scalars import JSON

from resolvers.admin import OrganizationDraft
from resolvers.locations import LocationChanges, LocationDraft
from resolvers.organizations import OrganizationChanges
from schema.inputs.unset import given
from schema.types.enums import OrganizationStatus


@strawberry.input(description="Settings keys: slot_granularity_minutes, min_notice_minutes, max_days_ahead, buffer_minutes, reminder_hours_before, welcome_message, cancellation_policy; null removes one.")
class UpdateOrganizationInput:
    name: str | None = strawberry.UNSET
    timezone: str | None = strawberry.UNSET
    business_type: str | None = strawberry.UNSET
    settings: JSON | None = strawberry.UNSET

    def to_changes(self) -> OrganizationChanges:
        return OrganizationChanges(name=given(self.name), timezone=given(self.timezone),
                                   business_type=given(self.business_type), settings=given(self.settings))


@strawberry.input(description="A new business with its owner (as the WhatsApp onboarding creates it).")
class CreateOrganizationInput:
    name: str
    owner_name: str
    owner_phone: str
    business_type: str | None = strawberry.UNSET
    timezone: str = "America/Mexico_City"
    location_name: str | None = strawberry.UNSET
    address: str | None = strawberry.UNSET
    whatsapp_number: str | None = strawberry.UNSET
    status: OrganizationStatus = OrganizationStatus.ONBOARDING

    def to_draft(self) -> OrganizationDraft:
        return OrganizationDraft(name=self.name, owner_name=self.owner_name, owner_phone=self.owner_phone,
                                 business_type=given(self.business_type), timezone=self.timezone,
                                 location_name=given(self.location_name), address=given(self.address),
                                 whatsapp_number=given(self.whatsapp_number), status=self.status)


@strawberry.input
class CreateLocationInput:
    name: str
    address: str | None = strawberry.UNSET

    def to_draft(self) -> LocationDraft:
        return LocationDraft(name=self.name, address=given(self.address))


@strawberry.input
class UpdateLocationInput:
    name: str | None = strawberry.UNSET
    address: str | None = strawberry.UNSET
    is_active: bool | None = strawberry.UNSET

    def to_changes(self) -> LocationChanges:
        return LocationChanges(name=given(self.name), address=given(self.address), is_active=given(self.is_active))
