"""Figures for the WhatsApp path (not a test): a burst of 200 messages from 50 senders.

Each message goes through the signed webhook; every reply through the outbox to a fake
Twilio (its HTTP boundary). Prints messages/second and webhook latency under the burst.

    .venv/bin/python -m tests.messaging.whatsapp_burst                 # SQLite in a temp folder
    .venv/bin/python -m tests.messaging.whatsapp_burst postgresql://…  # an empty, migrated database
"""
import asyncio
import statistics
import sys
import tempfile
import time

import httpx
from pydantic import SecretStr

from parlo.settings import Settings
from storage.migrations import upgrade
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio
from tests.messaging.whatsapp_kit import FRIDAY, EchoEngine, TickingClock, post_signed, salon, twilio_form, wire


async def _conversation_of(db, phone):
    from sqlalchemy import select

    from storage import Conversation

    async with db.session() as session:
        return await session.scalar(select(Conversation.id).where(Conversation.phone_number == phone))


async def main(url):
    import parlo.tasks
    from parlo.app import create_app
    from parlo.whatsapp_app import runtime_of
    fake = FakeTwilio()
    parlo.tasks.TWILIO_HTTP_CLIENT = fake
    parlo.tasks.TWILIO_ASYNC_HTTP_CLIENT = fake.async_client
    settings = Settings(_env_file=None, database_url=url, public_url="https://parlo.test", twilio_account_sid=ACCOUNT_SID,
                        twilio_auth_token=SecretStr(AUTH_TOKEN))
    clock = TickingClock(FRIDAY)
    app = create_app(settings, clock=clock, migrate=False)
    services = app.state.services
    m = wire(services.db, clock, twilio=fake, engine=EchoEngine())
    runtime_of(services).use_queue(m.queue)
    shop = await salon(services.db, clock())
    senders = [f"+52155{i:08d}" for i in range(10_000_001, 10_000_051)]
    latencies = []
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            async def conv(p):
                for k in range(4):
                    t = time.perf_counter()
                    r = await post_signed(http, "/webhooks/twilio", twilio_form(sender=p, to=shop.number, body=f"{p} {k}"))
                    latencies.append(time.perf_counter() - t)
                    assert r.status_code == 200
            m.queue.paused = True  # first, one message at a time with nothing else running: the webhook alone
            alone = []
            for k in range(30):
                t = time.perf_counter()
                await post_signed(http, "/webhooks/twilio", twilio_form(sender="+525500000099", to=shop.number, body=str(k)))
                alone.append(time.perf_counter() - t)
            alone.sort()
            print(f"webhook alone (signature, store, TwiML): p50 {statistics.median(alone)*1000:.1f} ms, "
                  f"max {alone[-1]*1000:.1f} ms")
            m.queue.paused = False
            await m.queue.conversation_waiting((await _conversation_of(services.db, "+525500000099")))
            await m.queue.drain()
            fake.messages.clear()
            start = time.perf_counter()
            await asyncio.gather(*(conv(p) for p in senders))
            accepted = time.perf_counter() - start
            await m.queue.drain()
            total = time.perf_counter() - start
    assert len(fake.messages) == 200, len(fake.messages)
    latencies.sort()
    print(f"{services.db.dialect}: 200 msgs accepted in {accepted:.2f}s, all answered in {total:.2f}s "
          f"({200/total:.1f} msg/s); webhook latency p50 {statistics.median(latencies)*1000:.0f} ms, "
          f"p95 {latencies[int(0.95*len(latencies))]*1000:.0f} ms (under the burst, sharing the loop with processing)")
    await services.db.dispose()

if __name__ == "__main__":
    url = sys.argv[1] if len(sys.argv) > 1 else None
    if url is None:
        d = tempfile.mkdtemp()
        url = f"sqlite+aiosqlite:///{d}/bench.db"
    upgrade(url)
    asyncio.run(main(url))
