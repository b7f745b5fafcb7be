"""Outbox delivery: exactly once, in order, retried when Twilio stumbles, recorded when it refuses."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from messaging.delivery import deliver_due, recover_abandoned
from messaging.outbox_claims import claim_due
from messaging.runtime import DeliveryPolicy
from messaging.senders import Outgoing, Sent
from resolvers.outbox import enqueue
from storage import Conversation, ConversationChannel, DeliveryStatus
from tests.fakes.twilio import FakeTwilio
from tests.messaging.whatsapp_kit import TickingClock, outbox, salon, wire


async def queue_rows(db, now, org_id, count: int, *, to: str = "+525512345678", later=timedelta(0), **kwargs):
    """``count`` rows written one after another (``later`` than ``now``, a microsecond apart), all due ``now``."""
    async with db.transaction(write=True) as session:
        rows = [enqueue(session, now=now + later + timedelta(microseconds=i), to=to, organization_id=org_id,
                        body=kwargs.get("body", f"mensaje {i}"),
                        **{k: v for k, v in kwargs.items() if k != "body"}) for i in range(count)]
        for row in rows:
            row.next_attempt_at = now
        return rows


async def open_window(db, shop, phone: str, at) -> None:
    async with db.transaction(write=True) as session:
        session.add(Conversation(organization_id=shop.org.id, channel=ConversationChannel.BUSINESS,
                                 business_number=shop.number, phone_number=phone, reply_to=f"whatsapp:{phone}",
                                 context={}, last_inbound_at=at, created_at=at, updated_at=at))


async def test_every_row_is_delivered_once_in_order(db, clock, fake_twilio):
    shop = await salon(db, clock())
    m = wire(db, clock, twilio=fake_twilio)
    await queue_rows(db, clock(), shop.org.id, 5)
    report = await deliver_due(m)
    assert report.sent == 5
    assert [msg.body for msg in fake_twilio.messages] == [f"mensaje {i}" for i in range(5)]
    assert await deliver_due(m) == type(report)()  # nothing left
    assert {r.status for r in await outbox(db)} == {DeliveryStatus.QUEUED}


async def test_when_twilio_is_down_rows_wait_and_each_is_delivered_exactly_once(db, clock, fake_twilio):
    shop = await salon(db, clock())
    m = wire(db, clock, twilio=fake_twilio)
    await queue_rows(db, clock(), shop.org.id, 3, to="+525512345678")
    await queue_rows(db, clock(), shop.org.id, 3, to="+525598765432")
    fake_twilio.fail_next(503, 503, 429, asyncio.TimeoutError(), 503)

    for _ in range(10):  # workers keep trying as the backoff comes due
        await deliver_due(m)
        clock.advance(timedelta(minutes=5))
    rows = await outbox(db)
    assert {r.status for r in rows} == {DeliveryStatus.QUEUED}
    assert len(fake_twilio.messages) == 6
    assert len({msg.body + msg.to for msg in fake_twilio.messages}) == 6
    for phone in ("+525512345678", "+525598765432"):  # each person still reads them in order
        assert [msg.body for msg in fake_twilio.sent_to(f"whatsapp:{phone}")] == [f"mensaje {i}" for i in range(3)]
    assert max(r.attempts for r in rows) > 1


async def test_a_retry_waits_with_exponential_backoff(db, clock, fake_twilio):
    shop = await salon(db, clock())
    m = wire(db, clock, twilio=fake_twilio, policy=DeliveryPolicy(first_retry=timedelta(seconds=10)))
    await queue_rows(db, clock(), shop.org.id, 1)
    fake_twilio.fail_next(503, 503)
    first = await deliver_due(m)
    assert first.retrying == 1 and first.next_retry_at == clock() + timedelta(seconds=10)
    assert (await deliver_due(m)).sent == 0  # not due yet
    clock.advance(timedelta(seconds=10))
    second = await deliver_due(m)
    assert second.next_retry_at == clock() + timedelta(seconds=20)
    clock.advance(timedelta(seconds=20))
    assert (await deliver_due(m)).sent == 1


async def test_a_permanent_error_is_recorded_and_not_retried(db, clock, fake_twilio):
    shop = await salon(db, clock())
    m = wire(db, clock, twilio=fake_twilio)
    await queue_rows(db, clock(), shop.org.id, 1, to="+520000000001")
    report = await deliver_due(m)
    [row] = await outbox(db)
    assert report.failed == 1 and row.status is DeliveryStatus.FAILED and "21211" in row.last_error
    clock.advance(timedelta(hours=1))
    assert (await deliver_due(m)).sent == 0 and len(fake_twilio.requests) == 1


async def test_retries_stop_at_the_attempt_cap(db, clock, fake_twilio):
    shop = await salon(db, clock())
    m = wire(db, clock, twilio=fake_twilio, policy=DeliveryPolicy(max_attempts=3))
    await queue_rows(db, clock(), shop.org.id, 1)
    fake_twilio.fail_next(*([500] * 10))
    for _ in range(6):
        await deliver_due(m)
        clock.advance(timedelta(hours=1))
    [row] = await outbox(db)
    assert row.status is DeliveryStatus.FAILED and row.attempts == 3 and "500" in row.last_error


async def test_a_worker_killed_between_claim_and_send_still_delivers_once(db, clock, fake_twilio):
    shop = await salon(db, clock())
    m = wire(db, clock, twilio=fake_twilio)
    await queue_rows(db, clock(), shop.org.id, 2)
    claimed = await claim_due(m)  # ...and the worker dies here
    # a person's due rows are taken together, to be sent in order; other workers leave both alone
    assert [r.body for r in claimed] == ["mensaje 0", "mensaje 1"] and (await deliver_due(m)).sent == 0
    clock.advance(m.config.delivery.lease + timedelta(seconds=1))
    m.queue.paused = True  # this test plays the next worker itself
    assert await recover_abandoned(m) == 2
    assert (await deliver_due(m)).sent == 2
    assert [msg.body for msg in fake_twilio.messages] == ["mensaje 0", "mensaje 1"]


class DiesAfterTwilioAccepts:
    """A sender whose worker is killed right after Twilio took the message, before recording it."""

    def __init__(self, inner) -> None:
        self.inner = inner

    async def send(self, message: Outgoing) -> Sent:
        await self.inner.send(message)
        raise asyncio.CancelledError  # the process is gone

    async def find_sent(self, message, *, since):
        return await self.inner.find_sent(message, since=since)


async def test_a_worker_killed_after_twilio_accepted_does_not_send_twice(db, clock, fake_twilio):
    shop = await salon(db, clock())
    m = wire(db, clock, twilio=fake_twilio)
    await queue_rows(db, clock(), shop.org.id, 1, body="Tu cita quedó")
    await queue_rows(db, clock(), shop.org.id, 1, body="Tu cita quedó", later=timedelta(seconds=1))  # same text, another row
    honest = m.sender
    m.sender = DiesAfterTwilioAccepts(honest)
    with pytest.raises(asyncio.CancelledError):
        await deliver_due(m)
    m.sender = honest
    clock.advance(m.config.delivery.lease + timedelta(seconds=1))
    await recover_abandoned(m)
    await deliver_due(m)
    await m.queue.drain()
    rows = await outbox(db)
    assert [r.status for r in rows] == [DeliveryStatus.QUEUED, DeliveryStatus.QUEUED]
    assert len(fake_twilio.messages) == 2  # the first was found at Twilio, the second sent once
    assert {r.provider_message_id for r in rows} == {msg.sid for msg in fake_twilio.messages}


async def test_a_status_callback_catches_up_a_row_whose_worker_died(whatsapp, db, clock, fake_twilio):
    from tests.messaging.whatsapp_kit import post_signed

    shop = await salon(db, clock())
    m = whatsapp.messaging
    [row] = await queue_rows(db, clock(), shop.org.id, 1)
    m.sender, honest = DiesAfterTwilioAccepts(m.sender), m.sender
    with pytest.raises(asyncio.CancelledError):
        await deliver_due(m)
    m.sender = honest
    [sent] = fake_twilio.messages
    path = sent.status_callback.removeprefix("https://parlo.test")
    assert (await post_signed(whatsapp, path, {"MessageSid": sent.sid, "MessageStatus": "sent"})).status_code == 204
    clock.advance(m.config.delivery.lease + timedelta(seconds=1))
    await recover_abandoned(m)
    await deliver_due(m)
    await m.queue.drain()
    [row] = await outbox(db)
    assert row.provider_message_id == sent.sid and row.status is DeliveryStatus.SENT
    assert len(fake_twilio.messages) == 1


async def test_concurrent_workers_never_send_a_row_twice(db, clock, fake_twilio):
    shop = await salon(db, clock())
    workers = [wire(db, clock, twilio=fake_twilio) for _ in range(4)]
    for i in range(10):
        await queue_rows(db, clock(), shop.org.id, 3, to=f"+5255123450{i:02d}")
    await asyncio.gather(*(deliver_due(w) for w in workers))
    assert len(fake_twilio.messages) == 30
    assert len({(msg.to, msg.body) for msg in fake_twilio.messages}) == 30
    for i in range(10):  # each person's in the order written, whichever workers took them
        assert [msg.body for msg in fake_twilio.sent_to(f"whatsapp:+5255123450{i:02d}")] == [
            "mensaje 0", "mensaje 1", "mensaje 2"]


async def test_a_notification_inside_the_window_goes_as_text(db, clock, fake_twilio):
    shop = await salon(db, clock())
    await open_window(db, shop, "+525512345678", clock() - timedelta(hours=2))
    m = wire(db, clock, twilio=fake_twilio, content_sids={"appointment_confirmation": "HXconfirm"})
    await queue_rows(db, clock(), shop.org.id, 1, body=None, kind="appointment_confirmation",
                     template_name="appointment_confirmation",
                     variables={"business_name": "Barbería Don Carlos", "service_name": "Corte de cabello",
                                "starts_at": "2026-01-17T21:00:00+00:00", "timezone": "America/Mexico_City",
                                "staff_name": "Pedro", "price_cents": 15000})
    await deliver_due(m)
    [sent] = fake_twilio.messages
    assert sent.content_sid is None
    assert sent.body.startswith("¡Listo! Tu cita de Corte de cabello en Barbería Don Carlos quedó para "
                                "mañana sábado a las 3:00 PM con Pedro.")
    assert "$150" in sent.body
    [row] = await outbox(db)
    assert row.body == sent.body  # kept for the history


async def test_a_notification_outside_the_window_goes_as_a_template_with_variables(db, clock, fake_twilio):
    shop = await salon(db, clock())
    await open_window(db, shop, "+525512345678", clock() - timedelta(days=3))
    m = wire(db, clock, twilio=fake_twilio, content_sids={"appointment_reminder": "HXreminder"})
    await queue_rows(db, clock(), shop.org.id, 1, body=None, template_name="appointment_reminder",
                     variables={"business_name": "Barbería Don Carlos", "service_name": "Corte de cabello",
                                "starts_at": "2026-01-17T21:00:00+00:00", "timezone": "America/Mexico_City"})
    await deliver_due(m)
    [sent] = fake_twilio.messages
    assert sent.content_sid == "HXreminder"
    assert sent.content_variables == {"1": "Corte de cabello", "2": "mañana sábado", "3": "3:00 PM",
                                      "4": "Barbería Don Carlos"}


async def test_an_unknown_template_is_a_recorded_failure_not_a_crash(db, clock, fake_twilio):
    shop = await salon(db, clock())
    m = wire(db, clock, twilio=fake_twilio)
    await queue_rows(db, clock(), shop.org.id, 1, body=None, template_name="horoscopo_del_dia", variables={})
    await queue_rows(db, clock(), shop.org.id, 1, body="Sigo aquí", later=timedelta(seconds=1))
    report = await deliver_due(m)
    rows = await outbox(db)
    assert (report.failed, report.sent) == (1, 1)
    assert rows[0].status is DeliveryStatus.FAILED and "horoscopo_del_dia" in rows[0].last_error
    assert [msg.body for msg in fake_twilio.messages] == ["Sigo aquí"]


async def test_a_template_with_no_content_sid_outside_the_window_fails_clearly(db, clock, fake_twilio):
    shop = await salon(db, clock())
    m = wire(db, clock, twilio=fake_twilio)
    await queue_rows(db, clock(), shop.org.id, 1, body=None, template_name="magic_link",
                     variables={"url": "https://parlo.test/entrar?token=abc"})
    await deliver_due(m)
    [row] = await outbox(db)
    assert row.status is DeliveryStatus.FAILED and "PARLO_TWILIO_CONTENT_SIDS" in row.last_error


async def test_without_twilio_messages_go_to_the_log_and_the_database(db, clock, caplog):
    shop = await salon(db, clock())
    m = wire(db, clock)  # LogSender
    await queue_rows(db, clock(), shop.org.id, 1, body="Hola desde desarrollo")
    with caplog.at_level("INFO", logger="parlo.whatsapp"):
        assert (await deliver_due(m)).sent == 1
    [row] = await outbox(db)
    assert row.status is DeliveryStatus.SENT and row.provider_message_id.startswith("DEV")
    assert "Hola desde desarrollo" in caplog.text


async def test_a_scheduled_row_waits_for_its_time(db, clock, fake_twilio):
    shop = await salon(db, clock())
    m = wire(db, clock, twilio=fake_twilio)
    async with db.transaction(write=True) as session:
        enqueue(session, now=clock(), to="+525512345678", organization_id=shop.org.id, body="recordatorio",
                send_after=clock() + timedelta(hours=3))
    await queue_rows(db, clock(), shop.org.id, 1, body="ahora", later=timedelta(seconds=1))
    await deliver_due(m)
    assert [msg.body for msg in fake_twilio.messages] == ["ahora"]  # a future row does not hold others back
    clock.advance(timedelta(hours=3))
    await deliver_due(m)
    assert [msg.body for msg in fake_twilio.messages] == ["ahora", "recordatorio"]


async def test_a_ticking_clock_keeps_separate_turns_in_order(db, fake_twilio):
    from tests.messaging.whatsapp_kit import FRIDAY

    clock = TickingClock(FRIDAY)
    shop = await salon(db, clock())
    m = wire(db, clock, twilio=FakeTwilio())
    for i in range(3):
        await queue_rows(db, clock(), shop.org.id, 1, body=f"turno {i}")
    await deliver_due(m)
    assert [msg.body for msg in m.sender.client.http_client.messages] == ["turno 0", "turno 1", "turno 2"]


async def test_a_notification_reaches_a_mexican_mobile_at_the_address_it_writes_from(db, clock, fake_twilio):
    """Use cases address +52…; WhatsApp delivers that person as +521…: send where they write from."""
    shop = await salon(db, clock())
    async with db.transaction(write=True) as session:
        session.add(Conversation(organization_id=shop.org.id, channel=ConversationChannel.BUSINESS,
                                 business_number=shop.number, phone_number="+525512345678",
                                 reply_to="whatsapp:+5215512345678", context={},
                                 last_inbound_at=clock() - timedelta(hours=1), created_at=clock(), updated_at=clock()))
    m = wire(db, clock, twilio=fake_twilio)
    await queue_rows(db, clock(), shop.org.id, 1, to="+525512345678", body="Te esperamos mañana")
    await deliver_due(m)
    [sent] = fake_twilio.messages
    assert sent.to == "whatsapp:+5215512345678"


async def test_a_template_message_whose_worker_died_after_twilio_accepted_is_not_sent_again(db, clock, fake_twilio):
    shop = await salon(db, clock())
    await open_window(db, shop, "+525512345678", clock() - timedelta(days=3))
    m = wire(db, clock, twilio=fake_twilio, content_sids={"appointment_reminder": "HXreminder"})
    await queue_rows(db, clock(), shop.org.id, 1, body=None, template_name="appointment_reminder",
                     variables={"business_name": "Barbería Don Carlos", "service_name": "Corte de cabello",
                                "starts_at": "2026-01-17T21:00:00+00:00", "timezone": "America/Mexico_City"})
    honest = m.sender
    m.sender = DiesAfterTwilioAccepts(honest)
    with pytest.raises(asyncio.CancelledError):
        await deliver_due(m)
    m.sender = honest
    m.queue.paused = True
    clock.advance(m.config.delivery.lease + timedelta(seconds=1))
    await recover_abandoned(m)
    await deliver_due(m)
    [row] = await outbox(db)
    assert len(fake_twilio.messages) == 1 and row.provider_message_id == fake_twilio.messages[0].sid


async def test_a_delivered_notification_joins_the_conversation_history(db, clock, fake_twilio):
    """So the engine knows what a customer's "sí" answers."""
    from sqlalchemy import select

    from storage import Message, MessageDirection

    shop = await salon(db, clock())
    await open_window(db, shop, "+525512345678", clock() - timedelta(hours=1))
    m = wire(db, clock, twilio=fake_twilio)
    await queue_rows(db, clock(), shop.org.id, 1, body=None, kind="notification", template_name="appointment_reminder",
                     variables={"business_name": "Barbería Don Carlos", "service_name": "Corte de cabello",
                                "starts_at": "2026-01-17T21:00:00+00:00", "timezone": "America/Mexico_City"})
    await queue_rows(db, clock(), shop.org.id, 1, to="+525599999999", body="sin conversación", kind="notification")
    await deliver_due(m)
    async with db.session() as session:
        [history] = (await session.scalars(select(Message))).all()
    assert history.direction is MessageDirection.OUTBOUND and history.body.startswith("¡Hola! Te recuerdo tu cita")
    assert history.provider_message_id == fake_twilio.sent_to("whatsapp:+525512345678")[0].sid


#: Delivering one notification, or a batch of them across salons (but on Citus): the due rows,
#: the claim (the rows read back by the same UPDATE), the sending numbers' tenants, the
#: recipients' conversations (address and 24-hour window), then recording them: their
#: UPDATE (one executemany, deciding from the row as it is: no read first); and the salons' next
#: look for due rows, which finds none. Twilio's immediate answer ("sent" from the log sender)
#: is recorded in that same UPDATE.
DELIVERY_STATEMENTS = 6


async def test_delivering_one_notification_costs_a_fixed_handful_of_statements(db, clock):
    from sqlalchemy import event

    shop = await salon(db, clock())
    m = wire(db, clock)  # LogSender: the row goes straight to "sent"
    await queue_rows(db, clock(), shop.org.id, 1, body="Tu cita quedó agendada", kind="notification",
                     from_number=shop.number)
    sent: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH"):
            sent.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        assert (await deliver_due(m)).sent == 1
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)
    [row] = await outbox(db)
    assert row.status is DeliveryStatus.SENT and row.provider_message_id.startswith("DEV")
    assert len(sent) <= DELIVERY_STATEMENTS, "\n".join(sent)


async def test_a_persons_rows_due_together_go_in_order_in_one_batch(db, clock, fake_twilio):
    """A person's due rows are claimed together and sent one after another, oldest first,
    while other people's rows go alongside; a failure holds that person's later rows back."""
    shop = await salon(db, clock())
    m = wire(db, clock, twilio=fake_twilio)
    await queue_rows(db, clock(), shop.org.id, 3, to="+525512345678", body="a")
    await queue_rows(db, clock(), shop.org.id, 3, to="+525598765432", body="b")
    claimed = await claim_due(m)
    assert len(claimed) == 6 and (await deliver_due(wire(db, clock, twilio=fake_twilio))).sent == 0
    await _reset_claims(db)
    fake_twilio.fail_next(500)  # the first send of the batch: one person's first row
    report = await deliver_due(m)
    assert report.sent == 3 and report.retrying == 1
    # one person's three went out; nothing after the other's failed first row did
    assert len({msg.to for msg in fake_twilio.messages}) == 1 and len(fake_twilio.messages) == 3
    clock.advance(timedelta(minutes=1))
    assert (await deliver_due(m)).sent == 3
    sent_order = {to: [msg.sid for msg in fake_twilio.sent_to(to)] for to in {m_.to for m_ in fake_twilio.messages}}
    rows = await outbox(db)
    for to, sids in sent_order.items():
        assert sids == [r.provider_message_id for r in rows if r.to_number == to]  # sent in the rows' order


async def _reset_claims(db) -> None:
    from sqlalchemy import update

    from storage import OutboundMessage

    async with db.transaction(write=True) as session:
        await session.execute(update(OutboundMessage).values(status=DeliveryStatus.PENDING, attempts=0)
                              .execution_options(synchronize_session=False))


async def test_a_row_whose_earlier_row_another_worker_took_meanwhile_waits_for_it(db, clock, fake_twilio,
                                                                                  monkeypatch):
    import messaging.delivery as delivery
    import messaging.outbox_claims as claims

    shop = await salon(db, clock())
    a, b = wire(db, clock, twilio=fake_twilio), wire(db, clock, twilio=fake_twilio)
    await queue_rows(db, clock(), shop.org.id, 2)
    real = claims.tenant_groups
    taken = []

    async def meanwhile(db_, tenants):  # between a's look-up and a's claim, b takes the first row
        monkeypatch.setattr(claims, "tenant_groups", real)
        taken.extend(await claim_due(b, limit=1))
        return await real(db_, tenants)

    monkeypatch.setattr(claims, "tenant_groups", meanwhile)
    assert await claim_due(a) == []
    assert [r.body for r in taken] == ["mensaje 0"]
    assert [(r.status, r.attempts) for r in await outbox(db)] == [(DeliveryStatus.SENDING, 1),
                                                                  (DeliveryStatus.PENDING, 0)]
    await delivery.send_claimed(b, taken, delivery.DeliveryReport())
    assert (await deliver_due(a)).sent == 1
    assert [msg.body for msg in fake_twilio.messages] == ["mensaje 0", "mensaje 1"]


async def test_a_batch_across_salons_costs_the_same_handful_of_statements(db, clock, citus):
    """Not a statement per row, nor per salon (but on Citus, where each names one salon)."""
    from sqlalchemy import event

    if citus:
        pytest.skip("on Citus each statement names one salon: test_single_shard.py counts those")
    shops = [await salon(db, clock(), number=f"+5255876543{i:02d}", owner_phone=f"+5255123450{i:02d}",
                         name=f"Salón {i}") for i in range(5)]
    m = wire(db, clock)
    for i, shop in enumerate(shops):
        for person in range(4):
            await queue_rows(db, clock(), shop.org.id, 2, to=f"+5255{i:02d}0000{person:02d}", kind="notification",
                             from_number=shop.number)
    sent: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH"):
            sent.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        assert (await deliver_due(m)).sent == 40
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)
    assert len(sent) <= DELIVERY_STATEMENTS, "\n".join(sent)


class CallsBackAtOnce:
    """Twilio's status callback arrives before the worker has recorded the send."""

    def __init__(self, inner, db, clock, status: str) -> None:
        self.inner, self.db, self.clock, self.status = inner, db, clock, status

    async def send(self, message: Outgoing) -> Sent:
        from messaging.status import record_provider_status

        sent = await self.inner.send(message)
        [row] = [r for r in await outbox(self.db) if str(r.id) == message.outbox_id]
        assert await record_provider_status(self.db, provider_message_id=sent.provider_message_id, status=self.status,
                                            now=self.clock(), outbox_id=row.id, organization_id=row.organization_id)
        return sent

    async def find_sent(self, message, *, since):
        return await self.inner.find_sent(message, since=since)


async def test_a_callback_before_the_record_is_kept(db, clock, fake_twilio):
    shop = await salon(db, clock())
    m = wire(db, clock, twilio=fake_twilio)
    await queue_rows(db, clock(), shop.org.id, 2)
    m.sender = CallsBackAtOnce(m.sender, db, clock, "delivered")
    assert (await deliver_due(m)).sent == 2
    rows = await outbox(db)
    assert [r.status for r in rows] == [DeliveryStatus.DELIVERED] * 2  # not back to "queued"
    assert [r.provider_message_id for r in rows] == [msg.sid for msg in fake_twilio.messages]
    assert all(r.delivered_at is not None and r.sent_at is not None for r in rows)


async def test_a_turns_replies_go_out_with_no_look_ups(db, clock):
    """A turn addressed its text replies to the conversation's reply_to from its number, and
    stored them in the history: delivering them is the look for due rows, the claim, the
    record and the salon's next look; nothing about the recipient is read again."""
    from sqlalchemy import event, select

    shop = await salon(db, clock())
    await open_window(db, shop, "+525512345678", clock())
    async with db.session() as session:
        conversation = await session.scalar(select(Conversation))
    m = wire(db, clock)
    await queue_rows(db, clock(), shop.org.id, 3, to="whatsapp:+5215512345678", from_number=shop.number,
                     conversation_id=conversation.id)
    sent: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH"):
            sent.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        assert (await deliver_due(m)).sent == 3
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)
    assert len(sent) <= 4, "\n".join(sent)
    assert [msg.to for msg in m.sender.sent] == ["whatsapp:+5215512345678"] * 3
    assert [msg.body for msg in m.sender.sent] == ["mensaje 0", "mensaje 1", "mensaje 2"]


class BreaksOnOnePerson:
    """A sender that fails in an unexpected way (not a SendFailed) for one recipient."""

    def __init__(self, inner, to: str) -> None:
        self.inner, self.to = inner, to

    async def send(self, message: Outgoing) -> Sent:
        if message.to == self.to:
            raise RuntimeError("algo inesperado")
        return await self.inner.send(message)

    async def find_sent(self, message, *, since):
        return await self.inner.find_sent(message, since=since)


async def test_an_unexpected_error_on_one_person_still_records_what_went_out(db, clock, fake_twilio):
    shop = await salon(db, clock())
    m = wire(db, clock, twilio=fake_twilio)
    await queue_rows(db, clock(), shop.org.id, 2, to="+525512345678")
    await queue_rows(db, clock(), shop.org.id, 2, to="+525598765432")
    m.sender = BreaksOnOnePerson(m.sender, "whatsapp:+525512345678")
    with pytest.raises(RuntimeError):
        await deliver_due(m)
    rows = await outbox(db)
    assert [r.status for r in rows if r.to_number == "whatsapp:+525598765432"] == [DeliveryStatus.QUEUED] * 2
    assert [r.status for r in rows if r.to_number == "whatsapp:+525512345678"] == [DeliveryStatus.SENDING] * 2
    assert len(fake_twilio.messages) == 2  # the broken person's rows wait for recover_abandoned


class _Deadlock(Exception):
    """What asyncpg raises when PostgreSQL picks this transaction as a deadlock's victim."""

    sqlstate = "40P01"


@pytest.mark.parametrize("marker", ["provider_message_id=coalesce", "claimed_at="], ids=["record", "claim"])
async def test_a_claim_or_record_aborted_by_a_deadlock_is_run_again(db, clock, fake_twilio, marker):
    """Under load two workers' claim and record can lock rows in different orders, and
    PostgreSQL aborts one. The record is conditional on the rows' state, so it runs again;
    giving up left the batch, already sent, in ``sending`` until the abandoned-send sweep."""
    from sqlalchemy import event
    from sqlalchemy.exc import DBAPIError

    shop = await salon(db, clock())
    m = wire(db, clock, twilio=fake_twilio)
    await queue_rows(db, clock(), shop.org.id, 2, to="+525512345678")
    await queue_rows(db, clock(), shop.org.id, 1, to="+525598765432")
    aborted: list[str] = []

    def deadlock_once(conn, cursor, statement, parameters, context, executemany):
        if not aborted and statement.lstrip().upper().startswith("UPDATE OUTBOUND_MESSAGES") and marker in statement:
            aborted.append(statement)
            raise DBAPIError(statement, parameters, _Deadlock("deadlock detected"))

    event.listen(db.engine.sync_engine, "before_cursor_execute", deadlock_once)
    try:
        report = await deliver_due(m)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", deadlock_once)
    assert aborted, "the statement was not reached"
    assert report.sent == 3
    assert {r.status for r in await outbox(db)} == {DeliveryStatus.QUEUED}
    assert len(fake_twilio.messages) == 3  # sent once: only the record ran again


async def test_another_database_error_in_the_record_is_not_hidden(db, clock, fake_twilio):
    from sqlalchemy import event
    from sqlalchemy.exc import DBAPIError

    shop = await salon(db, clock())
    m = wire(db, clock, twilio=fake_twilio)
    await queue_rows(db, clock(), shop.org.id, 1)

    def broken(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE OUTBOUND_MESSAGES") and "provider_message_id=coalesce" in statement:
            raise DBAPIError(statement, parameters, RuntimeError("disk full"))

    event.listen(db.engine.sync_engine, "before_cursor_execute", broken)
    try:
        with pytest.raises(DBAPIError):
            await deliver_due(m)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", broken)
    assert [r.status for r in await outbox(db)] == [DeliveryStatus.SENDING]  # recover_abandoned settles it
