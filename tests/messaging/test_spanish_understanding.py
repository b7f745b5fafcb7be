"""What the rule engine gets out of a message besides its intent, and the rules behind it.

"Today" is Thursday 14 January 2027 unless a test says otherwise.
"""

from __future__ import annotations

from datetime import date, time

from hypothesis import given, settings
from hypothesis import strategies as st

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
    match_service,
    normalize,
    normalize_phone,
    parse_date,
    parse_person_name,
    parse_rating,
    parse_service_list,
    parse_time,
    parse_time_range,
    parse_weekly_hours,
    parse_when,
    parse_yes_no,
)

TODAY = date(2027, 1, 14)  # jueves
MONDAY = date(2027, 1, 18)
SATURDAY = date(2027, 1, 16)
SUNDAY = date(2027, 1, 17)
BARBER = {"corte": "Corte de cabello", "barba": "Arreglo de barba", "combo": "Corte y barba"}
NAILS = {"mani": "Manicure", "pedi": "Pedicure", "manipedi": "Mani + Pedi"}


def staff(text: str, **kwargs):
    return detect_intent(text, today=TODAY, audience=Audience.STAFF, **kwargs)


def customer(text: str, **kwargs):
    return detect_intent(text, today=TODAY, audience=Audience.CUSTOMER, **kwargs)


# --- normal form -----------------------------------------------------------------------


def test_normal_form_drops_accents_capitals_and_whatsapp_spelling():
    assert normalize("Mñn en la tardeee xfa!!") == "manana en la tarde por favor"
    assert normalize("¿Qué tengo HOY?") == "que tengo hoy"
    assert normalize("q onda, porfa") == "que onda por favor"


def test_normal_form_keeps_clock_and_money_punctuation():
    assert normalize("A las 4:30.") == "a las 4:30"
    assert normalize("5 p.m.") == "5 pm"
    assert normalize("Corte - $150.50") == "corte - $150.50"


def test_typos_in_keywords_are_fixed_but_names_survive():
    assert normalize("cancelr mi cita el sabdo") == "cancelar mi cita el sabado"
    assert normalize("Mario no llegó") == "mario no llego"  # not "marzo"
    assert normalize("Pedro ya no trabaja") == "pedro ya no trabaja"  # not "trabajo"


def test_thumbs_up_is_a_yes_and_thumbs_down_a_no():
    assert normalize("👍") == "si"
    assert normalize("👎") == "no"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_normal_form_is_stable(text):
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcdeilmnorstuáéíóúñ0123456789 :/-$+.,?¡!👍")), max_size=50))
def test_no_parser_fails_on_odd_messages(text):
    parse_date(text, TODAY)
    parse_time(text, bare=True)
    parse_time_range(text, single_as_slot=True)
    parse_yes_no(text)
    choose(text, ["3:00 PM", "4:00 PM", "Corte"])
    match_service(text, BARBER)
    extract_phone(text)
    parse_person_name(text)
    parse_when(text, TODAY, bare_time=True)
    parse_weekly_hours(text)
    parse_rating(text)
    parse_service_list(text)
    detect_intent(text, today=TODAY, audience=Audience.STAFF, services=BARBER, staff_names=["Pedro"])


# --- dates: the rules a salon customer expects -----------------------------------------


def test_a_weekday_said_on_that_weekday_means_next_week():
    assert parse_date("el lunes", MONDAY).start == date(2027, 1, 25)
    assert parse_date("hoy lunes", MONDAY).start == MONDAY


def test_weekday_of_next_week_differs_from_the_bare_weekday_only_when_still_ahead():
    assert parse_date("el sábado", TODAY).start == SATURDAY
    assert parse_date("el sábado de la próxima semana", TODAY).start == date(2027, 1, 23)


def test_this_weekend_on_a_saturday_starts_today():
    found = parse_date("este fin de semana", SATURDAY)
    assert (found.start, found.end) == (SATURDAY, SUNDAY)


def test_this_weekend_on_a_sunday_is_just_today():
    found = parse_date("este fin de semana", SUNDAY)
    assert (found.start, found.end) == (SUNDAY, SUNDAY)


def test_next_weekend_said_on_a_weekend_is_the_following_one():
    found = parse_date("el próximo fin de semana", SATURDAY)
    assert (found.start, found.end) == (date(2027, 1, 23), date(2027, 1, 24))


def test_day_of_month_already_past_is_next_month():
    assert parse_date("el 10", TODAY).start == date(2027, 2, 10)
    assert parse_date("el 31", date(2027, 2, 3)) is None  # February has no 31st
    assert parse_date("el 5", date(2027, 12, 20)).start == date(2028, 1, 5)


def test_a_date_range_knows_its_days():
    week = parse_date("la próxima semana", TODAY)
    assert week.is_range and week.day is None
    assert week.days()[0] == MONDAY and len(week.days()) == 7
    assert parse_date("mañana", TODAY).day == date(2027, 1, 15)


# --- times -----------------------------------------------------------------------------


def test_bare_hours_follow_salon_hours():
    assert [parse_time(f"a las {hour}") for hour in (1, 7, 8, 11, 12)] == [
        time(13), time(19), time(8), time(11), time(12)
    ]


def test_a_lone_number_is_an_hour_only_when_asked_for_one():
    assert parse_time("4") is None
    assert parse_time("4", bare=True) == time(16)


def test_a_single_time_is_one_slot_when_blocking():
    found = parse_time_range("las 4", single_as_slot=True)
    assert (found.kind, found.start, found.end) == (RangeKind.AT, time(16), None)
    assert parse_time_range("las 4") is None


def test_parts_of_day_have_salon_windows():
    assert PartOfDay.AFTERNOON.window == (time(12), time(19))
    assert PartOfDay.MORNING.window[0] < PartOfDay.MORNING.window[1]


# --- slots of the spec's conversations -------------------------------------------------


def test_booking_a_haircut_names_the_service():
    understood = customer("Quiero una cita para un corte", services=BARBER)
    assert understood.intent is Intent.BOOK
    assert understood.slots.service_text == "corte"
    assert understood.slots.service.best.name == "Corte de cabello"


def test_tomorrow_afternoon_carries_day_and_part_of_day():
    slots = customer("Mañana en la tarde").slots
    assert slots.date.day == date(2027, 1, 15)
    assert slots.part_of_day is PartOfDay.AFTERNOON


def test_rescheduling_tomorrows_appointment_greets_and_says_which_day():
    understood = customer("Hola, necesito cambiar mi cita de mañana")
    assert understood.intent is Intent.RESCHEDULE
    assert understood.greeted
    assert understood.slots.date.day == date(2027, 1, 15)


def test_asking_for_a_service_the_business_lacks_suggests_handoff():
    understood = customer("Oye quiero saber si hacen tintes para hombre", services=BARBER)
    assert understood.intent is Intent.ASK_SERVICES
    assert understood.slots.service_text == "tintes para hombre"
    assert understood.slots.service.kind is MatchKind.NONE
    assert understood.suggests_handoff


def test_asking_for_a_service_the_business_has_does_not_suggest_handoff():
    assert not customer("¿hacen arreglo de barba?", services=BARBER).suggests_handoff


def test_asking_for_a_person_suggests_handoff():
    assert customer("quiero hablar con alguien").suggests_handoff


def test_what_do_i_have_today_is_todays_schedule():
    understood = staff("Qué tengo hoy?")
    assert understood.intent is Intent.MY_SCHEDULE
    assert understood.slots.date.day == TODAY


def test_block_at_4_blocks_one_slot_at_4_pm():
    understood = staff("Bloquea las 4, tengo que salir temprano")
    assert understood.intent is Intent.BLOCK_TIME
    assert understood.slots.time_range.kind is RangeKind.AT
    assert understood.slots.time_range.start == time(16)
    assert understood.slots.part_of_day is None  # "salir temprano" is the reason, not the morning


def test_block_from_2_to_3_tomorrow():
    slots = staff("Bloquea mañana de 2 a 4").slots
    assert slots.date.day == date(2027, 1, 15)
    assert (slots.time_range.start, slots.time_range.end) == (time(14), time(16))


def test_no_only_the_4_is_a_no_that_keeps_the_4():
    reply = parse_yes_no("No solo las 4")
    assert reply.answer is False and reply.rest == "solo las 4"


def test_walk_in_for_nails_asks_which_nail_service():
    understood = staff("Acaba de llegar alguien para uñas", services=NAILS)
    assert understood.intent is Intent.WALK_IN
    assert understood.slots.service.kind is MatchKind.AMBIGUOUS
    assert [c.name for c in understood.slots.service.candidates] == ["Manicure", "Pedicure", "Mani + Pedi"]


def test_the_3_oclock_did_not_show_refers_to_the_3_pm_appointment():
    understood = staff("El de las 3 no llegó")
    assert understood.intent is Intent.MARK_NO_SHOW
    assert understood.slots.appointment_time == time(15)
    assert understood.slots.time is None


def test_done_with_the_3_oclock():
    assert staff("ya terminé con el de las 3").slots.appointment_time == time(15)


def test_yes_tell_him_keeps_the_message_as_written():
    reply = parse_yes_no("Si, dile que esperamos que esté bien y que nos avise para reagendar")
    assert reply.answer is True
    understood = staff(reply.rest)
    assert understood.intent is Intent.MESSAGE_CUSTOMER
    assert understood.slots.message_text == "esperamos que esté bien y que nos avise para reagendar"


def test_message_to_a_named_customer():
    slots = staff("Mándale un mensaje a Roberto: que mañana abrimos tarde").slots
    assert slots.customer_name == "Roberto"
    assert slots.message_text == "mañana abrimos tarde"


def test_customer_history_carries_the_phone():
    understood = staff("este cliente ha venido antes? 5512345678")
    assert understood.intent is Intent.CUSTOMER_HISTORY
    assert understood.slots.phone == "+525512345678"


def test_sick_staff_member_is_named_with_the_day():
    slots = staff("Pedro se enfermó, no viene mañana").slots
    assert slots.staff_name == "Pedro"
    assert slots.date.day == date(2027, 1, 15)


def test_known_staff_name_turns_a_missed_arrival_into_staff_absence():
    assert staff("Pedro no vino hoy").intent is Intent.MARK_NO_SHOW
    understood = staff("Pedro no vino hoy", staff_names=["Pedro Hernández", "María López"])
    assert understood.intent is Intent.STAFF_ABSENT
    assert understood.slots.staff_name == "Pedro Hernández"


def test_business_schedule_of_a_named_staff_member():
    understood = staff("la agenda de María de mañana", staff_names=["Pedro Hernández", "María López"])
    assert understood.intent is Intent.BUSINESS_SCHEDULE
    assert understood.slots.staff_name == "María López"


def test_change_hours_reads_weekdays_and_hours():
    slots = staff("De lunes a viernes abrimos de 10 a 8").slots
    assert slots.weekdays == (0, 1, 2, 3, 4)
    assert (slots.time_range.start, slots.time_range.end) == (time(10), time(20))
    assert slots.date is None


def test_change_duration_and_price_carry_the_new_values():
    duration = staff("el corte ahora dura 45 min", services=BARBER)
    assert duration.slots.duration_minutes == 45
    assert duration.slots.service.best.name == "Corte de cabello"
    assert staff("cambia la duración del tinte a hora y media").slots.duration_minutes == 90
    assert staff("sube el precio del corte a $180").slots.price_centavos == 18000
    assert staff("la barba ahora cuesta 120 pesos").slots.price_centavos == 12000


def test_stats_this_month_is_a_range():
    slots = staff("cómo vamos este mes").slots
    assert (slots.date.start, slots.date.end) == (TODAY, date(2027, 1, 31))


def test_customers_never_reach_staff_intents():
    for text in ("Qué tengo hoy?", "bloquea las 4", "agenda de todos", "cómo vamos este mes"):
        assert customer(text).intent not in {
            Intent.MY_SCHEDULE, Intent.BLOCK_TIME, Intent.BUSINESS_SCHEDULE, Intent.STATS
        }


def test_all_services_for_a_new_employee():
    reply = choose("Todos", ["Corte de cabello", "Arreglo de barba", "Corte y barba"])
    assert reply.kind is ChoiceKind.ALL and reply.indexes == (0, 1, 2)


def test_whatsapp_sender_number_is_stored_without_the_mobile_1():
    assert normalize_phone("whatsapp:+5215512345678") == "+525512345678"
    assert normalize_phone("+52 55 1234 567") is None


def test_staff_booking_for_a_customer_carries_everything_said():
    slots = staff("Agenda a Juan 5512345678 para corte mañana a las 4", services=BARBER).slots
    assert slots.phone == "+525512345678"
    assert slots.customer_name == "Juan"
    assert slots.service.best.name == "Corte de cabello"
    assert (slots.date.day, slots.time) == (date(2027, 1, 15), time(16))


def test_moving_an_appointment_separates_old_and_new_time():
    slots = staff("mueve la cita de las 4 a las 5").slots
    assert (slots.appointment_time, slots.time) == (time(16), time(17))


def test_a_no_show_named_with_a_plain_time():
    slots = staff("Juan Pérez no llegó a su cita de las 5").slots
    assert (slots.customer_name, slots.appointment_time) == ("Juan Pérez", time(17))


def test_a_new_employee_is_named_even_when_not_yet_on_the_staff_list():
    understood = staff("dale de alta a Juana como estilista", staff_names=["Pedro Hernández"])
    assert understood.slots.staff_name == "Juana"


def test_common_words_are_not_mistaken_for_staff_names():
    understood = staff("marca como completada la de las 12", staff_names=["María López"])
    assert understood.slots.staff_name is None


def test_a_message_that_asks_to_tell_a_customer_something_is_not_the_something():
    understood = staff("dile a Ana que ya está lista su cita")
    assert understood.intent is Intent.MESSAGE_CUSTOMER
    assert understood.slots.message_text == "ya está lista su cita"


def test_a_service_that_another_business_offers_is_a_handoff_candidate():
    understood = customer("Cuánto sale el mani pedi?", services=BARBER)
    assert understood.intent is Intent.ASK_PRICES
    assert understood.suggests_handoff


def test_when_reads_day_and_time_without_mixing_them():
    when = parse_when("el 15 a las 4", TODAY)
    assert (when.date.day, when.time) == (date(2027, 1, 15), time(16))


def test_when_for_the_spec_replies():
    assert parse_when("Mañana en la tarde", TODAY).part_of_day is PartOfDay.AFTERNOON
    assert parse_when("A las 4", TODAY).time == time(16)
    assert parse_when("Para el sábado si hay espacio", TODAY).date.day == SATURDAY
    assert parse_when("hola", TODAY).is_empty


def test_when_reads_a_lone_hour_only_after_asking_for_one():
    assert parse_when("4", TODAY).time is None
    assert parse_when("4", TODAY, bare_time=True).time == time(16)


def test_see_you_tomorrow_is_a_goodbye():
    assert customer("hasta mañana").intent is Intent.GOODBYE


def test_a_change_from_one_time_to_another_keeps_both():
    slots = customer("No voy a poder llegar a las 4, ¿me la puedes cambiar para las 6?").slots
    assert (slots.appointment_time, slots.time) == (time(16), time(18))
    assert slots.times == (time(16), time(18))


def test_a_staff_member_booking_with_a_colleague():
    slots = staff("ponle a Juan a las 4 con Pedro", staff_names=["Pedro Hernández"]).slots
    assert (slots.customer_name, slots.staff_name, slots.time) == ("Juan", "Pedro Hernández", time(16))


def test_closing_at_8_is_8_pm():
    slots = staff("todos los días cerramos a las 8").slots
    assert slots.weekdays == tuple(range(7))
    assert slots.time == time(20)


def test_a_closed_weekday_is_an_hours_change():
    understood = staff("los lunes no abrimos")
    assert understood.intent is Intent.CHANGE_HOURS
    assert understood.slots.weekdays == (0,)
    assert staff("el domingo estamos cerrados").intent is Intent.CHANGE_HOURS


def test_weekly_hours_per_set_of_days():
    hours = parse_weekly_hours("De lunes a viernes de 10 a 7 y sábados de 10 a 3, domingos cerrado")
    assert [(h.weekdays, h.start, h.end, h.closed) for h in hours] == [
        ((0, 1, 2, 3, 4), time(10), time(19), False),
        ((5,), time(10), time(15), False),
        ((6,), None, None, True),
    ]


def test_weekly_hours_written_before_the_days():
    hours = parse_weekly_hours("abrimos de 10 a 7 de lunes a sábado")
    assert [(h.weekdays, h.start, h.end) for h in hours] == [((0, 1, 2, 3, 4, 5), time(10), time(19))]


def test_a_staff_member_lists_working_days():
    hours = parse_weekly_hours("trabajo martes, jueves y sábado de 9 a 5")
    assert [(h.weekdays, h.start, h.end) for h in hours] == [((1, 3, 5), time(9), time(17))]
    assert parse_weekly_hours("entre semana de 9 a 8 y fines de semana de 10 a 2")[1].weekdays == (5, 6)
    assert parse_weekly_hours("hola") == ()


def test_an_hours_change_carries_the_weekly_hours():
    slots = staff("cambia el horario: de lunes a viernes de 9 a 6").slots
    assert [(h.weekdays, h.start, h.end) for h in slots.weekly_hours] == [((0, 1, 2, 3, 4), time(9), time(18))]


def test_as_soon_as_possible_is_flagged():
    assert customer("quiero una cita lo antes posible").slots.soonest
    assert customer("tienes algo ahorita?").slots.soonest
    assert not customer("quiero una cita el sábado").slots.soonest


def test_an_owners_service_list_with_prices_and_durations():
    offers = parse_service_list(
        "Corte de cabello $150 45 min\nBarba - $100 (30 min)\nCorte y barba: 220 pesos, 1 hora"
    )
    assert [(o.name, o.price_centavos, o.minutes) for o in offers] == [
        ("Corte de cabello", 15000, 45),
        ("Barba", 10000, 30),
        ("Corte y barba", 22000, 60),
    ]


def test_a_service_list_on_one_line():
    offers = parse_service_list("Manicure $200 45 min; Pedicure $250 1 hr; Mani + Pedi $400 1.5 hr")
    assert [(o.name, o.price_centavos, o.minutes) for o in offers] == [
        ("Manicure", 20000, 45), ("Pedicure", 25000, 60), ("Mani + Pedi", 40000, 90)
    ]
    assert [o.name for o in parse_service_list("corte 150, barba 100, corte y barba 220")] == [
        "Corte", "Barba", "Corte y barba"
    ]


def test_thousands_in_a_price_are_not_a_duration():
    offers = parse_service_list("1. Tinte completo $1,250 2 horas\n2. Mechas $1,800 hora y media\n3. Peinado 350")
    assert [(o.name, o.price_centavos, o.minutes) for o in offers] == [
        ("Tinte completo", 125000, 120), ("Mechas", 180000, 90), ("Peinado", 35000, None)
    ]


def test_a_greeting_is_not_a_service_list():
    assert parse_service_list("hola") == ()
    assert [o.name for o in parse_service_list("corte, barba, tinte")] == ["Corte", "Barba", "Tinte"]
