"""Choosing one booking with CP-SAT: reasons when impossible, and sensible choices when not."""

from __future__ import annotations

from datetime import timedelta

import pytest

from salon_builders import MONDAY, NOW, TINTE, at, busy, day_request, local_clock, make_salon
from solver import (
    Assignment,
    BookingRequest,
    NoAssignment,
    Preferences,
    Reason,
    Service,
    Spot,
    Staff,
    assign_booking,
    available_slots,
    occupancy_for,
    recheck_assignment,
)
from solver.assignment import solve_plan
from solver.plan import make_plan


def booked(salon, request, now=NOW) -> Assignment:
    result = assign_booking(salon, request, now)
    assert isinstance(result, Assignment), result
    assert recheck_assignment(salon, result, now) == ()
    return result


def reason(salon, request, now=NOW) -> Reason:
    result = assign_booking(salon, request, now)
    assert isinstance(result, NoAssignment), result
    return result.reason


TWO_STYLISTS = (Staff("ana", {"corte", "tinte"}), Staff("beto", {"corte"}))


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (day_request("uñas"), Reason.UNKNOWN_SERVICE),
        (day_request("corte", staff_id="zoe"), Reason.UNKNOWN_STAFF),
        (day_request("corte", spot_id="mesa"), Reason.UNKNOWN_SPOT),
        (day_request("peinado"), Reason.NO_QUALIFIED_STAFF),
        (day_request("tinte", staff_id="beto"), Reason.NO_QUALIFIED_STAFF),
        (day_request("tinte", group_size=2), Reason.NO_QUALIFIED_STAFF),
        (day_request("corte", group_size=2, spot_id="lavabo"), Reason.NO_COMPATIBLE_SPOT),
        (day_request("tinte", group_size=2), Reason.NO_QUALIFIED_STAFF),
        (day_request("corte", group_size=3), Reason.NO_QUALIFIED_STAFF),
    ],
)
def test_impossible_requests_say_why(request_, expected):
    salon = make_salon(staff=TWO_STYLISTS, spots=(Spot("silla", {"corte"}), Spot("lavabo", {"tinte"})))
    assert reason(salon, request_) is expected


def test_not_enough_compatible_spots_for_a_group():
    salon = make_salon(staff=TWO_STYLISTS, spots=(Spot("silla", {"corte"}),))
    assert reason(salon, day_request("corte", group_size=2)) is Reason.NO_COMPATIBLE_SPOT


def test_a_closed_day_is_reported_as_closed():
    salon = make_salon(closed_dates=[MONDAY])
    assert reason(salon, day_request("corte")) is Reason.CLOSED


def test_a_full_day_is_reported_as_fully_booked():
    salon = make_salon(occupancy=[busy("staff", "ana", MONDAY, "09:00", "16:45")])
    assert reason(salon, day_request("corte")) is Reason.FULLY_BOOKED


def test_a_day_with_only_a_busy_chair_is_fully_booked():
    salon = make_salon(spots=(Spot("silla", {"corte"}),), occupancy=[busy("spot", "silla", MONDAY, "09:00", "17:00")])
    assert reason(salon, day_request("corte")) is Reason.FULLY_BOOKED


def test_a_request_in_the_past_is_outside_the_booking_window():
    salon = make_salon()
    assert reason(salon, day_request("corte"), now=at(MONDAY + timedelta(days=2), "08:00")) is Reason.OUTSIDE_BOOKING_WINDOW


def test_a_single_booking_takes_the_best_listed_slot():
    salon = make_salon(staff=TWO_STYLISTS, occupancy=[busy("staff", "beto", MONDAY, "09:00", "10:00")])
    request = day_request("corte", preferences=Preferences(staff_id="beto"))
    result = booked(salon, request)
    best = available_slots(salon, request, NOW)[0]
    assert (result.start, result.staff_ids) == (best.start, best.staff_ids) == (at(MONDAY, "10:00"), ("beto",))


def test_the_only_colourist_is_kept_free_for_colour():
    salon = make_salon(staff=TWO_STYLISTS)
    assert booked(salon, BookingRequest.at(at(MONDAY, "11:00"), ("corte",))).staff_ids == ("beto",)


def test_processing_time_lets_a_short_service_fit_inside_a_colour():
    chairs = (Spot("silla1", {"corte", "tinte"}), Spot("silla2", {"corte", "tinte"}))
    base = make_salon(staff=(Staff("ana", {"corte", "tinte"}),), spots=chairs, services=(TINTE, Service("corte", 30)))
    colour = occupancy_for(base, "tinte", "ana", "silla1", at(MONDAY, "09:00"))
    salon = make_salon(staff=base.staff, spots=chairs, services=base.services, occupancy=colour)
    result = booked(salon, BookingRequest.at(at(MONDAY, "09:30"), ("corte",)))
    assert result.services[0].spot_id == "silla2" and result.staff_ids == ("ana",)
    busy_chair = make_salon(staff=base.staff, spots=chairs[:1], services=base.services, occupancy=colour)
    assert reason(busy_chair, BookingRequest.at(at(MONDAY, "09:30"), ("corte",))) is Reason.FULLY_BOOKED


def test_a_stylist_can_start_a_second_colour_while_the_first_processes():
    salon = make_salon(staff=(Staff("ana", {"tinte"}),), spots=(Spot("s1", {"tinte"}), Spot("s2", {"tinte"})))
    first = booked(salon, BookingRequest.at(at(MONDAY, "09:00"), ("tinte",)))
    taken = make_salon(staff=salon.staff, spots=salon.spots, occupancy=[
        row for b in first.services for row in occupancy_for(salon, b.service_id, b.staff_id, b.spot_id, b.start)
    ])  # fmt: skip
    second = booked(taken, BookingRequest(("tinte",), window_start=at(MONDAY, "09:15"), window_end=at(MONDAY, "10:00")))
    assert local_clock(second.start) == "09:30" and second.services[0].spot_id == "s2"


def test_a_two_service_visit_is_sequential():
    salon = make_salon(staff=TWO_STYLISTS, spots=(Spot("s1", {"corte", "tinte"}),))
    result = booked(salon, day_request(("tinte", "corte")))
    tinte, corte = result.services
    assert tinte.end == corte.start and local_clock(tinte.start) == "09:00"
    assert (tinte.staff_id, corte.staff_id) == ("ana", "beto")


def test_a_group_of_two_gets_two_stylists_and_two_spots_at_the_same_time():
    salon = make_salon(
        staff=TWO_STYLISTS + (Staff("caro", {"corte"}),),
        spots=(Spot("s1", {"corte"}), Spot("s2", {"corte"}), Spot("s3", {"corte"})),
        occupancy=[busy("staff", "beto", MONDAY, "09:00", "10:00")],
    )
    result = booked(salon, day_request("corte", group_size=2))
    a, b = result.services
    assert a.start == b.start == at(MONDAY, "09:00")
    assert {a.staff_id, b.staff_id} == {"ana", "caro"} and a.spot_id != b.spot_id
    assert {a.seat, b.seat} == {0, 1}


def test_pinned_stylist_spot_and_time_are_respected():
    salon = make_salon(staff=TWO_STYLISTS, spots=(Spot("s1", {"corte"}), Spot("s2", {"corte"})))
    request = BookingRequest.at(at(MONDAY, "15:00"), ("corte",), staff_id="ana", spot_id="s2")
    result = booked(salon, request)
    assert (result.start, result.staff_ids, result.spot_ids) == (at(MONDAY, "15:00"), ("ana",), ("s2",))


def test_the_same_request_gets_the_same_answer():
    salon = make_salon(
        staff=TWO_STYLISTS + (Staff("caro", {"corte", "tinte"}),),
        spots=(Spot("s1", {"corte", "tinte"}), Spot("s2", {"corte", "tinte"})),
        occupancy=[busy("staff", "ana", MONDAY, "11:00", "12:00")],
    )
    request = day_request(("tinte", "corte"), group_size=2)
    assert assign_booking(salon, request, NOW) == assign_booking(salon, request, NOW)


@pytest.mark.parametrize(
    "request_",
    [
        day_request("corte", days=2, preferences=Preferences(staff_id="ana")),
        day_request(("tinte", "corte")),
        day_request("corte", group_size=2),
        day_request("tinte", days=2, preferences=Preferences(day=MONDAY + timedelta(days=1))),
    ],
)
def test_cp_sat_and_the_listing_agree_on_the_best_cost(request_):
    salon = make_salon(
        staff=TWO_STYLISTS + (Staff("caro", {"corte", "tinte"}),),
        spots=(Spot("s1", {"corte", "tinte"}), Spot("s2", {"corte", "tinte"})),
        occupancy=[busy("staff", "ana", MONDAY, "09:00", "10:00"), busy("spot", "s1", MONDAY, "12:00", "13:30")],
    )
    plan = make_plan(salon, request_, NOW)
    solved = solve_plan(plan)
    best = available_slots(salon, request_, NOW)[0]
    assert solved is not None and solved.optimal
    assert solved.cost == -best.score


def test_a_window_before_opening_is_closed_even_if_a_long_visit_would_reach_opening_time():
    salon = make_salon(staff=(Staff("ana", {"tinte"}),))
    early = BookingRequest(("tinte",), window_start=at(MONDAY, "07:00"), window_end=at(MONDAY, "08:30"))
    assert reason(salon, early) is Reason.CLOSED


def test_a_window_at_closing_time_is_too_short_for_a_long_visit():
    salon = make_salon(staff=(Staff("ana", {"tinte"}),))
    late = BookingRequest(("tinte",), window_start=at(MONDAY, "16:00"), window_end=at(MONDAY, "17:00"))
    assert reason(salon, late) is Reason.DOES_NOT_FIT
