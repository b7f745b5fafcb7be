"""Twilio's form is bounded and checked before the database: both backends answer the same."""

from __future__ import annotations

import logging

from sqlalchemy import select

from messaging.webhook_input import MAX_BODY, MAX_PROFILE_NAME, Refused, clean_form, clean_text
from parlo.whatsapp_app import WEBHOOK_MAX_BODY
from storage import Conversation, OutboundMessage
from tests.messaging.whatsapp_kit import inbound_messages, new_sid, post_signed, salon, twilio_form


async def _conversations(db) -> list[Conversation]:
    async with db.session() as session:
        return list((await session.scalars(select(Conversation))).all())


async def test_overlong_text_fields_and_nul_bytes_are_stored_trimmed_not_a_500(whatsapp, db, clock):
    shop = await salon(db, clock())
    form = twilio_form(sender="+5215512345678", to=shop.number, body="Hola\x00 quiero cita" + "a" * 10_000,
                       ProfileName="Juan\x00" + "é" * 500, NumMedia="1",
                       MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
                       MediaContentType0="image/" + "x" * 150)
    response = await post_signed(whatsapp, "/webhooks/twilio", form)
    assert response.status_code == 200
    [message] = await inbound_messages(db)
    assert message.body.startswith("Hola quiero cita") and len(message.body) == MAX_BODY and "\x00" not in message.body
    assert message.media_url.startswith("https://api.twilio.com/") and message.media_content_type is None
    [conversation] = await _conversations(db)
    assert conversation.profile_name.startswith("Juan") and len(conversation.profile_name) == MAX_PROFILE_NAME


async def test_an_overlong_or_malformed_message_sid_is_refused_with_400(whatsapp, db, clock):
    shop = await salon(db, clock())
    for sid in ("SM" + "a" * 100, "SM<script>", ""):
        form = twilio_form(sender="+5215512345678", to=shop.number, sid=sid or "x")
        form["MessageSid"] = form["SmsMessageSid"] = sid
        response = await post_signed(whatsapp, "/webhooks/twilio", form)
        assert response.status_code == 400, sid
    assert await inbound_messages(db) == []


async def test_a_from_that_is_not_a_phone_is_refused_with_400_and_logged(whatsapp, db, clock, caplog):
    shop = await salon(db, clock())
    caplog.set_level(logging.WARNING, logger="parlo.whatsapp")
    for sender in ("hola-mundo", "+52155123456789012345678", "+52 55 1234\x005678", ""):
        form = twilio_form(sender="+5215512345678", to=shop.number)
        form["From"] = f"whatsapp:{sender}"
        response = await post_signed(whatsapp, "/webhooks/twilio", form)
        assert response.status_code == 400, sender
        assert response.text == "From no es un número de teléfono"
    assert "From no es un número de teléfono" in caplog.text
    form = twilio_form(sender="+5215512345678", to=shop.number)
    form["To"] = "whatsapp:parlo"
    assert (await post_signed(whatsapp, "/webhooks/twilio", form)).status_code == 400
    assert await inbound_messages(db) == [] and await _conversations(db) == []


async def test_a_webhook_body_over_twilios_maximum_is_refused_unread(whatsapp, db, clock):
    shop = await salon(db, clock())
    form = twilio_form(sender="+5215512345678", to=shop.number, Padding="x" * WEBHOOK_MAX_BODY)
    response = await post_signed(whatsapp, "/webhooks/twilio", form)
    assert response.status_code == 413
    assert await inbound_messages(db) == []


async def test_a_status_callback_with_a_nul_byte_in_its_error_is_recorded(whatsapp, db, clock):
    from messaging.status import record_provider_status  # noqa: F401  (the path the callback takes)
    from resolvers.outbox import enqueue

    shop = await salon(db, clock())
    async with db.transaction(write=True) as session:
        row = enqueue(session, now=clock(), to="+525512345678", organization_id=shop.org.id, body="hola")
        row.provider_message_id = "SM" + "1" * 32
    form = {"MessageSid": "SM" + "1" * 32, "MessageStatus": "undelivered", "ErrorCode": "63016",
            "ErrorMessage": "fuera\x00 de ventana" + "x" * 5000}
    response = await post_signed(whatsapp, "/webhooks/twilio/status", form)
    assert response.status_code == 204
    async with db.session() as session:
        stored = await session.scalar(select(OutboundMessage).where(OutboundMessage.id == row.id))
    assert stored.last_error.startswith("Twilio 63016: fuera de ventana") and "\x00" not in stored.last_error


def test_the_same_form_is_cleaned_the_same_way_whatever_the_database():
    form = twilio_form(sender="+5215512345678", to="+525587654321", body="  hola\x00\x07 ✂️\n  ",
                       ProfileName="\u200bAna\x1b", NumMedia="99")
    cleaned = clean_form(form)
    assert cleaned["Body"] == "hola ✂️" and cleaned["ProfileName"] == "\u200bAna" and cleaned["NumMedia"] == "10"
    assert clean_form({**form, "From": "whatsapp:hola-mundo"}) == Refused("From no es un número de teléfono", "From")
    assert clean_text("a\x00b", 10) == "ab" and clean_text("x" * 50, 5) == "xxxxx"
    assert isinstance(clean_form({**form, "MessageSid": new_sid() + "0" * 40, "SmsMessageSid": ""}), Refused)
