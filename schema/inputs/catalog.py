import strawberry

from resolvers.catalog import ServiceChanges, ServiceDraft, SpotChanges, SpotDraft
from schema.inputs.unset import given, was_sent
from schema.types.ids import from_id, optional_id


@strawberry.input
class CreateServiceInput:
    name: str
    duration_minutes: int
    price_cents: int
    description: str | None = strawberry.UNSET
    buffer_after_minutes: int = 0
    processing_offset_minutes: int | None = strawberry.UNSET
    processing_minutes: int | None = strawberry.UNSET
    color: str | None = strawberry.field(default=strawberry.UNSET, description=(
        "\"#RRGGBB\" for the calendars; left out, the first colour of the palette no other service uses."))

    def to_draft(self) -> ServiceDraft:
        return ServiceDraft(name=self.name, duration_minutes=self.duration_minutes, price_cents=self.price_cents,
                            description=given(self.description), buffer_after_minutes=self.buffer_after_minutes,
                            processing_offset_minutes=given(self.processing_offset_minutes),
                            processing_minutes=given(self.processing_minutes), color=given(self.color))


@strawberry.input(description="Only the fields sent change. processingMinutes: null removes the processing segment.")
class UpdateServiceInput:
    name: str | None = strawberry.UNSET
    duration_minutes: int | None = strawberry.UNSET
    price_cents: int | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    buffer_after_minutes: int | None = strawberry.UNSET
    processing_offset_minutes: int | None = strawberry.UNSET
    processing_minutes: int | None = strawberry.UNSET
    is_active: bool | None = strawberry.UNSET
    color: str | None = strawberry.field(default=strawberry.UNSET, description="\"#RRGGBB\" for the calendars.")

    def to_changes(self) -> ServiceChanges:
        clear = was_sent(self.processing_minutes) and self.processing_minutes is None
        return ServiceChanges(name=given(self.name), duration_minutes=given(self.duration_minutes),
                              price_cents=given(self.price_cents), description=given(self.description),
                              buffer_after_minutes=given(self.buffer_after_minutes),
                              processing_offset_minutes=given(self.processing_offset_minutes),
                              processing_minutes=given(self.processing_minutes), clear_processing=clear,
                              is_active=given(self.is_active), color=given(self.color))


@strawberry.input
class CreateSpotInput:
    name: str
    service_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    location_id: strawberry.ID | None = strawberry.UNSET
    display_order: int | None = strawberry.UNSET

    def to_draft(self) -> SpotDraft:
        return SpotDraft(name=self.name, service_ids=tuple(from_id(i) for i in self.service_ids),
                         location_id=optional_id(given(self.location_id)), display_order=given(self.display_order))


@strawberry.input
class UpdateSpotInput:
    name: str | None = strawberry.UNSET
    service_ids: list[strawberry.ID] | None = strawberry.UNSET
    display_order: int | None = strawberry.UNSET
    is_active: bool | None = strawberry.UNSET

    def to_changes(self) -> SpotChanges:
        ids = given(self.service_ids)
        return SpotChanges(name=given(self.name), service_ids=None if ids is None else tuple(from_id(i) for i in ids),
                           display_order=given(self.display_order), is_active=given(self.is_active))
