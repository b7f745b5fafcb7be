from datetime import date, datetime
from typing import Annotated

import strawberry

from resolvers import rebooking, scheduling
from resolvers.errors import Problem
from schema.errors import as_graphql, raise_problem
from schema.inputs.booking import SlotPreferencesInput
from schema.mutations.rebooking import RebookingPlanResult
from schema.queries.results import AppointmentResult, ScheduleResult
from schema.types.appointment import Appointment
from schema.types.block import Block
from schema.types.enums import AppointmentStatus
from schema.types.ids import from_id, optional_id
from schema.types.pages import AppointmentConnection, page_info
from schema.types.rebooking import RebookingPlan
from schema.types.schedule import DaySchedule
from schema.types.slot import Slot

From = Annotated[datetime, strawberry.argument(name="from")]
OptionalFrom = Annotated[datetime | None, strawberry.argument(name="from")]


@strawberry.type
class SchedulingQueries:
    @strawberry.field(description="Appointments by start time; filters combine.")
    async def appointments(self, info: strawberry.Info, from_: OptionalFrom = None, to: datetime | None = None,
                           staff_id: strawberry.ID | None = None, service_id: strawberry.ID | None = None,
                           status: list[AppointmentStatus] | None = None, customer_id: strawberry.ID | None = None,
                           first: int = 50, after: str | None = None) -> AppointmentConnection:
        page = raise_problem(await scheduling.list_appointments(
            info.context.use_case, start=from_, end=to, staff_id=optional_id(staff_id),
            service_id=optional_id(service_id), status=status or None, customer_id=optional_id(customer_id),
            first=first, after=after))
        return AppointmentConnection(nodes=[Appointment.of(a) for a in page.items], total_count=page.total_count,
                                     page_info=page_info(page))

    @strawberry.field
    async def appointment(self, info: strawberry.Info, id: strawberry.ID) -> AppointmentResult:
        value = await scheduling.get_appointment(info.context.use_case, from_id(id))
        return as_graphql(value, AppointmentResult) if isinstance(value, Problem) else Appointment.of(value)

    @strawberry.field(description="One local day's agenda per staff member: appointments, blocks and free gaps.")
    async def schedule(self, info: strawberry.Info, date: date, staff_id: strawberry.ID | None = None,
                       location_id: strawberry.ID | None = None) -> ScheduleResult:
        value = await scheduling.day_schedule(info.context.use_case, date, staff_id=optional_id(staff_id),
                                              location_id=optional_id(location_id))
        if isinstance(value, Problem):
            return as_graphql(value, ScheduleResult)
        # The agenda already read who, what, where and with whom: its appointments' fields need no query.
        loaders = info.context.loaders
        loaders.staff.prime_many({day.staff.id: day.staff for day in value.staff})
        loaders.customers.prime_many(value.customers)
        loaders.services.prime_many(value.services)
        loaders.spots.prime_many(value.spots)
        return DaySchedule.of(value)

    @strawberry.field(description="Ranked bookable slots from the solver, best first.")
    async def available_slots(self, info: strawberry.Info, service_ids: list[strawberry.ID], from_: From,
                              to: datetime, staff_id: strawberry.ID | None = None,
                              spot_id: strawberry.ID | None = None,
                              preferences: SlotPreferencesInput | None = None, limit: int = 20,
                              group_size: int = 1, location_id: strawberry.ID | None = None,
                              moving_appointment_id: Annotated[strawberry.ID | None, strawberry.argument(
                                  description="Moving this appointment: its visit's own time counts as free, "
                                              "and with no serviceIds its services are searched.")] = None,
                              ) -> list[Slot]:
        slots = raise_problem(await scheduling.available_slots(
            info.context.use_case, [from_id(i) for i in service_ids], from_, to, staff_id=optional_id(staff_id),
            spot_id=optional_id(spot_id), preferences=preferences.to_value() if preferences else None,
            limit=limit, group_size=group_size, location_id=optional_id(location_id),
            moving=optional_id(moving_appointment_id)))
        return [Slot.of(s) for s in slots]

    @strawberry.field(description="Appointments a rebooking plan could not place that still wait for a new time "
                                  "(pending or confirmed, not moved), soonest first; anyone who sees the agenda.")
    async def appointments_needing_new_time(self, info: strawberry.Info, first: int = 50) -> list[Appointment]:
        rows = raise_problem(await rebooking.appointments_needing_new_time(info.context.use_case, first=first))
        return [Appointment.of(row) for row in rows]

    @strawberry.field(description="Owners and admins: a stored rebooking plan.")
    async def rebooking_plan(self, info: strawberry.Info, id: strawberry.ID) -> RebookingPlanResult:
        value = await rebooking.get_rebooking_plan(info.context.use_case, from_id(id))
        return as_graphql(value, RebookingPlanResult) if isinstance(value, Problem) else RebookingPlan.of(value)

    @strawberry.field(description="Blocked time overlapping the range (staff and whole-location).")
    async def blocks(self, info: strawberry.Info, from_: From, to: datetime,
                     staff_id: strawberry.ID | None = None) -> list[Block]:
        rows = raise_problem(await scheduling.list_blocks(info.context.use_case, from_, to,
                                                          staff_id=optional_id(staff_id)))
        return [Block.of(r) for r in rows]
