"""Load on the whole service, as production runs it (issue 21 figures).

Starts ``parlo serve --workers 2`` and ``parlo worker --workers 2`` with Redis on a
throwaway PostgreSQL database (or on ``--database-url``, an existing migrated database:
Citus included), builds ``--orgs`` salons through the public GraphQL API (admin login,
createOrganization, impersonate, hours, a service, two stylists, two chairs), then:

1. **bookings** — ``bookAppointment`` at distinct free starts spread over every salon,
   ``--connections`` (16) connections from ``wrk`` (a Lua script picks salon and start per
   request), with the worker delivering the outbox meanwhile: successful bookings/s, p50, p99;
2. **webhooks** — Twilio's signed form, distinct MessageSids from ``--senders`` (400) phones
   spread over the salons, workers stopped: acknowledged-and-stored/s, p50, p99. What they
   store is the backlog of the next figure;
3. **turns, rule engine** — the workers start on that backlog: turns answered/s until it is drained;
4. **turns, slow model** — the workers restart with OpenAI pointed at a fake that takes
   ``--model-delay`` (1 s) per call; a burst of one message from each sender: turns/s per
   worker process, and p50/p99 from message stored to turn answered.

Then it checks: no two live appointments of a stylist or a chair overlap; every webhook
acknowledged is stored exactly once (no duplicate MessageSid, none missing) and answered
(processed, replies in the outbox); the outbox has nothing pending or failed.

    .venv/bin/python bench/load.py                         # PostgreSQL on 127.0.0.1, Redis db 12
    .venv/bin/python bench/load.py --seconds 20 --orgs 100
    .venv/bin/python bench/load.py --database-url postgresql://postgres@127.0.0.1:9700/postgres   # e.g. Citus
    .venv/bin/python bench/load.py --compare /tmp/parlo-base  # A/B: this checkout and another, A B B A

``wrk`` comes from Debian (``apt-get install wrk``). The load generator shares the machine
with the servers and the database: read every figure as a floor, and compare two runs only
next to the machine-speed lines printed at the start and the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.api import free_port, machine_speed  # noqa: E402
from bench.scheduling import _admin  # noqa: E402
from messaging.signatures import sign  # noqa: E402
from parlo.settings import DEVELOPMENT_WEBHOOK_TOKEN  # noqa: E402
from storage import Database  # noqa: E402
from storage.database import normalise_url  # noqa: E402

ZONE = ZoneInfo("America/Mexico_City")
SECRET = "bench-load-secret-" + "x" * 40
ADMIN_PASSWORD = "bench-load-admin"
ACCOUNT_SID = "AC" + "0" * 32
#: One folder per run: two benches on one machine must not write each other's logs.
LOG_DIR = Path(tempfile.gettempdir()) / f"parlo-bench-load-{os.getpid()}"
OPEN, CLOSE, SLOT_MINUTES = 9, 21, 30  # every salon: 9:00-21:00 every day, 30-minute cuts
SLOTS_PER_DAY = (CLOSE - OPEN) * 60 // SLOT_MINUTES
MAX_DAYS = 58  # the default booking horizon is 60 days

BOOK = ("mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { __typename "
        "... on Problem { message } ... on Booking { appointments { id } } } }")


# --------------------------------------------------------------------------------------------------- processes

@dataclass
class Stack:
    """The processes under test and how to start them."""

    source: Path
    database_url: str
    redis_url: str
    port: int
    server_workers: int
    worker_processes: int
    #: ``parlo worker --concurrency`` (0: the worker's default)
    worker_concurrency: int = 0
    server: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None
    extra_worker_env: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("DATABASE_URL", "PARLO_", "REDIS_URL", "OPENAI", "TWILIO"))}
        env.update(DATABASE_URL=self.database_url, REDIS_URL=self.redis_url, PARLO_ENV="development",
                   PARLO_JWT_SECRET=SECRET, PARLO_ADMIN_PASSWORD=ADMIN_PASSWORD, PARLO_PUBLIC_URL=self.base,
                   PARLO_EMBEDDED_WORKER="false", PARLO_FREE_MONTHLY_BOOKINGS="100000000",
                   PYTHONPATH=str(self.source))
        env.update(extra)
        return env

    def _parlo(self, *args: str, env: dict[str, str], log: str) -> subprocess.Popen:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        return subprocess.Popen([sys.executable, "-m", "parlo.cli", *args], cwd=self.source, env=env,
                                start_new_session=True, stdout=(LOG_DIR / log).open("w"), stderr=subprocess.STDOUT)

    def start_server(self) -> None:
        self.server = self._parlo("serve", "--workers", str(self.server_workers), "--no-worker", "--host",
                                  "127.0.0.1", "--port", str(self.port), env=self.env(), log="server.log")
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                if httpx.get(self.base + "/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.server.poll() is not None:
                break
            time.sleep(0.3)
        raise RuntimeError(f"parlo serve did not start; see {LOG_DIR / 'server.log'}")

    def start_worker(self, *, log: str = "worker.log", **extra: str) -> None:
        concurrency = ("--concurrency", str(self.worker_concurrency)) if self.worker_concurrency else ()
        self.worker = self._parlo("worker", "--workers", str(self.worker_processes), *concurrency,
                                  env=self.env(**extra), log=log)

    def wait_for_workers(self, timeout: float = 120) -> None:
        """Until every worker process has beaten once (parlo/heartbeat.py): it is then taking work.

        A checkout from before the heartbeat (``--source`` for an A/B) never beats: after the
        timeout the bench goes on if the worker is still running.
        """
        import redis

        client = redis.Redis.from_url(self.redis_url)
        try:
            deadline = time.time() + timeout
            while len(list(client.scan_iter(match="parlo:heartbeat:*"))) < self.worker_processes:
                if self.worker is not None and self.worker.poll() is not None:
                    raise RuntimeError(f"the workers did not start; see {LOG_DIR / 'worker.log'}")
                if time.time() > deadline:
                    print(f"      (no worker heartbeat after {timeout:.0f} s: a checkout without one? going on)")
                    return
                time.sleep(0.2)
        finally:
            client.close()

    @staticmethod
    def _stop(proc: subprocess.Popen | None, timeout: float = 60) -> None:
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop_worker(self) -> None:
        self._stop(self.worker)
        self.worker = None

    def stop(self) -> None:
        self.stop_worker()
        self._stop(self.server)
        self.server = None


# ------------------------------------------------------------------------------------------------------ salons

@dataclass
class Salon:
    id: str
    number: str
    token: str
    service_id: str
    staff_ids: list[str]
    spot_ids: list[str]


async def gql(http: httpx.AsyncClient, query: str, variables: dict | None = None, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
    response.raise_for_status()
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body["data"]


def _one(data: dict, typename: str) -> dict:
    [value] = data.values()
    if value.get("__typename") != typename:
        raise RuntimeError(f"expected {typename}, got {value}")
    return value


async def build_salon(http: httpx.AsyncClient, admin: str, index: int) -> Salon:
    """One salon through the public API, as an admin and then its owner would."""
    number = f"+5255900{index:05d}"
    created = _one(await gql(http, """mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) {
        __typename ... on Problem { message } ... on OrganizationCreated { organization { id } } } }""",
        {"i": {"name": f"Salón Carga {index}", "ownerName": f"Dueña {index}", "ownerPhone": f"+5255100{index:05d}",
               "whatsappNumber": number, "status": "ACTIVE"}}, admin), "OrganizationCreated")
    org_id = created["organization"]["id"]
    session = _one(await gql(http, """mutation($o: ID!) { impersonate(organizationId: $o) { __typename
        ... on Problem { message } ... on StaffSession { token } } }""", {"o": org_id}, admin), "StaffSession")
    owner = session["token"]
    week = [{"weekday": d, "start": f"{OPEN:02d}:00:00", "end": f"{CLOSE:02d}:00:00"} for d in range(7)]
    _one(await gql(http, """mutation($h: [WeeklyHoursInput!]!) { setBusinessHours(hours: $h) { __typename
        ... on Problem { message } } }""", {"h": week}, owner), "Location")
    service = _one(await gql(http, """mutation($i: CreateServiceInput!) { createService(input: $i) { __typename
        ... on Problem { message } ... on Service { id } } }""",
        {"i": {"name": "Corte de cabello", "durationMinutes": SLOT_MINUTES, "priceCents": 15000}}, owner), "Service")
    staff_ids, spot_ids = [], []
    for n in range(2):
        member = _one(await gql(http, """mutation($i: CreateStaffMemberInput!) { createStaffMember(input: $i) {
            __typename ... on Problem { message } ... on StaffMember { id } } }""",
            {"i": {"name": f"Estilista {n} del {index}", "phone": f"+52552{index:06d}{n}",
                   "serviceIds": [service["id"]]}}, owner), "StaffMember")
        _one(await gql(http, """mutation($s: ID!, $h: [WeeklyHoursInput!]!) { setRecurringAvailability(staffId: $s,
            hours: $h) { __typename ... on Problem { message } } }""", {"s": member["id"], "h": week}, owner),
            "RecurringAvailabilitySet")
        spot = _one(await gql(http, """mutation($i: CreateSpotInput!) { createSpot(input: $i) { __typename
            ... on Problem { message } ... on Spot { id } } }""",
            {"i": {"name": f"Silla {n + 1}", "serviceIds": [service["id"]]}}, owner), "Spot")
        staff_ids.append(member["id"])
        spot_ids.append(spot["id"])
    return Salon(org_id, number, owner, service["id"], staff_ids, spot_ids)


async def build_salons(base: str, count: int) -> list[Salon]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        admin = _one(await gql(http, "mutation($p: String!) { adminLogin(password: $p) { __typename "
                                     "... on Problem { message } ... on AdminSession { token } } }",
                               {"p": ADMIN_PASSWORD}), "AdminSession")["token"]
        salons: list[Salon] = []
        for first in range(0, count, 8):  # a few at a time: the server has two processes
            salons += await asyncio.gather(*(build_salon(http, admin, i) for i in range(first, min(first + 8, count))))
        return salons


# --------------------------------------------------------------------------------------------------------- wrk

WRK_COMMON = r"""
local threads = {}
local counter = 1
function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end
function response(status, headers, body)
  if status == 200 and ok_body(body) then ok = ok + 1 else
    bad = bad + 1
    if bad <= 2 then io.stderr:write("REFUSED " .. status .. " " .. body:sub(1, 300) .. "\n") end
  end
end
function done(summary, latency, requests)
  local good, wrong = 0, 0
  for _, t in ipairs(threads) do good = good + t:get("ok"); wrong = wrong + t:get("bad") end
  io.write(string.format('WRK {"ok": %d, "bad": %d, "requests": %d, "seconds": %f, "p50": %f, "p99": %f, '
    .. '"errors": %d}\n', good, wrong, summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout))
end
"""

# Each thread reads its own lines of the data file: "<path>\t<headers as k=v;...>\t<body>".
WRK_LINES = WRK_COMMON + r"""
local lines = {}
local nextline = 1
function init(args)
  ok, bad = 0, 0
  local n, step = 0, tonumber(args[2])
  for line in io.lines(args[1]) do
    if n % step == id - 1 then table.insert(lines, line) end
    n = n + 1
  end
end
function request()
  local line = lines[nextline]
  if line == nil then line = lines[1]; exhausted = true end
  nextline = nextline + 1
  local path, hdrs, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
  local headers = {}
  for k, v in hdrs:gmatch("([^=;]+)=([^;]*)") do headers[k] = v end
  return wrk.format("POST", path, headers, body)
end
"""


def run_wrk(base: str, script: str, data: Path, *, threads: int, connections: int, seconds: float,
            ok_body: str) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(f"function ok_body(body) return body:find({json.dumps(ok_body)}, 1, true) ~= nil end\n" + script)
        lua = f.name
    try:
        out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
                              "--timeout", "30s", "-s", lua, base, "--", str(data), str(threads)],
                             capture_output=True, text=True, timeout=seconds + 120)
    finally:
        os.unlink(lua)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("WRK ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed:\n{out.stdout}\n{out.stderr}")
    for refused in [ln for ln in out.stderr.splitlines() if ln.startswith("REFUSED ")][:2]:
        print("      e.g. " + refused[:200])
    return json.loads(line[4:])


def booking_lines(salons: list[Salon], count: int, path: Path, *, first_day: datetime) -> None:
    """Distinct starts: request k books salon k % n at its (k // n)-th free start.

    Each start is booked twice, once per stylist, each with their own chair: left to choose,
    two bookings at the same start would race for the same free chair (one is refused, rightly).
    """
    with path.open("w") as f:
        for k in range(count):
            salon = salons[k % len(salons)]
            nth = k // len(salons)
            seat, cut = nth % 2, nth // 2  # two stylists: each start twice
            day, slot = divmod(cut, SLOTS_PER_DAY)
            if day >= MAX_DAYS:
                raise SystemExit("more bookings than free starts: use more --orgs or fewer --seconds")
            start = (first_day + timedelta(days=day)).replace(hour=OPEN) + timedelta(minutes=slot * SLOT_MINUTES)
            body = json.dumps({"query": BOOK, "variables": {"i": {
                "serviceIds": [salon.service_id], "start": start.isoformat(), "staffId": salon.staff_ids[seat],
                "spotId": salon.spot_ids[seat],
                "customerPhone": f"+5256{k % 100_000_000:08d}", "customerName": f"Cliente {k}"}}})
            f.write(f"/graphql\tAuthorization=Bearer {salon.token};Content-Type=application/json\t{body}\n")


def webhook_form(sid: str, sender: str, to: str, body: str) -> dict[str, str]:
    return {"SmsMessageSid": sid, "NumMedia": "0", "ProfileName": "Cliente", "SmsSid": sid, "WaId": sender[1:],
            "SmsStatus": "received", "Body": body, "To": f"whatsapp:{to}", "NumSegments": "1",
            "ReferralNumMedia": "0", "MessageSid": sid, "AccountSid": ACCOUNT_SID, "From": f"whatsapp:{sender}",
            "ApiVersion": "2010-04-01"}


SAYINGS = ["Hola, quiero una cita para un corte", "¿Qué horarios tienes mañana en la tarde?", "¿Cuánto cuesta el corte?",
           "Quiero agendar el viernes a las 5", "Hola buenas tardes", "¿Tienes lugar hoy?"]


def webhook_lines(base: str, salons: list[Salon], senders: int, count: int, path: Path, run: str) -> None:
    from urllib.parse import urlencode

    url = base + "/webhooks/twilio"
    with path.open("w") as f:
        for k in range(count):
            who = k % senders
            form = webhook_form(f"SM{run}{k:010d}", f"+521563{who:07d}", salons[who % len(salons)].number,
                                SAYINGS[(k // senders) % len(SAYINGS)])
            signature = sign(DEVELOPMENT_WEBHOOK_TOKEN, url, form)
            f.write(f"/webhooks/twilio\tContent-Type=application/x-www-form-urlencoded;X-Twilio-Signature={signature}"
                    f"\t{urlencode(form)}\n")


# ---------------------------------------------------------------------------------------------------- CPU time

TICK = os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU seconds spent by the web processes, the worker processes and this database's PostgreSQL backends.

    Wall-clock rates on a shared 2-core machine mostly measure the neighbours; CPU per
    operation does not, and it is what a capacity plan multiplies (docs/capacity.md).
    Read from /proc: the servers' process groups, and the backends whose command line names
    our database (PostgreSQL titles them ``postgres: user database host``).
    """

    def __init__(self, stack: "Stack", database: str) -> None:
        self.stack = stack
        self.database = database

    def sample(self) -> dict[str, float]:
        groups = {"web": self.stack.server.pid if self.stack.server else None,
                  "worker": self.stack.worker.pid if self.stack.worker else None}
        totals = {"web": 0.0, "worker": 0.0, "postgres": 0.0}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
                fields = stat[stat.rindex(")") + 2:].split()
                pgid, cpu = int(fields[2]), (int(fields[11]) + int(fields[12])) / TICK
                if stat[stat.index("(") + 1:stat.rindex(")")] == "postgres":
                    title = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                    if f" {self.database} " in title:
                        totals["postgres"] += cpu
                    continue
            except (OSError, ValueError, IndexError):
                continue
            for name, group in groups.items():
                if group is not None and pgid == group:
                    totals[name] += cpu
        return totals

    @staticmethod
    def per_operation(before: dict[str, float], after: dict[str, float], operations: int) -> str:
        if operations <= 0:
            return ""
        parts = [f"{name} {(after[name] - before[name]) / operations * 1000:.1f}" for name in after
                 if after[name] - before[name] > 0]
        return "      CPU ms per operation: " + ", ".join(parts)


# ------------------------------------------------------------------------------------------------------- checks

async def scalar(db: Database, sql: str, **params) -> int:
    async with db.session() as session:
        return int((await session.execute(text(sql), params)).scalar() or 0)


async def wait_drained(db: Database, *, timeout: float, since: str) -> tuple[int, float]:
    """Poll until no inbound message created since ``since`` is unanswered; (answered, seconds)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        left = await scalar(db, "SELECT count(*) FROM messages WHERE direction = 'inbound' AND processed_at IS NULL "
                                "AND provider_message_id LIKE :p", p=f"SM{since}%")
        if left == 0:
            break
        await asyncio.sleep(0.2)
    answered = await scalar(db, "SELECT count(*) FROM messages WHERE direction = 'inbound' "
                                "AND processed_at IS NOT NULL AND provider_message_id LIKE :p", p=f"SM{since}%")
    return answered, time.perf_counter() - t0


async def wait_outbox_delivered(db: Database, *, timeout: float = 120) -> float:
    """Poll until no outbox row is pending or sending; the seconds it took.

    Answers are written to the outbox in the turn's transaction and sent just after it, so the
    last turns' replies are still on their way when the last turn is answered: stopping the
    worker then would leave them for the next start (not lost, but the check would count
    them). A row still unsent after ``timeout`` is what the check is there to find.
    """
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if not await scalar(db, "SELECT count(*) FROM outbound_messages WHERE status IN ('pending', 'sending')"):
            break
        await asyncio.sleep(0.2)
    return time.perf_counter() - t0


async def outbox_line(db: Database, *, timeout: float = 120) -> str:
    """How long the outbox took to drain after the last turn, or how much it had left when we stopped waiting.

    A delivery that cannot keep up is part of the figure: the turns' replies are not answers
    until they leave, so a timeout is printed as such, never as a time.
    """
    waited = await wait_outbox_delivered(db, timeout=timeout)
    left = await scalar(db, "SELECT count(*) FROM outbound_messages WHERE status IN ('pending', 'sending')")
    if left:
        return f"      OUTBOX NOT DRAINED: {left} rows still pending or sending {waited:.0f} s after the last turn"
    return f"      outbox delivered {waited:.1f} s after the last turn"


async def answered_span(db: Database, run: str) -> tuple[float, float]:
    """Seconds from the first turn answered to the last, and from the first message stored to the last answer."""
    async with db.session() as session:
        row = (await session.execute(text(
            "SELECT EXTRACT(EPOCH FROM max(processed_at) - min(processed_at)), "
            "EXTRACT(EPOCH FROM max(processed_at) - min(created_at)) FROM messages "
            "WHERE direction = 'inbound' AND provider_message_id LIKE :p"), {"p": f"SM{run}%"})).one()
    return float(row[0] or 0), float(row[1] or 0)


async def latencies(db: Database, run: str) -> list[float]:
    async with db.session() as session:
        rows = (await session.execute(text(
            "SELECT EXTRACT(EPOCH FROM processed_at - created_at) FROM messages WHERE direction = 'inbound' "
            "AND processed_at IS NOT NULL AND provider_message_id LIKE :p"), {"p": f"SM{run}%"})).all()
    return sorted(float(r[0]) for r in rows)


def pct(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, max(0, int(round(q * len(values))) - 1))] if values else float("nan")


async def checks(db: Database, acknowledged: dict[str, int]) -> list[str]:
    problems = []
    overlaps = 0
    for column in ("staff_id", "spot_id"):
        overlaps += await scalar(db, f"""SELECT count(*) FROM appointments a JOIN appointments b
            ON a.organization_id = b.organization_id AND a.{column} = b.{column} AND a.id < b.id
            AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
            WHERE a.status NOT IN ('cancelled', 'no_show') AND b.status NOT IN ('cancelled', 'no_show')""")
    print(f"check: overlapping appointments (same stylist or chair): {overlaps}")
    if overlaps:
        problems.append(f"{overlaps} overlapping appointments")
    duplicated = await scalar(db, "SELECT count(*) FROM (SELECT provider_message_id FROM messages WHERE "
                                  "direction = 'inbound' GROUP BY provider_message_id HAVING count(*) > 1) d")
    for run, acked in acknowledged.items():
        stored = await scalar(db, "SELECT count(*) FROM messages WHERE direction = 'inbound' "
                                  "AND provider_message_id LIKE :p", p=f"SM{run}%")
        unanswered = await scalar(db, "SELECT count(*) FROM messages WHERE direction = 'inbound' "
                                      "AND processed_at IS NULL AND provider_message_id LIKE :p", p=f"SM{run}%")
        print(f"check: {run}: {acked} acknowledged, {stored} stored, {unanswered} unanswered")
        if stored < acked:
            problems.append(f"{run}: {acked - stored} acknowledged messages not stored")
        if unanswered:
            problems.append(f"{run}: {unanswered} messages not answered")
    print(f"check: inbound MessageSids stored twice: {duplicated}")
    if duplicated:
        problems.append(f"{duplicated} duplicated messages")
    silent = await scalar(db, """SELECT count(*) FROM messages i WHERE i.direction = 'inbound'
        AND i.processed_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.conversation_id = i.conversation_id
        AND o.direction = 'outbound' AND o.sequence > i.sequence)""")
    print(f"check: answered messages with no reply after them: {silent}")
    stuck = await scalar(db, "SELECT count(*) FROM outbound_messages WHERE status IN ('pending', 'sending', 'failed')")
    print(f"check: outbox rows pending, sending or failed: {stuck}")
    if stuck:
        problems.append(f"{stuck} outbox rows not delivered")
    return problems


# --------------------------------------------------------------------------------------------------------- main

def show(name: str, rate: float, p50: float, p99: float, extra: str = "") -> None:
    print(f"{name:<52} {rate:8.1f}/s   p50 {p50 * 1000:8.1f} ms   p99 {p99 * 1000:8.1f} ms{extra}")


async def measure(args, stack: Stack, db: Database) -> list[str]:
    cpu = CpuMeter(stack, make_url(stack.database_url).database)
    t0 = time.perf_counter()
    salons = await build_salons(stack.base, args.orgs)
    print(f"salons: {len(salons)} built through the GraphQL API in {time.perf_counter() - t0:.1f} s")
    work = Path(tempfile.mkdtemp(prefix="parlo-load-"))
    acknowledged: dict[str, int] = {}
    problems: list[str] = []
    run = secrets.token_hex(3)
    try:
        if not args.model_only:
            problems += await _bookings_webhooks_rules(args, stack, db, cpu, salons, work, acknowledged, run)
        if not args.bookings_only and not args.turns_only:
            await _slow_model(args, stack, db, cpu, salons, work, acknowledged)
        stack.start_worker()  # deliver whatever the last runs left in the outbox
        await asyncio.sleep(3)
        for _ in range(60):
            if not await scalar(db, "SELECT count(*) FROM outbound_messages WHERE status IN ('pending', 'sending')"):
                break
            await asyncio.sleep(0.5)
        stack.stop_worker()
        return problems + await checks(db, acknowledged)
    finally:
        shutil.rmtree(work, ignore_errors=True)


async def _bookings_webhooks_rules(args, stack: Stack, db: Database, cpu: "CpuMeter", salons: list[Salon], work: Path,
                                   acknowledged: dict[str, int], run: str) -> list[str]:
    """Figures 1-3."""
    problems: list[str] = []
    if not args.turns_only:
        problems += await _bookings(args, stack, db, cpu, salons, work)
        if args.bookings_only:
            return problems
    return problems + await _webhooks_rules(args, stack, db, cpu, salons, work, acknowledged, run)


async def _bookings(args, stack: Stack, db: Database, cpu: "CpuMeter", salons: list[Salon], work: Path) -> list[str]:
    """Figure 1."""
    problems: list[str] = []
    # 1. bookings, with the worker delivering confirmations and owner notices meanwhile
    stack.start_worker()
    await asyncio.to_thread(stack.wait_for_workers)
    tomorrow = (datetime.now(ZONE) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    booking_lines(salons, int(args.seconds * 800), work / "book.tsv", first_day=tomorrow)
    run_wrk(stack.base, WRK_LINES, work / "book.tsv", threads=2, connections=args.connections, seconds=2,
            ok_body='"Booking"')  # warm both server processes (imports, CP-SAT, pools)
    booking_lines(salons, int(args.seconds * 800), work / "book.tsv", first_day=tomorrow + timedelta(days=20))
    before = cpu.sample()
    booked = run_wrk(stack.base, WRK_LINES, work / "book.tsv", threads=2, connections=args.connections,
                     seconds=args.seconds, ok_body='"Booking"')
    show(f"bookAppointment succeeded, {args.connections} connections", booked["ok"] / booked["seconds"],
         booked["p50"] / 1000, booked["p99"] / 1000, f"   ({booked['bad']} refused, {booked['errors']} errors)")
    print(cpu.per_operation(before, cpu.sample(), booked["ok"]))
    if not booked["ok"]:
        problems.append("no booking succeeded (see the server log; raise --seconds on a loaded machine)")
    if args.bookings_only:  # the worker delivers what the bookings wrote, then the checks
        for _ in range(120):
            if not await scalar(db, "SELECT count(*) FROM outbound_messages WHERE status IN ('pending', 'sending')"):
                break
            await asyncio.sleep(0.5)
        stack.stop_worker()
        return problems
    stack.stop_worker()
    return problems


async def _webhooks_rules(args, stack: Stack, db: Database, cpu: "CpuMeter", salons: list[Salon], work: Path,
                          acknowledged: dict[str, int], run: str) -> list[str]:
    """Figures 2 and 3."""
    problems: list[str] = []
    # 2. webhooks into a stopped worker: acknowledged and stored; the backlog of figure 3
    webhook_lines(stack.base, salons, args.senders, int(args.seconds * 4000), work / "hook.tsv", run)
    before = cpu.sample()
    hooked = run_wrk(stack.base, WRK_LINES, work / "hook.tsv", threads=2, connections=args.connections,
                     seconds=args.seconds, ok_body="<Response>")
    acknowledged[run] = hooked["ok"]
    show(f"webhooks stored, {args.senders} senders, {args.connections} conn.", hooked["ok"] / hooked["seconds"],
         hooked["p50"] / 1000, hooked["p99"] / 1000, f"   ({hooked['bad']} refused, {hooked['errors']} errors)")
    print(cpu.per_operation(before, cpu.sample(), hooked["ok"]))
    if not hooked["ok"]:
        problems.append("no webhook was acknowledged")

    # 3. the rule engine drains that backlog
    stack.start_worker()
    before = cpu.sample()
    answered, _ = await wait_drained(db, timeout=args.drain_timeout, since=run)
    after = cpu.sample()
    seconds, _ = await answered_span(db, run)  # from the first answer: process start-up is not counted
    waits = await latencies(db, run)
    show(f"turns, rule engine, backlog of {hooked['ok']} drained", answered / seconds, pct(waits, 0.5),
         pct(waits, 0.99), "   (p50/p99: time in queue, from stored to answered)")
    print(cpu.per_operation(before, after, answered))
    print(await outbox_line(db))
    stack.stop_worker()
    return problems


async def _slow_model(args, stack: Stack, db: Database, cpu: "CpuMeter", salons: list[Salon], work: Path,
                      acknowledged: dict[str, int]) -> None:
    """Figure 4."""
    # 4. turns while the model takes its time
    slow_run = secrets.token_hex(3)
    fake_port = free_port()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    fake = subprocess.Popen([sys.executable, "-m", "tests.fakes.openai_server", "--port", str(fake_port),
                             "--delay", str(args.model_delay)], cwd=ROOT, start_new_session=True,
                            stdout=(LOG_DIR / "fake-openai.log").open("w"), stderr=subprocess.STDOUT)
    try:
        stack.start_worker(OPENAI_API_KEY="sk-bench", OPENAI_BASE_URL=f"http://127.0.0.1:{fake_port}/v1",
                           log="worker-model.log")
        await asyncio.to_thread(stack.wait_for_workers)
        await asyncio.sleep(args.worker_warmup)
        burst = args.model_burst
        # One message from each sender: what this figure measures is how many conversations a
        # process carries at once. With fewer senders than messages, each conversation's turns
        # queue behind one another (its order), and 400 senders over 2 × 64 turns in flight end
        # in a fourth, mostly empty wave: the figure then measured the burst's shape.
        senders = args.model_senders or burst
        webhook_lines(stack.base, salons, senders, burst, work / "slow.tsv", slow_run)
        async with httpx.AsyncClient(base_url=stack.base, timeout=60,
                                     limits=httpx.Limits(max_connections=args.connections)) as http:
            lines = (work / "slow.tsv").read_text().splitlines()
            before = cpu.sample()

            async def post(line: str) -> bool:
                path, headers, body = line.split("\t", 2)
                response = await http.post(path, content=body, headers=dict(h.split("=", 1) for h in headers.split(";")))
                return response.status_code == 200
            acknowledged[slow_run] = sum(await asyncio.gather(*(post(line) for line in lines)))
        answered, _ = await wait_drained(db, timeout=args.drain_timeout, since=slow_run)
        after = cpu.sample()
        _, seconds = await answered_span(db, slow_run)  # first message stored to last answered
        waits = await latencies(db, slow_run)
        rate = answered / seconds
        show(f"turns, model takes {args.model_delay:g} s, {stack.worker_processes} worker processes", rate,
             pct(waits, 0.5), pct(waits, 0.99), f"   = {rate / stack.worker_processes:.1f}/s per worker process")
        print(cpu.per_operation(before, after, answered))
        try:
            seen = httpx.get(f"http://127.0.0.1:{fake_port}/stats", timeout=5).json()
            print(f"      the fake model saw {seen['requests']} calls, at most {seen.get('max_in_flight', '?')} "
                  "at once")
        except (httpx.HTTPError, ValueError):
            pass
        print(await outbox_line(db))
    finally:
        stack.stop_worker()
        fake.send_signal(signal.SIGTERM)
        fake.wait(timeout=10)


def clear_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    for pattern in ("parlo:*", "huey.*parlo*"):
        keys = list(client.scan_iter(match=pattern, count=500))
        if keys:
            client.delete(*keys)
    client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("PARLO_BENCH_DATABASE_URL",
                                                        "postgresql://postgres@127.0.0.1:5432/postgres"),
                        help="a PostgreSQL server: a throwaway database is created there and dropped")
    parser.add_argument("--database-url", help="use this (migrated or empty) database as it is, e.g. on Citus")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12", help="a Redis database for the bench alone")
    parser.add_argument("--source", type=Path, default=ROOT, help="the checkout whose parlo the servers run")
    parser.add_argument("--compare", type=Path, help="a second checkout (e.g. `git archive REV | tar -x -C /tmp/base`): "
                                                     "runs alternate between the two, A B B A …")
    parser.add_argument("--rounds", type=int, default=2, help="with --compare: rounds of A and B")
    parser.add_argument("--orgs", type=int, default=50)
    parser.add_argument("--senders", type=int, default=400)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10, help="each wrk run (at least 5 on a loaded machine)")
    parser.add_argument("--server-workers", type=int, default=2)
    parser.add_argument("--worker-processes", type=int, default=2)
    parser.add_argument("--worker-concurrency", type=int, default=0, help="turns in flight per worker process "
                                                                         "(default: parlo worker's)")
    parser.add_argument("--model-delay", type=float, default=1.0)
    parser.add_argument("--model-burst", type=int, default=800, help="messages sent at once for the slow-model figure")
    parser.add_argument("--model-senders", type=int, default=0,
                        help="senders of that burst (default: one message from each; fewer: each writes several)")
    parser.add_argument("--worker-warmup", type=float, default=1.0, help="seconds after the workers' first beat")
    parser.add_argument("--drain-timeout", type=float, default=600)
    parser.add_argument("--model-only", action="store_true", help="only the slow-model figure (and the checks)")
    parser.add_argument("--bookings-only", action="store_true", help="figure 1 and the checks, nothing else")
    parser.add_argument("--turns-only", action="store_true",
                        help="figures 2 and 3 (webhooks build the backlog the rule engine drains) and the checks")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/load.py needs wrk: apt-get install wrk")
    if args.compare and args.database_url:
        sys.exit("--compare needs a fresh database per run: give --url (a server), not --database-url")

    sources = [args.source.resolve()]
    if args.compare:
        sources.append(args.compare.resolve())
    order = []
    for round_ in range(args.rounds if args.compare else 1):
        order += sources if round_ % 2 == 0 else list(reversed(sources))  # A B, B A, …: drift cancels out
    problems: list[str] = []
    print(machine_speed(), "(start)")
    for index, source in enumerate(order):
        if len(order) > 1:
            print(f"\n=== run {index + 1} of {len(order)}: {source} ({_revision(source)})")
        problems += run_once(args, source)
        if len(order) > 1:
            print(machine_speed(), f"(after run {index + 1})")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(machine_speed(), "(end)")
    if problems:
        print("FAILED CHECKS: " + "; ".join(problems))
        sys.exit(1)
    print("checks passed: 0 overlaps, 0 lost or duplicated messages, outbox delivered")


def run_once(args, source: Path) -> list[str]:
    """The four figures and the checks for the servers of one checkout, on a fresh database."""
    name = None
    if args.database_url:
        url = normalise_url(args.database_url)
    else:
        name = f"parlo_bench_load_{secrets.token_hex(4)}"
        asyncio.run(_admin(args.url, f'CREATE DATABASE "{name}"'))
        url = make_url(normalise_url(args.url)).set(database=name).render_as_string(hide_password=False)
    clear_redis(args.redis)
    stack = Stack(source=source, database_url=url, redis_url=args.redis, port=free_port(),
                  worker_concurrency=args.worker_concurrency,
                  server_workers=args.server_workers, worker_processes=args.worker_processes)
    try:
        subprocess.run([sys.executable, "-m", "parlo.cli", "migrate"], cwd=stack.source, env=stack.env(), check=True,
                       stdout=subprocess.DEVNULL)
        stack.start_server()
        print(f"servers from {stack.source} ({_revision(stack.source)}): parlo serve --workers {args.server_workers}, "
              f"parlo worker --workers {args.worker_processes}, Redis {args.redis}")

        async def go() -> list[str]:
            db = Database.connect(url, pool_size=2, max_overflow=2)
            try:
                return await measure(args, stack, db)
            finally:
                await db.dispose()
        return asyncio.run(go())
    finally:
        stack.stop()
        if name:
            asyncio.run(_admin(args.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        clear_redis(args.redis)


def _revision(source: Path) -> str:
    try:
        return subprocess.run(["git", "-C", str(source), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip() or "?"
    except OSError:
        return "?"


if __name__ == "__main__":
    main()
