"""Parlo writes days, times, prices, lengths and names the way the spec's conversations show them."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from wording import (
    MONTHS,
    WEEKDAYS,
    Gender,
    agree,
    at_time,
    bullet_list,
    business_gender,
    capitalize_first,
    contract,
    day_reference,
    duration_words,
    format_date,
    format_duration,
    format_price,
    format_service_line,
    format_time,
    format_time_range,
    join_words,
    month_name,
    short_date,
    time_span,
    time_with_article,
    weekday_name,
    with_article,
)

TODAY = date(2027, 1, 14)  # jueves


def test_weekday_and_month_names_are_lowercase_with_accents():
    assert WEEKDAYS == ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
    assert MONTHS[0] == "enero" and MONTHS[8] == "septiembre" and len(MONTHS) == 12
    assert weekday_name(TODAY) == "jueves" and weekday_name(5) == "sábado" and month_name(12) == "diciembre"


def test_dates_read_weekday_day_and_month():
    assert format_date(date(2027, 1, 15)) == "viernes 15 de enero"
    assert format_date(date(2027, 9, 1)) == "miércoles 1 de septiembre"
    assert format_date(date(2027, 1, 16), weekday=False) == "16 de enero"
    assert short_date(date(2027, 8, 24)) == "martes 24"


def test_the_year_appears_only_when_it_is_not_this_year():
    assert format_date(date(2027, 3, 6), today=TODAY) == "sábado 6 de marzo"
    assert format_date(date(2028, 1, 3), today=TODAY) == "lunes 3 de enero de 2028"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2027, 1, 14), "hoy jueves"),
        (date(2027, 1, 15), "mañana viernes"),
        (date(2027, 1, 16), "el sábado"),
        (date(2027, 1, 20), "el miércoles"),
        (date(2027, 1, 21), "el jueves 21 de enero"),
        (date(2027, 1, 13), "el miércoles 13 de enero"),
    ],
)
def test_days_in_conversation_are_relative(day, expected):
    assert day_reference(day, TODAY) == expected


def test_a_day_after_de_or_a_is_contracted_never_del_el():
    saturday = day_reference(date(2027, 1, 16), TODAY)
    assert contract("de", saturday) == "del sábado"
    assert contract("a", saturday) == "al sábado"
    assert contract("de", day_reference(TODAY, TODAY)) == "de hoy jueves"
    assert contract("para", saturday) == "para el sábado"
    assert f"¿Cambio tu cita {contract('de', 'el ' + short_date(date(2027, 8, 24)))}?" == "¿Cambio tu cita del martes 24?"


def test_a_reply_can_start_with_a_day_reference():
    assert capitalize_first(day_reference(date(2027, 1, 15), TODAY)) == "Mañana viernes"
    assert capitalize_first("") == ""


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (time(15), "3:00 PM"),
        (time(17, 30), "5:30 PM"),
        (time(10), "10:00 AM"),
        (time(11, 30), "11:30 AM"),
        (time(12), "12:00 PM"),
        (time(12, 30), "12:30 PM"),
        (time(0, 15), "12:15 AM"),
        (time(0), "12:00 AM"),
    ],
)
def test_times_use_twelve_hours_with_am_pm(moment, expected):
    assert format_time(moment) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [(time(13), "a la 1:00 PM"), (time(13, 45), "a la 1:45 PM"), (time(1, 30), "a la 1:30 AM"),
     (time(14), "a las 2:00 PM"), (time(12, 30), "a las 12:30 PM"), (time(11), "a las 11:00 AM")],
)
def test_one_oclock_is_singular_never_a_las_1(moment, expected):
    assert at_time(moment) == expected
    assert time_with_article(moment) == expected.removeprefix("a ")


def test_spans_of_time():
    assert format_time_range(time(14), time(15)) == "2:00 PM - 3:00 PM"
    assert time_span(time(13), time(15)) == "de la 1:00 PM a las 3:00 PM"


@pytest.mark.parametrize(
    ("centavos", "expected"),
    [(15000, "$150"), (125000, "$1,250"), (15050, "$150.50"), (5, "$0.05"), (0, "$0"), (-15000, "-$150")],
)
def test_prices_are_pesos_without_empty_cents(centavos, expected):
    assert format_price(centavos) == expected


@pytest.mark.parametrize(
    ("minutes", "compact", "words"),
    [
        (45, "45 min", "45 minutos"),
        (1, "1 min", "1 minuto"),
        (60, "1 hr", "1 hora"),
        (90, "1.5 hr", "1 hora y media"),
        (120, "2 hr", "2 horas"),
        (150, "2.5 hr", "2 horas y media"),
        (75, "1 hr 15 min", "1 hora y 15 minutos"),
        (121, "2 hr 1 min", "2 horas y 1 minuto"),
    ],
)
def test_durations_compact_in_menus_and_in_words_in_sentences(minutes, compact, words):
    assert format_duration(minutes) == compact
    assert duration_words(minutes) == words
    assert format_duration(timedelta(minutes=minutes)) == compact


def test_the_nail_services_list_of_example_5():
    lines = [
        format_service_line("Manicure", 20000, 45),
        format_service_line("Pedicure", 25000, 60),
        format_service_line("Mani + Pedi", 40000, 90),
    ]
    assert bullet_list(lines) == "• Manicure - $200 (45 min)\n• Pedicure - $250 (1 hr)\n• Mani + Pedi - $400 (1.5 hr)"
    assert format_service_line("Corte de cabello") == "Corte de cabello"


@pytest.mark.parametrize(
    ("name", "definite", "indefinite"),
    [
        ("Tinte", "El tinte", "un tinte"),
        ("Corte de cabello", "El corte de cabello", "un corte de cabello"),
        ("Barba", "La barba", "una barba"),
        ("Keratina", "La keratina", "una keratina"),
        ("Uñas acrílicas", "Las uñas acrílicas", "unas uñas acrílicas"),
        ("Rayitos", "Los rayitos", "unos rayitos"),
        ("Depilación de cejas", "La depilación de cejas", "una depilación de cejas"),
        ("Mani + Pedi", "El Mani + Pedi", "un Mani + Pedi"),
        ("Extensiones de pestañas", "Las extensiones de pestañas", "unas extensiones de pestañas"),
        ("Hidratación profunda", "La hidratación profunda", "una hidratación profunda"),
    ],
)
def test_a_service_gets_its_article_so_tinte_cuesta_reads_el_tinte_cuesta(name, definite, indefinite):
    assert with_article(name, capital=True) == definite
    assert with_article(name, definite=False) == indefinite


@pytest.mark.parametrize(
    ("business", "gender", "registered"),
    [
        ("Estética Lupita", Gender.FEMININE, "dada"),
        ("Barbería El Güero", Gender.FEMININE, "dada"),
        ("La Tijera de Oro", Gender.FEMININE, "dada"),
        ("Salón Bella", Gender.MASCULINE, "dado"),
        ("Spa Zen", Gender.MASCULINE, "dado"),
        ("Lupita's Nails", Gender.MASCULINE, "dado"),  # "el negocio"
    ],
)
def test_a_business_name_agrees_with_its_head_noun(business, gender, registered):
    assert business_gender(business) is gender
    assert agree("dado", gender) == registered


def test_agreement_in_number():
    assert agree("listo", Gender.FEMININE, plural=True) == "listas"
    assert agree("confirmado", Gender.MASCULINE, plural=True) == "confirmados"
    assert agree("disponible", Gender.FEMININE, plural=True) == "disponibles"


@pytest.mark.parametrize(
    ("items", "conjunction", "expected"),
    [
        (["corte"], "y", "corte"),
        (["corte", "barba"], "y", "corte y barba"),
        (["corte", "barba", "cejas"], "y", "corte, barba y cejas"),
        (["tinte", "iluminación"], "y", "tinte e iluminación"),
        (["tinte", "hierbas"], "y", "tinte y hierbas"),
        (["7", "8"], "o", "7 u 8"),
        (["mañana", "hoy"], "o", "mañana u hoy"),
        ([], "y", ""),
    ],
)
def test_lists_join_the_spanish_way(items, conjunction, expected):
    assert join_words(items, conjunction) == expected
