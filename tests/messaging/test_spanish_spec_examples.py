"""The spec's example conversations, turn by turn, as the rule engine will read and write them.

Each test follows one example of the product spec's appendix: what the language core
understands from every message, and the Spanish it produces for Parlo's replies. The
conversation state (what was asked last) is the engine's; here it is spelled out.
"""

from __future__ import annotations

from datetime import date, time

from messaging.spanish import (
    Audience,
    ChoiceKind,
    Intent,
    MatchKind,
    PartOfDay,
    RangeKind,
    choose,
    detect_intent,
    extract_phone,
    format_phone,
    format_phone_international,
    match_service,
    parse_person_name,
    parse_when,
    parse_yes_no,
)
from wording import bullet_list, capitalize_first, format_date, format_price, format_service_line, format_time
from wording import day_reference as format_day_reference

THURSDAY = date(2027, 1, 14)  # "mañana viernes 15 de enero"
FRIDAY = date(2027, 1, 15)
SATURDAY = date(2027, 1, 16)
BARBERIA = {"corte": "Corte de cabello", "barba": "Arreglo de barba", "combo": "Corte y barba"}
UNAS = {"mani": "Manicure", "pedi": "Pedicure", "manipedi": "Mani + Pedi"}


def test_example_1_simple_booking():
    hello = detect_intent("Hola buenas tardes", today=THURSDAY, services=BARBERIA)
    assert hello.intent is Intent.GREETING

    booking = detect_intent("Quiero una cita para un corte", today=THURSDAY, services=BARBERIA)
    assert booking.intent is Intent.BOOK
    assert booking.slots.service.best.name == "Corte de cabello"

    when = parse_when("Mañana en la tarde", THURSDAY)
    assert when.date.day == FRIDAY and when.part_of_day is PartOfDay.AFTERNOON
    offered = [time(15), time(16), time(17, 30)]
    reply = (
        f"Perfecto. {capitalize_first(format_day_reference(FRIDAY, THURSDAY))} tengo disponibles estos horarios "
        f"para corte de cabello ({format_price(15000)}):\n{bullet_list(format_time(t) for t in offered)}"
    )
    assert reply == (
        "Perfecto. Mañana viernes tengo disponibles estos horarios para corte de cabello ($150):\n"
        "• 3:00 PM\n• 4:00 PM\n• 5:30 PM"
    )

    picked = choose("A las 4", offered)
    assert picked.index == 1
    assert f"para {format_day_reference(FRIDAY, THURSDAY)} a las {format_time(offered[picked.index])}" == (
        "para mañana viernes a las 4:00 PM"
    )

    assert parse_person_name("Juan Pérez") == "Juan Pérez"
    assert f"📅 {capitalize_first(format_date(FRIDAY))}" == "📅 Viernes 15 de enero"
    assert f"💇 {format_service_line('Corte de cabello', 15000)}" == "💇 Corte de cabello - $150"

    assert detect_intent("Gracias", today=THURSDAY).intent is Intent.THANKS


def test_example_2_rescheduling():
    change = detect_intent("Hola, necesito cambiar mi cita de mañana", today=THURSDAY)
    assert change.intent is Intent.RESCHEDULE and change.greeted
    assert change.slots.date.day == FRIDAY

    when = parse_when("Para el sábado si hay espacio", THURSDAY)
    assert when.date.day == SATURDAY
    assert capitalize_first(format_day_reference(SATURDAY, THURSDAY)) == "El sábado"

    offered = [time(10), time(11, 30), time(14)]
    assert [format_time(t) for t in offered] == ["10:00 AM", "11:30 AM", "2:00 PM"]
    assert choose("11:30", offered).index == 1

    assert parse_yes_no("Sí perfecto gracias").answer is True


def test_example_3_handoff_for_a_service_the_barberia_does_not_offer():
    question = detect_intent("Oye quiero saber si hacen tintes para hombre", today=THURSDAY, services=BARBERIA)
    assert question.intent is Intent.ASK_SERVICES
    assert question.suggests_handoff
    assert question.slots.service_text == "tintes para hombre"
    notice = f"Un cliente pregunta por {question.slots.service_text}. Teléfono: {format_phone_international('+525512345678')}"
    assert notice == "Un cliente pregunta por tintes para hombre. Teléfono: +52 55 1234 5678"


def test_example_4_staff_checking_and_blocking():
    schedule = detect_intent("Qué tengo hoy?", today=FRIDAY, audience=Audience.STAFF)
    assert schedule.intent is Intent.MY_SCHEDULE
    assert f"aquí está tu agenda para {format_day_reference(schedule.slots.date.day, FRIDAY)}" == (
        "aquí está tu agenda para hoy viernes"
    )

    block = detect_intent("Bloquea las 4, tengo que salir temprano", today=FRIDAY, audience=Audience.STAFF)
    assert block.intent is Intent.BLOCK_TIME
    assert (block.slots.time_range.kind, block.slots.time_range.start) == (RangeKind.AT, time(16))
    assert f"Listo, bloqueé las {format_time(block.slots.time_range.start)} ✓" == "Listo, bloqueé las 4:00 PM ✓"

    more = parse_yes_no("No solo las 4")
    assert more.answer is False


def test_example_5_walk_in_for_nails():
    walk_in = detect_intent("Acaba de llegar alguien para uñas", today=THURSDAY, audience=Audience.STAFF, services=UNAS)
    assert walk_in.intent is Intent.WALK_IN
    assert walk_in.slots.service.kind is MatchKind.AMBIGUOUS
    menu = bullet_list([
        format_service_line("Manicure", 20000, 45),
        format_service_line("Pedicure", 25000, 60),
        format_service_line("Mani + Pedi", 40000, 90),
    ])
    assert menu == "• Manicure - $200 (45 min)\n• Pedicure - $250 (1 hr)\n• Mani + Pedi - $400 (1.5 hr)"

    assert match_service("Mani pedi", UNAS).best.name == "Mani + Pedi"
    phone = extract_phone("55 9876 5432")
    assert phone == "+525598765432"
    assert parse_person_name("Ana") == "Ana"
    assert f"Registré a Ana ({format_phone(phone)}) para Mani + Pedi ahora a las {format_time(time(11, 30))} contigo." == (
        "Registré a Ana (55 9876 5432) para Mani + Pedi ahora a las 11:30 AM contigo."
    )
    assert parse_yes_no("👍").answer is True


def test_example_6_no_show_and_message():
    no_show = detect_intent("El de las 3 no llegó", today=THURSDAY, audience=Audience.STAFF)
    assert no_show.intent is Intent.MARK_NO_SHOW
    assert format_time(no_show.slots.appointment_time) == "3:00 PM"
    assert parse_yes_no("Si").answer is True

    reply = parse_yes_no("Si, dile que esperamos que esté bien y que nos avise para reagendar")
    assert reply.answer is True
    message = detect_intent(reply.rest, today=THURSDAY, audience=Audience.STAFF)
    assert message.intent is Intent.MESSAGE_CUSTOMER
    assert message.slots.message_text == "esperamos que esté bien y que nos avise para reagendar"


def test_example_7_owner_adding_staff():
    add = detect_intent("Quiero agregar un nuevo empleado", today=THURSDAY, audience=Audience.STAFF)
    assert add.intent is Intent.ADD_STAFF
    assert parse_person_name("Pedro Hernández") == "Pedro Hernández"
    phone = extract_phone("55 1111 2222")
    assert format_phone(phone) == "55 1111 2222"
    services = ["Corte de cabello", "Arreglo de barba", "Corte y barba"]
    everything = choose("Todos", services)
    assert everything.kind is ChoiceKind.ALL and everything.indexes == (0, 1, 2)
    assert parse_yes_no("Si").answer is True
