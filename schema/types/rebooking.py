"""Rebooking plans, their moves, what applying did, and waitlist entries."""

import uuid
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import strawberry

from resolvers.rebooking import (
    ApplyResult,
    DisruptionFacts,
    DisruptionKind as _DisruptionKind,
    FreeBlockChange as FreeBlockValue,
    PlacementAt,
    PlanFiguresOut,
    PlannedMove,
    PlanResult,
    RefusedMove as RefusedValue,
    UnplaceableAppointment as UnplaceableValue,
)
from schema.types.appointment import Appointment
from schema.types.customer import Customer
from schema.types.ids import to_id
from schema.types.service import Service
from storage import WaitlistEntry as WaitlistRow
from storage import WaitlistStatus as _WaitlistStatus

RebookingKind = strawberry.enum(_DisruptionKind, name="RebookingKind",
                                description="What happened: a stylist out, a block over appointments, a chair "
                                            "out, shorter hours one day, or a request to compact a day.")
WaitlistStatus = strawberry.enum(_WaitlistStatus, name="WaitlistStatus")


def _id(value: uuid.UUID | None) -> strawberry.ID | None:
    return to_id(value) if value is not None else None


async def _appointment(info: strawberry.Info, appointment_id: uuid.UUID) -> Appointment | None:
    row = await info.context.loaders.appointments.load(appointment_id)
    return Appointment.of(row) if row else None


@strawberry.type(description="Who, where and when; instants are UTC, local* fields use the salon's zone.")
class RebookingPlacement:
    staff_id: strawberry.ID
    staff_name: str
    spot_id: strawberry.ID | None
    spot_name: str | None
    starts_at: datetime
    ends_at: datetime
    local_date: date
    local_start: time
    local_end: time

    @classmethod
    def of(cls, value: PlacementAt, zone: ZoneInfo) -> "RebookingPlacement":
        start, end = value.starts_at.astimezone(zone), value.ends_at.astimezone(zone)
        return cls(staff_id=to_id(value.staff_id), staff_name=value.staff_name, spot_id=_id(value.spot_id),
                   spot_name=value.spot_name, starts_at=value.starts_at, ends_at=value.ends_at,
                   local_date=start.date(), local_start=start.time().replace(tzinfo=None),
                   local_end=end.time().replace(tzinfo=None))


@strawberry.type(description="One appointment moved; `id` is its number in the plan, as the owner reads it.")
class RebookingMove:
    id: strawberry.ID
    appointment_id: strawberry.ID
    customer_name: str | None
    service_name: str
    before: RebookingPlacement
    after: RebookingPlacement
    affected: bool = strawberry.field(description="False: moved to make room, or a compaction move.")
    minutes_moved: int = strawberry.field(description="Shift in time of day, in minutes.")
    changes_day: bool
    changes_staff: bool
    applied_at: datetime | None
    _appointment_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def appointment(self, info: strawberry.Info) -> Appointment | None:
        return await _appointment(info, self._appointment_id)

    @classmethod
    def of(cls, value: PlannedMove, zone: ZoneInfo) -> "RebookingMove":
        return cls(id=strawberry.ID(value.id), appointment_id=to_id(value.appointment_id),
                   customer_name=value.customer_name, service_name=value.service_name,
                   before=RebookingPlacement.of(value.before, zone), after=RebookingPlacement.of(value.after, zone),
                   affected=value.affected, minutes_moved=value.minutes_moved, changes_day=value.changes_day,
                   changes_staff=value.before.staff_id != value.after.staff_id, applied_at=value.applied_at,
                   _appointment_id=value.appointment_id)


@strawberry.type(description="An affected appointment the plan could not keep, and why.")
class UnplaceableAppointment:
    appointment_id: strawberry.ID
    customer_name: str | None
    service_name: str
    staff_name: str
    starts_at: datetime
    reason: str = strawberry.field(description="no_qualified_staff, preferred_staff_unavailable, "
                                               "no_compatible_spot, no_time_in_window or schedule_full.")
    message: str = strawberry.field(description="The reason in Spanish.")
    _appointment_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def appointment(self, info: strawberry.Info) -> Appointment | None:
        return await _appointment(info, self._appointment_id)

    @classmethod
    def of(cls, value: UnplaceableValue) -> "UnplaceableAppointment":
        return cls(appointment_id=to_id(value.appointment_id), customer_name=value.customer_name,
                   service_name=value.service_name, staff_name=value.staff_name, starts_at=value.starts_at,
                   reason=value.reason, message=value.message, _appointment_id=value.appointment_id)


@strawberry.type(description="How disruptive the plan is. bestBound equals objective when the plan is proven optimal.")
class RebookingFigures:
    affected: int
    kept: int
    kept_on_day: int
    unplaced: int
    day_changes: int
    unaffected_moved: int
    staff_changes: int
    minutes_moved: int
    objective: int
    best_bound: int | None
    solve_seconds: float

    @classmethod
    def of(cls, value: PlanFiguresOut) -> "RebookingFigures":
        return cls(**{name: getattr(value, name) for name in PlanFiguresOut.__slots__})


@strawberry.type(description="Compaction: a stylist's largest free stretch of the day, before and after, in minutes.")
class FreeBlockChange:
    staff_id: strawberry.ID
    staff_name: str
    before_minutes: int
    after_minutes: int

    @classmethod
    def of(cls, value: FreeBlockValue) -> "FreeBlockChange":
        return cls(staff_id=to_id(value.staff_id), staff_name=value.staff_name,
                   before_minutes=value.before_minutes, after_minutes=value.after_minutes)


@strawberry.type(description="What happened, as the plan understood it (local dates and times).")
class RebookingDisruption:
    kind: RebookingKind
    first_day: date
    last_day: date
    staff_id: strawberry.ID | None
    staff_name: str | None
    spot_id: strawberry.ID | None
    spot_name: str | None
    opens_at: time | None
    closes_at: time | None
    reason: str | None
    block_written: bool

    @classmethod
    def of(cls, value: DisruptionFacts) -> "RebookingDisruption":
        return cls(kind=value.kind, first_day=value.first_day, last_day=value.last_day, staff_id=_id(value.staff_id),
                   staff_name=value.staff_name, spot_id=_id(value.spot_id), spot_name=value.spot_name,
                   opens_at=value.opens_at, closes_at=value.closes_at, reason=value.reason,
                   block_written=value.block_written)


@strawberry.type(description="A rebooking plan: the moves (apply some or all), what could not be kept, the figures.")
class RebookingPlan:
    id: strawberry.ID
    kind: RebookingKind
    disruption: RebookingDisruption
    optimal: bool = strawberry.field(description="The solver proved no less disruptive plan exists.")
    method: str = strawberry.field(description="cp-sat, or greedy when CP-SAT found nothing better in its time.")
    moves: list[RebookingMove]
    unplaceable: list[UnplaceableAppointment]
    figures: RebookingFigures
    free_blocks: list[FreeBlockChange]
    timezone: str
    created_at: datetime
    applied_at: datetime | None

    @classmethod
    def of(cls, value: PlanResult) -> "RebookingPlan":
        zone = ZoneInfo(value.timezone)
        return cls(id=to_id(value.id), kind=value.kind, disruption=RebookingDisruption.of(value.disruption),
                   optimal=value.optimal, method=value.method, moves=[RebookingMove.of(m, zone) for m in value.moves],
                   unplaceable=[UnplaceableAppointment.of(u) for u in value.unplaceable],
                   figures=RebookingFigures.of(value.figures),
                   free_blocks=[FreeBlockChange.of(b) for b in value.free_blocks], timezone=value.timezone,
                   created_at=value.created_at, applied_at=value.applied_at)


@strawberry.type(description="A chosen move that no longer fits; it was not applied.")
class RefusedMove:
    move_id: strawberry.ID
    appointment_id: strawberry.ID | None
    message: str

    @classmethod
    def of(cls, value: RefusedValue) -> "RefusedMove":
        return cls(move_id=strawberry.ID(value.move_id), appointment_id=_id(value.appointment_id),
                   message=value.message)


@strawberry.type(description="What applying did: moves written (customers asked to confirm) and moves refused.")
class RebookingApplied:
    plan: RebookingPlan
    applied: list[RebookingMove]
    refused: list[RefusedMove]
    notices_queued: int

    @classmethod
    def of(cls, value: ApplyResult) -> "RebookingApplied":
        zone = ZoneInfo(value.plan.timezone)
        return cls(plan=RebookingPlan.of(value.plan), applied=[RebookingMove.of(m, zone) for m in value.applied],
                   refused=[RefusedMove.of(r) for r in value.refused], notices_queued=value.notices_queued)


@strawberry.type(description="A customer waiting for a service on a day; freed time is offered first come, first served.")
class WaitlistEntry:
    id: strawberry.ID
    date: date
    status: WaitlistStatus
    offered_at: datetime | None
    created_at: datetime
    _row: strawberry.Private[WaitlistRow]

    @strawberry.field
    async def service(self, info: strawberry.Info) -> Service | None:
        row = await info.context.loaders.services.load(self._row.service_type_id)
        return Service.of(row) if row else None

    @strawberry.field
    async def customer(self, info: strawberry.Info) -> Customer | None:
        row = await info.context.loaders.customers.load(self._row.customer_id)
        return Customer.of(row) if row else None

    @classmethod
    def of(cls, row: WaitlistRow) -> "WaitlistEntry":
        return cls(id=to_id(row.id), date=row.desired_date, status=row.status, offered_at=row.offered_at,
                   created_at=row.created_at, _row=row)
