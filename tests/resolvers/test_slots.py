"""Available slots: ranked, only what can be booked, and validated in Spanish."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from resolvers.errors import NotFound, PermissionDenied, ValidationError
from resolvers.scheduling import (
    BookedAppointments,
    BookingRequest,
    PartOfDay,
    SlotPreferences,
    available_slots,
    book_appointment,
    usage,
)
from tests.resolvers.factories import as_customer, as_staff, context, make_salon

CDMX = ZoneInfo("America/Mexico_City")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=CDMX)


async def test_slots_skip_booked_time_and_every_slot_can_be_booked(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.ana))
    await book_appointment(ctx, BookingRequest((salon.corte.id,), local(17, 11), "+525598765432",
                                               staff_id=salon.beto.id))
    slots = await available_slots(ctx, [salon.corte.id], local(17, 9), local(17, 19), staff_id=salon.beto.id,
                                  limit=200)
    assert isinstance(slots, list) and slots
    starts = {s.start for s in slots}
    assert local(17, 11) not in starts and local(17, 10, 30) not in starts
    assert local(17, 10, 15) in starts and local(17, 11, 45) in starts
    assert all(s.staff_id == salon.beto.id and s.spot_id in (salon.silla1.id, salon.silla2.id) for s in slots)
    assert all((s.start.astimezone(CDMX).minute % 15) == 0 for s in slots)
    assert [s.score for s in slots] == sorted((s.score for s in slots), reverse=True)
    best = slots[0]
    result = await book_appointment(ctx, BookingRequest((salon.corte.id,), best.start, "+525598760000",
                                                        staff_id=best.staff_id, spot_id=best.spot_id))
    assert isinstance(result, BookedAppointments), result


async def test_preferences_rank_without_removing(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_customer(salon, salon.lupe))
    plain = await available_slots(ctx, [salon.barba.id], local(17, 9), local(17, 19), limit=200)
    afternoon = await available_slots(ctx, [salon.barba.id], local(17, 9), local(17, 19), limit=200,
                                      preferences=SlotPreferences(part_of_day=PartOfDay.TARDE))
    assert {s.start for s in plain} == {s.start for s in afternoon}
    assert afternoon[0].start.astimezone(CDMX).hour >= 12
    assert len(await available_slots(ctx, [salon.barba.id], local(17, 9), local(17, 19), limit=3)) == 3


async def test_customers_get_the_salons_notice_staff_do_not(db, clock):
    salon = await make_salon(db, clock(), settings={"min_notice_minutes": 120, "slot_granularity_minutes": 30})
    customer = context(db, clock, as_customer(salon, salon.lupe))
    staff = context(db, clock, as_staff(salon, salon.beto))
    theirs = await available_slots(customer, [salon.barba.id], local(16, 9), local(16, 19), limit=200)
    ours = await available_slots(staff, [salon.barba.id], local(16, 9), local(16, 19), limit=200)
    assert min(s.start for s in theirs) == local(16, 12)
    assert min(s.start for s in ours) == local(16, 10)
    assert all(s.start.astimezone(CDMX).minute in (0, 30) for s in theirs)
    too_soon = await book_appointment(customer, BookingRequest((salon.barba.id,), local(16, 11)))
    assert isinstance(too_soon, ValidationError) and "120 minutos" in too_soon.message


async def test_slot_queries_are_validated_in_spanish(db, clock):
    salon = await make_salon(db, clock())
    other = await make_salon(db, clock(), name="Otra", phone_prefix="+52558888")
    ctx = context(db, clock, as_staff(salon, salon.ana))
    cases = [
        ({"start": local(17, 9), "end": local(17, 9) + timedelta(days=91)}, ValidationError, "90 días"),
        ({"start": local(17, 19), "end": local(17, 9)}, ValidationError, "después del inicio"),
        ({"start": local(10, 9), "end": local(11, 9)}, ValidationError, "ya pasó"),
        ({"service_ids": [other.corte.id]}, NotFound, "servicio"),
        ({"staff_id": other.beto.id}, NotFound, "equipo"),
        ({"service_ids": [salon.tinte.id], "staff_id": salon.beto.id}, ValidationError, "Beto no hace Tinte"),
        ({"service_ids": []}, ValidationError, "al menos un servicio"),
        ({"limit": 0}, ValidationError, "horarios"),
    ]
    for change, problem, words in cases:
        args = {"service_ids": [salon.corte.id], "start": local(17, 9), "end": local(17, 19), **change}
        result = await available_slots(ctx, args.pop("service_ids"), args.pop("start"), args.pop("end"), **args)
        assert isinstance(result, problem) and words in result.message, (change, result)


async def test_usage_counts_this_months_bookings_for_the_owner(db, clock):
    salon = await make_salon(db, clock())
    owner = context(db, clock, as_staff(salon, salon.ana))
    await book_appointment(owner, BookingRequest((salon.corte.id, salon.barba.id), local(17, 11), "+525598765432"))
    await book_appointment(owner, BookingRequest((salon.corte.id,), local(17, 15), "+525598765432"))
    used = await usage(owner)
    assert (used.plan, used.month, used.bookings_used, used.limit, used.over_limit) == ("free", "2026-01", 2, 50, False)
    assert used.message is None
    assert isinstance(await usage(context(db, clock, as_staff(salon, salon.beto))), PermissionDenied)
