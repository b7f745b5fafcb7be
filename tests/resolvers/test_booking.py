"""Booking a visit: one transaction from the solver's choice to the outbox."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from resolvers.context import Actor
from resolvers.errors import (
    NotAuthenticated,
    NotFound,
    OutsideHours,
    PermissionDenied,
    SlotTaken,
    ValidationError,
)
from resolvers.scheduling import BookedAppointments, BookingRequest, book_appointment, book_walk_in, WalkInRequest
from storage import ActivityEvent, Appointment, AppointmentSource, Customer, Occupancy, OutboundMessage
from tests.resolvers.factories import as_customer, as_staff, context, make_salon

CDMX = ZoneInfo("America/Mexico_City")


def local(day: int, hour: int, minute: int = 0, zone=CDMX) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=zone)


async def rows(db, model, *where):
    async with db.session() as s:
        return (await s.scalars(select(model).where(*where))).all()


async def test_staff_books_a_visit_with_occupancy_outbox_and_activity(db, clock):
    salon = await make_salon(db, clock())
    notified: list = []
    ctx = context(db, clock, as_staff(salon, salon.beto), notified=notified)
    result = await book_appointment(ctx, BookingRequest(
        service_ids=(salon.corte.id,), start=local(17, 11), customer_phone="+52 1 55 9876 5432",
        customer_name="Rosa", staff_id=salon.ana.id, notes="Corto de lados"))
    assert isinstance(result, BookedAppointments), result
    (appointment,) = result.appointments
    assert appointment.starts_at == local(17, 11) and appointment.ends_at == local(17, 11, 45)
    assert appointment.staff_id == salon.ana.id and appointment.staff_requested
    assert appointment.spot_id in (salon.silla1.id, salon.silla2.id)
    assert appointment.price_cents == 15000 and appointment.source is AppointmentSource.MANUAL
    assert appointment.created_by_staff_id == salon.beto.id
    assert result.customer.phone_number == "+525598765432" and result.customer.name == "Rosa"

    occupancy = await rows(db, Occupancy, Occupancy.appointment_id == appointment.id)
    assert sorted((o.staff_id is not None, o.starts_at, o.ends_at) for o in occupancy) == [
        (False, local(17, 11), local(17, 11, 45)), (True, local(17, 11), local(17, 11, 45))]

    outbox = {m.template_name: m for m in await rows(db, OutboundMessage)}
    confirmation = outbox["appointment_confirmation"]
    assert confirmation.to_number == "whatsapp:+525598765432"
    facts = confirmation.template_variables
    assert facts["appointment_id"] == str(appointment.id) and facts["service_name"] == "Corte"
    assert facts["staff_name"] == "Ana" and facts["start"] == "2026-01-17T17:00:00Z"
    assert facts["timezone"] == "America/Mexico_City" and facts["price_cents"] == 15000
    assert facts["customer_name"] == "Rosa" and facts["customer_phone"] == "+525598765432"
    owner_notice = outbox["new_booking"]
    assert owner_notice.to_number == f"whatsapp:{salon.ana.phone_number}"
    assert len(await rows(db, ActivityEvent, ActivityEvent.kind == "appointment_booked")) == 1
    assert notified == [True]


async def test_customer_books_for_themselves_and_the_owner_hears_of_it(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_customer(salon, salon.lupe))
    result = await book_appointment(ctx, BookingRequest(service_ids=(salon.barba.id,), start=local(17, 12)))
    assert isinstance(result, BookedAppointments), result
    assert result.customer.id == salon.lupe.id
    assert result.appointments[0].source is AppointmentSource.WHATSAPP
    assert not result.appointments[0].staff_requested
    templates = sorted(m.template_name for m in await rows(db, OutboundMessage))
    assert templates == ["appointment_confirmation", "new_booking"]

    someone_else = await book_appointment(ctx, BookingRequest(
        service_ids=(salon.barba.id,), start=local(17, 13), customer_phone="+525511112222"))
    assert isinstance(someone_else, PermissionDenied) and "para ti" in someone_else.message


async def test_the_same_phone_with_the_old_mobile_prefix_is_the_same_customer(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.ana))
    first = await book_appointment(ctx, BookingRequest((salon.corte.id,), local(17, 11), "+5215598765432"))
    second = await book_appointment(ctx, BookingRequest((salon.corte.id,), local(17, 12), "55 9876 5432",
                                                        customer_name="Rosa María"))
    assert isinstance(first, BookedAppointments) and isinstance(second, BookedAppointments)
    assert first.customer.id == second.customer.id
    customers = await rows(db, Customer, Customer.phone_number == "+525598765432")
    assert len(customers) == 1 and customers[0].name == "Rosa María"


@pytest.mark.parametrize(("change", "problem", "field"), [
    ({"customer_phone": "12345"}, ValidationError, "customerPhone"),
    ({"customer_phone": None}, ValidationError, "customerPhone"),
    ({"start": local(16, 8)}, ValidationError, "start"),  # yesterday's... no: earlier today
    ({"start": local(18, 11)}, OutsideHours, None),  # Sunday: closed
    ({"start": local(17, 18, 30)}, OutsideHours, None),  # would end after closing
    ({"service_ids": ()}, ValidationError, "serviceIds"),
    ({"group_size": 0}, ValidationError, "groupSize"),
])
async def test_invalid_bookings_get_a_spanish_reason(db, clock, change, problem, field):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.ana))
    request = {"service_ids": (salon.corte.id,), "start": local(17, 11), "customer_phone": "+525598765432", **change}
    result = await book_appointment(ctx, BookingRequest(**request))
    assert isinstance(result, problem), result
    assert result.message and result.message[0].isupper()
    if field:
        assert result.field == field
    assert await rows(db, Appointment) == []


async def test_a_service_the_stylist_does_not_perform_is_refused_by_name(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.ana))
    result = await book_appointment(ctx, BookingRequest((salon.tinte.id,), local(17, 11), "+525598765432",
                                                        staff_id=salon.beto.id))
    assert isinstance(result, ValidationError) and result.message == "Beto no hace Tinte." and result.field == "staffId"


async def test_viewers_and_strangers_cannot_book(db, clock):
    salon = await make_salon(db, clock())
    request = BookingRequest((salon.corte.id,), local(17, 11), "+525598765432")
    assert isinstance(await book_appointment(context(db, clock, as_staff(salon, salon.vero)), request), PermissionDenied)
    assert isinstance(await book_appointment(context(db, clock, Actor.anonymous()), request), NotAuthenticated)


async def test_ids_of_another_organization_are_not_found(db, clock):
    salon = await make_salon(db, clock())
    other = await make_salon(db, clock(), name="Otra Estética", phone_prefix="+52558888")
    ctx = context(db, clock, as_staff(salon, salon.ana))
    for request in (
        BookingRequest((other.corte.id,), local(17, 11), "+525598765432"),
        BookingRequest((salon.corte.id,), local(17, 11), "+525598765432", staff_id=other.ana.id),
        BookingRequest((salon.corte.id,), local(17, 11), "+525598765432", spot_id=other.silla1.id),
    ):
        result = await book_appointment(ctx, request)
        assert isinstance(result, NotFound), result


async def test_a_taken_time_answers_slot_taken_with_nearby_alternatives(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.ana))
    first = await book_appointment(ctx, BookingRequest((salon.corte.id,), local(17, 11), "+525598765432",
                                                       staff_id=salon.beto.id))
    assert isinstance(first, BookedAppointments)
    second = await book_appointment(ctx, BookingRequest((salon.corte.id,), local(17, 11, 15), "+525598760000",
                                                        staff_id=salon.beto.id))
    assert isinstance(second, SlotTaken), second
    assert "Beto" in second.message
    assert second.alternatives and all(a.staff_id == salon.beto.id for a in second.alternatives)
    assert all(a.start >= local(17, 11, 45) or a.start + timedelta(minutes=45) <= local(17, 11)
               for a in second.alternatives)
    nearest = min(second.alternatives, key=lambda a: abs(a.start - local(17, 11, 15)))
    assert nearest.start == local(17, 11, 45)
    # the alternative is really bookable
    third = await book_appointment(ctx, BookingRequest((salon.corte.id,), nearest.start, "+525598760000",
                                                       staff_id=salon.beto.id))
    assert isinstance(third, BookedAppointments), third


async def test_processing_time_frees_the_stylist_but_not_the_chair(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.ana))
    tinte = await book_appointment(ctx, BookingRequest((salon.tinte.id,), local(17, 10), "+525598765432",
                                                       staff_id=salon.ana.id))
    assert isinstance(tinte, BookedAppointments), tinte
    staff_rows = [o for o in await rows(db, Occupancy) if o.staff_id]
    assert sorted((o.starts_at, o.ends_at) for o in staff_rows) == [
        (local(17, 10), local(17, 10, 30)), (local(17, 11, 10), local(17, 11, 30))]
    # Ana cuts someone's hair while the colour sets...
    corte = await book_appointment(ctx, BookingRequest((salon.barba.id,), local(17, 10, 35), "+525598760000",
                                                       staff_id=salon.ana.id))
    assert isinstance(corte, BookedAppointments), corte
    # ...but the colour chair stays taken for a second colour.
    second_colour = await book_appointment(ctx, BookingRequest((salon.tinte.id,), local(17, 10, 40),
                                                               "+525598761111"))
    assert isinstance(second_colour, SlotTaken), second_colour


async def test_a_visit_of_several_services_books_them_back_to_back(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.ana))
    result = await book_appointment(ctx, BookingRequest((salon.corte.id, salon.barba.id), local(17, 11),
                                                        "+525598765432"))
    assert isinstance(result, BookedAppointments), result
    corte, barba = sorted(result.appointments, key=lambda a: a.starts_at)
    assert corte.ends_at == barba.starts_at == local(17, 11, 45)
    assert corte.booking_group_id == barba.booking_group_id == result.booking_group_id is not None
    assert result.usage.bookings_used == 1  # one visit, however many services (and on PostgreSQL, in one write)
    assert (await rows(db, OutboundMessage, OutboundMessage.template_name == "appointment_confirmation"))[0] \
        .template_variables["price_cents"] == 25000


async def test_a_first_time_customer_created_meanwhile_by_someone_else_is_booked_as_that_customer(db, clock,
                                                                                                 monkeypatch):
    """The booking read "no such customer" just before another request created them: it must
    not fail, nor make a second customer with the same phone (on PostgreSQL the new customer
    goes in with the visit's write, whose foreign key then fails and the booking runs again)."""
    import resolvers.scheduling.booking as booking

    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.beto))
    first = await book_appointment(ctx, BookingRequest((salon.corte.id,), local(17, 10), "+525590002222", "Rosa"))
    assert isinstance(first, BookedAppointments), first
    real, reads = booking.load_place_and_customer, []

    async def read_before_the_other_committed(session, *args, **kwargs):
        place = await real(session, *args, **kwargs)
        reads.append(place)
        return (*place[:2], None) if len(reads) == 1 and isinstance(place, tuple) else place

    monkeypatch.setattr(booking, "load_place_and_customer", read_before_the_other_committed)
    second = await book_appointment(ctx, BookingRequest((salon.corte.id,), local(17, 12), "+525590002222", "Rosa"))
    assert isinstance(second, BookedAppointments), second
    assert second.customer.id == first.customer.id
    assert [a.customer_id for a in second.appointments] == [first.customer.id]
    assert len(await rows(db, Customer, Customer.phone_number == "+525590002222")) == 1
    assert len(await rows(db, Appointment)) == 2
    assert len(reads) == (2 if db.dialect == "postgresql" else 1)  # PostgreSQL: once more, after the key failed


async def test_a_group_books_side_by_side_seats(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.ana))
    result = await book_appointment(ctx, BookingRequest((salon.corte.id,), local(17, 11), "+525598765432",
                                                        group_size=2))
    assert isinstance(result, BookedAppointments), result
    assert len(result.appointments) == 2 and len({a.staff_id for a in result.appointments}) == 2
    assert len({a.spot_id for a in result.appointments}) == 2
    assert result.usage.bookings_used == 1
    again = await book_appointment(ctx, BookingRequest((salon.corte.id,), local(17, 13), "+525598765432",
                                                       group_size=2))
    assert isinstance(again, BookedAppointments) and again.usage.bookings_used == 2, again
    async with db.session() as s:  # every row of both visits written: 4 appointments, their occupancy
        assert await s.scalar(select(func.count()).select_from(Appointment)) == 4
        assert await s.scalar(select(func.count()).select_from(Occupancy)) >= 8
    too_many = await book_appointment(ctx, BookingRequest((salon.corte.id,), local(17, 15), "+525598765432",
                                                          group_size=3))  # two chairs do cortes
    assert isinstance(too_many, ValidationError) and too_many.field == "groupSize"


async def test_a_walk_in_is_booked_now_with_whoever_is_free(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.beto))
    result = await book_walk_in(ctx, WalkInRequest((salon.corte.id,)))
    assert isinstance(result, BookedAppointments), result
    (appointment,) = result.appointments
    assert appointment.starts_at == clock() and appointment.source is AppointmentSource.WALK_IN
    assert result.customer.name is None and result.customer.phone_number.startswith("sin-tel-")
    # no customer phone: nobody to message; the owner still hears of it
    assert [m.template_name for m in await rows(db, OutboundMessage)] == ["new_booking"]
    named = await book_walk_in(ctx, WalkInRequest((salon.barba.id,), customer_name="Don Pepe"))
    assert isinstance(named, BookedAppointments) and named.customer.name == "Don Pepe"
    assert named.customer.id != result.customer.id  # each walk-in without phone is its own customer
    # both chairs busy now: the next walk-in gets the soonest times
    full = await book_walk_in(ctx, WalkInRequest((salon.corte.id,), customer_phone="+525598765432"))
    assert isinstance(full, SlotTaken) and full.alternatives
    assert full.alternatives[0].start == clock() + timedelta(minutes=30)  # when the barba ends


async def test_past_the_free_plan_bookings_continue_and_the_owner_is_warned_once(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.beto))
    ctx = ctx.__class__(db=ctx.db, now=ctx.now, actor=ctx.actor,
                        config=ctx.config.__class__(jwt_secret="x" * 40, free_monthly_bookings=2))
    results = []
    for hour in (10, 11, 12, 13):
        results.append(await book_appointment(ctx, BookingRequest((salon.barba.id,), local(17, hour), "+525598765432")))
    assert all(isinstance(r, BookedAppointments) for r in results)
    assert [r.usage.bookings_used for r in results] == [1, 2, 3, 4]
    assert [r.usage.over_limit for r in results] == [False, False, True, True]
    assert results[0].plan_warning is None and "2 citas gratis" in results[2].plan_warning
    warnings = await rows(db, OutboundMessage, OutboundMessage.template_name == "plan_limit_reached")
    assert len(warnings) == 1 and warnings[0].dedupe_key == f"plan_limit:{salon.org.id}:2026-01"
    assert warnings[0].to_number == f"whatsapp:{salon.ana.phone_number}"
    async with db.session() as s:
        assert await s.scalar(select(func.count()).select_from(Appointment)) == 4
