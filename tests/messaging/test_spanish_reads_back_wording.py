"""What Parlo writes (``wording``), Parlo reads back (``messaging.spanish``): times, days,
listed slots and service lines survive the round trip."""

from __future__ import annotations

from datetime import date, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from messaging.spanish import choose, format_phone, format_phone_international, parse_date, parse_service_list, parse_time
from wording import day_reference, format_date, format_service_line, format_time

TODAY = date(2027, 1, 14)  # jueves


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
    assert parse_date(day_reference(day, TODAY), TODAY).day == day


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
