"""The rows a booking stores, and the last interval check before they are written."""

from __future__ import annotations

from datetime import timedelta

from salon_builders import MONDAY, NOW, TINTE, at, busy, local_clock, make_salon
from solver import (
    Assignment,
    Block,
    BookedService,
    Reason,
    ResourceKind,
    Service,
    Spot,
    Staff,
    occupancy_for,
    occupancy_for_assignment,
    recheck_assignment,
)

CHAIRS = (Spot("silla1", {"corte", "tinte"}), Spot("silla2", {"corte", "tinte"}))


def rows_as_text(rows):
    return [(r.resource_kind.value, r.resource_id, local_clock(r.start), local_clock(r.end)) for r in rows]


def visit(service_id, staff_id, spot_id, clock, minutes, day=MONDAY, seat=0):
    start = at(day, clock)
    return BookedService(service_id, staff_id, spot_id, start, start + timedelta(minutes=minutes), seat)


def test_a_plain_service_busies_stylist_and_spot_for_its_length():
    salon = make_salon(staff=(Staff("ana", {"corte"}),), spots=CHAIRS)
    assert rows_as_text(occupancy_for(salon, "corte", "ana", "silla1", at(MONDAY, "10:00"))) == [
        ("staff", "ana", "10:00", "10:30"),
        ("spot", "silla1", "10:00", "10:30"),
    ]


def test_processing_time_frees_the_stylist_but_not_the_chair():
    salon = make_salon(services=(TINTE,))
    assert rows_as_text(occupancy_for(salon, "tinte", "ana", "silla1", at(MONDAY, "09:00"))) == [
        ("staff", "ana", "09:00", "09:30"),
        ("staff", "ana", "10:10", "10:30"),
        ("spot", "silla1", "09:00", "10:30"),
    ]


def test_the_buffer_is_busy_for_both_stylist_and_spot():
    salon = make_salon(services=(Service("tinte", 90, buffer_after_minutes=10, processing=TINTE.processing),))
    assert rows_as_text(occupancy_for(salon, "tinte", "ana", "silla1", at(MONDAY, "09:00"))) == [
        ("staff", "ana", "09:00", "09:30"),
        ("staff", "ana", "10:10", "10:40"),
        ("spot", "silla1", "09:00", "10:40"),
    ]


def test_without_a_spot_only_the_stylist_is_busy():
    rows = occupancy_for(make_salon(), "corte", "ana", None, at(MONDAY, "09:00"))
    assert [r.resource_kind for r in rows] == [ResourceKind.STAFF]


def test_a_whole_visit_gives_the_rows_of_each_service_in_order():
    salon = make_salon(staff=(Staff("ana", {"corte", "tinte"}),), spots=CHAIRS)
    assignment = Assignment((visit("tinte", "ana", "silla1", "09:00", 90), visit("corte", "ana", "silla2", "10:30", 30)))
    assert len(occupancy_for_assignment(salon, assignment)) == 5


def test_a_free_assignment_has_no_conflicts():
    salon = make_salon(staff=(Staff("ana", {"corte"}),), spots=CHAIRS)
    assert recheck_assignment(salon, Assignment((visit("corte", "ana", "silla1", "10:00", 30),)), NOW) == ()


def test_an_off_grid_walk_in_is_accepted():
    salon = make_salon(staff=(Staff("ana", {"corte"}),), spots=CHAIRS)
    assert recheck_assignment(salon, Assignment((visit("corte", "ana", "silla1", "10:07", 30),)), NOW) == ()


def reasons(salon, *services, now=NOW, **kwargs):
    return {c.reason for c in recheck_assignment(salon, Assignment(tuple(services)), now, **kwargs)}


def test_overlapping_a_stored_booking_is_slot_taken():
    salon = make_salon(
        staff=(Staff("ana", {"corte"}),), spots=CHAIRS, occupancy=[busy("spot", "silla1", MONDAY, "10:15", "11:00")]
    )
    conflicts = recheck_assignment(salon, Assignment((visit("corte", "ana", "silla1", "10:00", 30),)), NOW)
    assert [(c.reason, c.resource_kind, c.resource_id) for c in conflicts] == [(Reason.SLOT_TAKEN, "spot", "silla1")]


def test_inside_another_colours_processing_time_is_fine_for_the_stylist():
    base = make_salon(staff=(Staff("ana", {"corte", "tinte"}),), spots=CHAIRS)
    salon = make_salon(
        staff=base.staff, spots=CHAIRS, occupancy=occupancy_for(base, "tinte", "ana", "silla1", at(MONDAY, "09:00"))
    )
    assert reasons(salon, visit("corte", "ana", "silla2", "09:30", 30)) == set()
    assert reasons(salon, visit("corte", "ana", "silla1", "09:30", 30)) == {Reason.SLOT_TAKEN}
    assert reasons(salon, visit("corte", "ana", "silla2", "09:50", 30)) == {Reason.SLOT_TAKEN}


def test_outside_hours_or_in_a_block_is_outside_hours():
    lunch = Block(at(MONDAY, "13:00"), at(MONDAY, "14:00"), "comida")
    salon = make_salon(staff=(Staff("ana", {"corte"}, blocks=(lunch,)),))
    assert reasons(salon, visit("corte", "ana", None, "16:45", 30)) == {Reason.OUTSIDE_HOURS}
    assert reasons(salon, visit("corte", "ana", None, "13:15", 30)) == {Reason.OUTSIDE_HOURS}
    assert reasons(make_salon(closed_dates=[MONDAY]), visit("corte", "ana", None, "10:00", 30)) == {Reason.OUTSIDE_HOURS}


def test_wrong_people_places_and_lengths_are_reported():
    salon = make_salon(staff=(Staff("ana", {"corte"}), Staff("beto", {"tinte"})), spots=CHAIRS[:1])
    assert reasons(salon, visit("corte", "beto", "silla1", "10:00", 30)) == {Reason.NO_QUALIFIED_STAFF}
    assert reasons(salon, visit("corte", "ana", None, "10:00", 30)) == {Reason.NO_COMPATIBLE_SPOT}
    assert reasons(salon, visit("corte", "ana", "silla9", "10:00", 30)) == {Reason.UNKNOWN_SPOT}
    assert reasons(salon, visit("corte", "ana", "silla1", "10:00", 45)) == {Reason.INCONSISTENT}
    assert reasons(salon, visit("uñas", "ana", "silla1", "10:00", 45)) == {Reason.UNKNOWN_SERVICE}


def test_a_visit_that_overlaps_itself_is_inconsistent():
    salon = make_salon(staff=(Staff("ana", {"corte"}),))
    assert reasons(salon, visit("corte", "ana", None, "10:00", 30), visit("corte", "ana", None, "10:15", 30)) == {
        Reason.INCONSISTENT
    }


def test_the_booking_window_is_enforced_unless_staff_book_a_walk_in():
    salon = make_salon(staff=(Staff("ana", {"corte"}),), min_notice_minutes=60)
    now = at(MONDAY, "10:00")
    walk_in = visit("corte", "ana", None, "10:10", 30)
    assert reasons(salon, walk_in, now=now) == {Reason.OUTSIDE_BOOKING_WINDOW}
    assert reasons(salon, walk_in, now=now, enforce_booking_window=False) == set()
