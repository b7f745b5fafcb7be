"""What the optimiser answers: a plan of moves the owner can accept one by one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Why an affected appointment could not be placed, most specific first.
NO_COMPATIBLE_SPOT = "no_compatible_spot"  # no chair hosting the service is usable on those days
PREFERRED_STAFF_UNAVAILABLE = "preferred_staff_unavailable"  # the chosen stylist has no time in reach
NO_QUALIFIED_STAFF = "no_qualified_staff"  # nobody who performs the service works on those days
NO_TIME_IN_WINDOW = "no_time_in_window"  # they work, but not (with a chair) within the shift window
SCHEDULE_FULL = "schedule_full"  # there is working time, but other appointments fill it

UnplaceableReason = Literal[
    "no_qualified_staff",
    "preferred_staff_unavailable",
    "no_compatible_spot",
    "no_time_in_window",
    "schedule_full",
]


@dataclass(frozen=True, slots=True)
class Placement:
    """Who, where and when an appointment happens."""

    staff_id: str
    spot_id: str | None
    start: int
    day: int


@dataclass(frozen=True, slots=True)
class Move:
    """One appointment moved from `before` to `after`; `minutes_moved` is in time of day."""

    appointment_id: str
    before: Placement
    after: Placement
    affected: bool
    minutes_moved: int

    @property
    def changes_day(self) -> bool:
        return self.before.day != self.after.day

    @property
    def changes_staff(self) -> bool:
        return self.before.staff_id != self.after.staff_id

    @property
    def changes_spot(self) -> bool:
        return self.before.spot_id != self.after.spot_id


@dataclass(frozen=True, slots=True)
class Unplaceable:
    """An affected appointment the plan could not keep, and why (one of the reason codes)."""

    appointment_id: str
    reason: UnplaceableReason


@dataclass(frozen=True, slots=True)
class PlanFigures:
    """How disruptive a plan is; `objective` uses the policy's priorities or weights.

    Counts are of appointments (a visit of two services counts two), except
    `unaffected_customers`: the uninvolved customers the plan moves (what the owner's cap
    limits). `best_bound` is the solver's proven lower bound on the objective (equal to it
    when the plan is optimal; None for the greedy baseline, which proves nothing).
    """

    affected: int
    kept: int
    kept_on_day: int
    unplaced: int
    day_changes: int
    unaffected_moved: int
    unaffected_customers: int
    staff_changes: int
    spot_changes: int
    minutes_moved: int
    objective: int
    best_bound: int | None


PlanStatus = Literal["optimal", "feasible"]
PlanMethod = Literal["cp-sat", "greedy"]
#: Why the search ended: it proved the plan best, it used its deterministic work budget (the
#: same plan on every run), or the wall-clock guard cut it short (reproducibility not promised).
StoppedBy = Literal["proof", "work_limit", "time_limit"]


@dataclass(frozen=True, slots=True)
class Plan:
    """A rebooking plan.

    `method` says which search produced it: the CP-SAT plan, or the greedy baseline when
    CP-SAT found nothing better in its budget (the plan is never worse than greedy).
    Times are the solver's own wall time, in seconds, from the start of the search; they
    vary from run to run, the plan does not (unless `stopped_by` is "time_limit").
    """

    moves: tuple[Move, ...]
    unplaceable: tuple[Unplaceable, ...]
    figures: PlanFigures
    status: PlanStatus
    method: PlanMethod
    seconds_to_first_plan: float
    solve_seconds: float
    stopped_by: StoppedBy = "proof"
    work_seconds: float = 0.0  # CP-SAT's deterministic time spent


@dataclass(frozen=True, slots=True)
class StaffFreeBlock:
    """A stylist's largest free stretch on the day, before and after the plan, in minutes."""

    staff_id: str
    before: int
    after: int


@dataclass(frozen=True, slots=True)
class CompactionPlan:
    """A "compacta la agenda" plan: the moves and how the free blocks grow."""

    moves: tuple[Move, ...]
    free_blocks: tuple[StaffFreeBlock, ...]
    appointments_on_day: int
    minutes_moved: int
    status: PlanStatus
    solve_seconds: float

    @property
    def median_largest_block_before(self) -> float:
        return _median([block.before for block in self.free_blocks])

    @property
    def median_largest_block_after(self) -> float:
        return _median([block.after for block in self.free_blocks])


def _median(values: list[int]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2
