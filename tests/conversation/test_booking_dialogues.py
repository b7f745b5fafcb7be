"""Booking dialogues through the webhook: every bound kept, several services as one visit, what was
said before remembered (price → booking, "¿y el sábado?", "no, mejor a las 6", "lo de siempre").

The clock is Friday 16 January 2026, 10:00 in Mexico City ("mañana" is Saturday 17); the
salons open Monday to Saturday 10:00–20:00.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update

from messaging.templates import render
from storage import Appointment, AppointmentStatus, Customer, FlowSession, OutboundMessage, PermissionLevel
from tests.conversation.kit import (
    MX,
    Chat,
    add_appointment,
    add_customer,
    appointments_of,
    don_carlos,
    make_shop,
    unas_bonitas,
)

SATURDAY, MONDAY, TUESDAY = date(2026, 1, 17), date(2026, 1, 19), date(2026, 1, 20)
JUAN = "+525511112222"
CLOCK = re.compile(r"(\d{1,2}):(\d\d) (AM|PM)")


def offered_times(text: str) -> list[time]:
    """The times listed as bullets ("• 4:30 PM")."""
    found = []
    for line in text.splitlines():
        if line.startswith("•") and (m := CLOCK.search(line)):
            hour = int(m.group(1)) % 12 + (12 if m.group(3) == "PM" else 0)
            found.append(time(hour, int(m.group(2))))
    return found


def _local(a: Appointment) -> datetime:
    return a.starts_at.astimezone(MX).replace(tzinfo=None)


async def _known(db, shop, clock):
    return await add_customer(db, shop, JUAN, "Juan Pérez", verified=clock() - timedelta(days=3))


def _chat(rules_app, db, shop) -> Chat:
    return Chat(rules_app, db, "+5215511112222", shop.number)


async def salon(db, now):
    """Separate services that people ask for together (no combined service to fall back on)."""
    return await make_shop(
        db, now, name="Salón Aurora", number="+525587650002",
        services=[("corte", "Corte de cabello", 45, 150), ("tinte", "Tinte", 90, 600), ("cejas", "Diseño de cejas", 30, 120),
                  ("alaciado", "Alaciado permanente", 480, 1500)],
        staff=[("sofia", "Sofía Ruiz", "+525512349001", PermissionLevel.OWNER)])


# ---------------------------------------------------------------- ranges and bounds


async def test_time_range_after_five_offers_only_times_after_five(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    await _known(db, shop, clock)
    chat = _chat(rules_app, db, shop)
    offered = await chat.say("quiero un corte mañana después de las 5")
    times = offered_times(offered)
    assert times and all(t > time(17) for t in times), offered
    assert "ya no tengo espacio" not in offered
    done = await chat.say("la primera")
    [booked] = await appointments_of(db, shop)
    assert _local(booked).date() == SATURDAY and _local(booked).time() > time(17) and "Listo" in done


async def test_time_range_before_noon_offers_only_morning_times(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = _chat(rules_app, db, shop)
    offered = await chat.say("¿tienes lugar para un corte el lunes antes de mediodía?")
    times = offered_times(offered)
    assert "El lunes" in offered and times and all(t < time(12) for t in times), offered


async def test_time_range_de_10_a_12_keeps_both_ends(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = _chat(rules_app, db, shop)
    offered = await chat.say("una barba el martes de 10 a 12")
    times = offered_times(offered)
    assert times and all(time(10) <= t < time(12) for t in times), offered


async def test_time_range_entre_semana_en_la_tarde_books_a_weekday_afternoon(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    await _known(db, shop, clock)
    chat = _chat(rules_app, db, shop)
    offered = await chat.say("quiero un corte entre semana en la tarde")
    times = offered_times(offered)
    assert times and all(time(12) <= t < time(19) for t in times), offered
    await chat.say("la segunda")
    [booked] = await appointments_of(db, shop)
    assert _local(booked).weekday() < 5 and time(12) <= _local(booked).time() < time(19)


async def test_part_of_day_with_free_times_offers_them_without_saying_there_is_no_space(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = _chat(rules_app, db, shop)
    offered = await chat.say("un corte el lunes en la mañana")
    times = offered_times(offered)
    assert "ya no tengo espacio" not in offered and times and all(t < time(12) for t in times)


async def test_part_of_day_without_free_times_says_so_and_offers_the_nearest_or_the_next_day(rules_app, db, clock):
    shop = await salon(db, clock())
    other = await add_customer(db, shop, "+525599990000", "Otra Persona", verified=clock())
    await add_appointment(db, shop, other, "alaciado", "sofia", MONDAY, time(12), clock())  # 12:00–20:00
    chat = _chat(rules_app, db, shop)
    offered = await chat.say("quiero unas cejas el lunes en la tarde")
    assert "ya no tengo espacio" in offered and "lunes" in offered
    times = offered_times(offered)
    assert times and any(t < time(12) for t in times) and "martes" in offered  # before it that day, and next day


async def test_hoy_al_rato_means_today_from_now_and_never_asks_which_day(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = _chat(rules_app, db, shop)
    offered = await chat.say("¿me puedes agendar un corte hoy al rato?")
    assert "¿qué día?" not in offered.lower() and "Hoy viernes" in offered
    assert all(t >= time(10, 30) for t in offered_times(offered))


async def test_en_un_rato_without_a_day_is_today(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = _chat(rules_app, db, shop)
    await chat.say("quiero una barba")
    offered = await chat.say("en un rato")
    assert "Hoy viernes" in offered and offered_times(offered)


async def test_lo_mas_pronto_posible_offers_the_earliest_times(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = _chat(rules_app, db, shop)
    offered = await chat.say("necesito un corte lo más pronto posible")
    times = offered_times(offered)
    assert "Hoy viernes" in offered and times and times[0] <= time(11)


async def test_a_bound_nothing_meets_says_so_and_books_nothing(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = _chat(rules_app, db, shop)
    answer = await chat.say("un corte mañana después de las 9 de la noche")
    assert "ya no tengo espacio" in answer
    assert await appointments_of(db, shop) == []


# ---------------------------------------------------------------- several services, one visit


async def test_two_services_in_one_message_are_one_visit_in_one_booking_group(rules_app, db, clock):
    shop = await salon(db, clock())
    await _known(db, shop, clock)
    chat = _chat(rules_app, db, shop)
    asked = await chat.say("quiero tinte y corte el lunes a las 11")
    assert "¿cuál de estos" not in asked.lower() and "tinte y corte de cabello" in asked and "$750" in asked
    done = await chat.say("sí")
    assert "Tinte" in done and "Corte de cabello" in done
    visit = await appointments_of(db, shop)
    assert len(visit) == 2 and len({a.booking_group_id for a in visit}) == 1 and visit[0].booking_group_id
    assert _local(visit[0]) == datetime(2026, 1, 19, 11) and visit[1].starts_at == visit[0].ends_at


async def test_three_services_in_one_message_are_one_visit(rules_app, db, clock):
    shop = await salon(db, clock())
    await _known(db, shop, clock)
    chat = _chat(rules_app, db, shop)
    offered = await chat.say("me gustaría corte, tinte y cejas el martes en la mañana")
    assert "¿cuál de estos" not in offered.lower() and offered_times(offered)
    await chat.say("la primera")
    visit = await appointments_of(db, shop)
    assert len(visit) == 3 and len({a.booking_group_id for a in visit}) == 1
    assert {a.service_type_id for a in visit} == {shop.services[k].id for k in ("corte", "tinte", "cejas")}


async def test_unas_de_manos_y_pies_is_the_mani_pedi_without_asking_which(rules_app, db, clock):
    shop = await unas_bonitas(db, clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)
    offered = await chat.say("quiero uñas de manos y pies el lunes en la tarde")
    assert "¿cuál de estos" not in offered.lower() and "Mani + Pedi" in offered


async def test_corte_y_barba_is_one_visit_not_a_question(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = _chat(rules_app, db, shop)
    offered = await chat.say("corte y barba para el lunes")
    assert "¿Cuál de estos servicios" not in offered and "corte y barba" in offered.lower()


# ---------------------------------------------------------------- remembered between turns


async def test_price_then_book_keeps_the_service(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = _chat(rules_app, db, shop)
    price = await chat.say("¿cuánto cuesta la barba?")
    assert "$100" in price
    offered = await chat.say("va, apártame uno para el jueves")
    assert "¿Qué servicio" not in offered and "arreglo de barba" in offered and "jueves" in offered.lower()


async def test_follow_up_y_el_martes_keeps_the_service_and_the_part_of_day(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = _chat(rules_app, db, shop)
    first = await chat.say("un corte el lunes en la tarde")
    assert "El lunes" in first
    second = await chat.say("¿y el martes?")
    times = offered_times(second)
    assert "El martes" in second and "corte de cabello" in second and times and all(t >= time(12) for t in times)


async def test_correction_no_mejor_a_las_6_replaces_only_the_time(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    await _known(db, shop, clock)
    chat = _chat(rules_app, db, shop)
    asked = await chat.say("quiero un corte el lunes a las 4")
    assert "4:00 PM" in asked and "¿Te la agendo?" in asked
    again = await chat.say("no, mejor a las 6")
    assert "6:00 PM" in again and "lunes" in again and "corte de cabello" in again
    await chat.say("sí")
    [booked] = await appointments_of(db, shop)
    assert _local(booked) == datetime(2026, 1, 19, 18)


async def test_correction_of_the_day_keeps_the_time(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    await _known(db, shop, clock)
    chat = _chat(rules_app, db, shop)
    await chat.say("quiero un corte el lunes a las 4")
    again = await chat.say("perdón, quise decir el martes")
    assert "martes" in again and "4:00 PM" in again
    await chat.say("sí")
    [booked] = await appointments_of(db, shop)
    assert _local(booked) == datetime(2026, 1, 20, 16)


async def _past_visit(db, shop, customer, service: str, staff: str, clock) -> None:
    past = await add_appointment(db, shop, customer, service, staff, date(2026, 1, 9), time(12), clock())
    async with db.transaction(write=True) as s:
        await s.execute(update(Appointment).where(Appointment.id == past.id)
                        .values(status=AppointmentStatus.COMPLETED))


async def test_lo_de_siempre_books_the_last_completed_visit_with_the_same_stylist(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await _known(db, shop, clock)
    await _past_visit(db, shop, juan, "barba", "carlos", clock)
    chat = _chat(rules_app, db, shop)
    asked = await chat.say("lo de siempre para mañana a las 12")
    assert "arreglo de barba" in asked and "Carlos" in asked
    await chat.say("sí")
    booked = [a for a in await appointments_of(db, shop) if a.status is AppointmentStatus.CONFIRMED]
    assert len(booked) == 1 and booked[0].service_type_id == shop.services["barba"].id
    assert booked[0].staff_id == shop.staff["carlos"].id and _local(booked[0]) == datetime(2026, 1, 17, 12)


async def test_lo_mismo_que_la_otra_vez_asks_only_for_the_day(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await _known(db, shop, clock)
    await _past_visit(db, shop, juan, "combo", "pedro", clock)
    chat = _chat(rules_app, db, shop)
    asked = await chat.say("hola, quiero lo mismo que la otra vez")
    assert "corte y barba" in asked and "¿Para qué día" in asked


async def test_mixed_english_keeps_the_spanish_parts(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = _chat(rules_app, db, shop)
    offered = await chat.say("un haircut tomorrow en la tarde please")
    times = offered_times(offered)
    assert "Mañana sábado" in offered and "corte de cabello" in offered and all(t >= time(12) for t in times)


async def test_mixed_english_book_appointment_para_el_lunes(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = _chat(rules_app, db, shop)
    offered = await chat.say("I want to book una barba para el lunes")
    assert "El lunes" in offered and "arreglo de barba" in offered


async def test_a_new_customers_name_comes_with_the_confirmation_and_reaches_the_owner_notice(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = _chat(rules_app, db, shop)
    asked = await chat.say("quiero un corte mañana a las 12")
    assert "¿Te la agendo?" in asked and "nombre" in asked
    done = await chat.say("sí, a nombre de Ana López")
    assert done.startswith("¡Listo, Ana!")
    [booked] = await appointments_of(db, shop)
    async with db.session() as s:
        customer = await s.get(Customer, booked.customer_id)
        notices = list(await s.scalars(select(OutboundMessage).where(OutboundMessage.template_name == "new_booking")))
    assert customer.name == "Ana López"
    assert notices and all("Ana López" in render(n.template_name, n.template_variables, now=clock()).body
                           for n in notices)


async def test_a_stylist_named_is_kept_for_the_offers_and_the_booking(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    await _known(db, shop, clock)
    chat = _chat(rules_app, db, shop)
    offered = await chat.say("quiero un corte con Pedro el lunes en la mañana")
    assert "con Pedro" in offered
    await chat.say("la primera")
    [booked] = await appointments_of(db, shop)
    assert booked.staff_id == shop.staff["pedro"].id


async def test_mas_tarde_after_offers_offers_later_times(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = _chat(rules_app, db, shop)
    first = await chat.say("un corte el lunes en la mañana")
    latest = max(offered_times(first))
    later = await chat.say("¿no tienes más tarde?")
    assert offered_times(later) and all(t > latest for t in offered_times(later)), later


async def test_another_day_after_offers_asks_which_day(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = _chat(rules_app, db, shop)
    await chat.say("un corte el lunes")
    asked = await chat.say("mejor otro día")
    assert "¿qué otro día" in asked.lower()


async def test_abandoned_offers_are_resumed_for_the_same_day(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = _chat(rules_app, db, shop)
    await chat.say("un corte el lunes en la tarde")
    clock.advance(timedelta(hours=1))
    again = await chat.say("hola")
    assert "Sigamos" in again and "El lunes" in again


# ---------------------------------------------------------------- memory rows


async def _overwrite_flow(db, state: str, data: dict) -> None:
    """The conversation's flow row as other code left it (an older engine, a damaged row)."""
    async with db.transaction(write=True) as s:
        await s.execute(update(FlowSession).values(flow_type="book", state=state, collected_data=data))


async def test_a_damaged_flow_row_never_crashes_a_turn(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = _chat(rules_app, db, shop)
    await chat.say("quiero una cita")
    await _overwrite_flow(db, "no_such_state", {"version": 99, "when": "garbage", "services": 7})
    answer = await chat.say("quiero un corte el lunes en la tarde")
    assert "El lunes" in answer and "Perdón, se me complicó" not in answer


async def test_a_flow_row_of_the_first_engine_is_read(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = _chat(rules_app, db, shop)
    await chat.say("quiero una cita")
    await _overwrite_flow(db, "collecting_datetime", {"service_id": str(shop.services["barba"].id)})
    answer = await chat.say("el lunes en la tarde")
    assert "arreglo de barba" in answer and "El lunes" in answer


async def test_a_price_question_about_two_services_then_yes_books_both_as_one_visit(rules_app, db, clock):
    shop = await salon(db, clock())
    await _known(db, shop, clock)
    chat = _chat(rules_app, db, shop)
    prices = await chat.say("¿cuánto cuestan el tinte y el corte?")
    assert "$600" in prices and "$150" in prices
    asked = await chat.say("sí")
    assert "tinte y corte de cabello" in asked and "¿Para qué día" in asked
    offered = await chat.say("el lunes en la mañana")
    assert offered_times(offered)
    await chat.say("la primera")
    visit = await appointments_of(db, shop)
    assert len(visit) == 2 and len({a.booking_group_id for a in visit}) == 1


async def test_follow_up_que_tal_el_jueves_after_a_confirmation_question_keeps_the_time(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    await _known(db, shop, clock)
    chat = _chat(rules_app, db, shop)
    await chat.say("una barba el lunes a las 5")
    again = await chat.say("¿qué tal el jueves?")
    assert "jueves" in again and "5:00 PM" in again
    await chat.say("sí")
    [booked] = await appointments_of(db, shop)
    assert _local(booked) == datetime(2026, 1, 22, 17)


async def test_hoy_en_la_tarde_offers_this_afternoon(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = _chat(rules_app, db, shop)
    offered = await chat.say("¿tienes algo hoy en la tarde para un corte?")
    times = offered_times(offered)
    assert "Hoy viernes" in offered and times and all(t >= time(12) for t in times)


async def test_cancelling_with_several_appointments_asks_which_and_cancels_only_that_one(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await _known(db, shop, clock)
    saturday = await add_appointment(db, shop, juan, "corte", "pedro", SATURDAY, time(10), clock())
    monday = await add_appointment(db, shop, juan, "barba", "carlos", MONDAY, time(11), clock())
    chat = _chat(rules_app, db, shop)
    which = await chat.say("quiero cancelar mi cita")
    assert "¿Cuál cita quieres cancelar?" in which
    sure = await chat.say("la de la barba")
    assert sure.startswith("¿Seguro que quieres cancelar tu cita de arreglo de barba")
    await chat.say("sí")
    rows = {a.id: a for a in await appointments_of(db, shop)}
    assert rows[monday.id].status is AppointmentStatus.CANCELLED
    assert rows[saturday.id].status is AppointmentStatus.CONFIRMED


async def test_a_name_typed_while_choosing_a_time_is_kept_and_never_asked_again(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = _chat(rules_app, db, shop)
    offered = await chat.say("quiero un corte mañana después de las 5")
    assert "PM" in offered
    again = await chat.say("Juan Torres")
    assert "Juan" in again and "nombre" not in again
    done = await chat.say("la primera")
    assert "nombre" not in done and "¡Listo, Juan!" in done
    [booked] = await appointments_of(db, shop)
    assert _local(booked).hour >= 17
    async with db.session() as s:
        customer = await s.scalar(select(Customer).where(Customer.id == booked.customer_id))
    assert customer.name == "Juan Torres"
