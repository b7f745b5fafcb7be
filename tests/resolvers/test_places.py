"""Which location a use case works in: the one named, else the salon's primary one."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from resolvers.errors import NotFound, ValidationError
from resolvers.scheduling import (
    BookedAppointments,
    BookingRequest,
    DaySchedule,
    available_slots,
    book_appointment,
    day_schedule,
)
from storage.ids import new_id
from storage import Location, Staff
from tests.resolvers.factories import as_staff, context, make_salon

CDMX = ZoneInfo("America/Mexico_City")
SUNDAY = date(2026, 1, 18)


async def add_location(db, salon, now, *, hours: dict, primary: bool = False, active: bool = True) -> Location:
    location = Location(id=new_id(), organization_id=salon.org.id, name="Norte", is_primary=primary,
                        is_active=active, business_hours=hours, created_at=now, updated_at=now)
    async with db.transaction(write=True) as s:
        s.add(location)
    return location


async def test_the_primary_location_unless_another_one_is_named(db, clock):
    salon = await make_salon(db, clock())  # Centro: Monday to Saturday
    norte = await add_location(db, salon, clock(), hours={"6": [["10:00", "14:00"]]})  # Sundays only
    async with db.transaction(write=True) as s:
        (await s.get(Staff, salon.beto.id)).location_id = None  # Beto works wherever he is needed
    ctx = context(db, clock, as_staff(salon, salon.ana))

    centro_sunday = await day_schedule(ctx, SUNDAY)
    assert isinstance(centro_sunday, DaySchedule) and centro_sunday.closed
    assert centro_sunday.location_id == salon.location.id
    norte_sunday = await day_schedule(ctx, SUNDAY, location_id=norte.id)
    assert isinstance(norte_sunday, DaySchedule) and not norte_sunday.closed
    assert norte_sunday.location_id == norte.id
    assert [(r.start.hour, r.end.hour) for r in norte_sunday.business_hours] == [(10, 14)]

    sunday_noon = datetime(2026, 1, 18, 12, tzinfo=CDMX)
    assert await available_slots(ctx, [salon.corte.id], sunday_noon, sunday_noon.replace(hour=13)) == []
    slots = await available_slots(ctx, [salon.corte.id], sunday_noon, sunday_noon.replace(hour=13),
                                  location_id=norte.id)
    assert isinstance(slots, list) and slots[0].start == sunday_noon
    booked = await book_appointment(ctx, BookingRequest((salon.corte.id,), sunday_noon, "+525598765432",
                                                        location_id=norte.id))
    assert isinstance(booked, BookedAppointments), booked
    assert booked.appointments[0].location_id == norte.id and booked.appointments[0].staff_id == salon.beto.id


async def test_another_salons_location_is_not_found(db, clock):
    salon = await make_salon(db, clock())
    other = await make_salon(db, clock(), name="Otra", phone_prefix="+52553333")
    ctx = context(db, clock, as_staff(salon, salon.ana))
    monday = datetime(2026, 1, 19, 11, tzinfo=CDMX)
    assert isinstance(await day_schedule(ctx, SUNDAY, location_id=other.location.id), NotFound)
    assert isinstance(await available_slots(ctx, [salon.corte.id], monday, monday.replace(hour=12),
                                            location_id=other.location.id), NotFound)
    assert isinstance(await book_appointment(ctx, BookingRequest((salon.corte.id,), monday, "+525598765432",
                                                                 location_id=other.location.id)), NotFound)


async def test_a_salon_without_an_open_location_says_so(db, clock):
    salon = await make_salon(db, clock())
    async with db.transaction(write=True) as s:
        (await s.get(Location, salon.location.id)).is_active = False
    ctx = context(db, clock, as_staff(salon, salon.ana))
    problem = await day_schedule(ctx, SUNDAY)
    assert isinstance(problem, ValidationError) and problem.field == "locationId"
    monday = datetime(2026, 1, 19, 11, tzinfo=CDMX)
    problem = await book_appointment(ctx, BookingRequest((salon.corte.id,), monday, "+525598765432"))
    assert isinstance(problem, ValidationError) and problem.field == "locationId"
