"""What the rebooking use cases answer: plans with datetimes and names, and what applying did."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

from resolvers.rebooking.disruptions import DisruptionKind


@dataclass(frozen=True, slots=True)
class DisruptionFacts:
    """What happened, as raw facts for the owner's message (local dates and times)."""

    kind: DisruptionKind
    first_day: date
    last_day: date
    staff_id: uuid.UUID | None = None
    staff_name: str | None = None
    spot_id: uuid.UUID | None = None
    spot_name: str | None = None
    opens_at: time | None = None
    closes_at: time | None = None
    reason: str | None = None
    block_written: bool = False


@dataclass(frozen=True, slots=True)
class PlacementAt:
    """Who, where and when (UTC instants; ``ends_at`` is the service's end, without clean-up)."""

    staff_id: uuid.UUID
    staff_name: str
    spot_id: uuid.UUID | None
    spot_name: str | None
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class PlannedMove:
    """One appointment moved. ``id`` is its number in the plan ("1", "2", …), as the owner reads it."""

    id: str
    appointment_id: uuid.UUID
    customer_id: uuid.UUID
    customer_name: str | None
    service_id: uuid.UUID
    service_name: str
    before: PlacementAt
    after: PlacementAt
    affected: bool  # False: nudged to make room (or a compaction move)
    minutes_moved: int  # in time of day
    changes_day: bool
    applied_at: datetime | None = None
    visit_id: uuid.UUID | None = None  # the booking group: its moves are applied together or not at all

    @property
    def changes_staff(self) -> bool:
        return self.before.staff_id != self.after.staff_id


@dataclass(frozen=True, slots=True)
class UnplaceableAppointment:
    """An affected appointment the plan could not keep; ``reason`` is the solver's code."""

    appointment_id: uuid.UUID
    customer_name: str | None
    service_name: str
    staff_name: str
    starts_at: datetime
    reason: str
    message: str  # the reason in Spanish, for the owner
    customer_id: uuid.UUID | None = None
    visit_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class PlanFiguresOut:
    """How disruptive the plan is (the solver's figures) and whether that is proven best.

    The objective is lexicographic: unplaced, then day changes, then uninvolved moves, staff
    changes, minutes and chair changes, each weighted above everything below it, so it is a
    large number (beyond 32 bits on a busy salon); the levels themselves are the small figures.
    """

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
    spot_changes: int = 0
    unaffected_customers: int = 0


@dataclass(frozen=True, slots=True)
class FreeBlockChange:
    """Compaction: a stylist's largest free stretch that day, in minutes, before and after."""

    staff_id: uuid.UUID
    staff_name: str
    before_minutes: int
    after_minutes: int


@dataclass(frozen=True, slots=True)
class PlanResult:
    """A stored rebooking plan. ``optimal`` says whether the solver proved nothing better exists."""

    id: uuid.UUID
    kind: DisruptionKind
    disruption: DisruptionFacts
    timezone: str
    optimal: bool
    method: str  # "cp-sat" | "greedy"
    moves: tuple[PlannedMove, ...]
    unplaceable: tuple[UnplaceableAppointment, ...]
    figures: PlanFiguresOut
    free_blocks: tuple[FreeBlockChange, ...]
    created_at: datetime
    applied_at: datetime | None
    requested_by_staff_id: uuid.UUID | None
    expires_at: datetime | None = None  # applying after this is refused: the agenda has moved on
    outage_written_at: datetime | None = None  # when applying put the outage on the calendar

    @property
    def affected_count(self) -> int:
        return self.figures.affected

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at


@dataclass(frozen=True, slots=True)
class RefusedMove:
    """A chosen move that no longer fits (someone booked that time, the appointment changed …)."""

    move_id: str
    appointment_id: uuid.UUID | None
    message: str


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """What applying did: the moves written (with the appointments as now stored) and those refused."""

    plan: PlanResult
    applied: tuple[PlannedMove, ...]
    refused: tuple[RefusedMove, ...]
    notices_queued: int
    needs_new_time: tuple[uuid.UUID, ...] = ()  # appointments the plan could not place, now marked
    customers_offered: int = 0  # their customers, messaged with other times and the waitlist
