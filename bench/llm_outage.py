"""What a customer waits for during an OpenAI outage, before and after the circuit breaker opens.

A customer writes to Barbería Don Carlos (the test suite's salon) while the OpenAI API
(the tests' fake, served in-process: the real openai client, its retries and timeouts)
is healthy, failing, or hanging. Each turn is measured as the queue runs it (store the
message, route, the engine, the outbox), with the production defaults: 10 s request
timeout, 1 retry, a 12 s turn budget, a breaker of 3 failures / 2 min / 60 s.

    .venv/bin/python bench/llm_outage.py                    # SQLite in a temp file
    .venv/bin/python bench/llm_outage.py --latency 1.5     # seconds each fake answer or failure takes
    .venv/bin/python bench/llm_outage.py --hang            # also a model that never answers (≈ 12 s)

Prints the machine-speed reference first (a fixed Python loop): compare runs A/B only
with it, on this loaded, shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from messaging.breaker import BreakerPolicy, CircuitBreaker  # noqa: E402
from messaging.conversation.build import build_engine  # noqa: E402
from messaging.inbound import InboundMessage, store_inbound  # noqa: E402
from messaging.processing import process_conversation  # noqa: E402
from messaging.runtime import Messaging, MessagingConfig  # noqa: E402
from messaging.senders import LogSender  # noqa: E402
from resolvers.context import ResolverConfig  # noqa: E402
from storage import Database  # noqa: E402
from storage.migrations import upgrade  # noqa: E402
from tests.conversation.fake_openai import BASE_URL, FakeOpenAI, fail, slow, text  # noqa: E402
from tests.conversation.kit import don_carlos  # noqa: E402

NOW = datetime(2026, 1, 16, 16, 0, tzinfo=timezone.utc)  # Friday 10:00 in Mexico City


class QuietQueue:
    async def conversation_waiting(self, conversation_id, organization_id=None) -> None: ...

    async def outbox_waiting(self, *, at=None) -> None: ...


def machine_reference() -> float:
    started = time.perf_counter()
    total = 0
    for i in range(1_000_000):
        total += i
    return (time.perf_counter() - started) * 1000


async def turn(m: Messaging, shop, phone: str, body: str, sid: int) -> float:
    started = time.perf_counter()
    stored = await store_inbound(m.db, InboundMessage(f"SM{sid:032d}", f"whatsapp:{phone}", f"whatsapp:{shop.number}",
                                                      body=body), now=NOW, central_number="+525500000000")
    await process_conversation(m, stored.conversation_id)
    return time.perf_counter() - started


async def run(latency: float, hang: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        await asyncio.to_thread(upgrade, url)
        db = Database.connect(url)
        try:
            await scenario(db, latency, hang)
        finally:
            await db.dispose()


async def scenario(db: Database, latency: float, hang: bool) -> None:
    shop = await don_carlos(db, NOW)
    fake = FakeOpenAI()
    breaker = CircuitBreaker(BreakerPolicy())
    engine = build_engine("sk-bench", BASE_URL, "gpt-4.1", http_client=fake.http_client(), breaker=breaker)
    m = Messaging(db=db, clock=lambda: NOW, sender=LogSender(), engine=engine, queue=QuietQueue(),
                  config=MessagingConfig(resolver=ResolverConfig(jwt_secret="x" * 40, free_monthly_bookings=10**6)))
    sids = iter(range(1, 10**6))
    phones = iter(f"+52155{20000000 + i:08d}" for i in range(10**6))

    fake.then(*(slow(latency, text("¡Hola! ¿En qué te ayudo?")) for _ in range(5)))
    healthy = [await turn(m, shop, next(phones), "hola", next(sids)) for _ in range(5)]
    fake.script.clear()
    fake.then(*(slow(latency, fail(503)) for _ in range(20)))
    failing = []
    while breaker.state == "closed" and len(failing) < 10:
        failing.append(await turn(m, shop, next(phones), "hola", next(sids)))
    opened = [await turn(m, shop, next(phones), "quiero un corte mañana", next(sids)) for _ in range(20)]
    print(f"healthy model ({latency:.1f} s per answer): median turn {statistics.median(healthy):.2f} s")
    print(f"OpenAI failing (503 after {latency:.1f} s, 1 retry): {len(failing)} turns until the breaker opened, "
          f"each {', '.join(f'{x:.2f}' for x in failing)} s (before: up to 51 s, every turn)")
    print(f"breaker open: median turn {statistics.median(opened) * 1000:.0f} ms, max {max(opened) * 1000:.0f} ms "
          f"({len(opened)} turns, {breaker.skipped} calls to OpenAI spared)")
    if hang:
        fresh = CircuitBreaker(BreakerPolicy())
        m.engine = build_engine("sk-bench", BASE_URL, "gpt-4.1", http_client=fake.http_client(), breaker=fresh)
        fake.script.clear()
        fake.then(slow(120, text("demasiado tarde")))
        hung = await turn(m, shop, next(phones), "hola", next(sids))
        print(f"model that never answers: the turn took {hung:.2f} s (budget 12 s, the rule engine answered)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=1.0, help="seconds each fake answer or failure takes")
    parser.add_argument("--hang", action="store_true", help="also time a model that never answers")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the fallbacks' warnings are the point, not worth printing
    print(f"machine-speed reference: 1M-step Python loop {machine_reference():.0f} ms")
    asyncio.run(run(args.latency, args.hang))


if __name__ == "__main__":
    main()
