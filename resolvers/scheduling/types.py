"""The values scheduling use cases take and return.

Inputs are small frozen dataclasses the GraphQL layer builds from its input types.
Results hold storage model instances (``Appointment``, ``Availability``, ``Staff``,
``Location``) where the caller will want every column, and our own dataclasses where the
answer is computed (slots, agenda gaps, usage). Every datetime is timezone-aware: UTC in
instants we return from storage, the organization's zone in the agenda.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

from solver import PartOfDay
from storage import Appointment, AppointmentSource, Availability, Customer, Staff


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class BookingRequest:
    """Book one visit: its services in order, starting exactly at ``start``.

    ``customer_phone`` is required when staff book for someone; a customer actor books for
    themselves (their own phone is used, a different one is refused). ``staff_id`` /
    ``spot_id`` pin the visit to that stylist / spot; without them the solver chooses.
    ``group_size`` > 1 books that many seats side by side for the same customer.
    ``source`` None means "from the actor": customers → whatsapp, staff → manual.
    ``notify_customer`` False skips the confirmation template (e.g. the conversation that
    booked it already confirms in its reply).
    """

    service_ids: tuple[uuid.UUID, ...]
    start: datetime
    customer_phone: str | None = None
    customer_name: str | None = None
    staff_id: uuid.UUID | None = None
    spot_id: uuid.UUID | None = None
    notes: str | None = None
    source: AppointmentSource | None = None
    group_size: int = 1
    location_id: uuid.UUID | None = None
    notify_customer: bool = True


@dataclass(frozen=True, slots=True)
class WalkInRequest:
    """Someone just walked in: book now with whoever is free. Phone and name are optional."""

    service_ids: tuple[uuid.UUID, ...]
    customer_phone: str | None = None
    customer_name: str | None = None
    staff_id: uuid.UUID | None = None
    notes: str | None = None
    location_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class SlotPreferences:
    """Soft wishes that rank slots (never remove one). ``day`` is a local date."""

    day: date | None = None
    part_of_day: PartOfDay | None = None
    staff_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class WeeklyRange:
    """A local wall-clock range on a weekday (0 = Monday). ``end`` 00:00 means midnight."""

    weekday: int
    start: time
    end: time


# ---------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class SlotService:
    """One service of a slot on concrete resources (UTC instants; end excludes the buffer)."""

    service_id: uuid.UUID
    staff_id: uuid.UUID
    spot_id: uuid.UUID | None
    start: datetime
    end: datetime
    seat: int = 0


@dataclass(frozen=True, slots=True)
class SlotOption:
    """A bookable start (UTC), with who and where. Higher ``score`` is better; the list is ranked.

    ``staff_id`` / ``spot_id`` are those of the first service of the first seat;
    ``services`` has every (seat, service) piece. Booking it: ``BookingRequest(start=slot.start,
    staff_id=slot.staff_id, ...)``.
    """

    start: datetime
    end: datetime
    staff_id: uuid.UUID
    spot_id: uuid.UUID | None
    score: int
    services: tuple[SlotService, ...]


@dataclass(frozen=True, slots=True)
class PlanUsage:
    """Bookings created this calendar month (organization's zone) against the plan's limit.

    ``limit`` is None on paid plans. Past the limit Parlo keeps booking and warns the owner.
    """

    plan: str
    month: str  # "2026-01"
    bookings_used: int
    limit: int | None
    over_limit: bool
    message: str | None = None  # Spanish, for the owner, when at or over the limit


@dataclass(frozen=True, slots=True)
class BookedAppointments:
    """A booked (or moved) visit: its appointments ordered by seat then start.

    ``appointments`` are storage ``Appointment`` rows (detached, every column loaded).
    ``plan_warning`` is a Spanish note for the owner when the free plan's limit is passed.
    """

    appointments: tuple[Appointment, ...]
    customer: Customer
    booking_group_id: uuid.UUID | None
    usage: PlanUsage | None = None
    plan_warning: str | None = None

    @property
    def start(self) -> datetime:
        return min(a.starts_at for a in self.appointments)

    @property
    def end(self) -> datetime:
        return max(a.ends_at for a in self.appointments)


@dataclass(frozen=True, slots=True)
class BlockedTime:
    """A new block (storage ``Availability``, kind block) and the active appointments it overlaps.

    Blocking never moves or cancels appointments; ``overlapping`` tells the caller to deal
    with them (rebooking is its own use case).
    """

    block: Availability
    overlapping: tuple[Appointment, ...] = ()


class AgendaItemKind(StrEnum):
    APPOINTMENT = "appointment"
    BLOCK = "block"
    FREE = "free"


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One stretch of a staff member's day, in the organization's local time.

    ``appointment`` is set for appointments, ``block`` for blocks (location-wide closures
    too), neither for free gaps. Both are named tuples of the columns an agenda shows, named as
    the storage models' attributes (``appointment.starts_at``, ``block.reason``), not ORM objects.
    """

    kind: AgendaItemKind
    start: datetime
    end: datetime
    appointment: tuple | None = None
    block: tuple | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class TimeRange:
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class StaffDay:
    """One staff member's day: working hours, then items (appointments, blocks, free gaps) by start.

    ``working`` is the time they can take clients: their hours while the salon is open, minus
    their own blocks and the location's (which are items too); free gaps are that minus
    appointments.
    """

    staff: Staff
    working: tuple[TimeRange, ...]
    items: tuple[AgendaItem, ...]

    @property
    def appointments(self) -> tuple[tuple, ...]:
        return tuple(i.appointment for i in self.items if i.appointment is not None)

    @property
    def free(self) -> tuple[AgendaItem, ...]:
        return tuple(i for i in self.items if i.kind is AgendaItemKind.FREE)


@dataclass(frozen=True, slots=True)
class DaySchedule:
    """One local day of a location: business hours and each staff member's agenda."""

    day: date
    timezone: str
    location_id: uuid.UUID
    business_hours: tuple[TimeRange, ...]  # empty when closed
    closed: bool
    staff: tuple[StaffDay, ...]
    # The rows its appointments point at, by id, read with them: who, what and where (the
    # columns an agenda shows, as named tuples; see AgendaItem).
    customers: Mapping[uuid.UUID, tuple] = field(default_factory=dict)
    services: Mapping[uuid.UUID, tuple] = field(default_factory=dict)
    spots: Mapping[uuid.UUID, tuple] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AppointmentPage:
    """A page of appointments ordered by (starts_at, id); pass ``end_cursor`` as ``after``."""

    items: tuple[Appointment, ...]
    end_cursor: str | None
    has_next_page: bool
    total_count: int
