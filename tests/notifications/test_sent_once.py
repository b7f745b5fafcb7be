"""Once means once: a dispatcher run twice, two workers at the same minute, a worker that dies."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest

import messaging.notifications.dispatch as dispatch_module
from messaging.delivery import deliver_due, recover_abandoned
from messaging.outbox_claims import claim_due
from messaging.notifications import dispatch_due
from parlo.clock import FrozenClock
from sqlalchemy import update

from storage import Customer, Database, DeliveryStatus, Organization
from tests.fakes.twilio import FakeTwilio
from tests.notifications.kit import at, book, messaging_for, notices
from tests.resolvers.factories import CONFIG, make_salon

ZONE = "America/Mexico_City"
CUSTOMERS = 6


async def salon_with_due_reminders(db: Database, clock: FrozenClock):
    """Six customers booked Thursday, two each at 10:00, 11:00 and 12:00; the summary at 10:00."""
    salon = await make_salon(db, clock(), staff_hours=True)
    async with db.transaction(write=True) as session:
        for i in range(CUSTOMERS - 1):
            session.add(Customer(organization_id=salon.org.id, phone_number=f"+5255876540{i:02d}", name=f"Cliente {i}",
                                 created_at=clock(), updated_at=clock()))
    staff = [salon.ana, salon.beto]
    phones = [salon.lupe.phone_number] + [f"+5255876540{i:02d}" for i in range(CUSTOMERS - 1)]
    for i, phone in enumerate(phones):
        await book(db, clock, salon, at(ZONE, 2026, 3, 5, 10 + i // 2), staff=staff[i % 2], customer_phone=phone)
    async with db.transaction(write=True) as session:
        await session.execute(update(Organization).where(Organization.id == salon.org.id)
                              .values(settings={"daily_summary_hour": 10}))
    return salon


async def test_a_dispatcher_run_twice_writes_nothing_the_second_time(db):
    clock = FrozenClock(at(ZONE, 2026, 3, 2, 12))
    await salon_with_due_reminders(db, clock)
    clock.set(at(ZONE, 2026, 3, 4, 10))
    first = await dispatch_due(db, now=clock(), config=CONFIG)
    again = await dispatch_due(db, now=clock(), config=CONFIG)
    clock.advance(timedelta(minutes=1))
    later = await dispatch_due(db, now=clock(), config=CONFIG)
    assert len(first.written["reminders"]) == 2 and len(first.written["summaries"]) == 1
    assert again.total == 0 and later.total == 0
    assert len(await notices(db, "appointment_reminder", "daily_summary")) == 3


def _worker(database_url: str, clock: FrozenClock, twilio: FakeTwilio, runs: int, start: threading.Barrier,
            errors: list[BaseException]) -> None:
    """A worker process in miniature: its own event loop, its own engine and pool."""
    async def work() -> None:
        db = Database.connect(database_url, pool=True)
        try:
            m = messaging_for(db, clock, twilio)
            start.wait()
            for _ in range(runs):
                await dispatch_due(db, now=clock(), config=CONFIG)
                await deliver_due(m)
        finally:
            await db.dispose()

    try:
        asyncio.run(work())
    except BaseException as exc:  # noqa: BLE001 - reported by the test
        errors.append(exc)


async def test_two_workers_dispatching_and_delivering_at_once_send_each_notice_once(db, database_url):
    clock = FrozenClock(at(ZONE, 2026, 3, 2, 12))
    await salon_with_due_reminders(db, clock)
    clock.set(at(ZONE, 2026, 3, 4, 12))  # all of Thursday's reminders are due, and the summary
    twilio = FakeTwilio()
    start, errors = threading.Barrier(2), []
    threads = [threading.Thread(target=_worker, args=(database_url, clock, twilio, 3, start, errors)) for _ in range(2)]
    for t in threads:
        t.start()
    await asyncio.to_thread(lambda: [t.join() for t in threads])
    assert errors == []
    rows = await notices(db, "appointment_reminder", "daily_summary")
    assert len(rows) == len({r.dedupe_key for r in rows}) == CUSTOMERS + 1
    assert all(r.status is DeliveryStatus.QUEUED and r.attempts == 1 for r in rows)
    assert sorted(m.to for m in twilio.messages) == sorted(r.to_number for r in rows)


async def test_a_worker_that_dies_mid_dispatch_leaves_nothing_half_written(db, monkeypatch):
    clock = FrozenClock(at(ZONE, 2026, 3, 2, 12))
    await salon_with_due_reminders(db, clock)
    clock.set(at(ZONE, 2026, 3, 4, 10))

    async def dies(*args, **kwargs):
        raise RuntimeError("worker killed")

    healthy = dispatch_module.DISPATCHERS
    monkeypatch.setattr(dispatch_module, "DISPATCHERS", (healthy[0], ("summaries", dies)))
    with pytest.raises(RuntimeError):
        await dispatch_due(db, now=clock(), config=CONFIG)
    assert await notices(db, "appointment_reminder", "daily_summary") == []  # the reminders went with it

    monkeypatch.setattr(dispatch_module, "DISPATCHERS", healthy)
    clock.advance(timedelta(minutes=1))  # the next minute, another worker
    report = await dispatch_due(db, now=clock(), config=CONFIG)
    assert len(report.written["reminders"]) == 2 and len(report.written["summaries"]) == 1


async def test_a_worker_that_dies_between_claiming_and_sending_loses_nothing(db):
    clock = FrozenClock(at(ZONE, 2026, 3, 2, 12))
    await salon_with_due_reminders(db, clock)
    clock.set(at(ZONE, 2026, 3, 4, 10))
    twilio = FakeTwilio()
    m = messaging_for(db, clock, twilio)
    await dispatch_due(db, now=clock(), config=CONFIG)
    claimed = await claim_due(m)  # ...and the worker is killed before it sends
    assert len(claimed) == 3 and twilio.messages == []
    clock.advance(m.config.delivery.lease + timedelta(minutes=1))
    await recover_abandoned(m)
    await dispatch_due(db, now=clock(), config=CONFIG)
    await deliver_due(m)
    await m.queue.drain()  # a delivery the queue started on its own finishes before we look
    rows = await notices(db, "appointment_reminder", "daily_summary")
    assert sorted(r.status for r in rows) == [DeliveryStatus.QUEUED] * 3, [(r.to_number, r.status) for r in rows]
    assert len(twilio.messages) == 3  # each sent once, none lost
