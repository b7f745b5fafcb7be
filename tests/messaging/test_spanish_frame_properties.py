"""Properties of the frame parser over messages composed from parts: whatever words carry a day,
a bound on the hour and a request around them, the frame keeps each part and admits exactly
the starts that fit them all."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from messaging.spanish import Act, ClockBound, OfferChoice, parse_frame

from .frame_cases import CATALOG, NOW, W, days, on, weekdays

DAY_PHRASES = [
    ("mañana", on(15)), ("el viernes", on(15)), ("el sábado", on(16)), ("pasado mañana", on(16)),
    ("el lunes", on(18)), ("el próximo martes", on(19)), ("el 20", on(20)), ("el 22 de enero", on(22)),
    ("la próxima semana", days(18, 24)), ("entre semana", weekdays(0, 1, 2, 3, 4)), ("del lunes al miércoles", days(18, 20)),
]
LEADS = ["", "quiero una cita ", "¿tienes algo ", "hola, ¿hay espacio ", "agéndame un corte ", "me puedes apartar "]
TAILS = ["", "?", " porfa", " por favor", " xfa", "!!"]


def _hour_words(hour: int) -> str:
    """An hour as people write it so that it reads unambiguously: "5 de la tarde", "10 de la mañana"."""
    twelve = hour % 12 or 12
    if hour < 12:
        return f"{twelve} de la mañana"
    return f"{twelve} de la tarde" if hour < 19 else f"{twelve} de la noche"


BOUND_PHRASES = {
    "después de las {h}": lambda h: {"after": ClockBound(time(h), False)},
    "a partir de las {h}": lambda h: {"after": ClockBound(time(h), True)},
    "desde las {h}": lambda h: {"after": ClockBound(time(h), True)},
    "antes de las {h}": lambda h: {"before": ClockBound(time(h), False)},
    "hasta las {h}": lambda h: {"before": ClockBound(time(h), False)},
    "a las {h}": lambda h: {"times": (time(h),)},
}


@st.composite
def requests(draw):
    day_words, day = draw(st.sampled_from(DAY_PHRASES))
    template = draw(st.sampled_from(sorted(BOUND_PHRASES)))
    hour = draw(st.integers(min_value=8, max_value=20))
    clock_words = template.format(h=_hour_words(hour))
    parts = [day_words, clock_words] if draw(st.booleans()) else [clock_words, day_words]
    phrase = draw(st.sampled_from(LEADS)) + " ".join(parts) + draw(st.sampled_from(TAILS))
    return phrase, W(days=day, **BOUND_PHRASES[template](hour))


@settings(max_examples=300, deadline=None)
@given(requests())
def test_a_day_and_a_bound_said_in_any_order_and_wording_are_both_kept(request):
    phrase, expected = request
    assert parse_frame(phrase, now_local=NOW, catalog=CATALOG).when == expected, phrase


@settings(max_examples=200, deadline=None)
@given(requests(), st.integers(min_value=0, max_value=14 * 24 * 4))
def test_a_start_is_admitted_iff_it_is_on_a_day_said_and_within_the_bound(request, quarter):
    phrase, expected = request
    when = parse_frame(phrase, now_local=NOW, catalog=CATALOG).when
    start = datetime(2027, 1, 15) + timedelta(minutes=15 * quarter)
    on_day = expected.days.admits(start.date())
    clock = start.time()
    if expected.after is not None:
        fits = clock > expected.after.time or (expected.after.inclusive and clock == expected.after.time)
    elif expected.before is not None:
        fits = clock < expected.before.time
    else:
        fits = clock == expected.times[0]
    assert when.admits(start) == (on_day and fits), (phrase, start)


@settings(max_examples=100, deadline=None)
@given(st.sets(st.integers(min_value=9 * 4, max_value=19 * 4), min_size=2, max_size=6), st.data())
def test_an_offer_is_picked_by_its_position_or_its_hour(quarters, data):
    offers = [time(q // 4, q % 4 * 15) for q in sorted(quarters)]
    index = data.draw(st.integers(min_value=0, max_value=len(offers) - 1))
    ordinals = ["la primera", "la segunda", "la tercera", "la cuarta", "la quinta", "la sexta"]
    by_position = parse_frame(ordinals[index], now_local=NOW, catalog=CATALOG, offers=offers)
    assert by_position.choice == OfferChoice(index=index) and by_position.has(Act.CHOOSE)
    moment = offers[index]
    said = f"a las {moment.hour % 12 or 12}:{moment.minute:02d}"
    by_time = parse_frame(said, now_local=NOW, catalog=CATALOG, offers=offers)
    assert by_time.choice == OfferChoice(index=index)


def test_turning_every_offer_down_asks_for_others():
    frame = parse_frame("ninguno", now_local=NOW, catalog=CATALOG, offers=[time(16), time(17)])
    assert frame.has(Act.OTHER_OPTIONS) and frame.choice is None


def test_a_frame_never_defaults_what_was_not_said():
    frame = parse_frame("quiero un corte", now_local=NOW, catalog=CATALOG)
    assert frame.when.is_empty and frame.appointment is None and frame.staff == () and frame.choice is None


def test_a_timezone_aware_now_is_read_as_the_salons_wall_clock():
    from zoneinfo import ZoneInfo

    aware = NOW.replace(tzinfo=ZoneInfo("America/Mexico_City"))
    assert parse_frame("hoy", now_local=aware).when == parse_frame("hoy", now_local=NOW).when


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_at_all_reads_into_a_frame(text):
    frame = parse_frame(text, now_local=NOW, catalog=CATALOG)
    assert isinstance(frame.acts, tuple)


_PIECES = ["el viernes", "a las 5", "de 2 a 4", "corte", "y", "o", "lunes", "no", "mejor", "la de las 11", "mañana",
           "después de las", "del", "al", "entre", "🙂", "hoy", "?", ",", "cita", "12", "Pedro"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60))
def test_messages_made_of_salon_words_in_any_order_read_into_a_frame(pieces):
    frame = parse_frame(" ".join(pieces), now_local=NOW, catalog=CATALOG)
    for day in frame.when.candidate_days(NOW.date(), limit=10):
        for window in frame.when.windows(day):
            assert window.first <= window.last


def test_a_very_long_message_is_read_from_its_start():
    request = "Hola, quiero un corte el viernes después de las 5. "
    frame = parse_frame(request + "bla " * 1000, now_local=NOW, catalog=CATALOG)
    assert frame.has(Act.BOOK) and frame.when == W(days=on(15), after=ClockBound(time(17), False))


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=90), st.integers(min_value=7 * 4, max_value=21 * 4), st.booleans())
def test_a_day_and_hour_as_parlo_writes_them_read_back_as_that_start(days_ahead, quarter, long_form):
    from wording import at_time, day_reference, format_date

    day, moment = NOW.date() + timedelta(days=days_ahead), time(quarter // 4, quarter % 4 * 15)
    said = f"el {format_date(day, today=NOW.date())}" if long_form else day_reference(day, NOW.date())
    when = parse_frame(f"{said} {at_time(moment)}", now_local=NOW, catalog=CATALOG).when
    assert (when.day, when.times) == (day, (moment,)), said
