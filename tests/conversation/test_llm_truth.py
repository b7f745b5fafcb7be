"""The LLM engine is held to the truth: a reply is checked against what the tools did this turn.

Against the scripted fake OpenAI: claims of a booking, move or cancellation no tool made,
and replies not in Spanish, never reach the customer; the rule engine answers from the
same state instead (or, if the model did change something, a plain statement of it).
"""

from __future__ import annotations

from datetime import date, time

import pytest

from messaging.conversation.build import build_engine
from messaging.conversation.truth import Change, check_reply, claimed_changes, done_tools, looks_spanish
from storage import AppointmentStatus
from tests.conversation.fake_openai import BASE_URL, call, text
from tests.conversation.kit import Chat, add_appointment, add_customer, appointments_of, don_carlos

SATURDAY = date(2026, 1, 17)
MONDAY = date(2026, 1, 19)
JUAN = "+5215511112222"
PEDRO = "+525512345002"  # Pedro Ramírez, staff of Barbería Don Carlos


async def _juan_with_two_appointments(db, clock):
    shop = await don_carlos(db, clock())
    juan = await add_customer(db, shop, "+525511112222", "Juan Pérez", verified=clock())
    await add_appointment(db, shop, juan, "corte", "pedro", SATURDAY, time(16), clock())
    await add_appointment(db, shop, juan, "barba", "pedro", MONDAY, time(11), clock())
    return shop


async def test_a_cancellation_claimed_after_every_tool_call_failed_is_not_sent(llm_app, fake, db, clock):
    shop = await _juan_with_two_appointments(db, clock)
    fake.then(call("cancel_appointment", {"appointment_id": "00000000-0000-0000-0000-000000000001"}),
              call("cancel_appointment", {"appointment_id": "not-an-id"}),
              text("Listo, cancelé todas las citas."))
    async with llm_app() as http:
        reply = await Chat(http, db, JUAN, shop.number).say("cancela todas mis citas")
    assert "cancelé" not in reply and "Listo" not in reply
    assert "sábado" in reply or "cita" in reply  # the rule engine asks about Juan's real appointments
    assert [a.status for a in await appointments_of(db, shop)] == [AppointmentStatus.CONFIRMED] * 2


async def test_an_english_booking_claim_with_nothing_booked_is_not_delivered(llm_app, fake, db, clock):
    shop = await don_carlos(db, clock())
    fake.then(text("Sure! Your appointment is booked for tomorrow at 4 PM. See you soon!"))
    async with llm_app() as http:
        reply = await Chat(http, db, JUAN, shop.number).say("quiero un corte mañana a las 4")
    assert "Sure" not in reply and "booked" not in reply
    assert "4:00 PM" in reply and "?" in reply  # the rule engine offers the time and asks first
    assert await appointments_of(db, shop) == []


async def test_an_english_answer_without_any_claim_is_answered_in_spanish_instead(llm_app, fake, db, clock):
    shop = await don_carlos(db, clock())
    fake.then(text("Hi there! How can I help you today?"))
    async with llm_app() as http:
        reply = await Chat(http, db, JUAN, shop.number).say("hola")
    assert reply.startswith("¡Hola! Gracias por escribir a Barbería Don Carlos.")


async def test_a_move_claimed_without_a_reschedule_is_not_sent(llm_app, fake, db, clock):
    shop = await _juan_with_two_appointments(db, clock)
    fake.then(text("Listo, cambié tu cita del sábado para el lunes a las 5:00 PM."))
    async with llm_app() as http:
        reply = await Chat(http, db, JUAN, shop.number).say("cámbiame la cita del sábado al lunes a las 5")
    assert "cambié" not in reply
    saturday, monday = await appointments_of(db, shop)
    assert saturday.starts_at.date() == SATURDAY and saturday.status is AppointmentStatus.CONFIRMED


async def test_a_claim_backed_by_a_successful_tool_this_turn_is_sent(llm_app, fake, db, clock):
    shop = await don_carlos(db, clock())
    fake.then(call("block_time", {"start_time": "2026-01-16T14:00", "end_time": "2026-01-16T15:00",
                                  "reason": "comida"}),
              text("Listo, bloqueé de 2:00 PM a 3:00 PM para tu comida ✓"))
    async with llm_app() as http:
        reply = await Chat(http, db, PEDRO, shop.number).say("bloquea de 2 a 3 para mi comida")
    assert reply == "Listo, bloqueé de 2:00 PM a 3:00 PM para tu comida ✓"
    assert len(await _blocks(db)) == 1


async def test_a_reply_claiming_more_than_was_done_reports_only_what_was_done(llm_app, fake, db, clock):
    shop = await _juan_with_two_appointments(db, clock)
    fake.then(call("block_time", {"start_time": "2026-01-17T14:00", "end_time": "2026-01-17T15:00"}),
              text("Listo, bloqueé mañana de 2 a 3 y cancelé la cita de Juan de las 4."))
    async with llm_app() as http:
        replies = await Chat(http, db, PEDRO, shop.number).send("bloquea mañana de 2 a 3 y cancela la de Juan")
    assert replies == ["Listo, bloqueé de 2:00 PM a 3:00 PM ✓", "¿Te ayudo con algo más?"]
    assert [a.status for a in await appointments_of(db, shop)] == [AppointmentStatus.CONFIRMED] * 2
    assert len(await _blocks(db)) == 1


async def _blocks(db):
    from sqlalchemy import select

    from storage import Availability, AvailabilityKind

    async with db.session() as s:
        return list((await s.scalars(select(Availability).where(Availability.kind == AvailabilityKind.BLOCK))).all())


async def test_an_untrue_reply_does_not_count_as_an_openai_failure(app_with_engine, clock, fake, db):
    from messaging.breaker import BreakerPolicy, CircuitBreaker

    shop = await don_carlos(db, clock())
    breaker = CircuitBreaker(BreakerPolicy(failures=2))
    fake.then(*(text("Sure! Done.") for _ in range(3)))
    engine = build_engine("sk-test", BASE_URL, "gpt-4.1", http_client=fake.http_client(), max_retries=0,
                          breaker=breaker)
    async with app_with_engine(clock, engine) as http:
        chat = Chat(http, db, JUAN, shop.number)
        for _ in range(3):
            await chat.say("hola")
    assert breaker.state == "closed" and len(fake.requests) == 3


@pytest.mark.parametrize(("reply", "claims"), [
    ("Listo, cancelé todas las citas", {Change.CANCELLED}),
    ("Tu cita quedó agendada para el sábado a las 4:00 PM", {Change.BOOKED}),
    ("Listo, te agendé tu corte para mañana", {Change.BOOKED}),
    ("Listo, cambié tu cita para el lunes a las 11:30 AM. ¿Todo bien?", {Change.MOVED}),
    ("Ya quedó reagendada tu cita", {Change.MOVED}),
    ("Listo, bloqueé las 4:00 PM ✓", {Change.BLOCKED}),
    ("Marqué la cita como no-show ✓ ¿Quieres que le envíe un mensaje a Roberto?", {Change.MARKED}),
    ("I've cancelled your appointment.", {Change.CANCELLED}),
    ("Your appointment has been rescheduled", {Change.MOVED}),
    ("¿Quieres que la cancele?", set()),
    ("¿Te agendo a las 4:00 PM?", set()),
    ("No pude cancelar tu cita, ¿me das el día?", set()),
    ("Tu cita no quedó cancelada.", set()),
    ("Tu cita es el sábado a las 4:00 PM con Pedro.", set()),
    ("Ya tienes una cita agendada el sábado.", set()),
    ("Mañana sábado tengo:\n• 12:00 PM\n• 4:00 PM", set()),
])
def test_what_counts_as_claiming_a_change(reply, claims):
    assert claimed_changes(reply) == claims


@pytest.mark.parametrize(("reply", "spanish"), [
    ("Sure! Your appointment is booked for tomorrow at 4 PM.", False),
    ("Done! I cancelled all your appointments.", False),
    ("Hi there! How can I help?", False),
    ("Ok, sounds good, see you soon", False),
    ("¡Perfecto, Juan! Tu cita está confirmada.", True),
    ("Hola Pedro, aquí está tu agenda para hoy viernes:\n⏰ 10:00 AM - Corte - Juan Pérez", True),
    ("Ok 👍", True),
    ("Mani + Pedi", True),
    ("Claro, el haircut queda a las 4", True),
    ("Corte de cabello: $150", True),
])
def test_what_counts_as_spanish(reply, spanish):
    assert looks_spanish(reply) is spanish


def test_a_cancel_marked_through_the_status_tool_backs_a_cancellation_claim():
    done = done_tools([("mark_appointment_status", {"status": "cancelled", "appointment_id": "x"})])
    assert check_reply("Listo, cancelé la cita de Roberto.", done) is None
    assert check_reply("Listo, cancelé la cita de Roberto.", done_tools([("mark_appointment_status",
                                                                            {"status": "no_show"})])) is not None
