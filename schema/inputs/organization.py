from dataclasses import fields
from typing import Any

import strawberry

from resolvers.admin import OrganizationDraft
from resolvers.locations import LocationChanges, LocationDraft
from resolvers.organizations import OrganizationChanges
from schema.inputs.unset import given, was_sent
from schema.types.enums import OrganizationStatus


@strawberry.input(description="The settings to change (as in OrganizationSettings): a field left out stays as it "
                              "is; null puts back the default.")
class OrganizationSettingsInput:
    slot_granularity_minutes: int | None = strawberry.UNSET
    min_notice_minutes: int | None = strawberry.UNSET
    max_days_ahead: int | None = strawberry.UNSET
    buffer_minutes: int | None = strawberry.UNSET
    welcome_message: str | None = strawberry.UNSET
    cancellation_policy: str | None = strawberry.UNSET
    reminder_hours_before: int | None = strawberry.UNSET
    second_reminder: bool | None = strawberry.UNSET
    second_reminder_hours_before: int | None = strawberry.UNSET
    daily_summary: bool | None = strawberry.UNSET
    daily_summary_hour: int | None = strawberry.UNSET
    review_requests: bool | None = strawberry.UNSET
    review_request_delay_minutes: int | None = strawberry.UNSET
    no_show_rebook: bool | None = strawberry.UNSET
    rebooking_shift_window_minutes: int | None = strawberry.UNSET
    rebooking_days_ahead: int | None = strawberry.UNSET
    rebooking_max_unaffected_customers: int | None = strawberry.UNSET
    rebooking_plan_minutes: int | None = strawberry.UNSET

    def to_changes(self) -> dict[str, Any]:
        """Stored keys (snake_case) of the fields sent; None resets one to its default."""
        return {f.name: getattr(self, f.name) for f in fields(self) if was_sent(getattr(self, f.name))}


@strawberry.input
class UpdateOrganizationInput:
    name: str | None = strawberry.UNSET
    timezone: str | None = strawberry.UNSET
    business_type: str | None = strawberry.UNSET
    settings: OrganizationSettingsInput | None = strawberry.UNSET

    def to_changes(self) -> OrganizationChanges:
        settings = given(self.settings)
        return OrganizationChanges(name=given(self.name), timezone=given(self.timezone),
                                   business_type=given(self.business_type),
                                   settings=settings.to_changes() if settings is not None else None)


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
