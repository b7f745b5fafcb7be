from datetime import date, time

import strawberry

from resolvers import rebooking
from resolvers.errors import ValidationError
from schema.inputs.unset import given
from schema.types.ids import from_id
from schema.types.rebooking import DisruptionKind


@strawberry.input(description="What happened. STAFF_OUT: staffId, firstDay[, lastDay, writeBlock, reason]. "
                              "STAFF_BLOCK: blockId. SPOT_OUT: spotId, firstDay[, lastDay]. "
                              "SHORTENED_HOURS: day, opensAt and/or closesAt[, writeBlock, reason]. COMPACT_DAY: day. "
                              "writeBlock (default true, as on WhatsApp and the dashboard): applying the plan puts "
                              "the outage on the calendar, once; suggesting never writes it.")
class SuggestRebookingInput:
    kind: DisruptionKind
    staff_id: strawberry.ID | None = strawberry.UNSET
    block_id: strawberry.ID | None = strawberry.UNSET
    spot_id: strawberry.ID | None = strawberry.UNSET
    first_day: date | None = strawberry.UNSET
    last_day: date | None = strawberry.UNSET
    day: date | None = strawberry.UNSET
    opens_at: time | None = strawberry.UNSET
    closes_at: time | None = strawberry.UNSET
    write_block: bool = True
    reason: str | None = strawberry.UNSET
    location_id: strawberry.ID | None = strawberry.UNSET

    def to_disruption(self) -> rebooking.Disruption | ValidationError:
        kind, missing = self.kind, None
        if kind is DisruptionKind.STAFF_OUT:
            if given(self.staff_id) is None or given(self.first_day) is None:
                missing = "staffId" if given(self.staff_id) is None else "firstDay"
            else:
                return rebooking.StaffOut(staff_id=from_id(self.staff_id), first_day=self.first_day,
                                          last_day=given(self.last_day), write_block=self.write_block,
                                          reason=given(self.reason))
        elif kind is DisruptionKind.STAFF_BLOCK:
            if given(self.block_id) is None:
                missing = "blockId"
            else:
                return rebooking.StaffBlockOver(block_id=from_id(self.block_id))
        elif kind is DisruptionKind.SPOT_OUT:
            if given(self.spot_id) is None or given(self.first_day) is None:
                missing = "spotId" if given(self.spot_id) is None else "firstDay"
            else:
                return rebooking.SpotOut(spot_id=from_id(self.spot_id), first_day=self.first_day,
                                         last_day=given(self.last_day))
        elif kind is DisruptionKind.SHORTENED_HOURS:
            if given(self.day) is None:
                missing = "day"
            else:
                return rebooking.ShortenedHours(day=self.day, opens_at=given(self.opens_at),
                                                closes_at=given(self.closes_at), write_block=self.write_block,
                                                reason=given(self.reason))
        elif given(self.day) is None:
            missing = "day"
        else:
            return rebooking.CompactDay(day=self.day)
        return ValidationError("Falta un dato para armar el plan: revisa la persona, el lugar o las fechas.",
                               field=missing)
