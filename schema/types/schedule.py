from datetime import date, datetime, time, timezone

import strawberry

from resolvers.scheduling import AgendaItem, DaySchedule as DayScheduleValue, StaffDay, TimeRange
from schema.types.appointment import Appointment
from schema.types.block import Block
from schema.types.enums import AgendaItemKind
from schema.types.ids import to_id
from schema.types.staff_member import StaffMember


@strawberry.type(description="A stretch of one day: UTC instants plus the local wall-clock times.")
class LocalRange:
    starts_at: datetime
    ends_at: datetime
    local_start: time
    local_end: time = strawberry.field(description="00:00 means midnight at the end of the day.")

    @classmethod
    def of(cls, value: TimeRange) -> "LocalRange":
        return cls(starts_at=value.start.astimezone(timezone.utc), ends_at=value.end.astimezone(timezone.utc),
                   local_start=value.start.time(), local_end=value.end.time())


@strawberry.type(description="One entry of a staff member's day: an appointment, a block, or a free gap.")
class AgendaEntry:
    kind: AgendaItemKind
    starts_at: datetime
    ends_at: datetime
    local_start: time
    local_end: time
    reason: str | None
    appointment: Appointment | None
    block: Block | None

    @classmethod
    def of(cls, item: AgendaItem) -> "AgendaEntry":
        return cls(kind=item.kind, starts_at=item.start.astimezone(timezone.utc),
                   ends_at=item.end.astimezone(timezone.utc), local_start=item.start.time(),
                   local_end=item.end.time(), reason=item.reason,
                   appointment=Appointment.of(item.appointment) if item.appointment is not None else None,
                   block=Block.of(item.block) if item.block is not None else None)


@strawberry.type(description="One staff member's day in the organization's local time.")
class StaffAgenda:
    staff: StaffMember
    working_hours: list[LocalRange] = strawberry.field(
        description="When they work and can take clients that day: their hours while the salon is open, "
                    "without their own blocks or the whole location's (those are in entries).")
    entries: list[AgendaEntry]

    @strawberry.field
    def appointments(self) -> list[Appointment]:
        return [e.appointment for e in self.entries if e.appointment is not None]

    @strawberry.field
    def blocks(self) -> list[Block]:
        return [e.block for e in self.entries if e.block is not None]

    @strawberry.field
    def free_gaps(self) -> list[LocalRange]:
        return [LocalRange(starts_at=e.starts_at, ends_at=e.ends_at, local_start=e.local_start, local_end=e.local_end)
                for e in self.entries if e.kind.value == "free"]

    @classmethod
    def of(cls, value: StaffDay) -> "StaffAgenda":
        return cls(staff=StaffMember.of(value.staff), working_hours=[LocalRange.of(r) for r in value.working],
                   entries=[AgendaEntry.of(i) for i in value.items])


@strawberry.type(description="One local day of a location: business hours and each staff member's agenda.")
class DaySchedule:
    date: date
    timezone: str
    location_id: strawberry.ID
    closed: bool
    business_hours: list[LocalRange]
    staff: list[StaffAgenda]

    @classmethod
    def of(cls, value: DayScheduleValue) -> "DaySchedule":
        return cls(date=value.day, timezone=value.timezone, location_id=to_id(value.location_id), closed=value.closed,
                   business_hours=[LocalRange.of(r) for r in value.business_hours],
                   staff=[StaffAgenda.of(s) for s in value.staff])
