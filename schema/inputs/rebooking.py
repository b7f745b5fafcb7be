from datetime import date, time

import strawberry

from resolvers.errors import ValidationError
from resolvers.rebooking import (
    CompactDay,
    Disruption,
    DisruptionKind,
    ShortenedHours,
    SpotOut,
    StaffBlockOver,
    StaffOut,
)
from schema.inputs.unset import given
from schema.types.ids import from_id
from schema.types.rebooking import RebookingKind


@strawberry.input(description="What happened. STAFF_OUT: staffId, firstDay (lastDay); STAFF_BLOCK: blockId; "
                              "SPOT_OUT: spotId, firstDay (lastDay); SHORTENED_HOURS: firstDay, opensAt and/or "
                              "closesAt; COMPACT_DAY: firstDay.")
class SuggestRebookingInput:
    kind: RebookingKind
    staff_id: strawberry.ID | None = strawberry.UNSET
    spot_id: strawberry.ID | None = strawberry.UNSET
    block_id: strawberry.ID | None = strawberry.UNSET
    first_day: date | None = strawberry.UNSET
    last_day: date | None = strawberry.UNSET
    opens_at: time | None = strawberry.UNSET
    closes_at: time | None = strawberry.UNSET
    write_block: bool = strawberry.field(default=False, description="Also take the time off the calendar "
                                                                    "(STAFF_OUT, SHORTENED_HOURS).")
    reason: str | None = strawberry.UNSET
    location_id: strawberry.ID | None = strawberry.UNSET

    def to_disruption(self) -> Disruption | ValidationError:
        kind = DisruptionKind(self.kind)
        first, last = given(self.first_day), given(self.last_day)
        if kind in (DisruptionKind.STAFF_OUT, DisruptionKind.SPOT_OUT, DisruptionKind.SHORTENED_HOURS,
                    DisruptionKind.COMPACT_DAY) and first is None:
            return ValidationError("¿Qué día?", field="firstDay")
        if kind is DisruptionKind.STAFF_OUT:
            if given(self.staff_id) is None:
                return ValidationError("¿Quién no viene?", field="staffId")
            return StaffOut(from_id(self.staff_id), first, last, write_block=self.write_block, reason=given(self.reason))
        if kind is DisruptionKind.STAFF_BLOCK:
            if given(self.block_id) is None:
                return ValidationError("¿Qué bloqueo?", field="blockId")
            return StaffBlockOver(from_id(self.block_id))
        if kind is DisruptionKind.SPOT_OUT:
            if given(self.spot_id) is None:
                return ValidationError("¿Qué lugar está fuera de servicio?", field="spotId")
            return SpotOut(from_id(self.spot_id), first, last)
        if kind is DisruptionKind.SHORTENED_HOURS:
            return ShortenedHours(first, opens_at=given(self.opens_at), closes_at=given(self.closes_at),
                                  write_block=self.write_block, reason=given(self.reason))
        return CompactDay(first)


@strawberry.input(description="Wait for a freed slot of a service on a day. Staff give the customer's phone.")
class JoinWaitlistInput:
    service_id: strawberry.ID
    date: date
    customer_phone: str | None = strawberry.UNSET
    customer_name: str | None = strawberry.UNSET
