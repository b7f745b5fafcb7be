from datetime import date, datetime, time
from typing import TYPE_CHECKING, Annotated

import strawberry

from schema.types.enums import AppointmentSource, AppointmentStatus
from schema.types.ids import to_id
from schema.types.service import Service
from schema.types.spot import Spot
from schema.types.staff_member import StaffMember
from storage import Appointment as AppointmentRow

if TYPE_CHECKING:
    from schema.types.customer import Customer
    from schema.types.outbound_message import OutboundMessage


@strawberry.type(description="One service for one customer. Instants are UTC; local* fields use the organization's zone.")
class Appointment:
    id: strawberry.ID
    starts_at: datetime
    ends_at: datetime
    status: AppointmentStatus
    source: AppointmentSource
    price_cents: int
    notes: str | None
    cancellation_reason: str | None
    cancelled_at: datetime | None
    booking_group_id: strawberry.ID | None
    staff_requested: bool
    created_at: datetime
    needs_new_time_since: datetime | None = strawberry.field(
        description="A re-plan found no place for it (its stylist or chair is out): the customer was offered other "
                    "times and the waitlist; null once it is moved or cancelled.")
    _row: strawberry.Private[AppointmentRow]

    @strawberry.field(description="Waiting for a new time: see needsNewTimeSince.")
    def needs_new_time(self) -> bool:
        return self._row.needs_new_time_at is not None and self._row.status.value in ("pending", "confirmed")

    @strawberry.field(description="Local date of the start.")
    async def local_date(self, info: strawberry.Info) -> date:
        return self._row.starts_at.astimezone(await info.context.zone_of(self._row.organization_id)).date()

    @strawberry.field(description="Local wall-clock start.")
    async def local_start(self, info: strawberry.Info) -> time:
        return self._row.starts_at.astimezone(await info.context.zone_of(self._row.organization_id)).time()

    @strawberry.field(description="Local wall-clock end.")
    async def local_end(self, info: strawberry.Info) -> time:
        return self._row.ends_at.astimezone(await info.context.zone_of(self._row.organization_id)).time()

    # Sync resolvers that may return an awaitable: see RowsById.shaped.
    @strawberry.field
    def customer(self, info: strawberry.Info) -> Annotated["Customer", strawberry.lazy("schema.types.customer")] | None:
        from schema.types.customer import Customer

        return info.context.loaders.customers.shaped(self._row.customer_id, Customer.of)

    @strawberry.field
    def service(self, info: strawberry.Info) -> Service | None:
        return info.context.loaders.services.shaped(self._row.service_type_id, Service.of)

    @strawberry.field
    def staff(self, info: strawberry.Info) -> StaffMember | None:
        if self._row.staff_id is None:
            return None
        return info.context.loaders.staff.shaped(self._row.staff_id, StaffMember.of)

    @strawberry.field
    def spot(self, info: strawberry.Info) -> Spot | None:
        if self._row.spot_id is None:
            return None
        return info.context.loaders.spots.shaped(self._row.spot_id, Spot.of)

    @strawberry.field(description="Its WhatsApp messages (confirmation, reminders, notices to the owner...) with "
                                  "delivery status, attempts and last error; oldest first. Staff see all of them, "
                                  "a customer only those sent to them.")
    async def notifications(self, info: strawberry.Info) -> list[
            Annotated["OutboundMessage", strawberry.lazy("schema.types.outbound_message")]]:
        from schema.types.outbound_message import OutboundMessage

        actor = info.context.use_case.actor
        if not (actor.is_staff or actor.is_admin or actor.is_customer):
            return []
        rows = await info.context.loaders.notifications_of_appointment.load(self._row.id)
        if actor.is_customer:
            rows = [r for r in rows if actor.phone and r.to_number.removeprefix("whatsapp:") == actor.phone]
        return [OutboundMessage.of(r) for r in rows]

    @classmethod
    def of(cls, row: AppointmentRow) -> "Appointment":
        return cls(id=to_id(row.id), starts_at=row.starts_at, ends_at=row.ends_at, status=row.status,
                   source=row.source, price_cents=row.price_cents, notes=row.notes,
                   cancellation_reason=row.cancellation_reason, cancelled_at=row.cancelled_at,
                   booking_group_id=to_id(row.booking_group_id) if row.booking_group_id else None,
                   staff_requested=bool(row.staff_requested), created_at=row.created_at,
                   needs_new_time_since=row.needs_new_time_at, _row=row)
