"""Staff and owners asking what a manager who knows the book by heart would answer (issue 20).

Every dialogue goes through the signed Twilio webhook. Figures are checked against the
book counted one visit at a time (tests/resolvers/salon_book.py), not against the resolver.
Today is Friday 16 January 2026, 10:00 in Mexico City.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from storage.ids import new_id
from storage import Appointment, AppointmentStatus, Availability, AvailabilityKind, OnboardingSession, PermissionLevel, Staff
from tests.conversation.kit import MX, Chat, add_appointment, add_customer, don_carlos, outbound_to
from tests.resolvers.salon_book import count_figures, write_visits

TODAY = date(2026, 1, 16)  # a Friday
CARLOS, PEDRO = "+525512345001", "+525512345002"


async def _book(db, shop, clock):
    staff = shop.staff
    return await write_visits(db, organization_id=shop.org.id, location_id=staff["carlos"].location_id, zone=MX,
                              staff_ids=[staff["carlos"].id, staff["pedro"].id],
                              services=[(s.id, s.duration_minutes, s.price_cents) for s in shop.services.values()],
                              now=clock())


def _money(cents: int) -> str:
    return f"${cents // 100:,}" + (f".{cents % 100:02d}" if cents % 100 else "")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


async def _status(db, appointment_id) -> AppointmentStatus:
    async with db.session() as s:
        return (await s.get(Appointment, appointment_id)).status


async def _set_status(db, appointment_id, status: AppointmentStatus) -> None:
    async with db.transaction(write=True) as s:
        (await s.get(Appointment, appointment_id)).status = status


# ---------------------------------------------------------------- the number first, for the period asked

PERIODS = {  # what the owner says → (first, last) local days, and how the answer names it
    "hoy": ((TODAY, TODAY), "Hoy viernes"),
    "mañana": ((date(2026, 1, 17),) * 2, "Mañana sábado"),
    "el lunes": ((date(2026, 1, 19),) * 2, "El lunes"),
    "esta semana": ((date(2026, 1, 12), date(2026, 1, 18)), "Esta semana"),
    "la próxima semana": ((date(2026, 1, 19), date(2026, 1, 25)), "La próxima semana"),
    "este mes": ((date(2026, 1, 1), date(2026, 1, 31)), "Este mes"),
    "del 5 al 10 de enero": ((date(2026, 1, 5), date(2026, 1, 10)), "Del 5 al 10 de enero"),
}
PAST_PERIODS = {
    "ayer": ((date(2026, 1, 15),) * 2, "Ayer jueves"),
    "la semana pasada": ((date(2026, 1, 5), date(2026, 1, 11)), "La semana pasada"),
    "el mes pasado": ((date(2025, 12, 1), date(2025, 12, 31)), "El mes pasado"),
}


@pytest.mark.parametrize("said", list(PERIODS))
async def test_how_many_appointments_in_total_counts_the_period_asked_not_the_month(rules_app, db, clock, said):
    shop = await don_carlos(db, clock())
    visits = await _book(db, shop, clock)
    (first, last), named = PERIODS[said]
    expected = count_figures(visits, first, last, MX)["appointments"]
    answer = await Chat(rules_app, db, CARLOS, shop.number).say(f"¿Cuántas citas hay {said} en total?")
    verb = "hubo" if last < TODAY else "hay"
    assert answer.startswith(f"{named} {verb} {_count(expected, 'cita', 'citas')} en total."), answer


@pytest.mark.parametrize("said", list(PAST_PERIODS))
async def test_how_much_we_sold_answers_that_periods_completed_visits(rules_app, db, clock, said):
    shop = await don_carlos(db, clock())
    visits = await _book(db, shop, clock)
    (first, last), named = PAST_PERIODS[said]
    expected = count_figures(visits, first, last, MX)
    answer = await Chat(rules_app, db, CARLOS, shop.number).say(f"¿Cuánto vendimos {said}?")
    assert answer == (f"{named} se vendieron {_money(expected['revenue_cents'])} en "
                      f"{_count(expected['completed'], 'cita completada', 'citas completadas')}.")


async def test_how_much_we_sold_this_week_is_this_weeks_revenue_with_what_is_still_to_come(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    visits = await _book(db, shop, clock)
    week = count_figures(visits, date(2026, 1, 12), date(2026, 1, 18), MX)
    answer = await Chat(rules_app, db, CARLOS, shop.number).say("¿Cuánto vendimos esta semana?")
    assert answer.startswith(f"Esta semana llevamos {_money(week['revenue_cents'])} vendidos en "
                             f"{_count(week['completed'], 'cita completada', 'citas completadas')}.")
    assert _money(week["expected_revenue_cents"]) in answer
    month = count_figures(visits, date(2026, 1, 1), date(2026, 1, 31), MX)
    assert week["revenue_cents"] != month["revenue_cents"]  # the symptom: the month's totals were given


async def test_how_many_appointments_i_have_tomorrow_says_the_number_then_lists_them(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    ana = await add_customer(db, shop, "+525598765432", "Ana López", verified=clock())
    luis = await add_customer(db, shop, "+525598765433", "Luis Mora", verified=clock())
    await add_appointment(db, shop, ana, "corte", "pedro", date(2026, 1, 17), time(11), clock())
    await add_appointment(db, shop, luis, "barba", "pedro", date(2026, 1, 17), time(16), clock())
    await add_appointment(db, shop, luis, "corte", "carlos", date(2026, 1, 17), time(12), clock())
    answer = await Chat(rules_app, db, PEDRO, shop.number).say("¿Cuántas citas tengo mañana?")
    first, *rest = answer.split("\n")
    assert first == "Mañana sábado tienes 2 citas."
    assert "⏰ 11:00 AM - Corte - Ana López" in rest and "⏰ 4:00 PM - Barba - Luis Mora" in rest


async def test_a_colleagues_count_names_them(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    visits = await _book(db, shop, clock)
    expected = count_figures(visits, date(2026, 1, 12), date(2026, 1, 18), MX, staff_id=shop.staff["pedro"].id)
    answer = await Chat(rules_app, db, CARLOS, shop.number).say("¿cuántas citas tiene Pedro esta semana?")
    assert answer.startswith(f"Esta semana Pedro tiene {_count(expected['appointments'], 'cita', 'citas')}.")


async def test_no_shows_last_month_and_new_customers_this_month_match_the_book(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    visits = await _book(db, shop, clock)
    carlos = Chat(rules_app, db, CARLOS, shop.number)
    december = count_figures(visits, date(2025, 12, 1), date(2025, 12, 31), MX)
    assert await carlos.say("¿cuántos no-shows tuvimos el mes pasado?") == (
        f"El mes pasado hubo {_count(december['no_shows'], 'no-show', 'no-shows')} (no llegaron).")
    january = count_figures(visits, date(2026, 1, 1), date(2026, 1, 31), MX)
    assert january["new_customers"] > 0
    assert await carlos.say("¿cuántos clientes nuevos van este mes?") == (
        f"Este mes llevamos {_count(january['new_customers'], 'cliente nuevo', 'clientes nuevos')}.")


async def test_the_busiest_day_and_hour_of_the_month_match_the_book(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    visits = await _book(db, shop, clock)
    january = count_figures(visits, date(2026, 1, 1), date(2026, 1, 31), MX)
    carlos = Chat(rules_app, db, CARLOS, shop.number)
    busiest = january["busiest_day"]
    day_answer = await carlos.say("¿qué día es el más lleno este mes?")
    assert f" {busiest.day} de enero" in day_answer and day_answer.startswith("El día más lleno este mes")
    hour = january["busiest_hour"]
    hour_answer = await carlos.say("¿y la hora pico?")
    label = f"{(hour - 1) % 12 + 1}:00 {'AM' if hour < 12 else 'PM'}"
    assert hour_answer.startswith(f"La hora más llena este mes es de {label} a")


async def test_how_are_we_doing_this_month_gives_every_figure_of_the_month(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    visits = await _book(db, shop, clock)
    m = count_figures(visits, date(2026, 1, 1), date(2026, 1, 31), MX)
    answer = await Chat(rules_app, db, CARLOS, shop.number).say("¿cómo vamos este mes?")
    assert answer == (f"Este mes: {_count(m['appointments'], 'cita', 'citas')}, {m['completed']} completadas "
                      f"({_money(m['revenue_cents'])}), {_count(m['no_shows'], 'no-show', 'no-shows')}, "
                      f"{_count(m['cancelled'], 'cancelada', 'canceladas')} y "
                      f"{_count(m['new_customers'], 'cliente nuevo', 'clientes nuevos')}.")


# ---------------------------------------------------------------- follow-ups


async def test_and_tomorrow_after_whats_on_today_shows_tomorrows_agenda_not_the_help_menu(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    ana = await add_customer(db, shop, "+525598765432", "Ana López", verified=clock())
    await add_appointment(db, shop, ana, "corte", "pedro", date(2026, 1, 17), time(12), clock())
    pedro = Chat(rules_app, db, PEDRO, shop.number)
    assert "hoy viernes no tienes citas" in await pedro.say("¿qué tengo hoy?")
    tomorrow = await pedro.say("¿y mañana?")
    assert tomorrow.startswith("Hola Pedro, aquí está tu agenda para mañana sábado:")
    assert "⏰ 12:00 PM - Corte - Ana López" in tomorrow and "Esto es lo que puedes pedirme" not in tomorrow


async def test_and_pedro_after_a_count_gives_pedros_count_for_the_same_day(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    visits = await _book(db, shop, clock)
    carlos = Chat(rules_app, db, CARLOS, shop.number)
    tomorrow = date(2026, 1, 17)
    await carlos.say("¿Cuántas citas hay mañana en total?")
    pedros = count_figures(visits, tomorrow, tomorrow, MX, staff_id=shop.staff["pedro"].id)["appointments"]
    assert (await carlos.say("¿y Pedro?")).startswith(f"Mañana sábado Pedro tiene {_count(pedros, 'cita', 'citas')}.")
    monday = date(2026, 1, 19)
    pedros_monday = count_figures(visits, monday, monday, MX, staff_id=shop.staff["pedro"].id)["appointments"]
    assert (await carlos.say("¿y el lunes?")).startswith(f"El lunes Pedro tiene {_count(pedros_monday, 'cita', 'citas')}.")
    everyone = count_figures(visits, monday, monday, MX)["appointments"]
    assert (await carlos.say("¿y en total?")).startswith(f"El lunes hay {_count(everyone, 'cita', 'citas')} en total.")


async def test_and_last_week_after_this_weeks_sales_gives_last_weeks_sales(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    visits = await _book(db, shop, clock)
    carlos = Chat(rules_app, db, CARLOS, shop.number)
    await carlos.say("¿Cuánto vendimos esta semana?")
    last = count_figures(visits, date(2026, 1, 5), date(2026, 1, 11), MX)
    assert await carlos.say("¿y la semana pasada?") == (
        f"La semana pasada se vendieron {_money(last['revenue_cents'])} en "
        f"{_count(last['completed'], 'cita completada', 'citas completadas')}.")
    december = count_figures(visits, date(2025, 12, 1), date(2025, 12, 31), MX)
    assert (await carlos.say("y el mes pasado")).startswith(f"El mes pasado se vendieron {_money(december['revenue_cents'])}")


async def test_a_bare_weekday_after_a_question_about_yesterday_is_the_one_just_gone(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    visits = await _book(db, shop, clock)
    carlos = Chat(rules_app, db, CARLOS, shop.number)
    await carlos.say("¿cuánto vendimos ayer?")
    monday = date(2026, 1, 12)
    expected = count_figures(visits, monday, monday, MX)
    assert await carlos.say("¿y el lunes?") == (
        f"El lunes 12 de enero se vendieron {_money(expected['revenue_cents'])} en "
        f"{_count(expected['completed'], 'cita completada', 'citas completadas')}.")


async def test_and_the_cancelled_ones_keeps_the_period_and_changes_the_figure(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    visits = await _book(db, shop, clock)
    carlos = Chat(rules_app, db, CARLOS, shop.number)
    await carlos.say("¿cuántas citas hubo la semana pasada?")
    last = count_figures(visits, date(2026, 1, 5), date(2026, 1, 11), MX)
    assert await carlos.say("¿y cancelaciones?") == (
        f"La semana pasada hubo {_count(last['cancelled'], 'cancelación', 'cancelaciones')}.")


async def test_a_new_request_after_a_question_is_not_taken_for_a_follow_up(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    pedro = Chat(rules_app, db, PEDRO, shop.number)
    await pedro.say("¿qué tengo hoy?")
    assert (await pedro.say("bloquea de 2 a 3 para mi comida")).startswith("Listo, bloqueé de las 2:00 PM a las 3:00 PM")
    async with db.session() as s:
        assert len((await s.scalars(select(Availability).where(Availability.kind == AvailabilityKind.BLOCK))).all()) == 1


async def test_staff_asking_the_business_total_get_their_own_number_and_are_told_why(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    visits = await _book(db, shop, clock)
    pedro = Chat(rules_app, db, PEDRO, shop.number)
    tomorrow = date(2026, 1, 17)
    own = count_figures(visits, tomorrow, tomorrow, MX, staff_id=shop.staff["pedro"].id)["appointments"]
    answer = await pedro.say("¿Cuántas citas hay mañana en total?")
    assert answer.startswith(f"Mañana sábado tienes {_count(own, 'cita', 'citas')}.")
    assert answer.endswith("(Los números de todo el negocio solo los ven el dueño y los administradores.)")
    refused = await pedro.say("¿y Carlos?")
    assert refused == "Solo el dueño o un administrador pueden ver los números del negocio o de otra persona del equipo."


async def test_who_am_i_with_next_answers_the_next_customer(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    ana = await add_customer(db, shop, "+525598765432", "Ana López", verified=clock())
    await add_appointment(db, shop, ana, "corte", "pedro", TODAY, time(13), clock())
    answer = await Chat(rules_app, db, PEDRO, shop.number).say("con quién me toca?")
    assert answer == "Tu siguiente cita es a la 1:00 PM: Corte de cabello con Ana López."


async def test_and_a_day_after_who_is_next_shows_that_days_agenda_not_the_help_menu(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    ana = await add_customer(db, shop, "+525598765432", "Ana López", verified=clock())
    await add_appointment(db, shop, ana, "corte", "pedro", TODAY, time(13), clock())
    await add_appointment(db, shop, ana, "barba", "pedro", date(2026, 1, 19), time(11), clock())
    pedro = Chat(rules_app, db, PEDRO, shop.number)
    await pedro.say("con quién me toca?")
    monday = await pedro.say("y el lunes?")
    assert "lunes" in monday and "11:00 AM" in monday and "Ana López" in monday, monday


async def test_and_the_last_one_steps_back_the_same_kind_of_period(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    visits = await _book(db, shop, clock)
    pedro = Chat(rules_app, db, PEDRO, shop.number)
    mine = shop.staff["pedro"].id
    this_week = count_figures(visits, date(2026, 1, 12), date(2026, 1, 18), MX, staff_id=mine)["appointments"]
    assert (await pedro.say("cuántas citas llevo esta semana")).startswith(
        f"Esta semana tienes {_count(this_week, 'cita', 'citas')}.")
    last_week = count_figures(visits, date(2026, 1, 5), date(2026, 1, 11), MX, staff_id=mine)["appointments"]
    assert await pedro.say("¿y la pasada?") == f"La semana pasada tuviste {_count(last_week, 'cita', 'citas')}."


async def test_a_month_named_in_january_about_december_is_the_one_just_gone(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    visits = await _book(db, shop, clock)
    carlos = Chat(rules_app, db, CARLOS, shop.number)
    await carlos.say("¿Cuántas citas hay mañana en total?")
    december = count_figures(visits, date(2025, 12, 1), date(2025, 12, 31), MX)["appointments"]
    assert december > 0
    assert (await carlos.say("y en diciembre?")).startswith(
        f"El mes pasado hubo {_count(december, 'cita', 'citas')} en total.")


async def test_the_weeks_numbers_are_this_weeks_not_the_months(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    visits = await _book(db, shop, clock)
    w = count_figures(visits, date(2026, 1, 12), date(2026, 1, 18), MX)
    answer = await Chat(rules_app, db, CARLOS, shop.number).say("dame los números de la semana")
    assert answer.startswith(f"Esta semana: {_count(w['appointments'], 'cita', 'citas')}, {w['completed']} completadas")


async def test_who_sold_most_ranks_the_team_by_revenue(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    visits = await _book(db, shop, clock)
    first, last = date(2026, 1, 1), date(2026, 1, 31)
    pedro = count_figures(visits, first, last, MX, staff_id=shop.staff["pedro"].id)["revenue_cents"]
    carlos = count_figures(visits, first, last, MX, staff_id=shop.staff["carlos"].id)["revenue_cents"]
    best = "Pedro" if (pedro, "Pedro") > (carlos, "Carlos") else "Carlos"
    answer = await Chat(rules_app, db, CARLOS, shop.number).say("¿quién vendió más este mes?")
    assert f"Pedro {_money(pedro)}" in answer and f"Carlos {_money(carlos)}" in answer
    assert answer.endswith(f"Más: {best}.")


async def test_who_is_next_in_other_words(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    ana = await add_customer(db, shop, "+525598765432", "Ana López", verified=clock())
    await add_appointment(db, shop, ana, "barba", "pedro", TODAY, time(11), clock())
    pedro = Chat(rules_app, db, PEDRO, shop.number)
    for said in ("¿con quién sigo?", "¿a quién atiendo ahorita?", "¿quién me toca?"):
        assert await pedro.say(said) == "Tu siguiente cita es a las 11:00 AM: Arreglo de barba con Ana López.", said


# ---------------------------------------------------------------- appointments by name, marking by status


async def test_a_no_show_said_with_the_customers_name_finds_the_appointment_without_asking_the_time(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    jorge = await add_customer(db, shop, "+525598765432", "Jorge Hernández", verified=clock())
    ana = await add_customer(db, shop, "+525598765433", "Ana López", verified=clock())
    visit = await add_appointment(db, shop, jorge, "corte", "pedro", TODAY, time(9), clock() - timedelta(days=2))
    await add_appointment(db, shop, ana, "corte", "pedro", TODAY, time(9, 45), clock() - timedelta(days=2))
    pedro = Chat(rules_app, db, PEDRO, shop.number)
    assert await pedro.say("Jorge Hernández no llegó") == "¿Te refieres a la cita de Jorge Hernández a las 9:00 AM (Corte)?"
    assert (await pedro.say("sí")).startswith("Marqué la cita como no-show ✓")
    assert await _status(db, visit.id) is AppointmentStatus.NO_SHOW


async def test_a_misspelled_name_still_finds_the_appointment(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    jorge = await add_customer(db, shop, "+525598765432", "Jorge Hernández", verified=clock())
    visit = await add_appointment(db, shop, jorge, "corte", "pedro", TODAY, time(9), clock())
    pedro = Chat(rules_app, db, PEDRO, shop.number)
    assert "Jorge Hernández a las 9:00 AM" in await pedro.say("ya terminé con jorje hernandes")
    await pedro.say("sí")
    assert await _status(db, visit.id) is AppointmentStatus.COMPLETED


async def test_two_customers_with_the_same_first_name_are_asked_about(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    one = await add_customer(db, shop, "+525598765432", "Jorge Hernández", verified=clock())
    two = await add_customer(db, shop, "+525598765433", "Jorge Ramírez", verified=clock())
    await add_appointment(db, shop, one, "corte", "pedro", TODAY, time(9), clock())
    second = await add_appointment(db, shop, two, "barba", "carlos", TODAY, time(9, 15), clock())
    carlos = Chat(rules_app, db, CARLOS, shop.number)
    asked = await carlos.say("Jorge no vino")
    assert asked.startswith("Encontré a más de una persona con ese nombre. ¿Cuál de estas?")
    assert "9:00 AM - Jorge Hernández" in asked and "9:15 AM - Jorge Ramírez" in asked
    assert await carlos.say("Ramírez") == "¿Te refieres a la cita de Jorge Ramírez a las 9:15 AM (Barba)?"
    await carlos.say("sí")
    assert await _status(db, second.id) is AppointmentStatus.NO_SHOW


async def test_a_no_show_on_an_appointment_marked_completed_asks_to_change_it(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    jorge = await add_customer(db, shop, "+525598765432", "Jorge Hernández", verified=clock())
    visit = await add_appointment(db, shop, jorge, "corte", "pedro", TODAY, time(9), clock())
    await _set_status(db, visit.id, AppointmentStatus.COMPLETED)
    pedro = Chat(rules_app, db, PEDRO, shop.number)
    asked = await pedro.say("Jorge Hernández no llegó")
    assert asked == ("Esa cita de Jorge Hernández a las 9:00 AM ya está marcada como completada; "
                     "¿la cambio a no llegó?")
    assert "No encontré" not in asked
    assert (await pedro.say("sí, cámbiala")).startswith("Marqué la cita como no-show ✓")
    assert await _status(db, visit.id) is AppointmentStatus.NO_SHOW


async def test_marking_an_appointment_again_the_same_way_changes_nothing_and_says_so(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    ana = await add_customer(db, shop, "+525598765432", "Ana López", verified=clock())
    visit = await add_appointment(db, shop, ana, "corte", "pedro", TODAY, time(9), clock())
    await _set_status(db, visit.id, AppointmentStatus.COMPLETED)
    answer = await Chat(rules_app, db, PEDRO, shop.number).say("ya terminé con Ana")
    assert answer == "Esa cita (Ana López, a las 9:00 AM) ya está marcada como completada; no cambié nada."
    assert await _status(db, visit.id) is AppointmentStatus.COMPLETED


async def test_the_agenda_shows_how_each_appointment_is_marked(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    ana = await add_customer(db, shop, "+525598765432", "Ana López", verified=clock())
    luis = await add_customer(db, shop, "+525598765433", "Luis Mora", verified=clock())
    done = await add_appointment(db, shop, ana, "corte", "pedro", TODAY, time(9), clock())
    await add_appointment(db, shop, luis, "barba", "pedro", TODAY, time(12), clock())
    await _set_status(db, done.id, AppointmentStatus.COMPLETED)
    agenda = await Chat(rules_app, db, PEDRO, shop.number).say("¿qué tengo hoy?")
    assert "⏰ 9:00 AM - Corte - Ana López ✓ completada" in agenda
    assert "⏰ 12:00 PM - Barba - Luis Mora\n" in agenda


async def test_a_free_gap_is_shown_with_its_end_time(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    ana = await add_customer(db, shop, "+525598765432", "Ana López", verified=clock())
    await add_appointment(db, shop, ana, "corte", "pedro", TODAY, time(10), clock())
    await add_appointment(db, shop, ana, "corte", "pedro", TODAY, time(11, 45), clock())
    await add_appointment(db, shop, ana, "corte", "pedro", TODAY, time(12, 30), clock())
    agenda = await Chat(rules_app, db, PEDRO, shop.number).say("¿qué tengo hoy?")
    gaps = re.findall(r"⏰ (\S+ [AP]M)( - \S+ [AP]M)? - Disponible", agenda)
    assert gaps and all(end for _, end in gaps), agenda
    assert "⏰ 10:45 AM - 11:45 AM - Disponible" in agenda


# ---------------------------------------------------------------- blocking outside someone's hours


async def _with_hours(db, shop, clock, key: str, weekdays: range, start: time, end: time) -> None:
    async with db.transaction(write=True) as s:
        for weekday in weekdays:
            s.add(Availability(organization_id=shop.org.id, staff_id=shop.staff[key].id,
                               kind=AvailabilityKind.RECURRING, day_of_week=weekday, start_time=start, end_time=end,
                               created_at=clock(), updated_at=clock()))


async def _blocks(db) -> list[Availability]:
    async with db.session() as s:
        return list((await s.scalars(select(Availability).where(Availability.kind == AvailabilityKind.BLOCK))).all())


async def test_blocking_a_day_someone_does_not_work_says_so_and_blocks_nothing_without_a_yes(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    await _with_hours(db, shop, clock, "pedro", range(0, 5), time(10), time(18))  # Monday to Friday
    pedro = Chat(rules_app, db, PEDRO, shop.number)
    asked = await pedro.say("bloquea mañana de 2 a 3")
    assert asked == ("Ojo: mañana sábado no trabajas según tu horario. "
                     "¿Bloqueo de las 2:00 PM a las 3:00 PM mañana sábado de todos modos?")
    assert await _blocks(db) == []
    assert await pedro.say("no") == "Va, no bloqueé nada."
    assert await _blocks(db) == []


async def test_blocking_after_someones_hours_names_their_hours_and_blocks_on_yes(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    await _with_hours(db, shop, clock, "pedro", range(0, 6), time(10), time(16))
    pedro = Chat(rules_app, db, PEDRO, shop.number)
    asked = await pedro.say("bloquea de 5 a 7")
    assert asked.startswith("Ojo: hoy viernes tu horario es de las 10:00 AM a las 4:00 PM.")
    assert await _blocks(db) == []
    assert (await pedro.say("sí")).startswith("Listo, bloqueé de las 5:00 PM a las 7:00 PM ✓")
    [block] = await _blocks(db)
    assert block.starts_at.astimezone(MX).time() == time(17) and block.staff_id == shop.staff["pedro"].id


async def test_blocking_inside_someones_hours_is_done_at_once(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    await _with_hours(db, shop, clock, "pedro", range(0, 6), time(10), time(16))
    pedro = Chat(rules_app, db, PEDRO, shop.number)
    assert (await pedro.say("bloquea de 2 a 3 para mi comida")).startswith("Listo, bloqueé de las 2:00 PM a las 3:00 PM ✓")
    assert len(await _blocks(db)) == 1


# ---------------------------------------------------------------- staff onboarding


async def _new_member(db, shop, clock, *, name: str, phone: str, hours: bool) -> Staff:
    async with db.transaction(write=True) as s:
        # without hours: added on the dashboard, which waits for hours to be chosen (settings.hours_chosen false)
        member = Staff(id=new_id(), organization_id=shop.org.id, location_id=shop.staff["carlos"].location_id,
                       name=name, phone_number=phone, permission_level=PermissionLevel.STAFF,
                       settings={} if hours else {"hours_chosen": False}, created_at=clock(), updated_at=clock())
        member.services = list(shop.services.values())
        s.add(member)
        await s.flush()
        if hours:
            for weekday in range(1, 6):
                s.add(Availability(organization_id=shop.org.id, staff_id=member.id, kind=AvailabilityKind.RECURRING,
                                   day_of_week=weekday, start_time=time(10), end_time=time(18),
                                   created_at=clock(), updated_at=clock()))
    return member


async def _onboarding_state(db, member) -> str | None:
    async with db.session() as s:
        row = await s.scalar(select(OnboardingSession).where(OnboardingSession.staff_id == member.id))
    return row.state if row else None


async def test_a_new_member_with_hours_set_is_welcomed_once_and_their_first_question_answered(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    rosa = await _new_member(db, shop, clock, name="Rosa Díaz", phone="+525511112222", hours=True)
    chat = Chat(rules_app, db, "+5215511112222", shop.number)
    welcome, answer = await chat.send("¿qué tengo hoy?")
    assert welcome.startswith("¡Hola, Rosa! Soy Parlo, la asistente de Barbería Don Carlos. Carlos te agregó al equipo")
    assert "¿Cómo" not in welcome and "horario trabajas" not in welcome  # nothing asked that the owner already set
    assert answer == "Hola Rosa, hoy viernes no tienes citas; estás libre de 10:00 AM a 6:00 PM."
    assert await _onboarding_state(db, rosa) == "completed"
    # the next message is a request, not an acknowledgement of the tutorial
    assert (await chat.say("bloquea de 2 a 3")).startswith("Listo, bloqueé de las 2:00 PM a las 3:00 PM ✓")
    [told] = [m for m in await outbound_to(db, CARLOS) if m.template_name == "staff_onboarding_completed"]
    assert told.template_variables["staff_name"] == "Rosa Díaz"


async def test_a_member_added_on_whatsapp_works_the_business_hours_and_is_not_asked_for_them(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    async with db.transaction(write=True) as s:  # what the owner's "agrega a Rosa" writes: no hours of her own
        s.add(Staff(id=new_id(), organization_id=shop.org.id, location_id=shop.staff["carlos"].location_id,
                    name="Rosa Díaz", phone_number="+525511112222", permission_level=PermissionLevel.STAFF,
                    settings={}, created_at=clock(), updated_at=clock()))
    welcome, answer = await Chat(rules_app, db, "+5215511112222", shop.number).send("¿qué tengo hoy?")
    assert "Ya tengo tu horario" in welcome and "horario trabajas" not in welcome
    assert answer == "Hola Rosa, hoy viernes no tienes citas; estás libre de 10:00 AM a 8:00 PM."


async def test_a_new_members_first_message_that_needs_a_yes_keeps_its_question(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    await _new_member(db, shop, clock, name="Rosa Díaz", phone="+525511112222", hours=True)
    lupe = await add_customer(db, shop, "+525598765432", "Lupe Soto", verified=clock())
    async with db.transaction(write=True) as s:
        rosa = await s.scalar(select(Staff).where(Staff.phone_number == "+525511112222"))
    shop.staff["rosa"] = rosa
    visit = await add_appointment(db, shop, lupe, "corte", "rosa", TODAY, time(9), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)
    replies = await chat.send("la de las 9 no llegó")
    assert replies[-1] == "¿Te refieres a la cita de Lupe Soto a las 9:00 AM (Corte)?"
    assert (await chat.say("sí")).startswith("Marqué la cita como no-show ✓")
    assert await _status(db, visit.id) is AppointmentStatus.NO_SHOW


async def test_a_new_member_without_hours_is_asked_only_the_hours_and_their_request_is_not_lost(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    rosa = await _new_member(db, shop, clock, name="Rosa Díaz", phone="+525511112222", hours=False)
    chat = Chat(rules_app, db, "+5215511112222", shop.number)
    replies = await chat.send("¿qué tengo hoy?")
    assert replies[0].startswith("¡Hola, Rosa! Soy Parlo")
    assert any("no tienes citas" in r for r in replies)  # answered, not swallowed
    assert replies[-1].startswith("Por cierto, todavía no tengo tu horario: ¿qué días y en qué horario trabajas?")
    assert not any("¿Cómo" in r or "te llame" in r for r in replies)
    saved = await chat.say("de martes a sábado de 10 a 6")
    assert saved.startswith("Listo, guardé tu horario ✓")
    assert await _onboarding_state(db, rosa) == "completed"
    async with db.session() as s:
        days = sorted(a.day_of_week for a in (await s.scalars(select(Availability).where(
            Availability.staff_id == rosa.id, Availability.kind == AvailabilityKind.RECURRING))).all())
    assert days == [1, 2, 3, 4, 5]
    assert (await chat.say("¿y mañana?")) != ""  # routed as staff now


# ---------------------------------------------------------------- the LLM engine asks the same resolver


async def test_on_the_llm_an_owners_count_comes_from_the_same_figures_for_the_period_asked(llm_app, fake, db, clock):
    from tests.conversation.fake_openai import call, last_tool_result, system_prompt

    shop = await don_carlos(db, clock())
    visits = await _book(db, shop, clock)
    tomorrow = date(2026, 1, 17)
    fake.then(
        call("get_stats", {"first_day": "2026-01-17", "last_day": "2026-01-17"}),
        lambda req: {"role": "assistant",
                     "content": f"Mañana sábado hay {last_tool_result(req)['appointments']} citas en total."},
        call("get_stats", {"first_day": "2026-01-17", "staff_id": str(shop.staff["pedro"].id)}),
        lambda req: {"role": "assistant", "content": f"Pedro tiene {last_tool_result(req)['appointments']} citas."},
    )
    async with llm_app() as http:
        carlos = Chat(http, db, CARLOS, shop.number)
        total = count_figures(visits, tomorrow, tomorrow, MX)["appointments"]
        assert await carlos.say("¿Cuántas citas hay mañana en total?") == f"Mañana sábado hay {total} citas en total."
        pedros = count_figures(visits, tomorrow, tomorrow, MX, staff_id=shop.staff["pedro"].id)["appointments"]
        assert await carlos.say("¿y Pedro?") == f"Pedro tiene {pedros} citas."
    prompt = system_prompt(fake.requests[0])
    assert "get_stats" in prompt and "lunes a domingo" in prompt and "¿y mañana?" in prompt
    assert "get_stats" in fake.tool_names(0)


async def test_a_customers_surname_in_any_words_finds_their_appointment(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    jorge = await add_customer(db, shop, "+525598765432", "Jorge Hernández", verified=clock())
    maria = await add_customer(db, shop, "+525598765433", "María Fernanda Ruiz", verified=clock())
    late = await add_appointment(db, shop, jorge, "corte", "pedro", TODAY, time(9), clock())
    await add_appointment(db, shop, maria, "barba", "pedro", TODAY, time(9, 45), clock())
    pedro = Chat(rules_app, db, PEDRO, shop.number)
    assert await pedro.say("el señor Hernández nunca llegó") == (
        "¿Te refieres a la cita de Jorge Hernández a las 9:00 AM (Corte)?")
    await pedro.say("sí")
    assert await _status(db, late.id) is AppointmentStatus.NO_SHOW
    assert "María Fernanda Ruiz a las 9:45 AM" in await pedro.say("terminé con la señora Ruiz")
