"""Two changes to one appointment at once: the second sees the first, and nothing is left behind.

The issue's ghost: on PostgreSQL a cancel and a move of the same appointment both
succeeded, leaving it cancelled yet holding occupancy at the new time, a time no agenda
showed and nobody could book again. Every change now locks the row and re-reads it.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from resolvers.errors import ValidationError
from resolvers.scheduling import (
    BookedAppointments,
    BookingRequest,
    book_appointment,
    cancel_appointment,
    mark_appointment,
    reschedule_appointment,
    set_appointment_notes,
)
from storage import ActivityEvent, Appointment, AppointmentStatus, Occupancy, OutboundMessage
from tests.resolvers.factories import as_staff, context, make_salon

CDMX = ZoneInfo("America/Mexico_City")
TRIALS = 20


def _start(trial: int) -> datetime:
    """Monday 19 to Friday 23 of January, four visits a day: every trial its own time."""
    return datetime(2026, 1, 19 + trial // 4, 10 + 2 * (trial % 4), tzinfo=CDMX)


async def _state(db, appointment_id):
    async with db.session() as s:
        appointment = await s.scalar(select(Appointment).where(Appointment.id == appointment_id))
        occupancy = (await s.scalars(select(Occupancy).where(Occupancy.appointment_id == appointment_id))).all()
        notices = (await s.scalars(select(OutboundMessage).where(OutboundMessage.appointment_id == appointment_id,
                                                                 OutboundMessage.kind == "notification"))).all()
    return appointment, occupancy, notices


def _customer_notices(notices, template: str) -> int:
    return sum(1 for n in notices if n.template_name == template and "recipient_staff_id" not in n.template_variables)


async def _book(ctx, salon, start: datetime) -> Appointment:
    result = await book_appointment(ctx, BookingRequest((salon.corte.id,), start, "+525598765432",
                                                        staff_id=salon.beto.id, notify_customer=False))
    assert isinstance(result, BookedAppointments), result
    return result.appointments[0]


async def test_a_cancel_and_a_move_of_one_appointment_at_once_leave_no_ghost_in_20_trials(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.ana))
    ghosts, moved_first = 0, 0
    for trial in range(TRIALS):
        appointment = await _book(ctx, salon, _start(trial))
        new_start = _start(trial) + timedelta(hours=1)
        cancelled, moved = await asyncio.gather(
            cancel_appointment(ctx, appointment.id, notify_customer=True),
            reschedule_appointment(ctx, appointment.id, new_start, notify_customer=True))
        assert isinstance(cancelled, Appointment), cancelled  # the cancel always wins in the end
        final, occupancy, notices = await _state(db, appointment.id)
        assert final.status is AppointmentStatus.CANCELLED
        ghosts += bool(occupancy)
        if isinstance(moved, BookedAppointments):  # the move went first; the cancel then freed the new time
            moved_first += 1
            assert _customer_notices(notices, "appointment_rescheduled") == 1
        else:
            assert isinstance(moved, ValidationError) and "ya estaba cancelada" in moved.message
            assert _customer_notices(notices, "appointment_rescheduled") == 0
        assert _customer_notices(notices, "appointment_cancelled") == 1
        rebooked = await book_appointment(ctx, BookingRequest((salon.corte.id,), new_start, "+525598760000",
                                                              staff_id=salon.beto.id, notify_customer=False))
        assert isinstance(rebooked, BookedAppointments), f"trial {trial}: the time is a ghost: {rebooked}"
    assert ghosts == 0


async def test_ten_cancels_and_ten_moves_of_one_appointment_change_it_once_each_way(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.ana))
    appointment = await _book(ctx, salon, _start(0))
    new_start = _start(0) + timedelta(hours=1)
    results = await asyncio.gather(
        *(cancel_appointment(ctx, appointment.id, notify_customer=True) for _ in range(10)),
        *(reschedule_appointment(ctx, appointment.id, new_start, notify_customer=True) for _ in range(10)))
    cancels, moves = results[:10], results[10:]
    assert sum(isinstance(r, Appointment) for r in cancels) == 1
    refused = [r for r in cancels + moves if isinstance(r, ValidationError)]
    assert all("ya estaba cancelada" in r.message for r in refused)
    final, occupancy, notices = await _state(db, appointment.id)
    assert final.status is AppointmentStatus.CANCELLED and occupancy == []
    assert _customer_notices(notices, "appointment_cancelled") == 1
    assert _customer_notices(notices, "appointment_rescheduled") <= 1  # moving it where it already is says nothing
    async with db.session() as s:
        cancelled_lines = (await s.scalars(select(ActivityEvent).where(
            ActivityEvent.kind == "appointment_cancelled", ActivityEvent.subject_id == appointment.id))).all()
    assert len(cancelled_lines) == 1


async def test_moving_a_visit_where_it_already_is_changes_nothing_and_tells_nobody(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.ana))
    appointment = await _book(ctx, salon, _start(1))
    first = await reschedule_appointment(ctx, appointment.id, _start(1) + timedelta(hours=1), notify_customer=True)
    again = await reschedule_appointment(ctx, appointment.id, _start(1) + timedelta(hours=1), notify_customer=True)
    assert isinstance(first, BookedAppointments) and isinstance(again, BookedAppointments)
    _, occupancy, notices = await _state(db, appointment.id)
    assert _customer_notices(notices, "appointment_rescheduled") == 1 and occupancy


async def test_notes_and_a_mark_racing_a_cancel_see_it(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.ana))
    appointment = await _book(ctx, salon, clock().astimezone(CDMX) + timedelta(minutes=5))
    clock.advance(timedelta(minutes=10))  # it has started: it may be marked
    cancelled, marked, noted = await asyncio.gather(
        cancel_appointment(ctx, appointment.id),
        mark_appointment(ctx, appointment.id, AppointmentStatus.NO_SHOW),
        set_appointment_notes(ctx, appointment.id, "trae su tinte"))
    final, occupancy, _ = await _state(db, appointment.id)
    assert occupancy == []  # cancelled or no-show: either way its time is free
    outcomes = [isinstance(r, Appointment) for r in (cancelled, marked)]
    assert outcomes.count(True) >= 1
    if final.status is AppointmentStatus.CANCELLED and isinstance(marked, ValidationError):
        assert "cancelada" in marked.message
    assert isinstance(noted, Appointment) and final.notes == "trae su tinte"
