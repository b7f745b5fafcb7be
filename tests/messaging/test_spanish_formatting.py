"""Parlo writes dates, times, prices and lists the way the spec's conversations show them,
and reads back whatever it wrote."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from messaging.spanish import (
    bullet_list,
    capitalize_first,
    choose,
    format_date,
    format_day_reference,
    format_duration,
    format_phone,
    format_phone_international,
    format_price,
    format_service_line,
    format_time,
    format_time_range,
    parse_date,
    parse_service_list,
    parse_time,
)

TODAY = date(2027, 1, 14)  # jueves


def test_dates_read_weekday_day_and_month():
    assert format_date(date(2027, 1, 15)) == "viernes 15 de enero"
    assert format_date(date(2027, 9, 1)) == "miércoles 1 de septiembre"
    assert format_date(date(2027, 1, 16), weekday=False) == "16 de enero"


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
    assert format_day_reference(day, TODAY) == expected


def test_a_reply_can_start_with_a_day_reference():
    assert capitalize_first(format_day_reference(date(2027, 1, 15), TODAY)) == "Mañana viernes"
    assert capitalize_first("el sábado") == "El sábado"
    assert capitalize_first("") == ""


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (time(15), "3:00 PM"),
        (time(16), "4:00 PM"),
        (time(17, 30), "5:30 PM"),
        (time(10), "10:00 AM"),
        (time(11, 30), "11:30 AM"),
        (time(12), "12:00 PM"),
        (time(12, 30), "12:30 PM"),
        (time(0, 15), "12:15 AM"),
    ],
)
def test_times_use_twelve_hours_with_am_pm(moment, expected):
    assert format_time(moment) == expected


def test_a_blocked_span_reads_start_to_end():
    assert format_time_range(time(14), time(15)) == "2:00 PM - 3:00 PM"


@pytest.mark.parametrize(
    ("centavos", "expected"),
    [(15000, "$150"), (125000, "$1,250"), (15050, "$150.50"), (20000, "$200"), (5, "$0.05"), (0, "$0")],
)
def test_prices_are_pesos_without_empty_cents(centavos, expected):
    assert format_price(centavos) == expected


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(45, "45 min"), (60, "1 hr"), (90, "1.5 hr"), (120, "2 hr"), (150, "2.5 hr"), (75, "1 hr 15 min"), (30, "30 min")],
)
def test_durations_in_the_style_of_the_walk_in_example(minutes, expected):
    assert format_duration(minutes) == expected


def test_durations_accept_timedeltas():
    assert format_duration(timedelta(hours=1, minutes=30)) == "1.5 hr"


def test_the_nail_services_list_of_example_5():
    lines = [
        format_service_line("Manicure", 20000, 45),
        format_service_line("Pedicure", 25000, 60),
        format_service_line("Mani + Pedi", 40000, 90),
    ]
    assert bullet_list(lines) == (
        "• Manicure - $200 (45 min)\n"
        "• Pedicure - $250 (1 hr)\n"
        "• Mani + Pedi - $400 (1.5 hr)"
    )


def test_a_service_line_without_price_or_duration_is_its_name():
    assert format_service_line("Corte de cabello") == "Corte de cabello"
    assert format_service_line("Corte de cabello", 15000) == "Corte de cabello - $150"


def test_the_slot_list_of_example_1():
    slots = [time(15), time(16), time(17, 30)]
    assert bullet_list(format_time(slot) for slot in slots) == "• 3:00 PM\n• 4:00 PM\n• 5:30 PM"


def test_phones_are_shown_grouped():
    assert format_phone("+525598765432") == "55 9876 5432"
    assert format_phone("+529841234567") == "984 123 4567"
    assert format_phone_international("+525512345678") == "+52 55 1234 5678"


# --- what Parlo writes, Parlo reads back -------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.times().map(lambda t: t.replace(second=0, microsecond=0)))
def test_every_written_time_reads_back(moment):
    assert parse_time(format_time(moment)) == moment


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=360))
def test_every_written_day_reads_back(days_ahead):
    day = TODAY + timedelta(days=days_ahead)
    assert parse_date(format_date(day, today=TODAY), TODAY).day == day
    assert parse_date(format_day_reference(day, TODAY), TODAY).day == day


@settings(max_examples=100, deadline=None)
@given(st.sets(st.integers(min_value=8 * 4, max_value=20 * 4 - 1), min_size=1, max_size=8), st.data())
def test_a_listed_slot_is_picked_by_its_own_text(quarters, data):
    slots = [time(q // 4, q % 4 * 15) for q in sorted(quarters)]
    index = data.draw(st.integers(min_value=0, max_value=len(slots) - 1))
    assert choose(format_time(slots[index]), [format_time(s) for s in slots]).indexes == (index,)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=500_000), st.integers(min_value=5, max_value=300))
def test_a_service_line_parlo_writes_reads_back(centavos, minutes):
    [offer] = parse_service_list(format_service_line("Corte de cabello", centavos, minutes))
    assert (offer.name, offer.price_centavos, offer.minutes) == ("Corte de cabello", centavos, minutes)
