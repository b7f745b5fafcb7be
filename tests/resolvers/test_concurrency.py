"""Races for the same stylist: the database settles them, every caller gets a clear answer."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine

from resolvers.errors import SlotTaken
from resolvers.scheduling import BookedAppointments, BookingRequest, book_appointment
from storage import Appointment, Customer, Database, Occupancy, PermissionLevel, ServiceType, Staff
from storage.ids import new_id
from storage.queries import get_in
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


# ---------------------------------------------------------------- racing without deadlocks
# PostgreSQL only: SQLite serialises schedule writers (BEGIN IMMEDIATE), so there is no
# deadlock there to count, and no pg_stat_database to count it in.

DEADLOCKS = "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
CALLERS = 20  # each holds a connection while it waits for the others: fewer than the pool's 30
OTHERS = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"


async def _nodes(db: Database) -> list:
    """The database on this server and, on Citus, on each worker (where the shards' inserts run)."""
    url = db.engine.url
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            citus = await conn.scalar(text("SELECT count(*) FROM pg_extension WHERE extname = 'citus'"))
            workers = (await conn.execute(text("SELECT nodename, nodeport FROM pg_dist_node WHERE groupid <> 0"))
                       ).all() if citus else []
    finally:
        await engine.dispose()
    return [url, *(url.set(host=host, port=port) for host, port in workers)]


async def _deadlocks_and_backends(nodes: list, *, gone: list[set[int]] | None = None) -> tuple[int, list[set[int]]]:
    """Deadlocks counted in the database over every node, and each node's other backends.

    A backend reports its counts to pg_stat_database when it exits (and, idle, within about
    10 s; ``pg_stat_force_next_flush()`` only flushes the backend calling it): with ``gone``,
    wait until the backends that were not there before have exited, then read a fresh snapshot."""
    total, backends = 0, []
    for n, url in enumerate(nodes):
        engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as conn:
                for _ in range(100):
                    others = set(await conn.scalars(text(OTHERS)))
                    if gone is None or others <= gone[n]:
                        break
                    await asyncio.sleep(0.1)
                await conn.execute(text("SELECT pg_stat_clear_snapshot()"))
                total += await conn.scalar(text(DEADLOCKS))
                backends.append(others)
        finally:
            await engine.dispose()
    return total, backends


def _all_write_at_once(monkeypatch, callers: int) -> None:
    """Each caller's first solver choice waits for everyone's, so that all go on to write at once.
    A retry does not wait.

    The callers are one first-time customer (one phone): the visit's write inserts them first,
    so the first writer makes the others wait there and, committing, lets them all insert their
    rows at the same moment (then fails them: they retry and find the customer). Without that,
    the race deadlocked in some runs and not in others."""
    from resolvers.scheduling import booking

    choose, arrived, everyone = booking._choose, [], asyncio.Event()

    async def choose_then_wait_for_everyone(*args, **kwargs):
        chosen = await choose(*args, **kwargs)
        if not everyone.is_set():
            arrived.append(True)
            if len(arrived) == callers:
                everyone.set()
            await everyone.wait()
        return chosen

    monkeypatch.setattr(booking, "_choose", choose_then_wait_for_everyone)


async def _race_without_deadlocks(db: Database, monkeypatch, book, callers: int) -> list:
    """Run ``book(i)`` for each caller at once; assert that the database counted no deadlock
    meanwhile, and return the answers. The pool's connections are closed before and after, so
    that the racing backends are new ones and their counts arrive when they exit."""
    _all_write_at_once(monkeypatch, callers)
    nodes = await _nodes(db)
    await db.dispose()
    before, backends = await _deadlocks_and_backends(nodes)
    try:
        results = await asyncio.gather(*(book(i) for i in range(callers)))
    finally:
        await db.dispose()
    after, _ = await _deadlocks_and_backends(nodes, gone=backends)
    assert after == before, f"{after - before} deadlocks while racing"
    return results


@pytest.mark.postgres_only
async def test_bookings_racing_for_one_stylist_queue_instead_of_deadlocking(db, clock, monkeypatch):
    """Each deadlock cost its booking a second (deadlock_timeout) before the retry."""
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.ana))

    async def book(i: int):
        return await book_appointment(ctx, BookingRequest(
            service_ids=(salon.corte.id,), start=SATURDAY_11 + timedelta(minutes=5 * i),
            customer_phone="+525598760000", staff_id=salon.beto.id))

    results = await _race_without_deadlocks(db, monkeypatch, book, CALLERS)
    assert {type(r) for r in results} == {BookedAppointments, SlotTaken}
    async with db.session() as s:
        assert_no_overlaps((await s.scalars(select(Occupancy))).all())


@pytest.mark.postgres_only
async def test_bookings_of_different_stylists_racing_for_one_chair_queue_instead_of_deadlocking(db, clock, monkeypatch):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.ana))
    async with db.transaction(write=True) as s:  # ten stylists, each booked twice, all in Silla 1
        corte = await get_in(s, ServiceType, salon.org.id, salon.corte.id)
        more = [Staff(id=new_id(), organization_id=salon.org.id, location_id=salon.location.id, name=f"Estilista {n}",
                      phone_number=f"+5255123480{n:02d}", permission_level=PermissionLevel.STAFF, services=[corte],
                      created_at=clock(), updated_at=clock()) for n in range(7)]
        s.add_all(more)
    stylists = [salon.ana.id, salon.beto.id, salon.vero.id, *(m.id for m in more)]

    async def book(i: int):
        return await book_appointment(ctx, BookingRequest(
            service_ids=(salon.corte.id,), start=SATURDAY_11 + timedelta(minutes=5 * i),
            customer_phone="+525598760000", staff_id=stylists[i % len(stylists)], spot_id=salon.silla1.id))

    results = await _race_without_deadlocks(db, monkeypatch, book, CALLERS)
    assert {type(r) for r in results} == {BookedAppointments, SlotTaken}
    async with db.session() as s:
        assert_no_overlaps((await s.scalars(select(Occupancy))).all())
