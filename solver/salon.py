"""The salon snapshot the solver reads: plain frozen values a resolver builds from rows.

One `Salon` describes one location of one organization at one moment: its zone and
options, business hours, staff, spots, services, blocks and the occupancy already stored.
Weekly rules are local wall-clock times (the owner thinks "9 a 17"); blocks and occupancy
are instants (timezone-aware datetimes), exactly as the database stores them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum


def require_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {value!r}")


def _check_local_range(start: time, end: time) -> None:
    """`end == time(0)` means midnight at the end of the day; otherwise end must follow start."""
    if end != time(0) and end <= start:
        raise ValueError(f"local range must end after it starts: {start}-{end}")


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """A recurring open (or working) range on a weekday, 0=Monday. Several per day are fine."""

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday}")
        _check_local_range(self.start, self.end)


class ExceptionKind(StrEnum):
    EXTRA_HOURS = "extra_hours"  # works these hours on that date, on top of the weekly ones
    DAY_OFF = "day_off"  # does not work at all on that date (extra hours that day still count)


@dataclass(frozen=True, slots=True)
class DatedException:
    """A one-date change to a staff member's weekly hours."""

    day: date
    kind: ExceptionKind
    start: time | None = None
    end: time | None = None

    def __post_init__(self) -> None:
        if self.kind is ExceptionKind.EXTRA_HOURS:
            if self.start is None or self.end is None:
                raise ValueError("extra hours need a start and an end")
            _check_local_range(self.start, self.end)


@dataclass(frozen=True, slots=True)
class Block:
    """Time taken out of the calendar: lunch, personal time, a holiday for the whole location."""

    start: datetime
    end: datetime
    reason: str = ""

    def __post_init__(self) -> None:
        require_aware(self.start, "block start")
        require_aware(self.end, "block end")


class ResourceKind(StrEnum):
    STAFF = "staff"
    SPOT = "spot"


@dataclass(frozen=True, slots=True)
class Occupancy:
    """One stored busy interval of one resource (the occupancy row the database keeps).

    The epoch minutes are derived once here, so each search reads integers instead of
    converting thousands of datetimes again.
    """

    resource_kind: ResourceKind
    resource_id: str
    start: datetime
    end: datetime
    start_epoch_minute: int = field(init=False, repr=False, compare=False)
    end_epoch_minute: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.resource_kind, ResourceKind):
            object.__setattr__(self, "resource_kind", ResourceKind(self.resource_kind))
        require_aware(self.start, "occupancy start")
        require_aware(self.end, "occupancy end")
        object.__setattr__(self, "start_epoch_minute", math.floor(self.start.timestamp() / 60))
        object.__setattr__(self, "end_epoch_minute", math.ceil(self.end.timestamp() / 60))


@dataclass(frozen=True, slots=True)
class Processing:
    """A stretch inside a service when the stylist is free but the spot stays taken (hair colour)."""

    offset_minutes: int
    length_minutes: int


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    duration_minutes: int
    buffer_after_minutes: int | None = None  # None: the organization's default buffer
    processing: Processing | None = None

    def __post_init__(self) -> None:
        if self.duration_minutes <= 0:
            raise ValueError(f"service {self.id} must last at least a minute")
        if self.buffer_after_minutes is not None and self.buffer_after_minutes < 0:
            raise ValueError(f"service {self.id} has a negative buffer")
        p = self.processing
        if p is not None and not (
            p.offset_minutes > 0
            and p.length_minutes > 0
            and p.offset_minutes + p.length_minutes <= self.duration_minutes
        ):
            # offset 0 would leave the stylist nothing to start with; the solver needs the
            # stylist at the start so that group seats never share one stylist.
            raise ValueError(f"service {self.id}: processing must start after 0 and fit inside it")


def _frozen(values: Iterable[str]) -> frozenset[str]:
    return values if isinstance(values, frozenset) else frozenset(values)


@dataclass(frozen=True, slots=True)
class Staff:
    """A stylist. `weekly_hours=None` means "works whenever the location is open"."""

    id: str
    service_ids: frozenset[str]
    weekly_hours: tuple[WeeklyHours, ...] | None = None
    exceptions: tuple[DatedException, ...] = ()
    blocks: tuple[Block, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "service_ids", _frozen(self.service_ids))
        if self.weekly_hours is not None:
            object.__setattr__(self, "weekly_hours", tuple(self.weekly_hours))
        object.__setattr__(self, "exceptions", tuple(self.exceptions))
        object.__setattr__(self, "blocks", tuple(self.blocks))


@dataclass(frozen=True, slots=True)
class Spot:
    """A chair or station; it hosts only its services and is free whenever the location is open."""

    id: str
    service_ids: frozenset[str]
    blocks: tuple[Block, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "service_ids", _frozen(self.service_ids))
        object.__setattr__(self, "blocks", tuple(self.blocks))


@dataclass(frozen=True, slots=True)
class SalonOptions:
    """Per-organization booking rules.

    The grid is anchored at local midnight, so pick a granularity that divides 60 for the
    slots to stay on the local clock across DST changes.
    """

    granularity_minutes: int = 15
    min_notice_minutes: int = 0
    max_days_ahead: int = 60  # last bookable local date is today + max_days_ahead
    buffer_after_minutes: int = 0  # for services that do not set their own

    def __post_init__(self) -> None:
        if self.granularity_minutes <= 0:
            raise ValueError("granularity must be positive")
        if self.min_notice_minutes < 0 or self.max_days_ahead < 0 or self.buffer_after_minutes < 0:
            raise ValueError("notice, days ahead and buffer cannot be negative")


@dataclass(frozen=True, slots=True)
class Salon:
    """Everything the solver knows about one location.

    When moving an existing appointment, leave its own occupancy out of `occupancy`.
    """

    timezone: str  # IANA name, e.g. "America/Mexico_City"
    business_hours: tuple[WeeklyHours, ...]
    staff: tuple[Staff, ...]
    spots: tuple[Spot, ...]
    services: tuple[Service, ...]
    closed_dates: frozenset[date] = frozenset()
    location_blocks: tuple[Block, ...] = ()
    occupancy: tuple[Occupancy, ...] = ()
    options: SalonOptions = field(default_factory=SalonOptions)
    # Derived once per snapshot: (kind, id) -> sorted (start, end) epoch minutes.
    busy_epoch_minutes: dict[tuple[ResourceKind, str], list[tuple[int, int]]] = field(
        init=False, repr=False, compare=False
    )
    longest_busy_minutes: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("business_hours", "staff", "spots", "services", "location_blocks", "occupancy"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))
        if not isinstance(self.closed_dates, frozenset):
            object.__setattr__(self, "closed_dates", frozenset(self.closed_dates))
        busy: dict[tuple[ResourceKind, str], list[tuple[int, int]]] = {}
        longest = 0
        for row in self.occupancy:
            start, end = row.start_epoch_minute, row.end_epoch_minute
            busy.setdefault((row.resource_kind, row.resource_id), []).append((start, end))
            if end - start > longest:
                longest = end - start
        for ranges in busy.values():
            ranges.sort()
        object.__setattr__(self, "busy_epoch_minutes", busy)
        object.__setattr__(self, "longest_busy_minutes", longest)
