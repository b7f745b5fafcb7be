"""Reading and booking cost a fixed handful of statements, whatever the size of the salon.

Counted with SQLAlchemy's ``before_cursor_execute`` (transaction control and SQLite pragmas
left out): a use case that grew a query per staff member, per appointment or per day would
fail here long before anyone measured it over HTTP.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import event

from resolvers.scheduling import (
    BookedAppointments,
    BookingRequest,
    DaySchedule,
    available_slots,
    book_appointment,
    day_schedule,
)
from resolvers.scheduling.snapshot import _CATALOGS
from storage.ids import new_id
from storage import Availability, AvailabilityKind, PermissionLevel, Staff
from tests.resolvers.factories import as_customer, as_staff, context, make_salon

CDMX = ZoneInfo("America/Mexico_City")
SATURDAY = date(2026, 1, 17)

#: place (organization + location), staff, their hours and blocks, their occupancy, the appointments
DAY_SCHEDULE_STATEMENTS = 5
#: place, services, staff with services, spots with services, availability, occupancy; the
#: catalog's three come from the process's cache once read (tests/resolvers/test_catalog_cache.py),
#: so the counts below are taken cold: each measured call starts with an empty cache
SNAPSHOT_STATEMENTS = 6
#: the snapshot (the customer comes with the place), then appointment, occupancy, activity and
#: outbox inserts, and the month's usage; a customer seen for the first time adds its insert.
#: On PostgreSQL the four inserts and the usage are one statement (data-modifying CTEs), and a
#: new customer's insert goes in it too; before it, one statement locks the stylist and the spot
#: (storage.locks: racing writers of one stylist queue there instead of deadlocking).
BOOKING_STATEMENTS = {"sqlite": SNAPSHOT_STATEMENTS + 4 + 1, "postgresql": SNAPSHOT_STATEMENTS + 1 + 1}
NEW_CUSTOMER_STATEMENTS = {"sqlite": 1, "postgresql": 0}


def local(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(SATURDAY, time(hour, minute), tzinfo=CDMX)


@contextmanager
def statements(db, *, cold: bool = True):
    """The SELECT/INSERT/UPDATE/DELETE statements sent while the block runs (``cold``: with no
    catalog cached, the cost of a process's first call)."""
    if cold:
        _CATALOGS.clear()
    sent: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH"):
            sent.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)


async def grow(db, salon, now, *, people: int, visits: int) -> None:
    """More staff with weekly hours, and a busy Saturday for all of them."""
    async with db.transaction(write=True) as s:
        for i in range(people):
            member = Staff(id=new_id(), organization_id=salon.org.id, location_id=salon.location.id,
                           name=f"Estilista {i}", phone_number=f"+5255777000{i:02d}",
                           permission_level=PermissionLevel.STAFF, created_at=now, updated_at=now)
            member.services = [salon.corte, salon.barba]
            s.add(member)
            await s.flush()
            for weekday in range(6):
                s.add(Availability(organization_id=salon.org.id, staff_id=member.id, kind=AvailabilityKind.RECURRING,
                                   day_of_week=weekday, start_time=time(9), end_time=time(19),
                                   created_at=now, updated_at=now))
    ctx = context(db, lambda: now, as_staff(salon, salon.ana))
    for i in range(visits):
        start = local(9 + i % 10, 30 * (i // 10 % 2))
        await book_appointment(ctx, BookingRequest((salon.barba.id,), start, f"+5255888{i:05d}"))


async def test_a_day_schedule_costs_five_statements_however_big_the_salon(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.vero))
    with statements(db) as small:
        assert isinstance(await day_schedule(ctx, SATURDAY), DaySchedule)
    await grow(db, salon, clock(), people=6, visits=20)
    with statements(db) as big:
        schedule = await day_schedule(ctx, SATURDAY)
    assert isinstance(schedule, DaySchedule) and len(schedule.staff) == 9
    assert sum(1 for day in schedule.staff for item in day.items if item.appointment is not None) == 20
    assert len(small) == len(big) == DAY_SCHEDULE_STATEMENTS, big
    with statements(db) as one:
        assert isinstance(await day_schedule(ctx, SATURDAY, staff_id=salon.beto.id), DaySchedule)
    assert len(one) == DAY_SCHEDULE_STATEMENTS


async def test_slots_cost_the_snapshot_alone_however_many_days_and_bookings(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_customer(salon, salon.lupe))
    with statements(db) as one_day:
        assert await available_slots(ctx, [salon.corte.id], local(9), local(19))
    await grow(db, salon, clock(), people=6, visits=20)
    with statements(db) as month:
        assert await available_slots(ctx, [salon.corte.id], local(9), local(9) + timedelta(days=30), limit=50)
    assert len(one_day) == len(month) == SNAPSHOT_STATEMENTS, month


async def test_a_booking_costs_a_fixed_number_of_statements_however_big_the_salon(db, clock):
    booking_statements = BOOKING_STATEMENTS[db.dialect]
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.beto))
    with statements(db) as small:
        result = await book_appointment(ctx, BookingRequest((salon.corte.id,), local(11), salon.lupe.phone_number))
    assert isinstance(result, BookedAppointments), result
    await grow(db, salon, clock(), people=6, visits=20)
    with statements(db) as big:
        result = await book_appointment(ctx, BookingRequest((salon.corte.id,), local(16), salon.lupe.phone_number))
    assert isinstance(result, BookedAppointments), result
    assert len(small) == len(big) == booking_statements, big
    with statements(db) as newcomer:
        result = await book_appointment(ctx, BookingRequest((salon.corte.id,), local(17), "+525590001111", "Rosa"))
    assert isinstance(result, BookedAppointments) and result.customer.name == "Rosa", result
    assert len(newcomer) == booking_statements + NEW_CUSTOMER_STATEMENTS[db.dialect], newcomer
    with statements(db) as themselves:
        result = await book_appointment(context(db, clock, as_customer(salon, salon.lupe)),
                                        BookingRequest((salon.corte.id,), local(18)))
    assert isinstance(result, BookedAppointments) and result.customer.id == salon.lupe.id, result
    assert len(themselves) == booking_statements, themselves
