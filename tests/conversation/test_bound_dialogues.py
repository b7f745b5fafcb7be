"""Hour bounds as Mexicans write them, through the signed webhook to the booking: "pasadas las 6" is
after 6 (never 6:00 itself), "no antes de las 6" is 6 or later, "a más tardar a las 11" is 11 or
earlier, "que sea antes de las 6" is before 6; said in the first message, as the answer to
"¿qué día?", or as a correction to the times offered.

The clock is Friday 16 January 2026, 10:00 in Mexico City ("mañana" is Saturday 17); Barbería
Don Carlos opens Monday to Saturday 10:00–20:00.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from storage import Customer
from tests.conversation.kit import Chat, add_appointment, add_customer, appointments_of, don_carlos
from tests.conversation.test_booking_dialogues import _local, offered_times

SATURDAY, MONDAY, TUESDAY = date(2026, 1, 17), date(2026, 1, 19), date(2026, 1, 20)
JUAN = "+525511112222"


async def _juan(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    await add_customer(db, shop, JUAN, "Juan Pérez", verified=clock() - timedelta(days=3))
    return shop, Chat(rules_app, db, "+5215511112222", shop.number)


async def test_pasadas_las_6_offers_and_books_only_after_six(rules_app, db, clock):
    shop, chat = await _juan(rules_app, db, clock)
    offered = await chat.say("quiero un corte mañana pasadas las 6")
    times = offered_times(offered)
    assert times and all(t > time(18) for t in times), offered
    done = await chat.say("la primera")
    [booked] = await appointments_of(db, shop)
    assert _local(booked).date() == SATURDAY and _local(booked).time() > time(18) and "Listo" in done


async def test_no_antes_de_las_6_keeps_six_itself(rules_app, db, clock):
    shop, chat = await _juan(rules_app, db, clock)
    offered = await chat.say("una barba el lunes no antes de las 6")
    times = offered_times(offered)
    assert times and all(t >= time(18) for t in times), offered
    assert "ya no tengo espacio" not in offered
    await chat.say("la primera")
    [booked] = await appointments_of(db, shop)
    assert _local(booked).date() == MONDAY and _local(booked).time() >= time(18)


async def test_a_mas_tardar_said_as_the_answer_to_which_day(rules_app, db, clock):
    shop, chat = await _juan(rules_app, db, clock)
    asked = await chat.say("hola, quiero un corte")
    assert "día" in asked, asked
    offered = await chat.say("el lunes, a más tardar a las 11")
    times = offered_times(offered)
    assert times and all(t <= time(11) for t in times), offered
    await chat.say("la última")
    [booked] = await appointments_of(db, shop)
    assert _local(booked).date() == MONDAY and _local(booked).time() <= time(11)


async def test_pasaditas_de_las_5_as_a_correction_keeps_the_day(rules_app, db, clock):
    shop, chat = await _juan(rules_app, db, clock)
    first = await chat.say("quiero una barba el martes")
    assert offered_times(first), first
    offered = await chat.say("mejor ya pasaditas de las 5")
    times = offered_times(offered)
    assert times and all(t > time(17) for t in times), offered
    await chat.say("la segunda")
    [booked] = await appointments_of(db, shop)
    assert _local(booked).date() == TUESDAY and _local(booked).time() > time(17)


async def test_between_lunch_and_a_latest_hour(rules_app, db, clock):
    shop, chat = await _juan(rules_app, db, clock)
    offered = await chat.say("un corte el lunes después de comer, máximo a las 5")
    times = offered_times(offered)
    assert times and all(time(15) <= t <= time(17) for t in times), offered


async def test_que_sea_antes_de_las_6_offers_nothing_at_six(rules_app, db, clock):
    shop, chat = await _juan(rules_app, db, clock)
    offered = await chat.say("¿tienes espacio para una barba mañana? que sea antes de las 6")
    times = offered_times(offered)
    assert times and all(t < time(18) for t in times), offered


async def test_a_move_pasadas_las_5_offers_only_later_times_of_the_appointments_own_day(rules_app, db, clock):
    shop, chat = await _juan(rules_app, db, clock)
    juan = await _customer(db, shop)
    booked = await add_appointment(db, shop, juan, "corte", "pedro", MONDAY, time(11), clock())
    offered = await chat.say("¿me puedes cambiar mi cita pasadas las 5?")
    times = offered_times(offered)
    assert times and all(t > time(17) for t in times), offered
    asked = await chat.say("la primera")
    if asked.startswith("¿Cambio tu cita"):
        asked = await chat.say("sí")
    [moved] = await appointments_of(db, shop)
    assert moved.id == booked.id and _local(moved).date() == MONDAY and _local(moved).time() > time(17), asked


async def _customer(db, shop):
    async with db.session() as s:
        return await s.scalar(select(Customer).where(Customer.organization_id == shop.org.id,
                                                     Customer.phone_number == JUAN))
