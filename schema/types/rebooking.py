from datetime import date, datetime, time

import strawberry

from resolvers.rebooking import (
    ApplyResult,
    DisruptionFacts as DisruptionFactsValue,
    DisruptionKind as _DisruptionKind,
    FreeBlockChange as FreeBlockChangeValue,
    PlacementAt,
    PlanFiguresOut,
    PlannedMove,
    PlanResult,
    RefusedMove as RefusedMoveValue,
    UnplaceableAppointment as UnplaceableValue,
)
from schema.types.ids import to_id
from schema.types.scalars import BigInt

DisruptionKind = strawberry.enum(_DisruptionKind, name="DisruptionKind")


def _optional_id(value):
    return to_id(value) if value is not None else None


@strawberry.type(description="What happened, as the plan understood it (local dates and times).")
class DisruptionFacts:
    kind: DisruptionKind
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
    def of(cls, v: DisruptionFactsValue) -> "DisruptionFacts":
        return cls(kind=v.kind, first_day=v.first_day, last_day=v.last_day, staff_id=_optional_id(v.staff_id),
                   staff_name=v.staff_name, spot_id=_optional_id(v.spot_id), spot_name=v.spot_name,
                   opens_at=v.opens_at, closes_at=v.closes_at, reason=v.reason, block_written=v.block_written)


@strawberry.type(description="Who, where and when (UTC instants).")
class RebookingPlacement:
    staff_id: strawberry.ID
    staff_name: str
    spot_id: strawberry.ID | None
    spot_name: str | None
    starts_at: datetime
    ends_at: datetime

    @classmethod
    def of(cls, v: PlacementAt) -> "RebookingPlacement":
        return cls(staff_id=to_id(v.staff_id), staff_name=v.staff_name, spot_id=_optional_id(v.spot_id),
                   spot_name=v.spot_name, starts_at=v.starts_at, ends_at=v.ends_at)


@strawberry.type(description="One appointment moved; `id` is its number in the plan (\"1\", \"2\", …).")
class RebookingMove:
    id: strawberry.ID
    appointment_id: strawberry.ID
    customer_id: strawberry.ID
    customer_name: str | None
    service_id: strawberry.ID
    service_name: str
    before: RebookingPlacement
    after: RebookingPlacement
    affected: bool = strawberry.field(description="False: nudged to make room, or a compaction move.")
    minutes_moved: int
    changes_day: bool
    changes_staff: bool
    applied_at: datetime | None
    visit_id: strawberry.ID | None = strawberry.field(
        description="The visit (booking group) this move belongs to: its moves are applied together.")

    @classmethod
    def of(cls, v: PlannedMove) -> "RebookingMove":
        return cls(id=strawberry.ID(v.id), appointment_id=to_id(v.appointment_id), customer_id=to_id(v.customer_id),
                   customer_name=v.customer_name, service_id=to_id(v.service_id), service_name=v.service_name,
                   before=RebookingPlacement.of(v.before), after=RebookingPlacement.of(v.after), affected=v.affected,
                   minutes_moved=v.minutes_moved, changes_day=v.changes_day, changes_staff=v.changes_staff,
                   applied_at=v.applied_at, visit_id=_optional_id(v.visit_id))


@strawberry.type(description="An affected appointment the plan could not keep, with the reason in Spanish.")
class UnplaceableAppointment:
    appointment_id: strawberry.ID
    customer_name: str | None
    service_name: str
    staff_name: str
    starts_at: datetime
    reason: str
    message: str

    @classmethod
    def of(cls, v: UnplaceableValue) -> "UnplaceableAppointment":
        return cls(appointment_id=to_id(v.appointment_id), customer_name=v.customer_name, service_name=v.service_name,
                   staff_name=v.staff_name, starts_at=v.starts_at, reason=v.reason, message=v.message)


@strawberry.type(description="How disruptive the plan is. The plan minimises, in this order: unplaced, dayChanges, "
                              "unaffectedMoved, staffChanges, minutesMoved, spotChanges (each an Int); `objective` "
                              "weighs them into one number, too large for Int, so it is a BigInt.")
class RebookingFigures:
    affected: int
    kept: int
    kept_on_day: int
    unplaced: int
    day_changes: int
    unaffected_moved: int
    unaffected_customers: int = strawberry.field(description="Customers the disruption did not touch whom the plan "
                                                             "moves (capped by rebooking_max_unaffected_customers).")
    staff_changes: int
    minutes_moved: int
    spot_changes: int
    objective: BigInt
    best_bound: BigInt | None
    solve_seconds: float

    @classmethod
    def of(cls, v: PlanFiguresOut) -> "RebookingFigures":
        return cls(affected=v.affected, kept=v.kept, kept_on_day=v.kept_on_day, unplaced=v.unplaced,
                   day_changes=v.day_changes, unaffected_moved=v.unaffected_moved,
                   unaffected_customers=v.unaffected_customers, staff_changes=v.staff_changes,
                   minutes_moved=v.minutes_moved, spot_changes=v.spot_changes, objective=v.objective,
                   best_bound=v.best_bound, solve_seconds=v.solve_seconds)


@strawberry.type(description="Compaction: a stylist's largest free stretch that day, before and after (minutes).")
class FreeBlockChange:
    staff_id: strawberry.ID
    staff_name: str
    before_minutes: int
    after_minutes: int

    @classmethod
    def of(cls, v: FreeBlockChangeValue) -> "FreeBlockChange":
        return cls(staff_id=to_id(v.staff_id), staff_name=v.staff_name, before_minutes=v.before_minutes,
                   after_minutes=v.after_minutes)


@strawberry.type(description="A stored rebooking plan; nothing moves until its moves are applied.")
class RebookingPlan:
    id: strawberry.ID
    kind: DisruptionKind
    disruption: DisruptionFacts
    timezone: str
    optimal: bool = strawberry.field(description="The solver proved nothing less disruptive exists.")
    method: str
    moves: list[RebookingMove]
    unplaceable: list[UnplaceableAppointment]
    figures: RebookingFigures
    free_blocks: list[FreeBlockChange]
    created_at: datetime
    applied_at: datetime | None
    expires_at: datetime | None = strawberry.field(description="Applying after this is refused: ask for a new plan.")
    outage_written_at: datetime | None = strawberry.field(
        description="When applying put the outage on the calendar (a stylist's block, a chair out); null: not yet.")

    @classmethod
    def of(cls, v: PlanResult) -> "RebookingPlan":
        return cls(id=to_id(v.id), kind=v.kind, disruption=DisruptionFacts.of(v.disruption), timezone=v.timezone,
                   optimal=v.optimal, method=v.method, moves=[RebookingMove.of(m) for m in v.moves],
                   unplaceable=[UnplaceableAppointment.of(u) for u in v.unplaceable],
                   figures=RebookingFigures.of(v.figures), free_blocks=[FreeBlockChange.of(f) for f in v.free_blocks],
                   created_at=v.created_at, applied_at=v.applied_at, expires_at=v.expires_at,
                   outage_written_at=v.outage_written_at)


@strawberry.type
class RefusedMove:
    move_id: strawberry.ID
    appointment_id: strawberry.ID | None
    message: str

    @classmethod
    def of(cls, v: RefusedMoveValue) -> "RefusedMove":
        return cls(move_id=strawberry.ID(v.move_id), appointment_id=_optional_id(v.appointment_id), message=v.message)


@strawberry.type(description="What applying did: moves written, moves refused (with why), notices queued.")
class RebookingApplied:
    plan: RebookingPlan
    applied: list[RebookingMove]
    refused: list[RefusedMove]
    notices_queued: int
    needs_new_time: list[strawberry.ID] = strawberry.field(
        description="Appointments the plan could not place, now marked as needing a new time (first apply only).")
    customers_offered: int = strawberry.field(
        description="Their customers, messaged with other times and the waitlist.")

    @classmethod
    def of(cls, v: ApplyResult) -> "RebookingApplied":
        return cls(plan=RebookingPlan.of(v.plan), applied=[RebookingMove.of(m) for m in v.applied],
                   refused=[RefusedMove.of(r) for r in v.refused], notices_queued=v.notices_queued,
                   needs_new_time=[to_id(i) for i in v.needs_new_time], customers_offered=v.customers_offered)
