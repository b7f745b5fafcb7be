"""Blocked time, weekly hours and business hours: who may change them, and what they do to booking."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from resolvers.errors import NotFound, OutsideHours, PermissionDenied, ValidationError
from resolvers.scheduling import (
    BlockedTime,
    BookedAppointments,
    BookingRequest,
    WeeklyRange,
    block_time,
    book_appointment,
    list_blocks,
    remove_block,
    set_business_hours,
    set_recurring_availability,
)
from storage import Availability, Location
from tests.resolvers.factories import as_customer, as_staff, context, make_salon

CDMX = ZoneInfo("America/Mexico_City")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=CDMX)


def with_beto(salon, start):
    return BookingRequest((salon.corte.id,), start, "+525598765432", staff_id=salon.beto.id)


async def test_staff_block_their_own_time_and_nobody_books_into_it(db, clock):
    salon = await make_salon(db, clock())
    beto = context(db, clock, as_staff(salon, salon.beto))
    blocked = await block_time(beto, local(17, 14), local(17, 15), staff_id=salon.beto.id, reason="Comida")
    assert isinstance(blocked, BlockedTime) and blocked.block.reason == "Comida" and blocked.overlapping == ()
    result = await book_appointment(beto, with_beto(salon, local(17, 14, 30)))
    assert isinstance(result, OutsideHours) and "Beto" in result.message
    assert isinstance(await book_appointment(beto, with_beto(salon, local(17, 13, 15))), BookedAppointments)

    listed = await list_blocks(beto, local(17, 0), local(18, 0), staff_id=salon.beto.id)
    assert [b.id for b in listed] == [blocked.block.id]
    removed = await remove_block(beto, blocked.block.id)
    assert isinstance(removed, Availability)
    assert isinstance(await book_appointment(beto, with_beto(salon, local(17, 14, 30))), BookedAppointments)


async def test_only_owners_and_admins_block_others_or_the_whole_location(db, clock):
    salon = await make_salon(db, clock())
    beto = context(db, clock, as_staff(salon, salon.beto))
    vero = context(db, clock, as_staff(salon, salon.vero))
    owner = context(db, clock, as_staff(salon, salon.ana))
    assert isinstance(await block_time(beto, local(17, 14), local(17, 15), staff_id=salon.ana.id), PermissionDenied)
    assert isinstance(await block_time(beto, local(17, 14), local(17, 15)), PermissionDenied)
    assert isinstance(await block_time(vero, local(17, 14), local(17, 15), staff_id=salon.vero.id), PermissionDenied)
    customer = context(db, clock, as_customer(salon, salon.lupe))
    assert isinstance(await block_time(customer, local(17, 14), local(17, 15)), PermissionDenied)

    booked = await book_appointment(owner, with_beto(salon, local(17, 11)))
    holiday = await block_time(owner, local(17, 9), local(17, 19), reason="Inventario")
    assert isinstance(holiday, BlockedTime)
    assert [a.id for a in holiday.overlapping] == [booked.appointments[0].id]  # kept, reported
    closed = await book_appointment(owner, BookingRequest((salon.barba.id,), local(17, 16), "+525598760000"))
    assert isinstance(closed, OutsideHours)
    assert isinstance(await remove_block(beto, holiday.block.id), PermissionDenied)


async def test_block_ranges_are_validated(db, clock):
    salon = await make_salon(db, clock())
    owner = context(db, clock, as_staff(salon, salon.ana))
    backwards = await block_time(owner, local(17, 15), local(17, 14))
    assert isinstance(backwards, ValidationError) and backwards.field == "end"
    past = await block_time(owner, local(15, 9), local(15, 10))
    assert isinstance(past, ValidationError) and "ya pasó" in past.message
    endless = await block_time(owner, local(17, 9), local(17, 9) + timedelta(days=120))
    assert isinstance(endless, ValidationError) and "90 días" in endless.message
    other = await make_salon(db, clock(), name="Otra", phone_prefix="+52558888")
    theirs = await block_time(context(db, clock, as_staff(other, other.ana)), local(17, 9), local(17, 10))
    assert isinstance(await remove_block(owner, theirs.block.id), NotFound)
    assert isinstance(await block_time(owner, local(17, 9), local(17, 10), staff_id=other.beto.id), NotFound)


async def test_weekly_hours_limit_when_a_stylist_can_be_booked(db, clock):
    salon = await make_salon(db, clock())
    beto = context(db, clock, as_staff(salon, salon.beto))
    rows = await set_recurring_availability(beto, salon.beto.id, [WeeklyRange(5, time(12), time(16))])
    assert isinstance(rows, list) and len(rows) == 1
    assert isinstance(await book_appointment(beto, with_beto(salon, local(17, 11))), OutsideHours)
    assert isinstance(await book_appointment(beto, with_beto(salon, local(17, 12))), BookedAppointments)
    assert isinstance(await set_recurring_availability(beto, salon.ana.id, []), PermissionDenied)
    overlapping = await set_recurring_availability(beto, salon.beto.id, [
        WeeklyRange(1, time(9), time(13)), WeeklyRange(1, time(12), time(18))])
    assert isinstance(overlapping, ValidationError) and "enciman" in overlapping.message
    # an empty week: Beto works whenever the salon is open again
    assert await set_recurring_availability(beto, salon.beto.id, []) == []
    assert isinstance(await book_appointment(beto, with_beto(salon, local(17, 9))), BookedAppointments)


async def test_only_the_owner_sets_business_hours_and_closed_days(db, clock):
    salon = await make_salon(db, clock())
    owner = context(db, clock, as_staff(salon, salon.ana))
    beto = context(db, clock, as_staff(salon, salon.beto))
    week = [WeeklyRange(d, time(10), time(14)) for d in range(6)] + [WeeklyRange(5, time(16), time(0))]
    assert isinstance(await set_business_hours(beto, week), PermissionDenied)
    location = await set_business_hours(owner, week, closed_days=[date(2026, 1, 19)])
    assert isinstance(location, Location)
    assert location.business_hours["5"] == [["10:00", "14:00"], ["16:00", "24:00"]]
    assert isinstance(await book_appointment(owner, with_beto(salon, local(17, 15))), OutsideHours)
    assert isinstance(await book_appointment(owner, with_beto(salon, local(17, 22))), BookedAppointments)
    assert isinstance(await book_appointment(owner, with_beto(salon, local(19, 11))), OutsideHours)
    assert isinstance(await book_appointment(owner, with_beto(salon, local(20, 11))), BookedAppointments)
    past = await set_business_hours(owner, week, closed_days=[date(2026, 1, 2)])
    assert isinstance(past, ValidationError) and past.field == "closedDays"
    bad = await set_business_hours(owner, [WeeklyRange(7, time(9), time(10))])
    assert isinstance(bad, ValidationError)
