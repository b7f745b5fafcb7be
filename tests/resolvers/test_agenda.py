"""The day's agenda per staff member, and appointment listings page by page."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from resolvers.context import Actor
from resolvers.errors import NotAuthenticated, PermissionDenied, ValidationError
from resolvers.scheduling import (
    AgendaItemKind,
    BookedAppointments,
    BookingRequest,
    DaySchedule,
    book_appointment,
    block_time,
    cancel_appointment,
    day_schedule,
    list_appointments,
    set_business_hours,
    WeeklyRange,
)
from storage.ids import new_id
from storage import Appointment, AppointmentSource, AppointmentStatus, Occupancy
from tests.resolvers.factories import as_customer, as_staff, context, make_salon

CDMX = ZoneInfo("America/Mexico_City")
TIJUANA = ZoneInfo("America/Tijuana")
EVERY_DAY = {str(d): [["09:00", "19:00"]] for d in range(7)}


def local(day: int, hour: int, minute: int = 0, zone=CDMX, month: int = 1) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=zone)


def spans(staff_day, kind):
    return [(i.start.strftime("%H:%M"), i.end.strftime("%H:%M")) for i in staff_day.items if i.kind is kind]


async def test_day_schedule_shows_appointments_blocks_and_free_gaps_in_local_time(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.ana))
    for service, start, staff in ((salon.corte, local(17, 11), salon.beto), (salon.tinte, local(17, 10), salon.ana)):
        result = await book_appointment(ctx, BookingRequest((service.id,), start, "+525598765432", staff_id=staff.id))
        assert isinstance(result, BookedAppointments), result
    await block_time(ctx, local(17, 14), local(17, 15), staff_id=salon.beto.id, reason="Comida")

    schedule = await day_schedule(context(db, clock, as_staff(salon, salon.vero)), date(2026, 1, 17))
    assert isinstance(schedule, DaySchedule), schedule
    assert schedule.timezone == "America/Mexico_City" and not schedule.closed
    assert [(r.start.hour, r.end.hour) for r in schedule.business_hours] == [(9, 19)]
    by_name = {d.staff.name: d for d in schedule.staff}
    assert sorted(by_name) == ["Ana", "Beto", "Vero"]
    beto = by_name["Beto"]
    assert spans(beto, AgendaItemKind.APPOINTMENT) == [("11:00", "11:45")]
    assert spans(beto, AgendaItemKind.BLOCK) == [("14:00", "15:00")]
    assert spans(beto, AgendaItemKind.FREE) == [("09:00", "11:00"), ("11:45", "14:00"), ("15:00", "19:00")]
    assert beto.items[0].start.tzinfo.key == "America/Mexico_City"
    assert [i.reason for i in beto.items if i.kind is AgendaItemKind.BLOCK] == ["Comida"]
    ana = by_name["Ana"]
    assert spans(ana, AgendaItemKind.APPOINTMENT) == [("10:00", "11:30")]
    # while the colour sets, Ana is free
    assert spans(ana, AgendaItemKind.FREE) == [("09:00", "10:00"), ("10:30", "11:10"), ("11:30", "19:00")]
    assert spans(by_name["Vero"], AgendaItemKind.FREE) == [("09:00", "19:00")]

    only_beto = await day_schedule(ctx, date(2026, 1, 17), staff_id=salon.beto.id)
    assert [d.staff.name for d in only_beto.staff] == ["Beto"]


async def test_working_hours_leave_out_the_persons_and_the_salons_blocks_but_business_hours_stay_posted(db, clock):
    """A lunch and a salon-wide stretch off are not working time; the salon's posted hours do not change."""
    salon = await make_salon(db, clock())
    owner = context(db, clock, as_staff(salon, salon.ana))
    await block_time(owner, local(17, 14), local(17, 15), staff_id=salon.beto.id, reason="Comida")
    await block_time(owner, local(17, 17), local(17, 19), reason="Fumigación")

    schedule = await day_schedule(owner, date(2026, 1, 17))
    assert [(r.start.hour, r.end.hour) for r in schedule.business_hours] == [(9, 19)]
    by_name = {d.staff.name: d for d in schedule.staff}
    assert [(r.start.hour, r.end.hour) for r in by_name["Beto"].working] == [(9, 14), (15, 17)]
    assert [(r.start.hour, r.end.hour) for r in by_name["Vero"].working] == [(9, 17)]
    assert spans(by_name["Vero"], AgendaItemKind.BLOCK) == [("17:00", "19:00")]
    assert spans(by_name["Vero"], AgendaItemKind.FREE) == [("09:00", "17:00")]


async def test_a_visit_that_began_the_evening_before_is_on_the_agenda_and_in_the_listing(db, clock):
    """What overlaps a day is looked up from LONGEST_VISIT earlier on: a 12-hour visit from 22:00 the
    night before still holds Beto until 10:00."""
    salon = await make_salon(db, clock())
    owner = context(db, clock, as_staff(salon, salon.ana))
    start, end = local(16, 22), local(17, 10)
    async with db.transaction(write=True) as session:
        visit = Appointment(id=new_id(), organization_id=salon.org.id, location_id=salon.location.id,
                            customer_id=salon.lupe.id, service_type_id=salon.tinte.id, staff_id=salon.beto.id,
                            spot_id=salon.sillon.id, starts_at=start, ends_at=end, status=AppointmentStatus.CONFIRMED,
                            source=AppointmentSource.MANUAL, price_cents=0, created_at=clock(), updated_at=clock())
        session.add(visit)
        session.add_all([Occupancy(organization_id=salon.org.id, appointment_id=visit.id, staff_id=salon.beto.id,
                                   starts_at=start, ends_at=end),
                         Occupancy(organization_id=salon.org.id, appointment_id=visit.id, spot_id=salon.sillon.id,
                                   starts_at=start, ends_at=end)])

    schedule = await day_schedule(owner, date(2026, 1, 17))
    beto = {d.staff.name: d for d in schedule.staff}["Beto"]
    assert spans(beto, AgendaItemKind.APPOINTMENT) == [("22:00", "10:00")]
    assert spans(beto, AgendaItemKind.FREE) == [("10:00", "19:00")]
    page = await list_appointments(owner, start=local(17, 9), end=local(17, 19))
    assert [a.id for a in page.items] == [visit.id]


async def test_a_closed_day_has_no_free_time(db, clock):
    salon = await make_salon(db, clock())
    owner = context(db, clock, as_staff(salon, salon.ana))
    hours = [WeeklyRange(d, local(1, 9).time(), local(1, 19).time()) for d in range(6)]
    await set_business_hours(owner, hours, closed_days=[date(2026, 1, 19)])
    schedule = await day_schedule(owner, date(2026, 1, 19))
    assert schedule.closed and schedule.business_hours == ()
    assert all(d.items == () for d in schedule.staff)
    sunday = await day_schedule(owner, date(2026, 1, 18))
    assert sunday.closed


async def test_customers_do_not_see_the_salons_agenda(db, clock):
    salon = await make_salon(db, clock())
    assert isinstance(await day_schedule(context(db, clock, as_customer(salon, salon.lupe)), date(2026, 1, 17)),
                      PermissionDenied)
    assert isinstance(await day_schedule(context(db, clock, Actor.anonymous()), date(2026, 1, 17)), NotAuthenticated)


async def test_dst_day_in_tijuana_keeps_the_hours_on_the_clock(db, clock):
    salon = await make_salon(db, clock(), timezone="America/Tijuana", hours=EVERY_DAY)
    ctx = context(db, clock, as_staff(salon, salon.ana))
    # 2026-03-08: clocks jump from 2:00 to 3:00 (PST -8 → PDT -7); 2026-11-01: back from 2:00 to 1:00
    for day, month in ((7, 3), (8, 3), (31, 10), (1, 11)):
        result = await book_appointment(ctx, BookingRequest((salon.corte.id,), local(day, 10, zone=TIJUANA, month=month),
                                                            "+525598765432", staff_id=salon.beto.id))
        assert isinstance(result, BookedAppointments), result
    offsets = {}
    for day, month in ((7, 3), (8, 3), (31, 10), (1, 11)):
        schedule = await day_schedule(ctx, date(2026, month, day), staff_id=salon.beto.id)
        (beto,) = schedule.staff
        assert [(r.start.strftime("%H:%M"), r.end.strftime("%H:%M")) for r in schedule.business_hours] == [
            ("09:00", "19:00")]
        assert spans(beto, AgendaItemKind.APPOINTMENT) == [("10:00", "10:45")]
        assert spans(beto, AgendaItemKind.FREE) == [("09:00", "10:00"), ("10:45", "19:00")]
        offsets[(month, day)] = beto.items[0].start.utcoffset()
    assert offsets == {(3, 7): timedelta(hours=-8), (3, 8): timedelta(hours=-7),
                       (10, 31): timedelta(hours=-7), (11, 1): timedelta(hours=-8)}


async def test_appointments_are_listed_a_page_at_a_time_with_filters(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.ana))
    ids = []
    for hour in (9, 10, 11, 12, 13):
        result = await book_appointment(ctx, BookingRequest((salon.barba.id,), local(17, hour), "+525598765432",
                                                            staff_id=salon.beto.id if hour % 2 else salon.ana.id))
        ids.append(result.appointments[0].id)
    await cancel_appointment(ctx, ids[0])

    seen, after = [], None
    while True:
        page = await list_appointments(ctx, start=local(17, 0), end=local(18, 0), first=2, after=after)
        assert page.total_count == 5
        seen += [a.id for a in page.items]
        if not page.has_next_page:
            break
        after = page.end_cursor
    assert seen == ids

    betos = await list_appointments(ctx, staff_id=salon.beto.id)
    assert [a.id for a in betos.items] == [ids[0], ids[2], ids[4]]  # cancelled ones too
    confirmed = await list_appointments(ctx, status=[AppointmentStatus.CONFIRMED], service_id=salon.barba.id)
    assert [a.id for a in confirmed.items] == ids[1:]
    bad_cursor = await list_appointments(ctx, after="no-es-cursor")
    assert isinstance(bad_cursor, ValidationError) and bad_cursor.field == "after"
    too_long = await list_appointments(ctx, start=local(1, 0), end=local(1, 0) + timedelta(days=91))
    assert isinstance(too_long, ValidationError) and "90 días" in too_long.message
    backwards = await list_appointments(ctx, start=local(17, 0), end=local(16, 0))
    assert isinstance(backwards, ValidationError) and "después del inicio" in backwards.message


async def test_the_listing_s_total_is_exact_with_or_without_its_count(db, clock):
    """A first page that is not full is every match (no count is run for it); a full page and a
    page after a cursor still count."""
    from sqlalchemy import event

    salon = await make_salon(db, clock())
    owner = context(db, clock, as_staff(salon, salon.ana))
    async with db.transaction(write=True) as session:
        for hour in (10, 11, 12):
            start, end = local(17, hour), local(17, hour, 45)
            session.add(Appointment(
                id=new_id(), organization_id=salon.org.id, location_id=salon.location.id, customer_id=salon.lupe.id,
                service_type_id=salon.corte.id, staff_id=salon.beto.id, spot_id=salon.sillon.id, starts_at=start,
                ends_at=end, status=AppointmentStatus.CONFIRMED, source=AppointmentSource.MANUAL, price_cents=0,
                created_at=clock(), updated_at=clock()))
    counts: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        if "count(" in statement.lower():
            counts.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        whole = await list_appointments(owner, start=local(17, 9), end=local(17, 19), first=5)
        assert whole.total_count == 3 and len(whole.items) == 3 and not whole.has_next_page and not counts
        exact = await list_appointments(owner, start=local(17, 9), end=local(17, 19), first=3)
        assert exact.total_count == 3 and not exact.has_next_page and not counts
        page = await list_appointments(owner, start=local(17, 9), end=local(17, 19), first=2)
        assert page.total_count == 3 and page.has_next_page and len(counts) == 1
        rest = await list_appointments(owner, start=local(17, 9), end=local(17, 19), first=2, after=page.end_cursor)
        assert rest.total_count == 3 and len(rest.items) == 1 and len(counts) == 2
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)


async def test_a_listing_is_built_once_per_kind_of_filter_and_each_call_reads_its_own_values(db, clock):
    """The LLM prompt lists the customer's upcoming appointments on every turn: the statement is
    built (and its cache key computed) once per combination of filters, the values are bound."""
    from resolvers.scheduling.agenda import _listing

    salon = await make_salon(db, clock())
    owner = context(db, clock, as_staff(salon, salon.ana))
    lupe = await book_appointment(owner, BookingRequest((salon.barba.id,), local(17, 10), salon.lupe.phone_number))
    other = await book_appointment(owner, BookingRequest((salon.barba.id,), local(17, 11), "+525598765432"))
    _listing.cache_clear()
    mine = context(db, clock, as_customer(salon, salon.lupe))
    for _ in range(3):
        page = await list_appointments(mine, start=clock(), status=[AppointmentStatus.CONFIRMED,
                                                                   AppointmentStatus.PENDING], first=20)
        assert [a.id for a in page.items] == [lupe.appointments[0].id] and page.total_count == 1
    later = await list_appointments(mine, start=local(17, 10, 30), status=[AppointmentStatus.CONFIRMED], first=20)
    assert later.items == ()  # the same statement, other values: the visit ended-after bound moved
    assert _listing.cache_info().currsize == 1 and _listing.cache_info().hits == 3
    everyone = await list_appointments(owner, start=clock(), status=AppointmentStatus.CONFIRMED, first=1)
    assert [a.id for a in everyone.items] == [lupe.appointments[0].id] and everyone.total_count == 2
    rest = await list_appointments(owner, start=clock(), status=AppointmentStatus.CONFIRMED, first=1,
                                   after=everyone.end_cursor)
    assert [a.id for a in rest.items] == [other.appointments[0].id] and not rest.has_next_page
    assert _listing.cache_info().currsize == 3  # no customer; and after a cursor
