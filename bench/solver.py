"""Solver timings on a generated salon (solver only: the snapshot is built before timing).

    .venv/bin/python bench/solver.py            # base salon and the scaled ones
    .venv/bin/python bench/solver.py --runs 15  # fewer repetitions

Base salon: 10 staff, 8 spots, 12 services (15-180 min, some with processing time), 30 days,
1,500 stored appointments. "3x" triples staff, spots and appointments over the same days;
"3x days" triples the days and the appointments with the same staff. Each figure is the
median and p95 of repeated calls with varying services and days, as wall-clock time and
as this process's CPU time (steadier when other processes share the 2 cores).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time as clock
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from solver import (  # noqa: E402
    Assignment,
    Block,
    BookingRequest,
    NoAssignment,
    Occupancy,
    Processing,
    ResourceKind,
    Salon,
    SalonOptions,
    Service,
    Spot,
    Staff,
    WeeklyHours,
    assign_booking,
    available_slots,
)
from solver.assignment import solve_plan  # noqa: E402
from solver.occupancy import service_shape  # noqa: E402
from solver.plan import make_plan  # noqa: E402

ZONE = "America/Mexico_City"
FIRST_DAY = date(2026, 3, 2)
OPEN, CLOSE = 9 * 60, 20 * 60


def catalogue() -> tuple[Service, ...]:
    durations = [15, 30, 30, 45, 60, 60, 90, 90, 120, 120, 150, 180]
    services = []
    for i, minutes in enumerate(durations):
        processing = Processing(30, minutes - 60) if minutes >= 90 and i % 2 == 0 else None
        services.append(Service(f"svc{i:02d}", minutes, 10 if i % 3 == 0 else 0, processing))
    return tuple(services)


def generate(staff_count: int, spot_count: int, days: int, appointments: int, seed: int = 7) -> Salon:
    rng = random.Random(seed)
    services = catalogue()
    ids = [s.id for s in services]
    zone = ZoneInfo(ZONE)
    staff = []
    for i in range(staff_count):
        performs = frozenset(rng.sample(ids, rng.randint(4, 9)))
        lunch_day = FIRST_DAY + timedelta(days=rng.randrange(days))
        lunch = Block(
            datetime.combine(lunch_day, time(14), tzinfo=zone), datetime.combine(lunch_day, time(15), tzinfo=zone), "comida"
        )
        staff.append(Staff(f"staff-{i:03d}", performs, None, (), (lunch,)))
    spots = [Spot(f"spot-{i:03d}", frozenset(rng.sample(ids, rng.randint(6, 10)))) for i in range(spot_count)]
    hours = tuple(WeeklyHours(d, time(9), time(20)) for d in range(6))
    skeleton = Salon(ZONE, hours, tuple(staff), tuple(spots), services)
    shapes = {s.id: service_shape(s, skeleton) for s in services}

    busy: dict[tuple[str, int], list[tuple[int, int]]] = {}

    def free(key: tuple[str, int], a: int, b: int) -> bool:
        return all(b <= c or d <= a for c, d in busy.get(key, ()))

    open_days = [d for d in range(days) if (FIRST_DAY + timedelta(days=d)).weekday() < 6]
    rows: list[tuple[str, str, int, int, int]] = []
    placed = attempts = 0
    while placed < appointments and attempts < appointments * 200:
        attempts += 1
        person = rng.choice(staff)
        service_id = rng.choice(sorted(person.service_ids))
        shape = shapes[service_id]
        day = rng.choice(open_days)
        start = OPEN + 15 * rng.randrange((CLOSE - OPEN - shape.span) // 15 + 1)
        pieces = [(start + a, start + b) for a, b in shape.staff_pieces]
        if not all(free((person.id, day), a, b) for a, b in pieces):
            continue
        hosts = [p for p in spots if service_id in p.service_ids]
        spot = next((p for p in hosts if free((p.id, day), start, start + shape.span)), None)
        if hosts and spot is None:
            continue
        for a, b in pieces:
            busy.setdefault((person.id, day), []).append((a, b))
            rows.append(("staff", person.id, day, a, b))
        if spot is not None:
            busy.setdefault((spot.id, day), []).append((start, start + shape.span))
            rows.append(("spot", spot.id, day, start, start + shape.span))
        placed += 1

    def instant(day: int, minute: int) -> datetime:
        local = datetime.combine(FIRST_DAY + timedelta(days=day), time(0), tzinfo=zone) + timedelta(minutes=minute)
        return local.astimezone(timezone.utc)

    instants = [(k, rid, instant(d, a), instant(d, b)) for k, rid, d, a, b in rows]
    begin = clock.perf_counter()
    occupancy = tuple(Occupancy(ResourceKind(k), rid, a, b) for k, rid, a, b in instants)
    options = SalonOptions(granularity_minutes=15, max_days_ahead=days + 1)
    salon = Salon(ZONE, hours, tuple(staff), tuple(spots), services, occupancy=occupancy, options=options)
    built = (clock.perf_counter() - begin) * 1000
    print(f"  generated: {staff_count} staff, {spot_count} spots, {days} days, {placed} appointments, "
          f"{len(occupancy)} occupancy rows; building the snapshot from them took {built:.1f} ms")  # fmt: skip
    return salon


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(ZONE))


def window(first: int, days: int) -> tuple[datetime, datetime]:
    start = FIRST_DAY + timedelta(days=first)
    return local_midnight(start), local_midnight(start + timedelta(days=days))


def measure(name: str, runs: int, call) -> None:
    timings = []
    cpu = []
    outcomes: Counter[str] = Counter()
    sizes = []
    for i in range(runs):
        begin, begin_cpu = clock.perf_counter(), clock.process_time()
        result = call(i)
        timings.append((clock.perf_counter() - begin) * 1000)
        cpu.append((clock.process_time() - begin_cpu) * 1000)
        if isinstance(result, list):
            sizes.append(len(result))
        elif isinstance(result, NoAssignment):
            outcomes[result.reason.value] += 1
        elif result is None:
            outcomes["infeasible"] += 1
        else:
            outcomes["booked"] += 1
    timings.sort()
    cpu.sort()
    at95 = min(len(timings) - 1, round(0.95 * (len(timings) - 1)))
    if sizes:
        what = f"median {statistics.median(sizes):.0f} slots"
    else:
        what = ", ".join(f"{k} {v}" for k, v in outcomes.most_common())
    print(
        f"  {name:<52} wall median {statistics.median(timings):6.2f} p95 {timings[at95]:6.2f} | "
        f"cpu median {statistics.median(cpu):6.2f} p95 {cpu[at95]:6.2f} ms  ({what})"
    )


def bench_salon(label: str, salon: Salon, days: int, runs: int) -> None:
    print(f"\n{label}")
    now = local_midnight(FIRST_DAY) - timedelta(hours=1)
    ids = [s.id for s in salon.services]
    singles = [s for s in ids if s not in ("svc10", "svc11")]  # 15-120 min

    def search(service_days: int, with_options: bool = False, services: int = 1):
        def call(i: int):
            first = 0 if service_days >= days else i % (days - service_days)
            start, end = window(first, service_days)
            wanted = tuple(singles[(i + k * 5) % len(singles)] for k in range(services))
            request = BookingRequest(wanted, window_start=start, window_end=end)
            return available_slots(salon, request, now, with_options=with_options)

        return call

    measure(f"slots, 1 service, {days} days", runs, search(days))
    measure(f"slots, 1 service, {days} days, with staff/spot options", runs, search(days, with_options=True))
    measure("slots, 1 service, 1 day", runs, search(1))
    measure("slots, 2-service visit, 7 days", runs, search(7, services=2))

    def booking(services: int = 1, group: int = 1, window_days: int = 1):
        def call(i: int):
            start, end = window(i % (days - window_days), window_days)
            wanted = tuple(singles[(i + k * 5) % len(singles)] for k in range(services))
            result = assign_booking(salon, BookingRequest(wanted, group_size=group, window_start=start, window_end=end), now)
            return result

        return call

    measure("CP-SAT booking, single, 1-day window", runs, booking())
    measure("CP-SAT booking, group of two, 1-day window", runs, booking(group=2))
    measure("CP-SAT booking, 2-service visit, 1-day window", runs, booking(services=2))
    measure("CP-SAT booking, single, 7-day window", runs, booking(window_days=7))
    measure("CP-SAT booking, group of two, 7-day window", runs, booking(group=2, window_days=7))

    def model_alone(i: int):
        start, end = window(i % (days - 1), 1)
        request = BookingRequest((singles[i % len(singles)],), window_start=start, window_end=end)
        plan = make_plan(salon, request, now)
        return solve_plan(plan) if not isinstance(plan, NoAssignment) else plan

    measure("CP-SAT model alone (no listing help), single, 1 day", runs, model_alone)

    def model_with_domains(i: int):
        start, end = window(i % (days - 1), 1)
        request = BookingRequest((singles[i % len(singles)],), window_start=start, window_end=end)
        plan = make_plan(salon, request, now)
        return solve_plan(plan, availability_as_domains=True) if not isinstance(plan, NoAssignment) else plan

    measure("  same, free time as enforced domains per choice", runs, model_with_domains)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=41)
    parser.add_argument("--base-only", action="store_true")
    args = parser.parse_args()

    begin = clock.perf_counter()
    from solver.assignment import cp_model

    cp_model()
    print(f"ortools import (once per process): {(clock.perf_counter() - begin) * 1000:.0f} ms")

    base = generate(10, 8, 30, 1500)
    warm = BookingRequest(("svc01",), window_start=window(0, 1)[0], window_end=window(0, 1)[1])
    result = assign_booking(base, warm, local_midnight(FIRST_DAY) - timedelta(hours=1))  # warm caches
    assert isinstance(result, Assignment), result
    bench_salon("base: 10 staff, 8 spots, 30 days, 1,500 appointments", base, 30, args.runs)
    if args.base_only:
        return
    bench_salon("3x: 30 staff, 24 spots, 30 days, 4,500 appointments", generate(30, 24, 30, 4500), 30, args.runs)
    bench_salon("3x days: 10 staff, 8 spots, 90 days, 4,500 appointments", generate(10, 8, 90, 4500), 90, args.runs)

    print("\ngrowth: 1-service listing over the whole horizon, 50 appointments a day (cpu median)")
    for days in (15, 30, 60, 120):
        salon = generate(10, 8, days, 50 * days)
        now = local_midnight(FIRST_DAY) - timedelta(hours=1)
        start, end = window(0, days)
        cpu = []
        for i in range(20):
            request = BookingRequest((f"svc{i % 10:02d}",), window_start=start, window_end=end)
            begin = clock.process_time()
            available_slots(salon, request, now)
            cpu.append((clock.process_time() - begin) * 1000)
        print(f"  {days:4d} days, {50 * days:5d} appointments: {statistics.median(cpu):6.2f} ms")


if __name__ == "__main__":
    main()
