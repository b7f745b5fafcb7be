"""The Twilio webhook: signed, stored once, answered at once, the conversation queued."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from storage import Conversation, Customer, DeliveryStatus, Message, OutboundMessage
from tests.messaging.whatsapp_kit import inbound_messages, new_sid, outbox, post_signed, salon, twilio_form


async def test_a_customer_message_is_stored_answered_and_acknowledged(whatsapp, db, clock, fake_twilio):
    shop = await salon(db, clock())
    response = await post_signed(whatsapp, "/webhooks/twilio",
                                 twilio_form(sender="+5215512345678", to=shop.number, body="Hola, quiero una cita"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert "<Response></Response>" in response.text
    await whatsapp.messaging.queue.drain()

    [message] = await inbound_messages(db)
    assert message.body == "Hola, quiero una cita" and message.processed_at is not None
    [reply] = await outbox(db)
    assert reply.status is DeliveryStatus.QUEUED and reply.provider_message_id.startswith("SM")
    assert reply.to_number == "whatsapp:+5215512345678"  # the exact From Twilio sent
    [sent] = fake_twilio.messages
    assert sent.to == "whatsapp:+5215512345678" and sent.from_ == f"whatsapp:{shop.number}"
    assert "Recibimos tu mensaje" in sent.body and "Barbería Don Carlos" in sent.body
    # the row and its salon: the callback finds the row by its whole key (one shard on Citus)
    assert sent.status_callback.endswith(f"/webhooks/twilio/status?outbox={reply.id}&tenant={shop.org.id}")


async def test_a_forged_signature_is_refused_and_nothing_is_stored(whatsapp, db, clock):
    shop = await salon(db, clock())
    form = twilio_form(sender="+525512345678", to=shop.number)
    forged = await post_signed(whatsapp, "/webhooks/twilio", form, token="not-the-auth-token")
    missing = await whatsapp.post("/webhooks/twilio", data=form)
    assert forged.status_code == 403 and missing.status_code == 403
    assert await inbound_messages(db) == []


async def test_the_signature_is_checked_against_the_public_url_not_the_request_url(whatsapp, db, clock):
    """Behind a proxy the app sees http://testserver; Twilio signed https://parlo.test."""
    shop = await salon(db, clock())
    form = twilio_form(sender="+525512345678", to=shop.number)
    from messaging.signatures import sign
    from tests.fakes.twilio import AUTH_TOKEN

    signed_for_internal_url = sign(AUTH_TOKEN, "http://testserver/webhooks/twilio", form)
    refused = await post_signed(whatsapp, "/webhooks/twilio", form, signature=signed_for_internal_url)
    accepted = await post_signed(whatsapp, "/webhooks/twilio", form)
    assert (refused.status_code, accepted.status_code) == (403, 200)


async def test_twenty_concurrent_redeliveries_store_one_message_and_send_one_reply(whatsapp, db, clock, fake_twilio):
    shop = await salon(db, clock())
    form = twilio_form(sender="+525512345678", to=shop.number, body="¿Tienen lugar hoy?", sid=new_sid())
    responses = await asyncio.gather(*(post_signed(whatsapp, "/webhooks/twilio", form) for _ in range(20)))
    assert {r.status_code for r in responses} == {200}
    await whatsapp.messaging.queue.drain()
    assert len(await inbound_messages(db)) == 1
    assert len(await outbox(db)) == 1
    assert len(fake_twilio.messages) == 1


async def test_old_and_new_mexican_mobile_forms_are_one_customer_and_one_conversation(whatsapp, db, clock):
    shop = await salon(db, clock())
    await post_signed(whatsapp, "/webhooks/twilio", twilio_form(sender="+5215512345678", to=shop.number, body="hola"))
    await post_signed(whatsapp, "/webhooks/twilio", twilio_form(sender="+525512345678", to=shop.number, body="¿sigues?"))
    await whatsapp.messaging.queue.drain()
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Conversation)) == 1
        [customer] = (await session.scalars(select(Customer))).all()
        assert customer.phone_number == "+525512345678" and customer.organization_id == shop.org.id
        replies = (await session.scalars(select(OutboundMessage.to_number))).all()
    assert replies[-1] == "whatsapp:+525512345678"  # answered where the person writes from now


async def test_a_voice_note_without_openai_is_kept_and_the_sender_asked_to_write_it(whatsapp, db, clock, fake_twilio):
    shop = await salon(db, clock())
    form = twilio_form(sender="+525512345678", to=shop.number, body="", NumMedia="1",
                       MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM1/Media/ME1",
                       MediaContentType0="audio/ogg")
    assert (await post_signed(whatsapp, "/webhooks/twilio", form)).status_code == 200
    await whatsapp.messaging.queue.drain()
    [message] = await inbound_messages(db)
    assert message.content_type.value == "audio" and message.media_url.endswith("/ME1")
    assert message.media_content_type == "audio/ogg"
    [sent] = fake_twilio.messages  # the sender only: nobody else is bothered
    assert "no puedo escuchar notas de voz" in sent.body and "escribes" in sent.body


async def test_status_callbacks_only_move_a_message_forward(whatsapp, db, clock, fake_twilio):
    shop = await salon(db, clock())
    await post_signed(whatsapp, "/webhooks/twilio", twilio_form(sender="+525512345678", to=shop.number))
    await whatsapp.messaging.queue.drain()
    [row] = await outbox(db)

    async def callback(status: str) -> int:
        form = {"MessageSid": row.provider_message_id, "MessageStatus": status, "AccountSid": "AC",
                "To": row.to_number, "From": f"whatsapp:{shop.number}"}
        return (await post_signed(whatsapp, f"/webhooks/twilio/status?outbox={row.id}&tenant={row.organization_id}",
                                  form)).status_code

    for status, expected in [("sent", DeliveryStatus.SENT), ("delivered", DeliveryStatus.DELIVERED),
                             ("sent", DeliveryStatus.DELIVERED), ("read", DeliveryStatus.READ),
                             ("failed", DeliveryStatus.READ), ("delivered", DeliveryStatus.READ)]:
        assert await callback(status) == 204
        [row] = await outbox(db)
        assert row.status is expected, status
    assert row.delivered_at is not None


async def test_a_status_callback_without_signature_is_refused(whatsapp, db, clock):
    response = await whatsapp.post("/webhooks/twilio/status", data={"MessageSid": "SM1", "MessageStatus": "read"})
    assert response.status_code == 403


async def test_the_message_keeps_its_place_in_the_conversation(whatsapp, db, clock):
    shop = await salon(db, clock())
    whatsapp.messaging.queue.paused = True
    for text in ["uno", "dos", "tres"]:
        await post_signed(whatsapp, "/webhooks/twilio", twilio_form(sender="+525512345678", to=shop.number, body=text))
    messages = await inbound_messages(db)
    assert [(m.sequence, m.body) for m in messages] == [(1, "uno"), (2, "dos"), (3, "tres")]
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Message).where(Message.processed_at.is_(None))) == 3


async def test_a_status_callback_that_moves_a_message_forward_is_one_statement(whatsapp, db, clock, fake_twilio):
    """Twilio calls back two or three times per message (sent, delivered, read): the usual one,
    for a row that knows its SID, is a single UPDATE; a late or repeated one is looked at."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    shop = await salon(db, clock())
    await post_signed(whatsapp, "/webhooks/twilio", twilio_form(sender="+525512345678", to=shop.number))
    await whatsapp.messaging.queue.drain()
    [row] = await outbox(db)
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH"):
            statements.append(statement)

    async def callback(status: str) -> list[str]:
        statements.clear()
        form = {"MessageSid": row.provider_message_id, "MessageStatus": status, "AccountSid": "AC",
                "To": row.to_number, "From": f"whatsapp:{shop.number}"}
        event.listen(Engine, "before_cursor_execute", seen)
        try:
            assert (await post_signed(whatsapp, f"/webhooks/twilio/status?outbox={row.id}&tenant={row.organization_id}",
                                      form)).status_code == 204
        finally:
            event.remove(Engine, "before_cursor_execute", seen)
        return list(statements)

    assert len(await callback("delivered")) == 1
    late = await callback("sent")
    assert len(late) == 2  # tried, then looked at: nothing moves back
    [row] = await outbox(db)
    assert row.status is DeliveryStatus.DELIVERED and row.delivered_at is not None
