"""What the owner tells Parlo happened, and the time it takes out of the calendar.

Every disruption becomes extra blocks on a stylist, a chair or the whole location (the
same ``solver.Block`` the calendars already know), plus the local days it touches. The
blocks are stored in the plan, so applying it later re-checks moves against the same
disruption even when nothing was written to the calendar (a broken chair has no row).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from enum import Enum
from zoneinfo import ZoneInfo

import solver


class DisruptionKind(str, Enum):
    STAFF_OUT = "staff_out"  # "Pedro se enfermó, no viene mañana"
    STAFF_BLOCK = "staff_block"  # an existing block over appointments
    SPOT_OUT = "spot_out"  # a chair out of use for some days
    SHORTENED_HOURS = "shortened_hours"  # the salon opens later or closes earlier one day
    COMPACT_DAY = "compact_day"  # "compacta la agenda de mañana"


#: The longest disruption one plan handles (a longer absence is a staffing problem, not a re-plan).
MAX_DISRUPTION_DAYS = 14


@dataclass(frozen=True, slots=True)
class StaffOut:
    """A stylist is out from ``first_day`` to ``last_day`` (local dates, inclusive).

    ``write_block`` (on unless the owner says otherwise, on every path): applying the plan also
    takes the days off their calendar, one block, once. Suggesting writes nothing.
    """

    staff_id: uuid.UUID
    first_day: date
    last_day: date | None = None
    write_block: bool = True
    reason: str | None = None
    kind: DisruptionKind = field(default=DisruptionKind.STAFF_OUT, init=False)


@dataclass(frozen=True, slots=True)
class StaffBlockOver:
    """An existing block (``Availability`` of kind block) that covers booked appointments."""

    block_id: uuid.UUID
    kind: DisruptionKind = field(default=DisruptionKind.STAFF_BLOCK, init=False)


@dataclass(frozen=True, slots=True)
class SpotOut:
    """A chair or station is out of use from ``first_day`` to ``last_day`` (inclusive)."""

    spot_id: uuid.UUID
    first_day: date
    last_day: date | None = None
    kind: DisruptionKind = field(default=DisruptionKind.SPOT_OUT, init=False)


@dataclass(frozen=True, slots=True)
class ShortenedHours:
    """One day the salon opens at ``opens_at`` and/or closes at ``closes_at`` (local times).

    ``write_block`` (on by default): applying the plan also stores the closed stretches as
    location-wide blocks, once.
    """

    day: date
    opens_at: time | None = None
    closes_at: time | None = None
    write_block: bool = True
    reason: str | None = None
    kind: DisruptionKind = field(default=DisruptionKind.SHORTENED_HOURS, init=False)


@dataclass(frozen=True, slots=True)
class CompactDay:
    """Close small gaps on ``day`` so stylists get larger free blocks for walk-ins."""

    day: date
    kind: DisruptionKind = field(default=DisruptionKind.COMPACT_DAY, init=False)


Disruption = StaffOut | StaffBlockOver | SpotOut | ShortenedHours | CompactDay


def disruption_json(disruption: Disruption) -> dict:
    """The request as asked, so a plan can be made again for the moves that no longer fit."""
    out: dict = {"kind": disruption.kind.value}
    for name in disruption.__slots__:
        value = getattr(disruption, name)
        if name == "kind" or value is None:
            continue
        out[name] = value if isinstance(value, (bool, str)) else str(value) if isinstance(value, uuid.UUID) \
            else value.isoformat()
    return out


def disruption_of(data: dict) -> Disruption | None:
    kinds = {DisruptionKind.STAFF_OUT: StaffOut, DisruptionKind.STAFF_BLOCK: StaffBlockOver,
             DisruptionKind.SPOT_OUT: SpotOut, DisruptionKind.SHORTENED_HOURS: ShortenedHours,
             DisruptionKind.COMPACT_DAY: CompactDay}
    try:
        cls = kinds[DisruptionKind(data["kind"])]
    except (KeyError, ValueError):
        return None
    readers = {"staff_id": uuid.UUID, "block_id": uuid.UUID, "spot_id": uuid.UUID, "first_day": date.fromisoformat,
               "last_day": date.fromisoformat, "day": date.fromisoformat, "opens_at": time.fromisoformat,
               "closes_at": time.fromisoformat}
    args = {name: readers[name](value) if name in readers else value
            for name, value in data.items() if name != "kind" and name in cls.__slots__}
    return cls(**args)


@dataclass(frozen=True, slots=True)
class TimeTaken:
    """The blocks a disruption adds, per resource, and the local days it touches."""

    days: tuple[date, ...]
    staff_blocks: dict[str, tuple[solver.Block, ...]] = field(default_factory=dict)
    spot_blocks: dict[str, tuple[solver.Block, ...]] = field(default_factory=dict)
    location_blocks: tuple[solver.Block, ...] = ()

    def touches(self, staff_id: str | None, spot_id: str | None, start: datetime, end: datetime) -> bool:
        """Whether an appointment's stylist, chair or place loses time it overlaps."""
        def hit(blocks) -> bool:
            return any(b.start < end and start < b.end for b in blocks)

        return (hit(self.location_blocks)
                or (staff_id is not None and hit(self.staff_blocks.get(staff_id, ())))
                or (spot_id is not None and hit(self.spot_blocks.get(spot_id, ()))))

    def applied_to(self, salon: solver.Salon) -> solver.Salon:
        """The salon with this time taken out (staff and chair blocks, location blocks)."""
        staff = tuple(replace(m, blocks=m.blocks + self.staff_blocks[m.id]) if m.id in self.staff_blocks else m
                      for m in salon.staff)
        spots = tuple(replace(p, blocks=p.blocks + self.spot_blocks[p.id]) if p.id in self.spot_blocks else p
                      for p in salon.spots)
        return replace(salon, staff=staff, spots=spots, location_blocks=salon.location_blocks + self.location_blocks)

    def as_json(self) -> dict:
        def ranges(blocks) -> list[list[str]]:
            return [[_iso(b.start), _iso(b.end), b.reason] for b in blocks]

        return {
            "days": [d.isoformat() for d in self.days],
            "staff_blocks": {k: ranges(v) for k, v in self.staff_blocks.items()},
            "spot_blocks": {k: ranges(v) for k, v in self.spot_blocks.items()},
            "location_blocks": ranges(self.location_blocks),
        }

    @classmethod
    def from_json(cls, data: dict) -> "TimeTaken":
        def blocks(rows) -> tuple[solver.Block, ...]:
            return tuple(solver.Block(datetime.fromisoformat(a), datetime.fromisoformat(b), reason or "")
                         for a, b, reason in rows)

        return cls(
            days=tuple(date.fromisoformat(d) for d in data.get("days", ())),
            staff_blocks={k: blocks(v) for k, v in data.get("staff_blocks", {}).items()},
            spot_blocks={k: blocks(v) for k, v in data.get("spot_blocks", {}).items()},
            location_blocks=blocks(data.get("location_blocks", ())),
        )


def _iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(timezone.utc)


def days_between(first: date, last: date) -> tuple[date, ...]:
    return tuple(first + timedelta(days=i) for i in range((last - first).days + 1))


def whole_days(first: date, last: date, zone: ZoneInfo, reason: str) -> solver.Block:
    return solver.Block(local_midnight(first, zone), local_midnight(last + timedelta(days=1), zone), reason)


def shortened_day(day: date, opens_at: time | None, closes_at: time | None, zone: ZoneInfo,
                  reason: str) -> tuple[solver.Block, ...]:
    """The stretches of the day outside the new hours, as location blocks."""
    blocks = []
    if opens_at is not None and opens_at != time(0):
        blocks.append(solver.Block(local_midnight(day, zone),
                                   datetime.combine(day, opens_at, tzinfo=zone).astimezone(timezone.utc), reason))
    if closes_at is not None and closes_at != time(0):
        blocks.append(solver.Block(datetime.combine(day, closes_at, tzinfo=zone).astimezone(timezone.utc),
                                   local_midnight(day + timedelta(days=1), zone), reason))
    return tuple(blocks)
