"""Customers on the rule engine beyond the spec's examples: names, cancelling, asking, coming back."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from storage import AppointmentStatus, Customer, FlowSession, FunctionTrace
from tests.conversation.kit import MX, Chat, add_appointment, add_customer, appointments_of, don_carlos

SATURDAY = date(2026, 1, 17)


async def test_a_recently_verified_customer_is_booked_without_being_asked_their_name(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    await add_customer(db, shop, "+525511112222", "Juan Pérez", verified=clock() - timedelta(days=10))
    chat = Chat(rules_app, db, "+5215511112222", shop.number)

    assert (await chat.say("hola")).startswith("¡Hola, Juan! Qué gusto saludarte de nuevo.")
    offered = await chat.say("quiero un corte el sabado en la mañana")
    assert "El sábado" in offered or "Mañana sábado" in offered
    done = await chat.say("a las 11")
    assert done.startswith("¡Listo, Juan! Tu cita está confirmada:") and "⏰ 11:00 AM" in done
    [appointment] = await appointments_of(db, shop)
    assert appointment.starts_at.astimezone(MX) == datetime(2026, 1, 17, 11, tzinfo=MX)


async def test_an_old_name_is_confirmed_and_a_new_one_replaces_it(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    await add_customer(db, shop, "+525511112222", "Juanito", verified=clock() - timedelta(days=200))
    chat = Chat(rules_app, db, "+5215511112222", shop.number)

    await chat.say("Quiero una cita para corte y barba")
    await chat.say("pasado mañana a mediodía")  # Sunday: closed, so Monday is offered
    asked = await chat.say("la 1")
    assert "Te tengo registrado como Juanito, ¿es correcto?" in asked
    done = await chat.say("No, soy Juan Pérez")
    assert done.startswith("¡Perfecto, Juan! Tu cita está confirmada:")
    async with db.session() as s:
        customer = await s.scalar(select(Customer).where(Customer.phone_number == "+525511112222"))
    assert customer.name == "Juan Pérez" and customer.name_verified_at == clock()


async def test_cancelling_asks_first_and_then_frees_the_time(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await add_customer(db, shop, "+525511112222", "Juan Pérez", verified=clock())
    await add_appointment(db, shop, juan, "corte", "pedro", SATURDAY, time(16), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)

    asked = await chat.say("ya no voy a poder ir, cancela mi cita porfa")
    assert asked == "¿Seguro que quieres cancelar tu cita de corte de cabello mañana sábado a las 4:00 PM?"
    [appointment] = await appointments_of(db, shop)
    assert appointment.status is AppointmentStatus.CONFIRMED  # nothing before the yes
    assert (await chat.say("sí")).startswith("Listo, cancelé tu cita ✓")
    [appointment] = await appointments_of(db, shop)
    assert appointment.status is AppointmentStatus.CANCELLED


async def test_no_keeps_the_appointment(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await add_customer(db, shop, "+525511112222", "Juan Pérez", verified=clock())
    await add_appointment(db, shop, juan, "corte", "pedro", SATURDAY, time(16), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)
    await chat.say("quiero cancelar")
    assert (await chat.say("no, siempre no")).startswith("Perfecto, tu cita sigue en pie.")
    [appointment] = await appointments_of(db, shop)
    assert appointment.status is AppointmentStatus.CONFIRMED


async def test_viewing_appointments_and_prices_and_hours(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await add_customer(db, shop, "+525511112222", "Juan Pérez", verified=clock())
    await add_appointment(db, shop, juan, "combo", "pedro", SATURDAY, time(12), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)

    mine = await chat.say("cuando es mi cita?")
    assert mine == ("Tienes una cita para corte y barba mañana sábado a las 12:00 PM con Pedro Ramírez. "
                    "¿Necesitas cambiarla o cancelarla?")
    one = await chat.say("cuanto cuesta el corte?")
    assert one == "El corte de cabello cuesta $150 y dura 45 min. ¿Te gustaría agendarlo?"
    prices = await chat.say("qué precios tienen?")
    assert "• Corte de cabello - $150 (45 min)" in prices and prices.endswith("¿Te gustaría agendar alguno?")
    hours = await chat.say("a que hora abren?")
    assert "• Lunes a sábado: 10:00 AM - 8:00 PM\n• Domingo: cerrado" in hours


async def test_a_customer_never_sees_another_customers_appointments(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    other = await add_customer(db, shop, "+525599990000", "Otra Persona", verified=clock())
    await add_appointment(db, shop, other, "corte", "pedro", SATURDAY, time(16), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)
    assert (await chat.say("quiero cancelar mi cita")).startswith("No encuentro citas próximas a tu nombre")
    [appointment] = await appointments_of(db, shop)
    assert appointment.status is AppointmentStatus.CONFIRMED


async def test_an_abandoned_booking_resumes_where_it_was(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)
    await chat.say("quiero una cita para un corte")
    clock.advance(timedelta(hours=2))
    resumed = await chat.say("mañana a las 5")
    assert resumed.startswith("¡Qué gusto que sigas por aquí! Sigamos donde nos quedamos.")
    assert "mañana sábado a las 5:00 PM" in resumed and "¿Te la agendo?" in resumed
    assert resumed.endswith("¿Y a nombre de quién la dejo?")  # a new customer: the name with the same question
    booked = await chat.say("va")
    assert "¿Me confirmas tu nombre para la cita?" in booked
    assert len(await appointments_of(db, shop)) == 1


async def test_a_stale_flow_is_recorded_as_abandoned_when_something_new_starts(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)
    await chat.say("quiero una cita para un corte")
    clock.advance(timedelta(hours=1))
    hours = await chat.say("a que hora cierran?")
    assert "Nuestro horario es:" in hours
    async with db.session() as s:
        flow = await s.scalar(select(FlowSession))
    assert flow.flow_type == "inquiry"


async def test_a_time_that_is_not_free_is_never_booked_and_close_ones_are_offered(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    someone = await add_customer(db, shop, "+525599990000", "Otra Persona", verified=clock())
    await add_appointment(db, shop, someone, "corte", "pedro", SATURDAY, time(16), clock())
    await add_appointment(db, shop, someone, "corte", "carlos", SATURDAY, time(16), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)
    await chat.say("quiero un corte")
    answer = await chat.say("mañana a las 4")
    assert answer.startswith("A las 4:00 PM ya no tengo espacio.")
    assert "• 3:00 PM\n• 5:00 PM" in answer and "4:00 PM\n" not in answer
    assert len(await appointments_of(db, shop)) == 2


async def test_every_tool_call_is_traced(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)
    await chat.say("quiero un corte mañana en la tarde")
    async with db.session() as s:
        traces = (await s.scalars(select(FunctionTrace))).all()
    assert [t.function_name for t in traces] == ["check_availability"]
    assert traces[0].phone_number == "+525511112222" and traces[0].organization_id == shop.org.id


async def test_a_customers_name_stays_with_the_business_that_learned_it(rules_app, db, clock):
    from tests.conversation.kit import unas_bonitas

    carlos = await don_carlos(db, clock())
    unas = await unas_bonitas(db, clock())
    await add_customer(db, carlos, "+525511112222", "Juan Pérez", verified=clock())
    assert (await Chat(rules_app, db, "+5215511112222", carlos.number).say("hola")).startswith("¡Hola, Juan!")
    other = await Chat(rules_app, db, "+5215511112222", unas.number).say("hola")
    assert other.startswith("¡Hola! Gracias por escribir a Uñas Bonitas.") and "Juan" not in other


async def test_a_customer_can_ask_for_a_stylist(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)
    await chat.say("quiero un corte con Pedro")
    offered = await chat.say("mañana en la tarde")
    assert "para corte de cabello ($150) con Pedro:" in offered
    await chat.say("a las 4")
    [appointment] = await appointments_of(db, shop)
    assert appointment.staff_id == shop.staff["pedro"].id


async def test_asking_one_price_then_booking_it(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)
    assert await chat.say("oye cuánto cuesta el arreglo de barba?") == \
        "El arreglo de barba cuesta $100 y dura 30 min. ¿Te gustaría agendarlo?"
    assert await chat.say("sí") == "¡Claro! ¿Para qué día te gustaría agendar tu arreglo de barba?"


async def test_a_follow_up_question_is_not_resumed_hours_later(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)
    await chat.say("a qué hora abren?")
    clock.advance(timedelta(hours=5))
    assert await chat.say("hola") == "¡Hola! Gracias por escribir a Barbería Don Carlos. ¿En qué puedo ayudarte?"


async def test_a_clock_time_that_was_not_offered_is_not_swapped_for_another_in_that_hour(rules_app, db, clock):
    """"A las 4" when only 4:30 is free: ask, never book 4:30 on the customer's behalf."""
    shop = await don_carlos(db, clock())
    someone = await add_customer(db, shop, "+525599990000", "Otra Persona", verified=clock())
    for barber in ("pedro", "carlos"):
        await add_appointment(db, shop, someone, "barba", barber, SATURDAY, time(16), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)
    offered = await chat.say("quiero un corte el sábado en la tarde")
    assert "4:30 PM" in offered and "4:00 PM" not in offered
    answer = await chat.say("a las 4")
    assert answer.startswith("A las 4 ya no tengo espacio") and "• 4:30 PM" in answer
    assert len(await appointments_of(db, shop)) == 2  # nothing booked for the customer yet
    done = await chat.say("4:30")
    assert "4:30 PM" in done
    assert len(await appointments_of(db, shop)) == 3


async def test_a_rating_answers_the_review_request_and_a_comment_follows(rules_app, db, clock):
    from storage import AppointmentReview

    shop = await don_carlos(db, clock())
    juan = await add_customer(db, shop, "+525511112222", "Juan Pérez", verified=clock())
    visit = await add_appointment(db, shop, juan, "corte", "pedro", date(2026, 1, 15), time(17), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)

    assert "calificación" not in await chat.say("5")  # nothing completed to rate yet: read as usual
    async with db.transaction(write=True) as s:
        (await s.get(type(visit), visit.id)).status = AppointmentStatus.COMPLETED

    thanks = await chat.say("5")
    assert thanks.startswith("¡Gracias por tu calificación! ⭐⭐⭐⭐⭐") and "¿Quieres contarnos algo más" in thanks
    assert (await chat.say("Pedro me dejó muy bien el corte")).startswith("¡Gracias por contarnos!")
    async with db.session() as s:
        [review] = (await s.scalars(select(AppointmentReview))).all()
    assert (review.appointment_id, review.rating, review.feedback) == (visit.id, 5, "Pedro me dejó muy bien el corte")
