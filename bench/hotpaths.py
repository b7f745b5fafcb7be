"""CPU per operation of the four hot paths, in one process, with a profiler at hand (issue 21 §1).

``bench/load.py`` measures the service as production runs it (sockets, several processes);
this one runs the same four operations inside one process, sequentially, so a profile shows
where the milliseconds go and an A/B of two commits can be read on a busy machine:

1. **webhook** — Twilio's signed form through the whole ASGI app (``/webhooks/twilio``):
   signature, form checks, the message stored once, empty TwiML back (the queue is a no-op);
2. **booking** — ``bookAppointment`` through the whole ASGI app as the salon's owner, distinct starts;
3. **rule turn** — a stored customer message answered by the rule engine
   (``process_conversation``: route, engine, outbox rows, message marked), a four-turn booking
   chat per customer;
   (``--only backlog``: instead, bench/load.py's figure 3 — each customer's six SAYINGS stored
   first, then each conversation drained by one ``process_conversation``);
4. **LLM turn** — the same with the OpenAI engine against a fake model answering at once (a
   subprocess: its CPU is not counted).

For each: CPU ms of this process per operation, CPU ms of this database's PostgreSQL
backends (from ``/proc``), and SQL statements per operation. The ASGI calls go straight to the
app (no HTTP client in the process), so "app CPU" is the server's alone.

    .venv/bin/python bench/hotpaths.py                      # PostgreSQL on 127.0.0.1
    .venv/bin/python bench/hotpaths.py --only webhook --profile /tmp/webhook.prof
    .venv/bin/python bench/hotpaths.py --url sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.api import machine_speed  # noqa: E402
from messaging.inbound import InboundMessage, store_inbound  # noqa: E402
from messaging.processing import process_conversation  # noqa: E402
from messaging.runtime import Messaging, MessagingConfig  # noqa: E402
from messaging.senders import LogSender  # noqa: E402
from messaging.signatures import sign  # noqa: E402
from resolvers.context import ResolverConfig  # noqa: E402
from storage import Database  # noqa: E402
from storage.database import normalise_url  # noqa: E402
from storage.migrations import upgrade  # noqa: E402
from tests.conversation.kit import don_carlos  # noqa: E402

NOW = datetime(2026, 1, 16, 16, 0, tzinfo=timezone.utc)  # Friday 10:00 in Mexico City
SECRET = "bench-hotpaths-" + "x" * 40
TOKEN = "bench-hotpaths-twilio-token"
PUBLIC = "https://parlo.bench"
BOOK = ("mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { __typename "
        "... on Problem { message } ... on Booking { appointments { id } } } }")
CHAT = ("Hola, quiero una cita para un corte", "el lunes en la tarde", "a las 5", "Juan Pérez")
TICK = os.sysconf("SC_CLK_TCK")


class QuietQueue:
    async def conversation_waiting(self, conversation_id, organization_id=None) -> None: ...

    async def outbox_waiting(self, *, at=None) -> None: ...


def postgres_cpu(database: str | None) -> float:
    """CPU seconds of the PostgreSQL backends serving ``database`` (0 for SQLite)."""
    if database is None:
        return 0.0
    total = 0.0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            if stat[stat.index("(") + 1:stat.rindex(")")] != "postgres":
                continue
            if f" {database} " not in Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode():
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            total += (int(fields[11]) + int(fields[12])) / TICK
        except (OSError, ValueError, IndexError):
            continue
    return total


async def asgi(app, method: str, path: str, body: bytes, headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes]:
    """One request straight into the ASGI app: no client code in this process's CPU."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"parlo.bench"), (b"content-length", str(len(body)).encode()), *headers],
             "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 80), "state": {}}
    sent = False
    status, chunks = 0, []

    async def receive():
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


class Meter:
    """CPU of this process and of PostgreSQL, and SQL statements, over a block of operations."""

    def __init__(self, db: Database, database: str | None, profile: cProfile.Profile | None,
                 show_sql: bool = False) -> None:
        self.database, self.profile, self.show_sql = database, profile, show_sql
        self.statements = 0
        self.last: list[str] = []

        def count(_conn, _cursor, statement, *_args) -> None:
            self.statements += 1
            if self.show_sql:
                self.last.append(" ".join(statement.split())[:160])

        event.listen(db.engine.sync_engine, "before_cursor_execute", count)

    async def run(self, name: str, operations, count: int, *, quiet: bool = False) -> tuple[float, float, int]:
        statements0, pg0, cpu0, wall0 = self.statements, postgres_cpu(self.database), time.process_time(), time.perf_counter()
        if self.profile:
            self.profile.enable()
        for i in range(count):
            self.last = []
            await operations(i)
        if self.profile:
            self.profile.disable()
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        await asyncio.sleep(0.2)  # the backends' counters lag a tick
        pg = postgres_cpu(self.database) - pg0
        statements = self.statements - statements0
        if not quiet:
            self.show(name, count, cpu, pg, statements, wall)
        if self.show_sql:
            print("\n".join(f"    {line}" for line in self.last))
        return cpu, pg, statements, wall

    @staticmethod
    def show(name: str, count: int, cpu: float, pg: float, statements: int, wall: float) -> None:
        print(f"{name:<12} {count:5d} ops   app CPU {cpu / count * 1000:6.2f} ms/op   "
              f"PostgreSQL {pg / count * 1000:5.2f} ms/op   SQL {statements / count:5.1f}/op   "
              f"wall {wall / count * 1000:6.1f} ms/op", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def run(url: str, database: str | None, args) -> None:
    from parlo.app import create_app
    from parlo.clock import FrozenClock
    from parlo.settings import Settings
    from parlo.sign_in import staff_token
    from parlo.whatsapp_app import runtime_of

    await asyncio.to_thread(upgrade, url)
    settings = Settings(_env_file=None, database_url=url, jwt_secret=SECRET, env="development",
                        twilio_auth_token=TOKEN, public_url=PUBLIC, embedded_worker=False,
                        free_monthly_bookings=10**8)
    app = create_app(settings, clock=FrozenClock(NOW), migrate=False)
    services = app.state.services
    runtime_of(services).use_queue(QuietQueue())
    db = services.db
    shop = await don_carlos(db, NOW - timedelta(days=30))
    owner = shop.staff["carlos"]
    token = staff_token(settings, owner, shop.org, now=NOW)
    only = set(args.only or ("webhook", "booking", "rules", "llm"))
    profile = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not wall: the machine is shared
    meter = Meter(db, database, profile, args.show_sql)
    run_id = secrets.token_hex(3)

    async with app.router.lifespan_context(app):
        # ---- webhook
        async def webhook(i: int) -> None:
            form = {"SmsMessageSid": f"SM{run_id}{i:010d}", "NumMedia": "0", "ProfileName": "Cliente",
                    "SmsStatus": "received", "Body": "Hola, ¿tienen lugar mañana?", "To": f"whatsapp:{shop.number}",
                    "NumSegments": "1", "From": f"whatsapp:+52155{20000000 + i % args.senders:08d}",
                    "AccountSid": "AC" + "0" * 32, "ApiVersion": "2010-04-01"}
            form["MessageSid"] = form["SmsSid"] = form["SmsMessageSid"]
            body = urlencode(form).encode()
            status, _ = await asgi(app, "POST", "/webhooks/twilio", body, [
                (b"content-type", b"application/x-www-form-urlencoded"),
                (b"x-twilio-signature", sign(TOKEN, PUBLIC + "/webhooks/twilio", form).encode())])
            if status != 200:
                raise RuntimeError(f"webhook answered {status}")

        # ---- booking: 10:00-19:00 local every 30 minutes (two stylists, 45-minute cuts), Monday to Saturday
        corte = shop.services["corte"].id
        days = [d for d in (NOW.date() + timedelta(days=n) for n in range(3, 60)) if d.weekday() != 6]

        async def booking(i: int) -> None:
            day, slot = divmod(i, 19)
            start = datetime(days[day].year, days[day].month, days[day].day, 16, tzinfo=timezone.utc) \
                + timedelta(minutes=30 * slot)
            variables = {"i": {"serviceIds": [str(corte)], "start": start.isoformat(),
                               "customerPhone": f"55430{i:05d}", "customerName": f"Cliente {i}"}}
            status, body = await asgi(app, "POST", "/graphql", orjson.dumps({"query": BOOK, "variables": variables}), [
                (b"content-type", b"application/json"), (b"authorization", f"Bearer {token}".encode())])
            answer = orjson.loads(body)
            kind = ((answer.get("data") or {}).get("bookAppointment") or {}).get("__typename")
            if status != 200 or kind != "Booking":
                raise RuntimeError(f"booking {i} at {start}: {status} {answer}")

        # ---- turns: customers in a four-message booking chat; each round's messages are stored
        # first (the webhook's cost, measured above), then every conversation answers its message.
        def messaging(engine) -> Messaging:
            return Messaging(db=db, clock=lambda: NOW, sender=LogSender(), engine=engine, queue=QuietQueue(),
                             config=MessagingConfig(resolver=ResolverConfig(jwt_secret=SECRET,
                                                                            free_monthly_bookings=10**8)))

        def said(customer: int, step: int) -> str:
            if step == 1:
                return ("mañana", "el lunes", "el martes", "el miércoles", "el jueves")[customer % 5] + " en la tarde"
            if step == 2:
                return f"a las {1 + customer % 7}"
            return CHAT[step]

        async def chat_turns(name: str, m: Messaging, prefix: int, count: int) -> None:
            customers = max(1, count // len(CHAT))
            totals = [0.0, 0.0, 0, 0.0]
            for step in range(len(CHAT)):
                conversations = []
                for customer in range(customers):
                    stored = await store_inbound(db, InboundMessage(
                        message_sid=f"SM{uuid.uuid4().hex}", from_address=f"whatsapp:+52155{prefix + customer:08d}",
                        to_address=f"whatsapp:{shop.number}", body=said(customer, step)),
                        now=NOW, central_number=settings.central_number)
                    conversations.append(stored.conversation_id)
                # measured: this round's answers (the stores above are not)

                async def turn(i: int, conversations=conversations) -> None:
                    await process_conversation(m, conversations[i])

                measured = await meter.run(f"{name} {step + 1}", turn, customers, quiet=True)
                totals = [a + b for a, b in zip(totals, measured)]
            meter.show(name, customers * len(CHAT), *totals)

        async def backlog_turns(name: str, m: Messaging, prefix: int, count: int) -> None:
            """bench/load.py's figure 3: each customer's messages (its SAYINGS) all stored first, then
            each conversation drained by one process_conversation, as a worker drains a backlog."""
            from bench.load import SAYINGS

            customers = max(1, count // len(SAYINGS))
            conversations = []
            for step in range(len(SAYINGS)):
                for customer in range(customers):
                    stored = await store_inbound(db, InboundMessage(
                        message_sid=f"SM{uuid.uuid4().hex}", from_address=f"whatsapp:+52155{prefix + customer:08d}",
                        to_address=f"whatsapp:{shop.number}", body=SAYINGS[step]),
                        now=NOW, central_number=settings.central_number)
                    if step == 0:
                        conversations.append(stored.conversation_id)

            async def drain(i: int) -> None:
                await process_conversation(m, conversations[i])

            cpu, pg, statements, wall = await meter.run(name, drain, customers, quiet=True)
            meter.show(name, customers * len(SAYINGS), cpu, pg, statements, wall)

        if "webhook" in only:
            for i in range(20):
                await webhook(10**6 + i)  # warm-up
            await meter.run("webhook", webhook, args.webhooks)
        if "booking" in only:
            await meter.run("booking", booking, args.bookings)
        if "rules" in only:
            from messaging.conversation.rules import RuleEngine

            m = messaging(RuleEngine())
            await chat_turns("warm-up", m, 31000000, 4)
            await chat_turns("rule turn", m, 30000000, args.turns)
        if "backlog" in only:
            from messaging.conversation.rules import RuleEngine

            await backlog_turns("warm-up", messaging(RuleEngine()), 41000000, 6)
            await backlog_turns("backlog turn", messaging(RuleEngine()), 40000000, args.turns)
        if "llm" in only:
            from messaging.conversation.build import build_engine

            port = free_port()
            fake = subprocess.Popen([sys.executable, "-m", "tests.fakes.openai_server", "--port", str(port),
                                     "--delay", "0"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                await asyncio.sleep(2.0)
                m = messaging(build_engine("sk-bench", f"http://127.0.0.1:{port}/v1"))
                await chat_turns("warm-up", m, 61000000, 4)
                await chat_turns("LLM turn", m, 60000000, args.turns)
            finally:
                fake.terminate()
                fake.wait()
    await db.dispose()
    if profile is not None:
        profile.dump_stats(args.profile)
        stats = pstats.Stats(profile)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)


async def _admin(url: str, statement: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(statement))
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("PARLO_BENCH_DATABASE_URL",
                                                        "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--only", action="append", choices=("webhook", "booking", "rules", "backlog", "llm"))
    parser.add_argument("--webhooks", type=int, default=400)
    parser.add_argument("--senders", type=int, default=100)
    parser.add_argument("--bookings", type=int, default=100)
    parser.add_argument("--turns", type=int, default=80, help="rule and LLM turns (four per customer)")
    parser.add_argument("--profile", help="write a cProfile of the measured operations here, and print its top")
    parser.add_argument("--show-sql", action="store_true", help="print the SQL of each block's last operation")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    print(machine_speed(), flush=True)
    if args.url.startswith("postgres"):
        name = f"parlo_hot_{secrets.token_hex(4)}"
        asyncio.run(_admin(args.url, f'CREATE DATABASE "{name}"'))
        url = make_url(normalise_url(args.url)).set(database=name).render_as_string(hide_password=False)
        try:
            asyncio.run(run(url, name, args))
        finally:
            asyncio.run(_admin(args.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        asyncio.run(run(f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db", None, args))
    print(machine_speed(), flush=True)


if __name__ == "__main__":
    main()
