"""What the rebooking optimiser is told: the salon after the disruption, and the owner's policy.

Everything is in integer minutes from a horizon origin chosen by the caller (resolvers turn
local datetimes into minutes and back), so this package never touches time zones, the
database or the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class Window:
    """A half-open stretch of time [start, end) in minutes from the horizon origin."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class SalonDay:
    """One local calendar day: [start, end) from local midnight to the next one.

    Days are given explicitly (not as 1440-minute blocks) so that days of 23 or 25 hours
    around a DST change stay correct; "time of day" is always measured from `start`.
    """

    index: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class StaffMember:
    """A stylist and the time they can work, *after* the disruption (hours minus blocks).

    Existing appointments are not subtracted by the caller: the optimiser knows them.
    """

    id: str
    services: frozenset[str]
    windows: tuple[Window, ...]


@dataclass(frozen=True, slots=True)
class Spot:
    """A chair or station and when it is usable (a broken chair has no window on those days)."""

    id: str
    services: frozenset[str]
    windows: tuple[Window, ...]


@dataclass(frozen=True, slots=True)
class Processing:
    """Part of a service (colour setting, say) when the stylist is free but the chair is not."""

    offset: int
    length: int


@dataclass(frozen=True, slots=True)
class Appointment:
    """An existing appointment as it is booked now.

    `staff_chosen` means the customer asked for this stylist: a plan never gives them
    another one. `affected` means the disruption broke it (its stylist, chair or hours are
    gone). `accepts_moves` is the customer's setting for moves they did not cause
    (compaction, or making room); it is off by default.

    Appointments sharing a `visit_id` are one visit (corte + barba, or two people booked
    together): a plan moves them as one unit — same day, same order, the same gaps between
    them as booked — or finds no place for any of them. `customer_id` lets the cap on
    uninvolved customers count people, not appointments (None: each visit is its own).
    """

    id: str
    service_id: str
    duration: int
    staff_id: str
    spot_id: str | None
    start: int
    day: int
    processing: Processing | None = None
    staff_chosen: bool = False
    affected: bool = False
    accepts_moves: bool = False
    visit_id: str | None = None
    customer_id: str | None = None

    @property
    def end(self) -> int:
        return self.start + self.duration

    def staff_busy(self, start: int) -> tuple[Window, ...]:
        """When the stylist is busy if the appointment starts at `start`."""
        if self.processing is None or self.processing.length <= 0:
            return (Window(start, start + self.duration),)
        pause_start = start + self.processing.offset
        pause_end = pause_start + self.processing.length
        parts = (Window(start, pause_start), Window(pause_end, start + self.duration))
        return tuple(part for part in parts if part.length > 0)


@dataclass(frozen=True, slots=True)
class Salon:
    """The days in play, the people, the chairs and the appointments on those days."""

    days: tuple[SalonDay, ...]
    staff: tuple[StaffMember, ...]
    spots: tuple[Spot, ...]
    appointments: tuple[Appointment, ...]


@dataclass(frozen=True, slots=True)
class Weights:
    """A weighted objective, for owners who want trade-offs instead of strict priorities.

    Every figure is a cost to minimise; all weights must be non-negative integers.
    """

    unplaced: int = 1_000_000
    day_change: int = 10_000
    unaffected_moved: int = 1_000
    staff_change: int = 100
    minute_moved: int = 1
    spot_change: int = 1


UnaffectedMoves = Literal["none", "accepting", "any"]


@dataclass(frozen=True, slots=True)
class RebookingPolicy:
    """The owner's rules for a rebooking plan.

    `shift_window_minutes` is how far (in time of day) an appointment may move, on its own
    day or another. `move_to_days` are the other days affected appointments may go to (their
    own day is always allowed). `unaffected_moves` says which unaffected appointments may be
    nudged, within their own day, to let affected ones stay on theirs: none, only customers
    who accept moves, or any; `max_unaffected_customers` caps how many such customers one
    plan may move (None: no cap). `weights=None` means strict priorities, in this order:
    most affected appointments kept, fewest day changes, fewest unaffected moved, fewest
    staff changes, fewest minutes moved, fewest chair changes.

    Plans are reproducible: the search stops after `work_limit` deterministic seconds of
    CP-SAT work (a count of the solver's own operations, about a second of one core each,
    the same on every run), with a fixed seed and one worker (`workers` > 1 runs several,
    interleaved so that they stay deterministic: much slower on two cores).
    `time_limit_seconds` is only a wall-clock guard for a machine far slower than expected;
    a plan it cuts short says so (`Plan.stopped_by`).
    """

    shift_window_minutes: int = 180
    move_to_days: tuple[int, ...] = ()
    unaffected_moves: UnaffectedMoves = "none"
    max_unaffected_customers: int | None = None
    work_limit: float = 0.4
    time_limit_seconds: float = 60.0
    granularity_minutes: int = 15
    weights: Weights | None = None
    workers: int | None = None
    random_seed: int = 0


@dataclass(frozen=True, slots=True)
class CompactionPolicy:
    """The owner's rules for "compacta la agenda".

    Only customers who accept moves are moved, within `shift_window_minutes` of their time,
    on the same day. A customer who chose their stylist keeps them; others may change
    stylist unless `keep_staff` is on (chairs may always change). The plan trades the
    free-block minutes it gains (summed over the stylists' largest free blocks) against
    `move_cost_minutes` of block per appointment moved, `staff_change_cost_minutes` per
    stylist change, and one minute of block per `minutes_moved_per_block_minute` minutes
    moved; `max_moved_share` caps the share of the day's appointments that may move.
    Block minutes beyond `useful_block_minutes` (long enough for any walk-in) count a quarter,
    so the plan opens good blocks for several stylists rather than one huge one (None: all
    minutes count); each stylist whose block reaches that size is worth another
    `useful_block_bonus_minutes`. Like rebooking, the search stops after `work_limit`
    deterministic seconds (one worker, fixed seed: reproducible); `time_limit_seconds` is
    the wall-clock guard.
    """

    shift_window_minutes: int = 120
    max_moved_share: float = 0.2
    move_cost_minutes: int = 10
    staff_change_cost_minutes: int = 5
    minutes_moved_per_block_minute: int = 4
    keep_staff: bool = False
    useful_block_minutes: int | None = 120
    useful_block_bonus_minutes: int = 30
    work_limit: float = 2.0
    time_limit_seconds: float = 30.0
    granularity_minutes: int = 15
    workers: int = 1
    random_seed: int = 0
