from datetime import date

import strawberry

from resolvers import scheduling
from schema.inputs.booking import BlockTimeInput, WeeklyHoursInput
from schema.inputs.unset import given
from schema.mutations.results import (
    BlockTimeResult,
    LocationResult,
    RecurringAvailabilityResult,
    RemoveBlockResult,
    outcome,
)
from schema.types.block import Block
from schema.types.ids import from_id, optional_id
from schema.types.location import Location
from schema.types.payloads import RecurringAvailabilitySet, TimeBlocked
from schema.types.weekly_hours import WeeklyHours


def _weekly(staff_id: strawberry.ID):
    def convert(rows) -> RecurringAvailabilitySet:
        ordered = sorted(rows, key=lambda r: (r.day_of_week, r.start_time))
        return RecurringAvailabilitySet(staff_id=staff_id, hours=[WeeklyHours.of(r) for r in ordered])
    return convert


@strawberry.type
class AvailabilityMutations:
    @strawberry.mutation(description="Take time out for one staff member, or the whole location without staffId.")
    async def block_time(self, info: strawberry.Info, input: BlockTimeInput) -> BlockTimeResult:
        return outcome(await scheduling.block_time(
            info.context.use_case, input.start, input.end, staff_id=optional_id(given(input.staff_id)),
            reason=given(input.reason), location_id=optional_id(given(input.location_id))), TimeBlocked.of, BlockTimeResult)

    @strawberry.mutation
    async def remove_block(self, info: strawberry.Info, id: strawberry.ID) -> RemoveBlockResult:
        return outcome(await scheduling.remove_block(info.context.use_case, from_id(id)), Block.of, RemoveBlockResult)

    @strawberry.mutation(description="Replace a staff member's weekly working hours.")
    async def set_recurring_availability(self, info: strawberry.Info, staff_id: strawberry.ID,
                                         hours: list[WeeklyHoursInput]) -> RecurringAvailabilityResult:
        return outcome(await scheduling.set_recurring_availability(
            info.context.use_case, from_id(staff_id), [h.to_value() for h in hours]), _weekly(staff_id), RecurringAvailabilityResult)

    @strawberry.mutation(description="Replace a location's weekly business hours; closedDays adds dated closures.")
    async def set_business_hours(self, info: strawberry.Info, hours: list[WeeklyHoursInput],
                                 closed_days: list[date] | None = None,
                                 location_id: strawberry.ID | None = None) -> LocationResult:
        return outcome(await scheduling.set_business_hours(
            info.context.use_case, [h.to_value() for h in hours], closed_days=closed_days,
            location_id=optional_id(location_id)), Location.of, LocationResult)
