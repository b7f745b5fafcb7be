"""CPU and SQL statements per ``bookAppointment``, web side and worker side, in one process.

The booking figure of ``bench/load.py`` (issue 21) split into what each side costs, without
wrk, uvicorn or a second machine: a throwaway PostgreSQL database, ``--orgs`` salons built
through the public GraphQL API (``bench/load.py``'s ``build_salon``), then ``--bookings``
bookings at distinct free starts over every salon, ``--concurrency`` at a time, through the
whole ASGI app (``httpx.ASGITransport``: the same app ``parlo serve`` runs, no socket). The
web app rings a Redis doorbell as in production (``--redis``); after each wave of bookings
the outbox is delivered the way ``parlo worker`` delivers it (``messaging.delivery.deliver_due``,
Twilio not configured: the log sender), once per booking, as each booking's ring would.

Printed per booking: CPU ms of this process for the web side (the HTTP client's share
included: read A/B, not absolute) and for delivery; SQL statements of each side (and of
PostgreSQL's backends: CPU ms read from /proc, as ``bench/load.py`` does).

    .venv/bin/python bench/booking_cpu.py                       # figures
    .venv/bin/python bench/booking_cpu.py --profile web         # + a sampled CPU profile of the web side
    .venv/bin/python bench/booking_cpu.py --show-sql 200        # + the statements of one booking and its delivery
    .venv/bin/python bench/booking_cpu.py --profile worker
    .venv/bin/python bench/booking_cpu.py --compare /tmp/base   # A B B A: this checkout and another
    .venv/bin/python bench/booking_cpu.py --ring                # delivery rung through OutboxRunner (batches)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent


def _child(args) -> None:
    source = Path(args.source).resolve()
    sys.path.insert(0, str(source))
    os.chdir(source)
    asyncio.run(_measure(args))


async def _measure(args) -> None:
    import logging
    import pstats

    import httpx
    from sqlalchemy import event
    from sqlalchemy.engine import make_url

    from bench.load import ADMIN_PASSWORD, BOOK, OPEN, SECRET, SLOT_MINUTES, SLOTS_PER_DAY, _one, build_salon, gql
    from bench.scheduling import _admin
    from storage.database import normalise_url

    logging.disable(logging.WARNING)  # the log sender's INFO lines are not what is measured
    name = f"parlo_bench_bookcpu_{secrets.token_hex(4)}"
    await _admin(args.url, f'CREATE DATABASE "{name}"')
    url = make_url(normalise_url(args.url)).set(database=name).render_as_string(hide_password=False)
    try:
        from parlo.app import create_app
        from parlo.settings import Settings

        env = dict(database_url=url, jwt_secret=SECRET, env="development", admin_password=ADMIN_PASSWORD,
                   redis_url=args.redis, embedded_worker=False, free_monthly_bookings=100_000_000,
                   public_url="http://bench")
        settings = Settings(_env_file=None, **env)
        subprocess.run([sys.executable, "-m", "parlo.cli", "migrate"], check=True, stdout=subprocess.DEVNULL,
                       env={**{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "PARLO_"))},
                            "DATABASE_URL": url, "PYTHONPATH": os.getcwd()})
        app = create_app(settings, migrate=False)
        services = app.state.services
        web_statements = [0]

        shown: list[str] | None = None

        @event.listens_for(services.db.engine.sync_engine, "before_cursor_execute")
        def _count_web(_conn, _cursor, statement, *_a) -> None:
            web_statements[0] += 1
            if shown is not None:
                shown.append("web: " + " ".join(statement.split())[:args.show_sql])

        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench",
                                         timeout=120) as http:
                admin = _one(await gql(http, "mutation($p: String!) { adminLogin(password: $p) { __typename "
                                             "... on Problem { message } ... on AdminSession { token } } }",
                                       {"p": ADMIN_PASSWORD}), "AdminSession")["token"]
                salons = []
                for i in range(args.orgs):
                    salons.append(await build_salon(http, admin, i))
                zone = ZoneInfo("America/Mexico_City")
                first_day = (datetime.now(zone) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)

                def body(k: int) -> tuple[str, str]:
                    salon = salons[k % len(salons)]
                    nth = k // len(salons)
                    seat, cut = nth % 2, nth // 2
                    day, slot = divmod(cut, SLOTS_PER_DAY)
                    start = (first_day + timedelta(days=day)).replace(hour=OPEN) + timedelta(minutes=slot * SLOT_MINUTES)
                    return salon.token, json.dumps({"query": BOOK, "variables": {"i": {
                        "serviceIds": [salon.service_id], "start": start.isoformat(),
                        "staffId": salon.staff_ids[seat], "spotId": salon.spot_ids[seat],
                        "customerPhone": f"+5256{k % 100_000_000:08d}", "customerName": f"Cliente {k}"}}})

                async def book(k: int) -> bool:
                    token, content = body(k)
                    response = await http.post("/graphql", content=content, headers={
                        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
                    return '"Booking"' in response.text

                worker = await _delivery(settings)
                worker_statements = [0]

                @event.listens_for(worker.db.engine.sync_engine, "before_cursor_execute")
                def _count_worker(_conn, _cursor, statement, *_a) -> None:
                    worker_statements[0] += 1
                    if shown is not None:
                        shown.append("worker: " + " ".join(statement.split())[:args.show_sql])

                from messaging.delivery import deliver_due

                # warm-up: imports, pools, caches
                k = 0
                for _ in range(3):
                    await asyncio.gather(*(book(k + j) for j in range(args.concurrency)))
                    k += args.concurrency
                    for _ in range(args.concurrency):
                        await deliver_due(worker)
                pg = _PgCpu(name)
                web_cpu = worker_cpu = 0.0
                ok = 0
                web_statements[0] = worker_statements[0] = 0
                pg0 = pg.sample()
                web_profile = _profiler(args) if args.profile == "web" else None
                worker_profile = _profiler(args) if args.profile == "worker" else None
                delivered = 0
                if args.ring:  # delivery as parlo worker runs it: a ring per booking into its OutboxRunner
                    from messaging.consumer import OutboxRunner

                    sent = [0]

                    async def deliver() -> None:
                        report = await deliver_due(worker)
                        sent[0] += report.sent

                    runner = OutboxRunner(deliver, parallel=2)

                    async def book_and_ring(j: int) -> bool:
                        done = await book(j)
                        runner.ring()
                        return done

                    c0 = time.process_time()
                    for first in range(k, args.bookings + 3 * args.concurrency, args.concurrency):
                        ok += sum(await asyncio.gather(*(book_and_ring(first + j) for j in range(args.concurrency))))
                    await runner.wait_idle()
                    await runner.close()
                    web_cpu = time.process_time() - c0  # web and delivery together
                    delivered = sent[0]
                    k = args.bookings + 3 * args.concurrency
                while k < args.bookings + 3 * args.concurrency:
                    c0 = time.process_time()
                    if web_profile:
                        web_profile.enable()
                    results = await asyncio.gather(*(book(k + j) for j in range(args.concurrency)))
                    if web_profile:
                        web_profile.disable()
                    c1 = time.process_time()
                    if worker_profile:
                        worker_profile.enable()
                    for _ in range(args.concurrency):  # one ring per booking, as the doorbell rings
                        delivered += (await deliver_due(worker)).sent
                    if worker_profile:
                        worker_profile.disable()
                    c2 = time.process_time()
                    web_cpu += c1 - c0
                    worker_cpu += c2 - c1
                    ok += sum(results)
                    k += args.concurrency
                pg_cpu = pg.sample() - pg0
                n = max(ok, 1)
                print(json.dumps({"bookings": ok, "delivered": delivered, "web_ms": web_cpu / n * 1000,
                                  "worker_ms": worker_cpu / n * 1000, "pg_ms": pg_cpu / n * 1000,
                                  "web_sql": web_statements[0] / n, "worker_sql": worker_statements[0] / n}))
                if args.show_sql:  # one more booking and its delivery, statement by statement
                    shown = []
                    await book(k)
                    await deliver_due(worker)
                    print("\n".join(shown))
                    shown = None
                for profile, label in ((web_profile, "web"), (worker_profile, "worker")):
                    if isinstance(profile, _Sampler):
                        print(f"--- sampled CPU profile, {label} side")
                        print(profile.report(args.top))
                    elif profile is not None:
                        print(f"--- cProfile, {label} side")
                        stats = pstats.Stats(profile)
                        if args.dump:
                            stats.dump_stats(args.dump)
                        stats.sort_stats(args.sort).print_stats(args.top)
                await worker.db.dispose()
    finally:
        await _admin(args.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _profiler(args):
    import cProfile

    if args.cprofile:
        return cProfile.Profile(time.process_time)
    sampler = _Sampler()
    sampler.start()
    return sampler


async def _delivery(settings):
    """The worker's delivery, as ``parlo.worker.ConversationWorker`` builds it (log sender: Twilio unset)."""
    from messaging.runtime import Messaging
    from parlo.clock import clock_from
    from parlo.tasks import make_sender, messaging_config
    from storage import Database

    class _NoQueue:
        async def conversation_waiting(self, conversation_id, organization_id=None) -> None:
            pass

        async def outbox_waiting(self, *, at=None) -> None:
            pass

    db = Database.connect(settings.database_url, pool_size=4, max_overflow=4)
    return Messaging(db=db, clock=clock_from(settings.clock), sender=make_sender(settings), engine=None,
                     queue=_NoQueue(), config=messaging_config(settings))


class _Sampler:
    """A statistical CPU profile: every ``interval`` of this process's CPU, the Python stack.

    cProfile attributes a coroutine's suspensions and SQLAlchemy's greenlet switches badly
    and slows the code four-fold; sampling does neither. Inclusive counts per function.
    """

    def __init__(self, interval: float = 0.0005) -> None:
        import collections

        self.interval = interval
        self.inclusive: collections.Counter = collections.Counter()
        self.own: collections.Counter = collections.Counter()
        self.samples = 0
        self.active = False

    def _sample(self, _signum, frame) -> None:
        if not self.active or frame is None:
            return
        self.samples += 1
        import greenlet

        seen = set()
        first = True
        current = greenlet.getcurrent()
        while frame is not None:
            code = frame.f_code
            key = f"{code.co_filename.replace(str(ROOT) + '/', '').replace('.venv/lib/python3.11/site-packages/', '')}:{code.co_name}"
            if first:
                self.own[key] += 1
                first = False
            if key not in seen:
                seen.add(key)
                self.inclusive[key] += 1
            frame = frame.f_back
            if frame is None and current is not None and current.parent is not None:
                # SQLAlchemy runs the ORM in a greenlet: go on in the code that awaits it
                current = current.parent
                frame = current.gr_frame

    def start(self) -> None:
        import signal

        signal.signal(signal.SIGPROF, self._sample)
        signal.setitimer(signal.ITIMER_PROF, self.interval, self.interval)

    def enable(self) -> None:
        self.active = True

    def disable(self) -> None:
        self.active = False

    def report(self, top: int = 60) -> str:
        lines = [f"{self.samples} samples"]
        for title, counter in (("inclusive", self.inclusive), ("own", self.own)):
            lines.append(f"-- {title}")
            for key, n in counter.most_common(top):
                lines.append(f"{100 * n / max(self.samples, 1):5.1f}%  {key}")
        return "\n".join(lines)


class _PgCpu:
    """CPU seconds of the PostgreSQL backends serving this database (their title names it)."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.tick = os.sysconf("SC_CLK_TCK")

    def sample(self) -> float:
        total = 0.0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
                if stat[stat.index("(") + 1:stat.rindex(")")] != "postgres":
                    continue
                title = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                if f" {self.database} " in title:
                    fields = stat[stat.rindex(")") + 2:].split()
                    total += (int(fields[11]) + int(fields[12])) / self.tick
            except (OSError, ValueError, IndexError):
                continue
        return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("PARLO_BENCH_DATABASE_URL",
                                                        "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--orgs", type=int, default=20)
    parser.add_argument("--bookings", type=int, default=480)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--profile", choices=("web", "worker"))
    parser.add_argument("--sort", default="tottime", help="cProfile's order")
    parser.add_argument("--cprofile", action="store_true", help="cProfile instead of the sampling profiler")
    parser.add_argument("--top", type=int, default=60)
    parser.add_argument("--ring", action="store_true",
                        help="deliver through messaging.consumer.OutboxRunner, rung after each booking as the "
                             "doorbell does; web_ms is then web and delivery together")
    parser.add_argument("--show-sql", type=int, default=0, metavar="CHARS",
                        help="print the statements of one more booking (each cut to CHARS)")
    parser.add_argument("--dump", help="write the cProfile stats here")
    parser.add_argument("--compare", type=Path, help="a second checkout: runs A B B A")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--source", default=str(ROOT))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child or not args.compare:
        _child(args)
        return
    sources = [ROOT, args.compare.resolve()]
    results: dict[str, list[dict]] = {str(s): [] for s in sources}
    order = []
    for r in range(args.rounds):
        order += sources if r % 2 == 0 else sources[::-1]
    for source in order:
        python = source / ".venv/bin/python"
        out = subprocess.run([str(python if python.exists() else sys.executable), str(Path(__file__).resolve()),
                              "--child", "--source", str(source), "--url", args.url, "--redis", args.redis,
                              "--orgs", str(args.orgs), "--bookings", str(args.bookings),
                              "--concurrency", str(args.concurrency), *(["--ring"] if args.ring else [])],
                             capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(source)})
        line = next((ln for ln in out.stdout.splitlines() if ln.startswith("{")), None)
        if line is None:
            sys.exit(f"run failed for {source}:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
        results[str(source)].append(json.loads(line))
        print(source, line, flush=True)
    for source, runs in results.items():
        keys = runs[0].keys()
        print(f"{source}: " + ", ".join(f"{k} {sum(r[k] for r in runs) / len(runs):.2f}" for k in keys))


if __name__ == "__main__":
    main()
