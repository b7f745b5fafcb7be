"""The GraphQL API over HTTP on PostgreSQL (issue 4 figures).

The demo salon scaled to 10 staff, 8 spots and ~2,000 appointments (``bench/scheduling.py``'s
``scale_up``) in a throwaway database; ``parlo serve --workers 2 --no-worker``
serves it with the clock frozen at the demo's "now". Measured from this process over HTTP:

- ``availableSlots`` for one service over 30 days (limit 20);
- ``schedule`` for a day, every staff member, appointments with customer/service/spot: the
  demo's tomorrow (its three staff's bookings, ~12 appointments: the day this script has always
  measured) and the fullest coming day of the scaled salon (all ten staff, ~60 appointments);
- ``bookAppointment`` at free starts (one visit each, different customers);
- requests per second of ``schedule`` with N concurrent clients against the 2 workers;
- the same three operations in-process (the whole ASGI app, no socket): wall and CPU time of
  this process per request, a figure that moves less when other jobs load the machine.

    .venv/bin/python bench/api.py                # PostgreSQL on 127.0.0.1
    .venv/bin/python bench/api.py --repeat 100 --concurrency 16 --seconds 10

Latencies are sequential requests (median, p95). The load generator shares the machine's
2 cores with the 2 workers (and with other jobs): read RPS as a floor.

The shared VM's speed drifts by ±20% from minute to minute, with no load of its own to show
for it (the loop below: 29 ms at the start of one run, 37 ms at its end). So the run starts and ends by timing a
fixed loop (``machine speed``): compare figures of two runs only next to that number.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.machine import machine_speed  # noqa: E402
from bench.scheduling import NOW, ZONE, _admin, scale_up  # noqa: E402
from resolvers.auth import issue_staff_token  # noqa: E402
from storage import Appointment, Database, PermissionLevel  # noqa: E402
from storage.database import normalise_url  # noqa: E402
from storage.migrations import upgrade  # noqa: E402

SECRET = "bench-secret-" + "x" * 40
SLOTS = """query($s: [ID!]!, $from: DateTime!, $to: DateTime!) { availableSlots(serviceIds: $s, from: $from, to: $to,
  limit: 20) { start end score staff { name } spot { name } } }"""
SCHEDULE = """query($d: Date!) { schedule(date: $d) { __typename ... on DaySchedule { date staff { staff { name }
  entries { kind localStart localEnd appointment { id status customer { name phone } service { name } spot { name } } }
  freeGaps { localStart localEnd } } } } }"""
BOOK = """mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { __typename ... on Problem { message }
  ... on Booking { appointments { id startsAt staff { name } spot { name } } } } }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def figures(name: str, samples: list[float]) -> None:
    ms = sorted(x * 1000 for x in samples)
    p95 = ms[max(0, int(round(0.95 * len(ms))) - 1)]
    print(f"{name:<34} median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   (n={len(ms)})")


async def post(http: httpx.AsyncClient, query: str, variables: dict) -> dict:
    response = await http.post("/graphql", json={"query": query, "variables": variables})
    response.raise_for_status()
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body["data"]


async def timed(http, query, variables_for, repeat: int) -> list[float]:
    samples = []
    for i in range(repeat):
        variables = variables_for(i)
        t0 = time.perf_counter()
        await post(http, query, variables)
        samples.append(time.perf_counter() - t0)
    return samples


async def requests_per_second(base: str, token: str, query: str, variables: dict, concurrency: int,
                              seconds: float) -> tuple[float, int]:
    done, failed = 0, 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, limits=limits,
                                 timeout=30) as http:
        async def worker():
            nonlocal done, failed
            while time.perf_counter() < deadline:
                try:
                    await post(http, query, variables)
                    done += 1
                except Exception:  # noqa: BLE001 - counted, not hidden
                    failed += 1
        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done / (time.perf_counter() - t0), failed


async def prepare(url: str):
    await asyncio.to_thread(upgrade, url)
    db = Database.connect(url)
    try:
        t0 = time.perf_counter()
        org, staff, services = await scale_up(db)
        async with db.session() as s:
            count = await s.scalar(select(text("count(*)")).select_from(Appointment))
            fullest = (await s.execute(text(
                "SELECT (starts_at AT TIME ZONE :zone)::date AS day, count(*) AS n FROM appointments "
                "WHERE status <> 'cancelled' AND starts_at > :now GROUP BY day ORDER BY n DESC, day LIMIT 1"),
                {"zone": ZONE.key, "now": NOW})).one()
        print(f"salon: {len(staff)} staff, 8 spots, {count} appointments (built in {time.perf_counter() - t0:.1f} s); "
              f"fullest coming day {fullest.day} with {fullest.n}")
        owner = next(m for m in staff if m.permission_level is PermissionLevel.OWNER)
        corte = next(s for s in services if s.name == "Corte de cabello")
        return org, owner, corte, fullest.day.isoformat()
    finally:
        await db.dispose()


def demo_day() -> str:
    return (NOW + timedelta(days=1)).astimezone(ZONE).date().isoformat()


async def measure(base: str, token: str, corte_id: str, full_day: str, repeat: int, concurrency: int,
                  seconds: float) -> None:
    start, end = NOW, NOW + timedelta(days=30)
    busy_day = demo_day()
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
        for _ in range(4):  # warm both workers: imports, OR-Tools, pools, caches
            await post(http, SLOTS, {"s": [corte_id], "from": start.isoformat(), "to": end.isoformat()})
            await post(http, SCHEDULE, {"d": busy_day})
            await post(http, SCHEDULE, {"d": full_day})
        figures("availableSlots, 30 days", await timed(
            http, SLOTS, lambda i: {"s": [corte_id], "from": start.isoformat(), "to": end.isoformat()}, repeat))
        figures("schedule, the demo's day", await timed(http, SCHEDULE, lambda i: {"d": busy_day}, repeat))
        figures("schedule, a full day", await timed(http, SCHEDULE, lambda i: {"d": full_day}, repeat))

        candidates = []
        for day in range(5, 30, 2):
            found = await post(http, SLOTS, {"s": [corte_id], "from": (NOW + timedelta(days=day)).isoformat(),
                                             "to": (NOW + timedelta(days=day + 1)).isoformat()})
            candidates.extend(s["start"] for s in found["availableSlots"][::3])
        outcomes: dict[str, int] = {}

        async def book_one(i: int) -> None:
            data = await post(http, BOOK, {"i": {"serviceIds": [corte_id], "start": candidates[i % len(candidates)],
                                                 "customerPhone": f"55410{i:05d}", "customerName": f"Bench {i}"}})
            kind = data["bookAppointment"]["__typename"]
            outcomes[kind] = outcomes.get(kind, 0) + 1

        await book_one(10_000)  # warm the booking path (CP-SAT) in one worker
        samples = []
        for i in range(repeat):
            t0 = time.perf_counter()
            await book_one(i)
            samples.append(time.perf_counter() - t0)
        figures("bookAppointment", samples)
        print(f"  booking outcomes: {outcomes}")
    rps, failed = await requests_per_second(base, token, SCHEDULE, {"d": busy_day}, concurrency, seconds)
    print(f"schedule throughput (the demo's day), 2 workers, {concurrency} clients: {rps:.0f} req/s "
          f"({failed} failed)")


async def in_process(url: str, token: str, corte_id: str, full_day: str, repeat: int) -> None:
    from parlo.app import create_app
    from parlo.clock import FrozenClock
    from parlo.settings import Settings

    settings = Settings(_env_file=None, database_url=url, jwt_secret=SECRET, env="development")
    app = create_app(settings, clock=FrozenClock(NOW), migrate=False)
    start, end = NOW, NOW + timedelta(days=30)
    busy_day = demo_day()
    cases = [
        ("availableSlots, 30 days", SLOTS, lambda i: {"s": [corte_id], "from": start.isoformat(), "to": end.isoformat()}),
        ("schedule, the demo's day", SCHEDULE, lambda i: {"d": busy_day}),
        ("schedule, a full day", SCHEDULE, lambda i: {"d": full_day}),
        ("bookAppointment", BOOK, None),
    ]
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench",
                                     headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
            found = await post(http, SLOTS, {"s": [corte_id], "from": (NOW + timedelta(days=31)).isoformat(),
                                             "to": (NOW + timedelta(days=40)).isoformat()})
            starts = [s["start"] for s in found["availableSlots"]]
            for name, query, variables_for in cases:
                if variables_for is None:
                    def variables_for(i, starts=starts):
                        return {"i": {"serviceIds": [corte_id], "start": starts[i % len(starts)],
                                      "customerPhone": f"55420{i:05d}", "customerName": f"Bench {i}"}}
                await post(http, query, variables_for(10_000))
                wall, cpu = [], []
                for i in range(repeat):
                    variables = variables_for(i)
                    t0, c0 = time.perf_counter(), time.process_time()
                    await post(http, query, variables)
                    wall.append(time.perf_counter() - t0)
                    cpu.append(time.process_time() - c0)
                print(f"in-process {name:<27} wall median {statistics.median(wall) * 1000:6.1f} ms   "
                      f"CPU median {statistics.median(cpu) * 1000:6.1f} ms")


SERVER_LOG = Path(os.environ.get("TMPDIR", "/tmp")) / "parlo-bench-api-server.log"


def serve(url: str, port: int) -> subprocess.Popen:
    """The server's own output (an access-log line per request) goes to SERVER_LOG, not here."""
    env = {**os.environ, "DATABASE_URL": url, "PARLO_CLOCK": NOW.isoformat(), "PARLO_JWT_SECRET": SECRET,
           "PARLO_ENV": "development", "PARLO_PUBLIC_URL": f"http://127.0.0.1:{port}",
           "PARLO_EMBEDDED_WORKER": "false"}  # production shape: web processes only
    return subprocess.Popen(
        [str(ROOT / ".venv/bin/parlo"), "serve", "--workers", "2", "--no-worker", "--host", "127.0.0.1",
         "--port", str(port)],
        cwd=ROOT, env=env, start_new_session=True, stdout=SERVER_LOG.open("w"), stderr=subprocess.STDOUT)


def wait_until_up(base: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the server did not start; see {SERVER_LOG}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("PARLO_BENCH_DATABASE_URL",
                                                        "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8)
    args = parser.parse_args()
    name = f"parlo_bench_api_{secrets.token_hex(4)}"
    asyncio.run(_admin(args.url, f'CREATE DATABASE "{name}"'))
    url = make_url(normalise_url(args.url)).set(database=name).render_as_string(hide_password=False)
    server = None
    try:
        print(machine_speed(), "(start)")
        org, owner, corte, full_day = asyncio.run(prepare(url))
        token = issue_staff_token(staff_id=owner.id, organization_id=org.id, secret=SECRET, now=NOW)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = serve(url, port)
        wait_until_up(base)
        asyncio.run(measure(base, token, str(corte.id), full_day, args.repeat, args.concurrency, args.seconds))
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        server = None
        asyncio.run(in_process(url, token, str(corte.id), full_day, args.repeat))
        print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(machine_speed(), "(end)")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        asyncio.run(_admin(args.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
