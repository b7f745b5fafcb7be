"""Turns and milliseconds per turn for a typical WhatsApp booking (and a move) on the rule engine.

A new customer writes to Barbería Don Carlos (the test suite's salon):
"Hola, quiero una cita para un corte" → "<day> en la tarde" → "a las <h>" → "<name>",
then moves it an hour earlier: "cámbiame la cita para las <h-1>" → "sí" (turns counted until the database
shows the new time). The parser alone (``parse_frame``) is timed on a set of typical messages.
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
from storage import Appointment, AppointmentStatus, Customer, Database, FunctionTrace  # noqa: E402
from storage.database import normalise_url  # noqa: E402
from storage.migrations import upgrade  # noqa: E402
from tests.conversation.kit import MX, don_carlos  # noqa: E402

NOW = datetime(2026, 1, 16, 16, 0, tzinfo=timezone.utc)  # Friday 10:00 in Mexico City
DAYS = ("mañana", "el lunes", "el martes", "el miércoles", "el jueves")
NAMES = ("Juan Pérez", "Ana López", "Luis Ramírez", "María Torres", "Pedro Sánchez", "Rosa Díaz")


CPU: list[float] = []  # CPU seconds of this process per whole turn (moves less when the machine is busy)


class QuietQueue:
    async def conversation_waiting(self, conversation_id, organization_id=None) -> None: ...

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
        turns, whole, replies_per_booking, moves = [], [], [], []
        await _booking(m, shop, 999, "el sábado", 18, whole=[], turns=[])  # warm-up: imports, caches, OR-Tools
        engine.samples.clear()
        CPU.clear()
        for i in range(bookings):
            day, hour = DAYS[(i // 8) % len(DAYS)], 12 + (i % 8) // 2 * 2 + (i % 2)
            count = await _booking(m, shop, i, day, hour, whole=whole, turns=turns)
            replies_per_booking.append(count)
            moves.append(await _move(m, shop, i, hour - 1, whole=whole))  # an hour earlier: always open
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
        if moves:
            print(f"customer turns per move: {statistics.mean(moves):.1f} (min {min(moves)}, max {max(moves)}; "
                  f"{sum(1 for n in moves if n <= MOVE_TURNS)}/{len(moves)} moved)")
        print(f"parser (parse_frame) per message: {_parser_ms():.3f} ms")
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


MOVE_TURNS = 4  # more than this and the move counts as failed


async def _turn(m: Messaging, shop, phone: str, text: str, whole: list) -> None:
    t0, c0 = time.perf_counter(), time.process_time()
    stored = await store_inbound(m.db, InboundMessage(message_sid=f"SM{uuid.uuid4().hex}",
                                                      from_address=f"whatsapp:{phone}",
                                                      to_address=f"whatsapp:{shop.number}", body=text),
                                 now=NOW, central_number=m.config.central_number)
    await process_conversation(m, stored.conversation_id)
    whole.append(time.perf_counter() - t0)
    CPU.append(time.process_time() - c0)


async def _move(m: Messaging, shop, i: int, hour: int, *, whole: list) -> int:
    """Turns until the appointment is at the new hour (MOVE_TURNS + 1 when it never gets there)."""
    phone = f"+52155{10000000 + i:08d}"
    script = [f"cámbiame la cita para las {hour - 12 if hour > 12 else hour}", "sí", "sí", "sí"]
    for count, text in enumerate(script, 1):
        await _turn(m, shop, phone, text, whole)
        async with m.db.session() as s:
            starts = (await s.scalars(select(Appointment.starts_at).join(Customer, Customer.id == Appointment.customer_id)
                                      .where(Customer.phone_number.endswith(phone[-10:]),
                                             Appointment.status != AppointmentStatus.CANCELLED))).all()
        if any(start.astimezone(MX).hour == hour for start in starts):
            return count
    return MOVE_TURNS + 1


PARSED = ("Hola, quiero una cita para un corte", "mañana en la tarde", "a las 4", "Juan Pérez",
          "¿me cambias la cita del viernes para el sábado después de las 5?", "corte y barba entre semana en la tarde",
          "no, mejor a las 6", "¿y el sábado?", "lo de siempre", "un haircut tomorrow", "cancela mi cita porfa",
          "¿cuánto cuesta el tinte?", "de 10 a 12 el martes", "hoy al rato", "la segunda", "sí, gracias")


def _parser_ms(rounds: int = 200) -> float:
    from messaging.spanish import Catalog, parse_frame

    catalog = Catalog.of({"c": "Corte de cabello", "b": "Arreglo de barba", "cb": "Corte y barba"},
                         {"p": "Pedro Ramírez", "k": "Carlos Mendoza"})
    now = NOW.astimezone(MX).replace(tzinfo=None)
    for text in PARSED:
        parse_frame(text, now_local=now, catalog=catalog)
    t0 = time.perf_counter()
    for _ in range(rounds):
        for text in PARSED:
            parse_frame(text, now_local=now, catalog=catalog)
    return (time.perf_counter() - t0) * 1000 / (rounds * len(PARSED))


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
