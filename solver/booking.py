"""What a caller asks the solver for, and what it answers.

Requests bound the *start* of a visit; answers carry UTC instants and the resources used.
"Nothing possible" is a value with a machine-readable reason, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from solver.salon import require_aware


class PartOfDay(StrEnum):
    """How customers say when: mañana before 12:00, tarde 12:00-19:00, noche from 19:00 (local)."""

    MANANA = "mañana"
    TARDE = "tarde"
    NOCHE = "noche"


# Local minute-of-day ranges, half-open.
PART_OF_DAY_MINUTES: dict[PartOfDay, tuple[int, int]] = {
    PartOfDay.MANANA: (0, 12 * 60),
    PartOfDay.TARDE: (12 * 60, 19 * 60),
    PartOfDay.NOCHE: (19 * 60, 24 * 60),
}


@dataclass(frozen=True, slots=True)
class Preferences:
    """Soft wishes: they rank slots, they never remove one."""

    day: date | None = None  # local date
    part_of_day: PartOfDay | None = None
    staff_id: str | None = None
    limit: int | None = None  # return only the best `limit` slots


@dataclass(frozen=True, slots=True)
class BookingRequest:
    """Services in the order they happen, for `group_size` people starting together.

    `staff_id` / `spot_id` pin the first seat to that stylist / spot for every service of the
    visit (hard constraints). The window bounds the start: window_start <= start < window_end;
    without one, the booking window (minimum notice .. maximum days ahead) applies alone.
    """

    service_ids: tuple[str, ...]
    group_size: int = 1
    staff_id: str | None = None
    spot_id: str | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    preferences: Preferences = field(default_factory=Preferences)

    def __post_init__(self) -> None:
        if isinstance(self.service_ids, str):
            object.__setattr__(self, "service_ids", (self.service_ids,))
        elif not isinstance(self.service_ids, tuple):
            object.__setattr__(self, "service_ids", tuple(self.service_ids))
        if not self.service_ids:
            raise ValueError("a booking needs at least one service")
        if self.group_size < 1:
            raise ValueError("group size must be at least 1")
        for value, what in ((self.window_start, "window start"), (self.window_end, "window end")):
            if value is not None:
                require_aware(value, what)

    @classmethod
    def at(cls, start: datetime, service_ids: tuple[str, ...], **kwargs: object) -> BookingRequest:
        """A request for exactly this start (the customer already picked "a las 4")."""
        return cls(service_ids, window_start=start, window_end=start + timedelta(minutes=1), **kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class BookedService:
    """One service of a visit on concrete resources. `end` excludes the buffer."""

    service_id: str
    staff_id: str
    spot_id: str | None
    start: datetime
    end: datetime
    seat: int = 0


@dataclass(frozen=True, slots=True)
class Assignment:
    """A whole visit: every (seat, service) with its stylist and spot."""

    services: tuple[BookedService, ...]

    @property
    def start(self) -> datetime:
        return min(s.start for s in self.services)

    @property
    def end(self) -> datetime:
        return max(s.end for s in self.services)

    @property
    def staff_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.staff_id for s in self.services))

    @property
    def spot_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.spot_id for s in self.services if s.spot_id is not None))


@dataclass(frozen=True, slots=True)
class StepOptions:
    """Every stylist and spot that could take one service of a slot (for "¿con quién?")."""

    service_id: str
    staff_ids: tuple[str, ...]
    spot_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Slot:
    """A bookable start, with the assignment it would use. Higher score ranks first.

    `end` is when the last service ends (its buffer excluded), as the customer sees it.
    """

    start: datetime
    end: datetime
    assignment: Assignment
    score: int
    options: tuple[StepOptions, ...] = ()

    @property
    def staff_ids(self) -> tuple[str, ...]:
        return self.assignment.staff_ids

    @property
    def spot_ids(self) -> tuple[str, ...]:
        return self.assignment.spot_ids


class Reason(StrEnum):
    """Why a booking cannot happen (assign_booking) or a concrete one is wrong (recheck)."""

    UNKNOWN_SERVICE = "unknown_service"
    UNKNOWN_STAFF = "unknown_staff"
    UNKNOWN_SPOT = "unknown_spot"
    NO_QUALIFIED_STAFF = "no_qualified_staff"  # nobody (or not the chosen one / not enough) does it
    NO_COMPATIBLE_SPOT = "no_compatible_spot"  # no spot (or not the chosen one / not enough) hosts it
    OUTSIDE_BOOKING_WINDOW = "outside_booking_window"  # before minimum notice or too far ahead
    CLOSED = "closed"  # the location is not open in the window
    STAFF_NOT_WORKING = "staff_not_working"  # open, but no qualified stylist works then
    DOES_NOT_FIT = "does_not_fit"  # even with no bookings: too long, or too few free together
    FULLY_BOOKED = "fully_booked"  # would fit, but existing appointments take the time
    # Only from recheck_assignment:
    OUTSIDE_HOURS = "outside_hours"  # outside business or working hours, or in a block
    SLOT_TAKEN = "slot_taken"  # overlaps stored occupancy
    INCONSISTENT = "inconsistent"  # wrong end, wrong order, or overlaps itself


@dataclass(frozen=True, slots=True)
class NoAssignment:
    reason: Reason
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Conflict:
    """One problem with a concrete assignment, found by recheck_assignment."""

    reason: Reason
    service_id: str | None = None
    resource_kind: str | None = None  # "staff" | "spot"
    resource_id: str | None = None
    detail: str = ""
