"""Moving and cancelling through the webhook: the right appointment, the day said, confirmed, the owner told.

The clock is Friday 16 January 2026, 10:00 in Mexico City ("mañana" is Saturday 17).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from messaging.templates import render
from storage import AppointmentStatus, OutboundMessage, PermissionLevel
from tests.conversation.kit import MX, Chat, add_appointment, add_customer, appointments_of, don_carlos, make_shop

SATURDAY, MONDAY, TUESDAY = date(2026, 1, 17), date(2026, 1, 19), date(2026, 1, 20)
JUAN = "+525511112222"


async def _juan(db, shop, clock):
    return await add_customer(db, shop, JUAN, "Juan Pérez", verified=clock() - timedelta(days=3))


async def solo_shop(db, now):
    """One stylist, so the appointment being moved is the only thing in its own way."""
    return await make_shop(db, now, name="Estética Sola", number="+525587650001",
                           services=[("corte", "Corte de cabello", 45, 150)],
                           staff=[("carlos", "Carlos Mendoza", "+525512345001", PermissionLevel.OWNER)])


def _at(appointment) -> datetime:
    return appointment.starts_at.astimezone(MX).replace(tzinfo=None)


async def test_rescheduling_a_new_hour_is_a_move_confirmed_with_old_and_new_never_a_cancel(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await _juan(db, shop, clock)
    booked = await add_appointment(db, shop, juan, "corte", "pedro", SATURDAY, time(10), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)

    asked = await chat.say("no voy a poder a las 10, ¿me la cambias a las 6?")
    assert "cancel" not in asked.lower()
    assert asked.startswith("¿Cambio tu cita") and "10:00 AM" in asked and "6:00 PM" in asked
    [still] = await appointments_of(db, shop)
    assert _at(still) == datetime(2026, 1, 17, 10) and still.status is AppointmentStatus.CONFIRMED
    done = await chat.say("sí, porfa")
    assert done.startswith("Listo, cambié tu cita") and "6:00 PM" in done
    [moved] = await appointments_of(db, shop)
    assert moved.id == booked.id and _at(moved) == datetime(2026, 1, 17, 18)
    assert moved.status is AppointmentStatus.CONFIRMED


async def test_rescheduling_to_a_free_time_the_same_day_does_not_count_the_appointment_itself_as_busy(
        rules_app, db, clock):
    shop = await solo_shop(db, clock())
    juan = await _juan(db, shop, clock)
    await add_appointment(db, shop, juan, "corte", "carlos", SATURDAY, time(16), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)

    asked = await chat.say("¿puedes mover mi cita de mañana a las 4:15?")
    assert "ya no tengo espacio" not in asked and "4:15 PM" in asked and asked.startswith("¿Cambio tu cita")
    await chat.say("sí")
    [moved] = await appointments_of(db, shop)
    assert _at(moved) == datetime(2026, 1, 17, 16, 15)


async def test_rescheduling_with_no_day_said_keeps_the_appointments_own_day_not_today(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await _juan(db, shop, clock)
    await add_appointment(db, shop, juan, "barba", "carlos", MONDAY, time(11), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)

    asked = await chat.say("hola, ¿me puedes pasar mi cita a las 5?")
    assert "el lunes 19" in asked and "hoy" not in asked and "5:00 PM" in asked
    await chat.say("va")
    [moved] = await appointments_of(db, shop)
    assert _at(moved) == datetime(2026, 1, 19, 17)


async def test_rescheduling_uses_the_day_the_customer_named(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await _juan(db, shop, clock)
    await add_appointment(db, shop, juan, "corte", "pedro", SATURDAY, time(10), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)

    offered = await chat.say("necesito cambiar mi cita para el martes en la tarde")
    assert "El martes" in offered and "AM" not in offered.split(":", 1)[1]
    done = await chat.say("la primera")
    assert "el martes" in done
    [moved] = await appointments_of(db, shop)
    assert moved.starts_at.astimezone(MX).date() == TUESDAY and moved.starts_at.astimezone(MX).hour >= 12


async def test_rescheduling_sends_the_owner_a_notice_with_old_and_new_time(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await _juan(db, shop, clock)
    await add_appointment(db, shop, juan, "corte", "pedro", SATURDAY, time(10), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)
    await chat.say("cámbiame la cita de mañana a las 12")
    await chat.say("sí")
    async with db.session() as s:
        notices = list(await s.scalars(select(OutboundMessage).where(
            OutboundMessage.template_name == "customer_rescheduled")))
    to_owner = [n for n in notices if n.to_number.endswith(shop.staff["carlos"].phone_number)]
    assert len(to_owner) == 1
    text = render(to_owner[0].template_name, to_owner[0].template_variables, now=clock()).body
    assert "Juan Pérez" in text and "10:00 AM" in text and "12:00 PM" in text


async def test_rescheduling_with_several_appointments_asks_which_and_la_del_lunes_resolves(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await _juan(db, shop, clock)
    saturday = await add_appointment(db, shop, juan, "corte", "pedro", SATURDAY, time(10), clock())
    monday = await add_appointment(db, shop, juan, "barba", "carlos", MONDAY, time(11), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)

    which = await chat.say("quiero cambiar mi cita")
    assert "¿Cuál cita quieres cambiar?" in which
    assert "Corte de cabello mañana sábado a las 10:00 AM" in which and "Arreglo de barba el lunes" in which
    when = await chat.say("la del lunes")
    assert "¿Para cuándo te gustaría cambiarla?" in when and "arreglo de barba" in when
    asked = await chat.say("a las 5")
    assert "el lunes 19" in asked and "5:00 PM" in asked
    await chat.say("sí")
    rows = {a.id: a for a in await appointments_of(db, shop)}
    assert _at(rows[monday.id]) == datetime(2026, 1, 19, 17) and _at(rows[saturday.id]) == datetime(2026, 1, 17, 10)


async def test_rescheduling_la_del_corte_and_la_de_las_11_pick_the_appointment_without_asking(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await _juan(db, shop, clock)
    cut = await add_appointment(db, shop, juan, "corte", "pedro", SATURDAY, time(10), clock())
    beard = await add_appointment(db, shop, juan, "barba", "carlos", MONDAY, time(11), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)

    asked = await chat.say("cambia la del corte para el martes a las 12")
    assert asked.startswith("¿Cambio tu cita") and "10:00 AM" in asked and "martes" in asked
    await chat.say("sí")
    asked = await chat.say("y la de las 11 pásala a la 1")
    assert "11:00 AM" in asked and "1:00 PM" in asked
    await chat.say("sí")
    rows = {a.id: a for a in await appointments_of(db, shop)}
    assert _at(rows[cut.id]) == datetime(2026, 1, 20, 12) and _at(rows[beard.id]) == datetime(2026, 1, 19, 13)


async def test_rescheduling_to_a_taken_time_offers_the_nearest_free_times_and_changes_nothing(rules_app, db, clock):
    shop = await solo_shop(db, clock())
    juan = await _juan(db, shop, clock)
    other = await add_customer(db, shop, "+525599990000", "Otra Persona", verified=clock())
    await add_appointment(db, shop, juan, "corte", "carlos", SATURDAY, time(10), clock())
    await add_appointment(db, shop, other, "corte", "carlos", SATURDAY, time(18), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)

    answer = await chat.say("¿me cambias la cita a las 6?")
    assert "ya no tengo espacio" in answer and "5:00 PM" in answer and "7:00 PM" in answer  # each side
    rows = await appointments_of(db, shop)
    assert sorted(_at(a).hour for a in rows) == [10, 18]


async def test_a_cancel_question_answered_with_a_new_time_moves_instead_of_cancelling(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await _juan(db, shop, clock)
    await add_appointment(db, shop, juan, "corte", "pedro", SATURDAY, time(10), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)

    assert (await chat.say("cancela mi cita")).startswith("¿Seguro que quieres cancelar")
    asked = await chat.say("no, mejor pásala a las 5")
    assert asked.startswith("¿Cambio tu cita") and "5:00 PM" in asked
    await chat.say("sí")
    [moved] = await appointments_of(db, shop)
    assert moved.status is AppointmentStatus.CONFIRMED and _at(moved) == datetime(2026, 1, 17, 17)


async def test_rescheduling_declined_at_the_confirmation_keeps_the_appointment(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await _juan(db, shop, clock)
    await add_appointment(db, shop, juan, "corte", "pedro", SATURDAY, time(10), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)
    await chat.say("quiero mover mi cita a las 3")
    kept = await chat.say("no")
    assert "sigue" in kept
    [same] = await appointments_of(db, shop)
    assert _at(same) == datetime(2026, 1, 17, 10)
    asked = await chat.say("mejor el lunes a las 12")
    assert "12:00 PM" in asked and "lunes" in asked
    await chat.say("sí")
    [moved] = await appointments_of(db, shop)
    assert _at(moved) == datetime(2026, 1, 19, 12)


async def test_a_new_day_at_the_same_hour_said_alone_moves_the_one_appointment_confirmed_old_and_new(
        rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await _juan(db, shop, clock)
    booked = await add_appointment(db, shop, juan, "corte", "pedro", SATURDAY, time(10), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)

    asked = await chat.say("mejor pásala al lunes, misma hora")
    assert asked.startswith("¿Cambio tu cita") and "servicio" not in asked
    assert "sábado" in asked and "lunes 19" in asked and asked.count("10:00 AM") == 2
    await chat.say("sí")
    [moved] = await appointments_of(db, shop)
    assert moved.id == booked.id and _at(moved) == datetime(2026, 1, 19, 10)


async def test_a_shift_by_an_amount_is_from_the_appointments_own_time(rules_app, db, clock):
    shop = await solo_shop(db, clock())
    juan = await _juan(db, shop, clock)
    await add_appointment(db, shop, juan, "corte", "carlos", SATURDAY, time(10), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)

    asked = await chat.say("oye, ¿la podemos recorrer 2 horas más tarde?")
    assert asked.startswith("¿Cambio tu cita") and "10:00 AM" in asked and "12:00 PM" in asked
    await chat.say("va")
    [moved] = await appointments_of(db, shop)
    assert _at(moved) == datetime(2026, 1, 17, 12)


async def test_a_time_said_alone_with_two_appointments_asks_which_to_move(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await _juan(db, shop, clock)
    await add_appointment(db, shop, juan, "corte", "pedro", SATURDAY, time(10), clock())
    await add_appointment(db, shop, juan, "barba", "carlos", TUESDAY, time(12), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)

    asked = await chat.say("mejor a las 5")
    assert "¿Cuál cita quieres cambiar?" in asked and "servicio" not in asked


async def test_a_correction_right_after_booking_moves_the_new_appointment(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+5215599990000", shop.number)

    await chat.say("quiero un corte mañana a las 4")
    await chat.say("sí")
    await chat.say("Pepe Luna")
    [booked] = await appointments_of(db, shop)
    assert _at(booked) == datetime(2026, 1, 17, 16)
    asked = await chat.say("no, mejor a las 7")
    assert asked.startswith("¿Cambio tu cita") and "4:00 PM" in asked and "7:00 PM" in asked
    await chat.say("sí")
    [moved] = await appointments_of(db, shop)
    assert moved.id == booked.id and _at(moved) == datetime(2026, 1, 17, 19)


async def test_cancel_and_a_new_time_in_one_message_is_a_move_never_a_cancel_that_drops_the_new_time(
        rules_app, db, clock):
    """"cancela mi cita y dame una el lunes a las 11" asks for the visit at another time: a cancel
    alone would leave the customer with nothing, the new time dropped without a word."""
    shop = await don_carlos(db, clock())
    juan = await _juan(db, shop, clock)
    booked = await add_appointment(db, shop, juan, "corte", "pedro", SATURDAY, time(10), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)

    asked = await chat.say("k onda, cancela mi cita y dame una el lunes a las 11")
    assert asked.startswith("¿Cambio tu cita") and "10:00 AM" in asked and "11:00 AM" in asked, asked
    done = await chat.say("si")
    assert "cancelé" not in done.lower()
    [moved] = await appointments_of(db, shop)
    assert moved.id == booked.id and _at(moved) == datetime(2026, 1, 19, 11)
    assert moved.status is AppointmentStatus.CONFIRMED
