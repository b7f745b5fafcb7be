"""Changing a booked visit: moving it, cancelling it, marking how it went."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from resolvers.errors import NotFound, PermissionDenied, SlotTaken, ValidationError
from resolvers.scheduling import (
    BookedAppointments,
    BookingRequest,
    book_appointment,
    cancel_appointment,
    get_appointment,
    list_appointments,
    mark_appointment,
    reschedule_appointment,
    set_appointment_notes,
)
from storage import ActivityEvent, Appointment, AppointmentStatus, Occupancy, OutboundMessage
from tests.resolvers.factories import as_customer, as_staff, context, make_salon

CDMX = ZoneInfo("America/Mexico_City")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=CDMX)


async def rows(db, model, *where):
    async with db.session() as s:
        return (await s.scalars(select(model).where(*where))).all()


async def booked(ctx, salon, start, *, staff=None, phone="+525598765432", services=None) -> Appointment:
    result = await book_appointment(ctx, BookingRequest(services or (salon.corte.id,), start, phone,
                                                        staff_id=staff.id if staff else None))
    assert isinstance(result, BookedAppointments), result
    return result.appointments[0]


async def test_cancelled_appointment_frees_the_slot(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.beto))
    appointment = await booked(ctx, salon, local(17, 11), staff=salon.beto)
    assert isinstance(await book_appointment(ctx, BookingRequest((salon.corte.id,), local(17, 11), "+525598760000",
                                                                 staff_id=salon.beto.id)), SlotTaken)
    cancelled = await cancel_appointment(ctx, appointment.id, reason="Se enfermó", notify_customer=True)
    assert isinstance(cancelled, Appointment) and cancelled.status is AppointmentStatus.CANCELLED
    assert cancelled.cancellation_reason == "Se enfermó" and cancelled.cancelled_at == clock()
    assert await rows(db, Occupancy, Occupancy.appointment_id == appointment.id) == []
    notice = await rows(db, OutboundMessage, OutboundMessage.template_name == "appointment_cancelled")
    assert len(notice) == 1 and notice[0].template_variables["reason"] == "Se enfermó"
    again = await book_appointment(ctx, BookingRequest((salon.corte.id,), local(17, 11), "+525598760000",
                                                       staff_id=salon.beto.id))
    assert isinstance(again, BookedAppointments), again
    twice = await cancel_appointment(ctx, appointment.id)
    assert isinstance(twice, ValidationError) and "ya estaba cancelada" in twice.message


async def test_a_customer_cancelling_tells_the_owner_not_the_customer(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_customer(salon, salon.lupe))
    appointment = (await book_appointment(ctx, BookingRequest((salon.corte.id,), local(17, 11)))).appointments[0]
    result = await cancel_appointment(ctx, appointment.id, reason="No llego", notify_customer=True)
    assert isinstance(result, Appointment)
    templates = sorted(m.template_name for m in await rows(db, OutboundMessage))
    assert templates == ["appointment_confirmation", "customer_cancelled", "new_booking"]


async def test_customer_cannot_see_or_change_another_customers_appointment(db, clock):
    salon = await make_salon(db, clock())
    staff_ctx = context(db, clock, as_staff(salon, salon.ana))
    theirs = await booked(staff_ctx, salon, local(17, 11), phone=salon.outsider.phone_number)
    lupe = context(db, clock, as_customer(salon, salon.lupe))
    mine = (await book_appointment(lupe, BookingRequest((salon.barba.id,), local(17, 12)))).appointments[0]
    assert isinstance(await get_appointment(lupe, theirs.id), NotFound)
    assert isinstance(await cancel_appointment(lupe, theirs.id), NotFound)
    assert isinstance(await reschedule_appointment(lupe, theirs.id, local(17, 15)), NotFound)
    assert isinstance(await mark_appointment(lupe, theirs.id, AppointmentStatus.COMPLETED), PermissionDenied)
    page = await list_appointments(lupe, customer_id=salon.outsider.id)
    assert [a.id for a in page.items] == [mine.id]
    assert (await get_appointment(lupe, mine.id)).id == mine.id


async def test_ids_from_another_organization_are_not_found(db, clock):
    salon = await make_salon(db, clock())
    other = await make_salon(db, clock(), name="Otra", phone_prefix="+52558888")
    theirs = await booked(context(db, clock, as_staff(other, other.ana)), other, local(17, 11))
    ctx = context(db, clock, as_staff(salon, salon.ana))
    assert isinstance(await get_appointment(ctx, theirs.id), NotFound)
    assert isinstance(await cancel_appointment(ctx, theirs.id), NotFound)
    assert isinstance(await reschedule_appointment(ctx, theirs.id, local(17, 15)), NotFound)
    assert isinstance(await mark_appointment(ctx, theirs.id, AppointmentStatus.NO_SHOW), NotFound)
    assert (await list_appointments(ctx)).items == ()


async def test_staff_reschedules_and_the_customer_is_told(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.beto))
    appointment = await booked(ctx, salon, local(17, 11), staff=salon.ana)
    moved = await reschedule_appointment(ctx, appointment.id, local(17, 16))
    assert isinstance(moved, BookedAppointments), moved
    (same,) = moved.appointments
    assert same.id == appointment.id and same.starts_at == local(17, 16) and same.staff_id == salon.ana.id
    occupancy = await rows(db, Occupancy, Occupancy.appointment_id == appointment.id)
    assert {(o.starts_at, o.ends_at) for o in occupancy} == {(local(17, 16), local(17, 16, 45))}
    (notice,) = await rows(db, OutboundMessage, OutboundMessage.template_name == "appointment_rescheduled")
    assert notice.template_variables["previous_start"] == "2026-01-17T17:00:00Z"
    assert notice.template_variables["start"] == "2026-01-17T22:00:00Z"
    # the old time is free again
    assert isinstance(await booked(ctx, salon, local(17, 11), staff=salon.ana, phone="+525598760000"), Appointment)


async def test_a_visit_moved_away_and_back_is_told_each_time(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.beto))
    appointment = await booked(ctx, salon, local(17, 11), staff=salon.ana)
    for start in (local(17, 16), local(17, 11), local(17, 16)):
        moved = await reschedule_appointment(ctx, appointment.id, start)
        assert isinstance(moved, BookedAppointments), moved
    notices = await rows(db, OutboundMessage, OutboundMessage.template_name == "appointment_rescheduled")
    assert sorted(n.template_variables["start"] for n in notices) == [
        "2026-01-17T17:00:00Z", "2026-01-17T22:00:00Z", "2026-01-17T22:00:00Z"]


async def test_a_visit_moves_as_a_whole_and_not_onto_a_taken_time(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.ana))
    first = await booked(ctx, salon, local(17, 11), services=(salon.corte.id, salon.barba.id), staff=salon.beto)
    await booked(ctx, salon, local(17, 15), staff=salon.beto, phone="+525598760000")
    blocked = await reschedule_appointment(ctx, first.id, local(17, 14, 30))
    assert isinstance(blocked, SlotTaken) and blocked.alternatives
    moved = await reschedule_appointment(ctx, first.id, local(17, 16))
    assert isinstance(moved, BookedAppointments), moved
    assert sorted(a.starts_at for a in moved.appointments) == [local(17, 16), local(17, 16, 45)]
    assert all(a.staff_id == salon.beto.id for a in moved.appointments)  # the customer asked for Beto
    assert len(await rows(db, Occupancy)) == 2 * 2 + 2


async def test_only_started_appointments_are_marked(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.beto))
    appointment = await booked(ctx, salon, local(16, 10, 30))
    early = await mark_appointment(ctx, appointment.id, AppointmentStatus.COMPLETED)
    assert isinstance(early, ValidationError) and "todavía no empieza" in early.message
    clock.advance(timedelta(hours=1))
    done = await mark_appointment(ctx, appointment.id, AppointmentStatus.COMPLETED)
    assert isinstance(done, Appointment) and done.status is AppointmentStatus.COMPLETED
    viewer = context(db, clock, as_staff(salon, salon.vero))
    assert isinstance(await mark_appointment(viewer, appointment.id, AppointmentStatus.NO_SHOW), PermissionDenied)
    assert isinstance(await cancel_appointment(viewer, appointment.id), PermissionDenied)


async def test_a_no_show_frees_the_rest_of_its_time(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.beto))
    appointment = await booked(ctx, salon, local(16, 10), staff=salon.beto)
    clock.advance(timedelta(minutes=15))
    marked = await mark_appointment(ctx, appointment.id, AppointmentStatus.NO_SHOW)
    assert isinstance(marked, Appointment) and marked.status is AppointmentStatus.NO_SHOW
    assert await rows(db, Occupancy, Occupancy.appointment_id == appointment.id) == []


async def test_customers_move_their_own_visit_within_the_rules(db, clock):
    salon = await make_salon(db, clock(), settings={"min_notice_minutes": 120})
    lupe = context(db, clock, as_customer(salon, salon.lupe))
    mine = (await book_appointment(lupe, BookingRequest((salon.barba.id,), local(17, 12)))).appointments[0]
    too_soon = await reschedule_appointment(lupe, mine.id, local(16, 11))
    assert isinstance(too_soon, ValidationError) and "120 minutos" in too_soon.message
    closed = await reschedule_appointment(lupe, mine.id, local(18, 12))
    assert closed.code == "OutsideHours" and "Ese domingo está cerrado." in closed.message
    moved = await reschedule_appointment(lupe, mine.id, local(17, 13))
    assert isinstance(moved, BookedAppointments), moved
    # the customer moved it themselves: no "your appointment was moved" message to them
    assert await rows(db, OutboundMessage, OutboundMessage.template_name == "appointment_rescheduled") == []
    clock.advance(timedelta(days=2))
    late = await cancel_appointment(lupe, mine.id)
    assert isinstance(late, ValidationError) and "ya pasó" in late.message


async def test_the_salon_writes_notes_on_a_visit_even_after_it_happened(db, clock):
    salon = await make_salon(db, clock())
    other = await make_salon(db, clock(), name="Barbería Norte", phone_prefix="+52559876")
    beto = context(db, clock, as_staff(salon, salon.beto))
    appointment = await booked(beto, salon, local(16, 10, 30))
    noted = await set_appointment_notes(beto, appointment.id, "  Trae su propio tinte  ")
    assert isinstance(noted, Appointment) and noted.notes == "Trae su propio tinte"
    clock.advance(timedelta(hours=2))
    assert isinstance(await mark_appointment(beto, appointment.id, AppointmentStatus.COMPLETED), Appointment)
    after = await set_appointment_notes(beto, appointment.id, "Usó tinte 5.1")
    assert isinstance(after, Appointment) and (await get_appointment(beto, appointment.id)).notes == "Usó tinte 5.1"
    too_long = await set_appointment_notes(beto, appointment.id, "x" * 1001)
    assert isinstance(too_long, ValidationError) and too_long.field == "notes" and "1000" in too_long.message
    viewer = context(db, clock, as_staff(salon, salon.vero))
    assert isinstance(await set_appointment_notes(viewer, appointment.id, "hola"), PermissionDenied)
    lupe = context(db, clock, as_customer(salon, salon.lupe))
    assert isinstance(await set_appointment_notes(lupe, appointment.id, "hola"), PermissionDenied)
    stranger = context(db, clock, as_staff(other, other.ana))
    assert isinstance(await set_appointment_notes(stranger, appointment.id, "hola"), NotFound)
    cleared = await set_appointment_notes(beto, appointment.id, "   ")
    assert isinstance(cleared, Appointment) and (await get_appointment(beto, appointment.id)).notes is None
    kinds = [e.summary for e in await rows(db, ActivityEvent, ActivityEvent.kind == "appointment_notes_changed")]
    assert sorted(kinds) == sorted(["Notas de la cita actualizadas"] * 2 + ["Notas de la cita borradas"])
