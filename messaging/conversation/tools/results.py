"""What each tool returns: frozen dataclasses, read by attribute in both engines.

One conversion to the JSON the model sees, :meth:`Facts.to_json`: a dataclass becomes an
object keyed by its field names (in order), tuples become lists, nested facts nest. A few
shapes keep the flat form the model has always seen (a schedule entry carries its
appointment's facts inline; optional notes are left out when absent): those override
``to_json``.

Times are ISO-8601 *local* strings to the minute ("2026-01-16T16:00", :data:`LocalTime`),
the form the model writes back and the flow memories persist; ``rules.base.local`` reads
them as datetimes.

Over ~400 lines on purpose: it is a catalogue of about 35 small result types with no logic
between them, and one place to read every shape the model can receive is worth more than
splitting it by tool family.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

#: "2026-01-16T16:00": a local time of the business, to the minute.
LocalTime = str


def to_json(value: Any) -> Any:
    """Facts (and tuples of them) as JSON-able values; anything else as it is."""
    if isinstance(value, Facts):
        return value.to_json()
    if isinstance(value, tuple | list):
        return [to_json(v) for v in value]
    return value


class Facts:
    """Base of every tool result: ``to_json`` is the one way a result reaches the model."""

    __slots__ = ()

    def to_json(self) -> dict[str, Any]:
        return {f.name: to_json(getattr(self, f.name)) for f in fields(self)}  # type: ignore[arg-type]


# ---------------------------------------------------------------- appointments


@dataclass(frozen=True, slots=True)
class Appointment(Facts):
    appointment_id: str
    start: LocalTime
    end: LocalTime
    status: str  # pending, confirmed, completed, no_show, cancelled
    service: str | None
    service_id: str | None
    price_cents: int | None
    staff: str | None
    staff_id: str | None
    customer: str | None
    customer_phone: str | None
    customer_id: str | None

    @property
    def active(self) -> bool:
        return self.status in ("pending", "confirmed")


@dataclass(frozen=True, slots=True)
class Appointments(Facts):
    """A booked visit (one per service, in order), a move, a walk-in, or a listing."""

    appointments: tuple[Appointment, ...]

    @property
    def first(self) -> Appointment:
        return self.appointments[0]


@dataclass(frozen=True, slots=True)
class AppointmentChanged(Facts):
    """A cancellation or a marking (completed, no-show); ``notes`` after set_appointment_notes."""

    appointment: Appointment
    notes: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"appointment": self.appointment.to_json()}
        if self.notes is not None:
            out["notes"] = self.notes
        return out


@dataclass(frozen=True, slots=True)
class Slot(Facts):
    start: LocalTime
    staff_id: str
    staff: str | None


@dataclass(frozen=True, slots=True)
class Slots(Facts):
    """Free starts, in order, one per local minute (the first stylist found)."""

    slots: tuple[Slot, ...]
    note: str | None = None  # why there are none ("Ese día ya pasó.")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"slots": to_json(self.slots)}
        if self.note is not None:
            out["note"] = self.note
        return out


@dataclass(frozen=True, slots=True)
class LastVisit(Facts):
    """The customer's last completed visit ("lo de siempre"); empty when there is none."""

    service_ids: tuple[str, ...]
    staff_id: str | None
    start: LocalTime | None


# ---------------------------------------------------------------- agenda


@dataclass(frozen=True, slots=True)
class Entry(Facts):
    """One line of someone's agenda: an appointment, a block, or another kind of busy time."""

    kind: str  # "appointment", "block", …
    start: LocalTime
    end: LocalTime
    appointment: Appointment | None = None
    block_id: str | None = None
    reason: str | None = None

    # the appointment's facts read through (None for blocks and free time), as agendas print them
    @property
    def service(self) -> str | None:
        return self.appointment.service if self.appointment else None

    @property
    def customer(self) -> str | None:
        return self.appointment.customer if self.appointment else None

    @property
    def status(self) -> str | None:
        return self.appointment.status if self.appointment else None

    def to_json(self) -> dict[str, Any]:  # flat, as the model has always read it
        out: dict[str, Any] = {"kind": self.kind, "start": self.start, "end": self.end}
        if self.appointment is not None:
            out.update(self.appointment.to_json())
        if self.block_id is not None:
            out["block_id"], out["reason"] = self.block_id, self.reason
        return out


@dataclass(frozen=True, slots=True)
class Agenda(Facts):
    staff_id: str
    staff: str
    working: tuple[tuple[str, str], ...]  # ("09:00", "14:00") local
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class DaySchedule(Facts):
    date: str  # AAAA-MM-DD
    closed: bool
    staff: tuple[Agenda, ...]

    @property
    def entries(self) -> list[Entry]:
        return [e for person in self.staff for e in person.entries]


@dataclass(frozen=True, slots=True)
class NextUp(Facts):
    """The sender's next (at most two) pending or confirmed appointments today."""

    next: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class Block(Facts):
    block_id: str
    start: LocalTime
    end: LocalTime
    reason: str | None


@dataclass(frozen=True, slots=True)
class Blocked(Facts):
    block_id: str
    start: LocalTime
    end: LocalTime
    overlapping: tuple[Appointment, ...]


@dataclass(frozen=True, slots=True)
class Blocks(Facts):
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Unblocked(Facts):
    block_id: str
    start: LocalTime
    end: LocalTime


# ---------------------------------------------------------------- customers, messages, handoff


@dataclass(frozen=True, slots=True)
class CustomerRecord(Facts):
    customer_id: str
    name: str | None
    phone: str | None
    notes: str | None
    appointments: tuple[Appointment, ...]


@dataclass(frozen=True, slots=True)
class CustomerHistory(Facts):
    customers: tuple[CustomerRecord, ...]


@dataclass(frozen=True, slots=True)
class LinkSent(Facts):
    sent: bool = True


@dataclass(frozen=True, slots=True)
class NameSaved(Facts):
    name: str | None


@dataclass(frozen=True, slots=True)
class Rated(Facts):
    appointment_id: str
    rating: int | None
    feedback: str | None


@dataclass(frozen=True, slots=True)
class HandedOff(Facts):
    notified: str | None  # the owner's name
    quiet_until: str  # ISO-8601 instant


@dataclass(frozen=True, slots=True)
class MessageSent(Facts):
    sent_to: str
    message: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"sent_to": self.sent_to} | ({"message": self.message} if self.message is not None else {})


@dataclass(frozen=True, slots=True)
class WaitlistAnswered(Facts):
    """A waitlist offer answered: ``accepted`` with the visit booked (its appointments), or declined
    (the time went on to the next customer waiting; ``appointments`` empty)."""

    accepted: bool
    appointments: tuple[Appointment, ...] = ()


@dataclass(frozen=True, slots=True)
class HandedBack(Facts):
    customer_phone: str


# ---------------------------------------------------------------- the team, hours, services


@dataclass(frozen=True, slots=True)
class StaffAdded(Facts):
    staff_id: str
    name: str
    phone: str | None


@dataclass(frozen=True, slots=True)
class StaffRemoved(Facts):
    staff_id: str
    name: str


@dataclass(frozen=True, slots=True)
class PermissionsChanged(Facts):
    staff_id: str
    name: str
    level: str  # OWNER, ADMIN, STAFF, VIEWER


@dataclass(frozen=True, slots=True)
class WeeklyHours(Facts):
    weekday: int  # 0 = lunes
    start: str  # HH:MM:SS
    end: str


@dataclass(frozen=True, slots=True)
class BusinessHours(Facts):
    hours: tuple[WeeklyHours, ...]


@dataclass(frozen=True, slots=True)
class ServiceUpdated(Facts):
    service_id: str
    name: str
    duration_minutes: int
    price_cents: int | None


# ---------------------------------------------------------------- rebooking


@dataclass(frozen=True, slots=True)
class Placement(Facts):
    staff: str | None
    start: LocalTime


@dataclass(frozen=True, slots=True)
class Move(Facts):
    move_id: str
    appointment_id: str
    customer: str | None
    service: str | None
    affected: bool
    before: Placement
    after: Placement


@dataclass(frozen=True, slots=True)
class Unplaceable(Facts):
    appointment_id: str
    customer: str | None
    service: str | None
    start: LocalTime
    why: str


@dataclass(frozen=True, slots=True)
class RebookingPlan(Facts):
    plan_id: str
    moves: tuple[Move, ...]
    unplaceable: tuple[Unplaceable, ...]

    @property
    def empty(self) -> bool:
        return not self.moves and not self.unplaceable


@dataclass(frozen=True, slots=True)
class RefusedMove(Facts):
    move_id: str
    appointment_id: str
    why: str


@dataclass(frozen=True, slots=True)
class RebookingApplied(Facts):
    applied: int
    refused: int
    notices: int
    unplaced_told: int
    refused_moves: tuple[RefusedMove, ...]


# ---------------------------------------------------------------- figures, onboarding


@dataclass(frozen=True, slots=True)
class StaffFigures(Facts):
    staff_id: str
    name: str
    appointments: int
    completed: int
    no_shows: int
    revenue_cents: int


@dataclass(frozen=True, slots=True)
class Figures(Facts):
    first_day: str
    last_day: str
    staff_id: str | None
    appointments: int
    completed: int
    cancelled: int
    no_shows: int
    scheduled: int
    revenue_cents: int
    expected_revenue_cents: int
    new_customers: int
    busiest_day: str | None
    busiest_day_appointments: int
    busiest_hour: int | None
    busiest_hour_appointments: int
    by_staff: tuple[StaffFigures, ...]


@dataclass(frozen=True, slots=True)
class BusinessCreated(Facts):
    organization_id: str
    owner_staff_id: str
    services: int
    staff_added: tuple[str, ...]
    staff_skipped: tuple[str, ...]
