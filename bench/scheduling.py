"""Scheduling use cases end to end on a real database (issue 4 figures).

The demo salon (Barbería Don Carlos) scaled to 10 staff, 8 spots and about 2,000
appointments over two months around "today", on PostgreSQL by default. Measures, through
the resolver functions (database round trips included):

- snapshot: building the solver's salon for 30 days (queries + row mapping);
- slots 30d: `available_slots` for one service over 30 days (snapshot + listing);
- slots 30d+staff: the same, pinned to one stylist;
- book: `book_appointment` at a free start (validate, snapshot, the listing's choice, re-check, write,
  commit), each for a new customer;
- solve: CP-SAT's `assign_booking` alone on that snapshot, vs the interval listing for the same start
  (one-seat bookings use the listing; groups use CP-SAT);
- schedule: `day_schedule` for one busy day, every staff member.

    .venv/bin/python bench/scheduling.py                       # PostgreSQL on 127.0.0.1
    .venv/bin/python bench/scheduling.py --url sqlite+aiosqlite:////tmp/parlo-bench.db
    .venv/bin/python bench/scheduling.py --repeat 50

A throwaway database is created and dropped on PostgreSQL. Each line gives this process's
CPU time per call (every thread, `time.process_time`), the wall time, and the SQL statements
sent. On a shared 2-core machine wall time mostly measures the neighbours: compare CPU and
statements. A booking's CPU includes the database driver's; PostgreSQL's own work is not in it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time as clock_time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

import solver  # noqa: E402
from parlo.demo import load_demo  # noqa: E402
from resolvers.context import Actor, Context, ResolverConfig  # noqa: E402
from resolvers.scheduling import BookedAppointments, BookingRequest, available_slots, book_appointment, day_schedule  # noqa: E402
from resolvers.scheduling.slots import solver_request  # noqa: E402
from resolvers.scheduling.snapshot import load_snapshot  # noqa: E402
from storage import (  # noqa: E402
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    Availability,
    AvailabilityKind,
    Customer,
    Database,
    Location,
    Occupancy,
    Organization,
    PermissionLevel,
    ServiceType,
    Spot,
    Staff,
)
from storage.database import normalise_url  # noqa: E402
from storage.migrations import upgrade  # noqa: E402

NOW = datetime(2026, 1, 16, 16, 0, tzinfo=timezone.utc)  # Friday 10:00 in Mexico City
ZONE = ZoneInfo("America/Mexico_City")
STAFF_TARGET, SPOT_TARGET, APPOINTMENT_TARGET = 10, 8, 2000


async def scale_up(db: Database) -> tuple[Organization, list[Staff], list[ServiceType]]:
    """Demo salon → 10 staff, 8 spots, ~2,000 appointments (no resource ever double-booked)."""
    org, _ = await load_demo(db, NOW)
    rng = random.Random(4)
    async with db.transaction(write=True) as s:
        location = await s.scalar(select(Location).where(Location.organization_id == org.id))
        services = list(await s.scalars(select(ServiceType).where(ServiceType.organization_id == org.id)))
        by_name = {x.name: x for x in services}
        everyday = [by_name[n] for n in ("Corte de cabello", "Arreglo de barba", "Corte y barba", "Afeitado clásico")]
        spots = list(await s.scalars(select(Spot).where(Spot.organization_id == org.id)))
        for i in range(len(spots), SPOT_TARGET):
            spot = Spot(organization_id=org.id, location_id=location.id, name=f"Silla {i}", display_order=i,
                        created_at=NOW, updated_at=NOW)
            spot.services = everyday
            s.add(spot)
        staff = list(await s.scalars(select(Staff).where(Staff.organization_id == org.id)))
        for i in range(len(staff), STAFF_TARGET):
            member = Staff(organization_id=org.id, location_id=location.id, name=f"Barbero {i}",
                           phone_number=f"+5255120000{i:02d}", permission_level=PermissionLevel.STAFF,
                           created_at=NOW, updated_at=NOW)
            member.services = everyday
            s.add(member)
            await s.flush()
            for weekday in range(6):
                s.add(Availability(organization_id=org.id, staff_id=member.id, kind=AvailabilityKind.RECURRING,
                                   day_of_week=weekday, start_time=clock_time(9 + i % 2), end_time=clock_time(18 + i % 2),
                                   created_at=NOW, updated_at=NOW))
        await s.flush()
        customers = list(await s.scalars(select(Customer).where(Customer.organization_id == org.id)))
        for i in range(200):
            customer = Customer(organization_id=org.id, phone_number=f"+5255300{i:05d}", name=f"Cliente {i}",
                                created_at=NOW, updated_at=NOW)
            s.add(customer)
            customers.append(customer)
        await s.flush()

    from sqlalchemy.orm import selectinload

    async with db.session() as s:
        staff = list(await s.scalars(select(Staff).where(Staff.organization_id == org.id)
                                     .options(selectinload(Staff.services))))
        spots = list(await s.scalars(select(Spot).where(Spot.organization_id == org.id)
                                     .options(selectinload(Spot.services))))
        busy = {(o.staff_id or o.spot_id, o.starts_at, o.ends_at) for o in await s.scalars(select(Occupancy))}
        existing = await s.scalar(select(text("count(*)")).select_from(Appointment))
    taken: dict[uuid.UUID, list[tuple[datetime, datetime]]] = {}
    for rid, a, b in busy:
        taken.setdefault(rid, []).append((a, b))

    def free(rid, a, b) -> bool:
        return all(e <= a or b <= x for x, e in taken.get(rid, ()))

    today = NOW.astimezone(ZONE).date()
    made = existing
    async with db.transaction(write=True) as s:
        for offset in range(-30, 31):
            if made >= APPOINTMENT_TARGET:
                break
            day = today + timedelta(days=offset)
            if day.weekday() == 6 or -3 <= offset <= 4:  # the demo week is already booked
                continue
            for member in staff:
                cursor = datetime.combine(day, clock_time(10), ZONE)
                while cursor.hour < 17 and made < APPOINTMENT_TARGET:
                    service = rng.choice(member.services)
                    start = cursor.astimezone(timezone.utc)
                    end = start + timedelta(minutes=service.duration_minutes)
                    spot = next((p for p in spots if service in p.services and free(p.id, start, end)), None)
                    if spot is None or not free(member.id, start, end) or rng.random() < 0.35:
                        cursor += timedelta(minutes=30)
                        continue
                    for rid in (member.id, spot.id):
                        taken.setdefault(rid, []).append((start, end))
                    past = end <= NOW
                    appointment = Appointment(
                        id=uuid.uuid4(), organization_id=org.id, location_id=spot.location_id,
                        customer_id=rng.choice(customers).id, service_type_id=service.id, staff_id=member.id,
                        spot_id=spot.id, starts_at=start, ends_at=end,
                        status=AppointmentStatus.COMPLETED if past else AppointmentStatus.CONFIRMED,
                        source=AppointmentSource.WHATSAPP, price_cents=service.price_cents,
                        created_at=NOW - timedelta(days=40), updated_at=NOW)
                    s.add(appointment)
                    s.add(Occupancy(organization_id=org.id, appointment_id=appointment.id, staff_id=member.id,
                                    starts_at=start, ends_at=end))
                    s.add(Occupancy(organization_id=org.id, appointment_id=appointment.id, spot_id=spot.id,
                                    starts_at=start, ends_at=end))
                    made += 1
                    cursor = cursor + timedelta(minutes=service.duration_minutes)
    return org, staff, services


@dataclass(slots=True)
class Samples:
    """Wall and CPU seconds (this process, every thread) and SQL statements per call."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)


class StatementCounter:
    """Counts the statements sent to the database (SQLAlchemy's before_cursor_execute)."""

    def __init__(self, engine) -> None:
        self.count = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1


def _median_p95(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def figures(name: str, samples: Samples | list[float]) -> None:
    if isinstance(samples, list):
        samples = Samples(wall=samples, cpu=samples)
    wall, wall95 = _median_p95([x * 1000 for x in samples.wall])
    cpu, cpu95 = _median_p95([x * 1000 for x in samples.cpu])
    queries = f"  sql {statistics.median(samples.statements):4.0f}" if samples.statements else ""
    print(f"{name:<30} n={len(samples.wall):>3}  cpu median {cpu:7.1f} p95 {cpu95:7.1f} ms"
          f"   wall median {wall:7.1f} p95 {wall95:7.1f} ms{queries}")


async def timed(fn, repeat: int, counter: StatementCounter | None = None) -> Samples:
    samples = Samples()
    for i in range(repeat):
        before = counter.count if counter else 0
        c0, t0 = time.process_time(), time.perf_counter()
        await fn(i)
        samples.wall.append(time.perf_counter() - t0)
        samples.cpu.append(time.process_time() - c0)
        if counter:
            samples.statements.append(counter.count - before)
    return samples


async def run(url: str, repeat: int) -> None:
    await asyncio.to_thread(upgrade, url)
    db = Database.connect(url)
    try:
        t0 = time.perf_counter()
        org, staff, services = await scale_up(db)
        async with db.session() as s:
            count = await s.scalar(select(text("count(*)")).select_from(Appointment))
        print(f"database: {db.dialect}; salon: {len(staff)} staff, {SPOT_TARGET} spots, {count} appointments "
              f"(built in {time.perf_counter() - t0:.1f} s)")
        counter = StatementCounter(db.engine)
        owner = next(m for m in staff if m.permission_level is PermissionLevel.OWNER)
        ctx = Context(db=db, now=lambda: NOW, config=ResolverConfig(jwt_secret="x" * 40, free_monthly_bookings=10**6),
                      actor=Actor.staff(organization_id=org.id, staff_id=owner.id, level=PermissionLevel.OWNER))
        corte = next(s for s in services if s.name == "Corte de cabello")
        barber = next(m for m in staff if m.name.startswith("Barbero"))
        start, end = NOW, NOW + timedelta(days=30)

        solver.assign_booking  # noqa: B018  (import cost paid below, outside the timings)
        from solver.assignment import cp_model

        cp_model()

        async def snapshot(_):
            async with db.session() as s:
                organization = await s.get(Organization, org.id)
                location = await s.scalar(select(Location).where(Location.organization_id == org.id))
                return await load_snapshot(s, organization, location, start, end)

        snap = await snapshot(0)
        print(f"snapshot: {len(snap.salon.occupancy)} occupancy rows, {len(snap.blocks)} blocks in range")
        figures("snapshot 30 days", await timed(snapshot, repeat, counter))

        async def slots(_):
            found = await available_slots(ctx, [corte.id], start, end, limit=50)
            assert isinstance(found, list) and found
        figures("slots 30 days (limit 50)", await timed(slots, repeat, counter))

        async def slots_staff(_):
            found = await available_slots(ctx, [corte.id], start, end, staff_id=barber.id, limit=50)
            assert isinstance(found, list)
        figures("slots 30 days, one stylist", await timed(slots_staff, repeat, counter))

        candidates = await available_slots(ctx, [corte.id], start + timedelta(days=5), end, limit=200)
        local_starts = [c.start for c in candidates]

        # solver alone on one exact start
        request = solver_request([corte.id], group_size=1, staff_id=None, spot_id=None,
                                 start=local_starts[0], end=local_starts[0] + timedelta(minutes=1))
        exact = await snapshot(0)
        async def cp_sat(_):
            assert isinstance(solver.assign_booking(exact.salon, request, NOW), solver.Assignment)

        async def listing(_):
            assert solver.available_slots(exact.salon, request, NOW)

        figures("solve: CP-SAT one start", await timed(cp_sat, repeat))
        figures("solve: listing one start", await timed(listing, repeat))

        async def book(i):
            result = await book_appointment(ctx, BookingRequest(
                (corte.id,), local_starts[(i * 7) % len(local_starts)], f"+5255400{i:05d}"))
            assert isinstance(result, (BookedAppointments,)) or result.code == "SlotTaken", result
        figures("book one visit", await timed(book, repeat, counter))

        busy_day = (NOW + timedelta(days=1)).astimezone(ZONE).date()

        async def schedule(_):
            result = await day_schedule(ctx, busy_day)
            assert len(result.staff) == len(staff)
        figures("schedule one day (all staff)", await timed(schedule, repeat, counter))
    finally:
        await db.dispose()


async def _admin(url: str, sql: str) -> None:
    engine = create_async_engine(make_url(normalise_url(url)), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("PARLO_BENCH_DATABASE_URL",
                                                        "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if args.url.startswith("postgres"):
        name = f"parlo_bench_{secrets.token_hex(4)}"
        asyncio.run(_admin(args.url, f'CREATE DATABASE "{name}"'))
        url = make_url(normalise_url(args.url)).set(database=name).render_as_string(hide_password=False)
        try:
            asyncio.run(run(url, args.repeat))
        finally:
            asyncio.run(_admin(args.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        url = args.url if "///" in args.url else f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
        asyncio.run(run(url, args.repeat))


if __name__ == "__main__":
    main()
