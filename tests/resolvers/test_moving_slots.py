"""Moving an appointment: its own visit is free time for the search, and only its owner may ask."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from resolvers.errors import NotFound
from resolvers.scheduling import BookedAppointments, BookingRequest, available_slots, book_appointment
from tests.resolvers.factories import as_customer, as_staff, context, make_salon

CDMX = ZoneInfo("America/Mexico_City")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=CDMX)


async def test_moving_counts_the_appointments_own_time_as_free(db, clock):
    salon = await make_salon(db, clock())
    customer = context(db, clock, as_customer(salon, salon.lupe))
    booked = await book_appointment(customer, BookingRequest((salon.corte.id,), local(17, 11), staff_id=salon.beto.id))
    assert isinstance(booked, BookedAppointments), booked
    own = booked.appointments[0]
    plain = await available_slots(customer, [salon.corte.id], local(17, 9), local(17, 19), staff_id=salon.beto.id,
                                  limit=200)
    moving = await available_slots(customer, [], local(17, 9), local(17, 19), staff_id=salon.beto.id, limit=200,
                                   moving=own.id)
    assert local(17, 11, 15) not in {s.start for s in plain}
    assert {local(17, 11), local(17, 11, 15)} <= {s.start for s in moving}  # its own time, and overlapping it
    assert {s.start for s in plain} < {s.start for s in moving}


async def test_only_the_appointments_owner_can_search_to_move_it(db, clock):
    salon = await make_salon(db, clock())
    booked = await book_appointment(context(db, clock, as_customer(salon, salon.lupe)),
                                    BookingRequest((salon.corte.id,), local(17, 11)))
    other = await book_appointment(context(db, clock, as_staff(salon, salon.ana)),
                                   BookingRequest((salon.corte.id,), local(17, 15), "+525598761111"))
    assert isinstance(booked, BookedAppointments) and isinstance(other, BookedAppointments)
    lupe = context(db, clock, as_customer(salon, salon.lupe))
    refused = await available_slots(lupe, [], local(17, 9), local(17, 19), moving=other.appointments[0].id)
    assert isinstance(refused, NotFound)
