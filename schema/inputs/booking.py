from datetime import date, datetime, time

import strawberry

from resolvers.scheduling import BookingRequest, SlotPreferences, WalkInRequest, WeeklyRange
from schema.inputs.unset import given
from schema.types.enums import AppointmentSource, PartOfDay
from schema.types.ids import from_id, optional_id


@strawberry.input(description="Book one visit: its services in order, starting exactly at `start`.")
class BookAppointmentInput:
    service_ids: list[strawberry.ID]
    start: datetime
    customer_phone: str | None = strawberry.UNSET
    customer_name: str | None = strawberry.UNSET
    staff_id: strawberry.ID | None = strawberry.UNSET
    spot_id: strawberry.ID | None = strawberry.UNSET
    notes: str | None = strawberry.UNSET
    source: AppointmentSource | None = strawberry.UNSET
    group_size: int = 1
    location_id: strawberry.ID | None = strawberry.UNSET
    notify_customer: bool = True

    def to_request(self) -> BookingRequest:
        return BookingRequest(
            service_ids=tuple(from_id(i) for i in self.service_ids), start=self.start,
            customer_phone=given(self.customer_phone), customer_name=given(self.customer_name),
            staff_id=optional_id(given(self.staff_id)), spot_id=optional_id(given(self.spot_id)),
            notes=given(self.notes), source=given(self.source), group_size=self.group_size,
            location_id=optional_id(given(self.location_id)), notify_customer=self.notify_customer,
        )


@strawberry.input(description="Someone just walked in: book now with whoever is free.")
class BookWalkInInput:
    service_ids: list[strawberry.ID]
    customer_phone: str | None = strawberry.UNSET
    customer_name: str | None = strawberry.UNSET
    staff_id: strawberry.ID | None = strawberry.UNSET
    notes: str | None = strawberry.UNSET
    location_id: strawberry.ID | None = strawberry.UNSET

    def to_request(self) -> WalkInRequest:
        return WalkInRequest(
            service_ids=tuple(from_id(i) for i in self.service_ids), customer_phone=given(self.customer_phone),
            customer_name=given(self.customer_name), staff_id=optional_id(given(self.staff_id)),
            notes=given(self.notes), location_id=optional_id(given(self.location_id)),
        )


@strawberry.input(description="Soft wishes that rank slots; they never remove one.")
class SlotPreferencesInput:
    day: date | None = strawberry.UNSET
    part_of_day: PartOfDay | None = strawberry.UNSET
    staff_id: strawberry.ID | None = strawberry.UNSET

    def to_value(self) -> SlotPreferences:
        return SlotPreferences(day=given(self.day), part_of_day=given(self.part_of_day),
                               staff_id=optional_id(given(self.staff_id)))


@strawberry.input(description="Block time for one staff member, or for the whole location when staffId is omitted.")
class BlockTimeInput:
    start: datetime
    end: datetime
    staff_id: strawberry.ID | None = strawberry.UNSET
    reason: str | None = strawberry.UNSET
    location_id: strawberry.ID | None = strawberry.UNSET


@strawberry.input(description="A weekly range in local time; end 00:00 means midnight.")
class WeeklyHoursInput:
    weekday: int = strawberry.field(description="0 = Monday … 6 = Sunday.")
    start: time
    end: time

    def to_value(self) -> WeeklyRange:
        return WeeklyRange(weekday=self.weekday, start=self.start, end=self.end)
