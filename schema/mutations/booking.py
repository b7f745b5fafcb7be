from datetime import datetime

import strawberry

from resolvers import scheduling
from schema.inputs.booking import BookAppointmentInput, BookWalkInInput
from schema.mutations.results import AppointmentChangeResult, BookingResult, WalkInResult, outcome
from schema.types.appointment import Appointment
from schema.types.enums import AppointmentStatus
from schema.types.ids import from_id, optional_id
from schema.types.payloads import Booking


@strawberry.type
class BookingMutations:
    @strawberry.mutation(description="Book one or several services; SlotTaken comes with alternatives.")
    async def book_appointment(self, info: strawberry.Info, input: BookAppointmentInput) -> BookingResult:
        return outcome(await scheduling.book_appointment(info.context.use_case, input.to_request()), Booking.of, BookingResult)

    @strawberry.mutation(description="Book someone who just walked in, now, with whoever is free.")
    async def book_walk_in(self, info: strawberry.Info, input: BookWalkInInput) -> WalkInResult:
        return outcome(await scheduling.book_walk_in(info.context.use_case, input.to_request()), Booking.of, WalkInResult)

    @strawberry.mutation(description="Move a whole visit to a new start (optionally another staff member or spot).")
    async def reschedule_appointment(self, info: strawberry.Info, id: strawberry.ID, start: datetime,
                                     staff_id: strawberry.ID | None = None, spot_id: strawberry.ID | None = None,
                                     notify_customer: bool = True) -> BookingResult:
        return outcome(await scheduling.reschedule_appointment(
            info.context.use_case, from_id(id), start, staff_id=optional_id(staff_id), spot_id=optional_id(spot_id),
            notify_customer=notify_customer), Booking.of, BookingResult)

    @strawberry.mutation(description="Cancel one appointment; the customer gets the notice unless notifyCustomer is "
                                     "false (a customer cancelling their own is never notified of it).")
    async def cancel_appointment(self, info: strawberry.Info, id: strawberry.ID, reason: str | None = None,
                                 notify_customer: bool = True) -> AppointmentChangeResult:
        return outcome(await scheduling.cancel_appointment(info.context.use_case, from_id(id), reason=reason,
                                                           notify_customer=notify_customer), Appointment.of, AppointmentChangeResult)

    @strawberry.mutation(description="Mark completed or no-show.")
    async def mark_appointment(self, info: strawberry.Info, id: strawberry.ID,
                               status: AppointmentStatus) -> AppointmentChangeResult:
        return outcome(await scheduling.mark_appointment(info.context.use_case, from_id(id), status), Appointment.of, AppointmentChangeResult)

    @strawberry.mutation(description="Replace the salon's notes on an appointment (any status); null or blank clears "
                                     "them. Time, staff and spot change with rescheduleAppointment.")
    async def set_appointment_notes(self, info: strawberry.Info, id: strawberry.ID,
                                    notes: str | None = None) -> AppointmentChangeResult:
        return outcome(await scheduling.set_appointment_notes(info.context.use_case, from_id(id), notes),
                       Appointment.of, AppointmentChangeResult)
