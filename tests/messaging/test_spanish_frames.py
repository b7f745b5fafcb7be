"""The request frame's small helpers: what the dialogue asks of a frame it did not parse itself."""

from __future__ import annotations

from datetime import date, datetime, time

from messaging.spanish import Act, AppointmentRef, Catalog, DayConstraint, Frame, OfferChoice, ServiceMention
from messaging.spanish.services import ServiceCandidate

CUT = ServiceMention("corte", (ServiceCandidate("corte", "Corte de cabello", 1.0),))
NAILS = ServiceMention("unas", (ServiceCandidate("mani", "Manicure", 0.9), ServiceCandidate("pedi", "Pedicure", 0.9)))
FRIDAY_AT_11 = datetime(2027, 1, 15, 11, 0)
FRIDAY_AT_1130 = datetime(2027, 1, 15, 11, 30)
SATURDAY_AT_11 = datetime(2027, 1, 16, 11, 0)


def test_the_one_from_friday_matches_fridays_appointment_only():
    ref = AppointmentRef(weekday=4)
    assert ref.matches(FRIDAY_AT_11) and not ref.matches(SATURDAY_AT_11)
    assert ref.is_specific and not AppointmentRef().is_specific


def test_the_one_at_eleven_matches_the_hour_when_no_minutes_were_said():
    assert AppointmentRef(time=time(11)).matches(FRIDAY_AT_1130)
    assert not AppointmentRef(time=time(11, 15)).matches(FRIDAY_AT_1130)


def test_the_one_for_the_haircut_matches_by_service():
    ref = AppointmentRef(services=(CUT,))
    assert ref.matches(FRIDAY_AT_11, "corte") and not ref.matches(FRIDAY_AT_11, "barba")


def test_a_dated_reference_matches_that_date():
    ref = AppointmentRef(days=DayConstraint.on(date(2027, 1, 16)), time=time(11))
    assert ref.matches(SATURDAY_AT_11) and not ref.matches(FRIDAY_AT_11)
    assert ref.day == date(2027, 1, 16)


def test_an_offer_is_picked_by_position_last_or_time():
    offers = [time(10), time(12, 30), time(17, 15)]
    assert OfferChoice(position=1).pick(offers) == 1
    assert OfferChoice(position=-1).pick(offers) == 2
    assert OfferChoice(time=time(17)).pick(offers) == 2  # "la de las 5": the only one in that hour
    assert OfferChoice(time=time(0, 30)).pick(offers) == 1  # the salon rule read the wrong half
    assert OfferChoice(position=5).pick(offers) is None
    assert OfferChoice().pick([time(16)]) == 0 and OfferChoice().pick(offers) is None  # "esa"
    assert OfferChoice(time=time(12)).pick([datetime(2027, 1, 15, 12), datetime(2027, 1, 16, 12)]) is None


def test_a_service_mention_with_several_candidates_is_ambiguous():
    assert CUT.id == "corte" and not CUT.is_ambiguous
    assert NAILS.id is None and NAILS.is_ambiguous and NAILS.ids == ("mani", "pedi")


def test_a_frame_answers_yes_no_and_its_main_act():
    frame = Frame(acts=(Act.CORRECT, Act.DENY), services=(CUT, NAILS))
    assert frame.act is Act.CORRECT and frame.answer is False and frame.has(Act.BOOK, Act.DENY)
    assert frame.service_ids == ("corte",)
    assert Frame().act is None and Frame().answer is None and Frame().when.is_empty


def test_a_catalog_takes_mappings_or_pairs():
    assert Catalog.of({"a": "Corte"}, [("p", "Pedro")]) == Catalog((("a", "Corte"),), (("p", "Pedro"),))
    hash(Catalog.of({"a": "Corte"}))  # cacheable
