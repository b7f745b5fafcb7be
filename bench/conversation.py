"""Turns and milliseconds per turn for a typical WhatsApp booking on the rule engine.

A new customer writes to Barbería Don Carlos (the test suite's salon):
"Hola, quiero una cita para un corte" → "<day> en la tarde" → "a las <h>" → "<name>".
Each turn is measured twice: the whole turn as the queue runs it (store the inbound
message, route, the engine, write replies to the outbox, mark it processed) and the
engine alone. No HTTP, no Twilio, no LLM.

    .venv/bin/python bench/conversation.py                      # SQLite in a temp file
    .venv/bin/python bench/conversation.py --bookings 40
    .venv/bin/python bench/conversation.py --url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from messaging.conversation.rules import RuleEngine  # noqa: E402
from messaging.inbound import InboundMessage, store_inbound  # noqa: E402
from messaging.processing import process_conversation  # noqa: E402
from messaging.runtime import Messaging, MessagingConfig  # noqa: E402
from messaging.senders import LogSender  # noqa: E402
from resolvers.context import ResolverConfig  # noqa: E402
from storage import Appointment, Database, FunctionTrace  # noqa: E402
from storage.database import normalise_url  # noqa: E402
from storage.migrations import upgrade  # noqa: E402
from tests.conversation.kit import don_carlos  # noqa: E402

NOW = datetime(2026, 1, 16, 16, 0, tzinfo=timezone.utc)  # Friday 10:00 in Mexico City
DAYS = ("mañana", "el lunes", "el martes", "el miércoles", "el jueves")
NAMES = ("Juan Pérez", "Ana López", "Luis Ramírez", "María Torres", "Pedro Sánchez", "Rosa Díaz")


CPU: list[float] = []  # CPU seconds of this process per whole turn (moves less when the machine is busy)


class QuietQueue:
    async def conversation_waiting(self, conversation_id) -> None: ...

    async def outbox_waiting(self, *, at=None) -> None: ...


class TimedEngine:
    def __init__(self, engine) -> None:
        self.engine, self.samples = engine, []

    async def respond(self, turn):
        t0 = time.perf_counter()
        try:
            return await self.engine.respond(turn)
        finally:
            self.samples.append(time.perf_counter() - t0)


async def run(url: str, bookings: int) -> None:
    await asyncio.to_thread(upgrade, url)
    db = Database.connect(url)
    try:
        shop = await don_carlos(db, NOW)
        engine = TimedEngine(RuleEngine())
        m = Messaging(db=db, clock=lambda: NOW, sender=LogSender(), engine=engine, queue=QuietQueue(),
                      config=MessagingConfig(resolver=ResolverConfig(jwt_secret="x" * 40,
                                                                     free_monthly_bookings=10**6)))
        turns, whole, replies_per_booking = [], [], []
        await _booking(m, shop, 999, "el sábado", 18, whole=[], turns=[])  # warm-up: imports, caches, OR-Tools
        engine.samples.clear()
        CPU.clear()
        for i in range(bookings):
            day, hour = DAYS[(i // 8) % len(DAYS)], 12 + (i % 8) // 2 * 2 + (i % 2)
            count = await _booking(m, shop, i, day, hour, whole=whole, turns=turns)
            replies_per_booking.append(count)
        async with db.session() as s:
            booked = len((await s.scalars(select(Appointment))).all())
        ms = [x * 1000 for x in whole]
        engine_ms = [x * 1000 for x in engine.samples]
        print(f"database: {db.dialect}; {bookings} bookings, {booked - 1} appointments created")
        print(f"customer turns per booking: {statistics.mean(replies_per_booking):.1f} "
              f"(min {min(replies_per_booking)}, max {max(replies_per_booking)})")
        print(f"whole turn (store + route + engine + outbox): median {statistics.median(ms):.1f} ms, "
              f"p95 {_p95(ms):.1f} ms, max {max(ms):.1f} ms")
        cpu = [x * 1000 for x in CPU]
        print(f"whole turn, CPU time of this process:       median {statistics.median(cpu):.1f} ms, "
              f"p95 {_p95(cpu):.1f} ms")
        print(f"rule engine alone:                          median {statistics.median(engine_ms):.1f} ms, "
              f"p95 {_p95(engine_ms):.1f} ms, max {max(engine_ms):.1f} ms")
        async with db.session() as s:
            traces = (await s.scalars(select(FunctionTrace))).all()
        by_tool: dict[str, list[float]] = {}
        for trace in traces:
            by_tool.setdefault(trace.function_name, []).append(trace.duration_ms or 0.0)
        print("tools (median ms): " + ", ".join(f"{name} {statistics.median(v):.1f}" for name, v in sorted(by_tool.items())))
    finally:
        await db.dispose()


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


async def _booking(m: Messaging, shop, i: int, day: str, hour: int, *, whole: list, turns: list) -> int:
    phone = f"+52155{10000000 + i:08d}"
    script = ["Hola, quiero una cita para un corte", f"{day} en la tarde", f"a las {hour - 12 if hour > 12 else hour}",
              NAMES[i % len(NAMES)]]
    for text in script:
        t0, c0 = time.perf_counter(), time.process_time()
        stored = await store_inbound(m.db, InboundMessage(message_sid=f"SM{uuid.uuid4().hex}",
                                                          from_address=f"whatsapp:{phone}",
                                                          to_address=f"whatsapp:{shop.number}", body=text),
                                     now=NOW, central_number=m.config.central_number)
        await process_conversation(m, stored.conversation_id)
        whole.append(time.perf_counter() - t0)
        CPU.append(time.process_time() - c0)
    turns.append(len(script))
    return len(script)


async def _admin(url: str, statement: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(statement))
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="sqlite")
    parser.add_argument("--bookings", type=int, default=20)
    args = parser.parse_args()
    if args.url.startswith("postgres"):
        name = f"parlo_bench_{secrets.token_hex(4)}"
        asyncio.run(_admin(args.url, f'CREATE DATABASE "{name}"'))
        url = make_url(normalise_url(args.url)).set(database=name).render_as_string(hide_password=False)
        try:
            asyncio.run(run(url, args.bookings))
        finally:
            asyncio.run(_admin(args.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        asyncio.run(run(f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db", args.bookings))


if __name__ == "__main__":
    main()
