"""The real queue: Huey tasks run messaging's async work on their own loops and engines."""

from __future__ import annotations

import asyncio

import httpx
import pytest

import parlo.queue
import parlo.tasks
from parlo.queue import make_huey
from parlo.tasks import register
from storage import DeliveryStatus
from tests.messaging.whatsapp_kit import inbound_messages, outbox, post_signed, salon, twilio_form


async def eventually(check, *, seconds: float = 30.0):
    """Poll until ``check()`` is truthy: the consumer runs in other threads."""
    for _ in range(int(seconds / 0.1)):
        result = await check()
        if result:
            return result
        await asyncio.sleep(0.1)
    raise AssertionError("the queue did not get there in time")


async def test_parlo_serve_answers_with_its_embedded_worker(twilio_settings, clock, db, fake_twilio, monkeypatch):
    from parlo.app import create_app

    monkeypatch.setattr(parlo.tasks, "TWILIO_HTTP_CLIENT", fake_twilio)
    monkeypatch.setattr(parlo.tasks, "TWILIO_ASYNC_HTTP_CLIENT", fake_twilio.async_client)
    monkeypatch.setattr(parlo.queue, "make_huey", lambda settings, **kw: make_huey(settings, memory=True))
    settings = twilio_settings.model_copy(update={"embedded_worker": True})
    shop = await salon(db, clock())
    app = create_app(settings, clock=clock, migrate=False)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
            response = await post_signed(http, "/webhooks/twilio",
                                         twilio_form(sender="+5215598765432", to=shop.number, body="Hola"))
            assert response.status_code == 200

            async def delivered():
                rows = await outbox(db)
                return rows if rows and rows[0].status is DeliveryStatus.QUEUED else None

            [row] = await eventually(delivered)
    assert fake_twilio.messages[0].to == "whatsapp:+5215598765432"
    assert row.provider_message_id == fake_twilio.messages[0].sid


async def test_tasks_in_immediate_mode_run_from_inside_an_event_loop(twilio_settings, clock, db, fake_twilio,
                                                                     monkeypatch):
    """``asyncio.run`` fails inside a running loop; the task hops to a thread with its own loop."""
    from messaging.inbound import InboundMessage, store_inbound

    made = []

    def async_client():
        made.append(fake_twilio.async_client())
        return made[-1]

    monkeypatch.setattr(parlo.tasks, "TWILIO_HTTP_CLIENT", fake_twilio)
    monkeypatch.setattr(parlo.tasks, "TWILIO_ASYNC_HTTP_CLIENT", async_client)
    shop = await salon(db, clock())
    tasks = register(make_huey(twilio_settings, immediate=True, memory=True), twilio_settings, clock)
    stored = await store_inbound(db, InboundMessage(message_sid="SMimmediate", from_address="whatsapp:+525598765432",
                                                    to_address=f"whatsapp:{shop.number}", body="hola"),
                                 now=clock(), central_number=twilio_settings.central_number)
    await tasks.queue.conversation_waiting(stored.conversation_id)  # runs the turn, which queues delivery
    [message] = await inbound_messages(db)
    assert message.processed_at is not None
    assert [r.status for r in await outbox(db)] == [DeliveryStatus.QUEUED]
    assert len(fake_twilio.messages) == 1
    # the turn's thread and the delivery's each made a sender of their own, for their own loop
    assert len(made) == 2 and made[0] is not made[1]


async def test_the_worker_registers_every_whatsapp_task(settings, clock):
    tasks = register(make_huey(settings, memory=True), settings, clock)
    names = {name.rsplit(".", 2)[-2] + "." + name.rsplit(".", 1)[-1] for name in tasks.huey._registry._registry}
    assert {"parlo.process_conversation", "parlo.deliver_outbox", "parlo.whatsapp_sweep"} <= names


@pytest.mark.parametrize("at_offset, scheduled", [(0, False), (30, True)])
async def test_retries_are_scheduled_with_a_delay_not_the_service_clock(settings, clock, at_offset, scheduled):
    from datetime import timedelta

    huey = make_huey(settings, memory=True)
    tasks = register(huey, settings, clock)
    await tasks.queue.outbox_waiting(at=clock() + timedelta(seconds=at_offset))
    [task] = huey.pending()
    assert (task.eta is not None) is scheduled
