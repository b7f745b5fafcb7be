"""Races for the same stylist: the database settles them, every caller gets a clear answer."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from resolvers.errors import SlotTaken
from resolvers.scheduling import BookedAppointments, BookingRequest, book_appointment
from storage import Appointment, Customer, Occupancy
from tests.resolvers.factories import as_staff, context, make_salon

CDMX = ZoneInfo("America/Mexico_City")
SATURDAY_11 = datetime(2026, 1, 17, 11, 0, tzinfo=CDMX)


def assert_no_overlaps(rows: list[Occupancy]) -> None:
    by_resource = defaultdict(list)
    for row in rows:
        by_resource[row.staff_id or row.spot_id].append((row.starts_at, row.ends_at))
    for intervals in by_resource.values():
        intervals.sort()
        for (_, end), (start, _) in zip(intervals, intervals[1:]):
            assert end <= start, intervals


async def test_fifty_concurrent_bookings_for_one_stylist_never_overlap(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.ana))

    async def book(i: int):
        return await book_appointment(ctx, BookingRequest(
            service_ids=(salon.corte.id,), start=SATURDAY_11 + timedelta(minutes=5 * i),
            customer_phone=f"+5255987600{i % 7:02d}", staff_id=salon.beto.id))

    results = await asyncio.gather(*(book(i) for i in range(50)))
    booked = [r for r in results if isinstance(r, BookedAppointments)]
    taken = [r for r in results if isinstance(r, SlotTaken)]
    assert len(booked) + len(taken) == 50, [r for r in results if not isinstance(r, (BookedAppointments, SlotTaken))]
    assert booked and taken
    assert all(t.message.startswith(("Beto ya tiene cita", "Alguien más")) for t in taken)

    async with db.session() as s:
        occupancy = (await s.scalars(select(Occupancy))).all()
        appointments = (await s.scalars(select(Appointment))).all()
        customers = (await s.scalars(select(Customer).where(Customer.phone_number.like("+5255987600%")))).all()
    assert_no_overlaps(occupancy)
    assert len(appointments) == len(booked)
    beto = sorted((a.starts_at, a.ends_at) for a in appointments)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(beto, beto[1:]))
    # 11:00 to 15:05 holds at most five 45-minute cortes back to back, and at least 3 fit any way
    assert 3 <= len(booked) <= 6
    assert len(customers) == len({r.customer.phone_number for r in booked})  # one row per phone


async def test_the_last_free_time_goes_to_exactly_one_caller(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.ana))
    request = BookingRequest(service_ids=(salon.corte.id,), start=SATURDAY_11, customer_phone="+525598765432",
                             staff_id=salon.beto.id)
    results = await asyncio.gather(*(book_appointment(ctx, request) for _ in range(10)))
    assert sum(isinstance(r, BookedAppointments) for r in results) == 1
    losers = [r for r in results if isinstance(r, SlotTaken)]
    assert len(losers) == 9 and all(r.alternatives for r in losers)


@pytest.mark.postgres_only
async def test_on_postgresql_the_exclusion_constraint_turns_a_lost_race_into_slot_taken(db, clock, monkeypatch):
    """Someone commits the same stylist between our solver's choice and our insert."""
    from resolvers.scheduling import booking

    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.ana))
    choose = booking._choose
    raced = []

    async def choose_then_lose_the_race(*args, **kwargs):
        chosen = await choose(*args, **kwargs)
        if not raced:
            raced.append(True)
            rival = await book_appointment(ctx, BookingRequest((salon.corte.id,), SATURDAY_11, "+525598760001",
                                                               staff_id=salon.beto.id))
            assert isinstance(rival, BookedAppointments)
        return chosen

    monkeypatch.setattr(booking, "_choose", choose_then_lose_the_race)
    result = await book_appointment(ctx, BookingRequest((salon.corte.id,), SATURDAY_11, "+525598765432",
                                                        staff_id=salon.beto.id))
    assert isinstance(result, SlotTaken) and result.message.startswith("Alguien más")
    assert result.alternatives and all(a.start != SATURDAY_11 for a in result.alternatives)
    async with db.session() as s:
        assert len((await s.scalars(select(Appointment))).all()) == 1
        assert (await s.scalars(select(Customer).where(Customer.phone_number == "+525598765432"))).all() == []
