"""Listing bookable starts: who can do what, where, when, and in which order they are offered."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from salon_builders import (
    MONDAY,
    NOW,
    TINTE,
    at,
    busy,
    clocks,
    day_request,
    local_clock,
    make_salon,
    weekly,
)
from solver import (
    BookingRequest,
    PartOfDay,
    Preferences,
    Reason,
    Service,
    Spot,
    Staff,
    available_slots,
    explain_no_slots,
    occupancy_for,
    recheck_assignment,
)

TUESDAY = MONDAY + timedelta(days=1)


def test_back_to_back_bookings_leave_no_room_between_them():
    salon = make_salon(
        staff=(Staff("ana", {"peinado"}),),
        occupancy=[busy("staff", "ana", MONDAY, "10:00", "11:00"), busy("staff", "ana", MONDAY, "11:00", "12:00")],
    )
    starts = clocks(available_slots(salon, day_request("peinado"), NOW))
    assert starts[:2] == ["09:00", "12:00"]
    assert not any("09:15" <= s < "12:00" for s in starts)


def test_a_new_booking_can_end_exactly_when_the_next_one_starts():
    salon = make_salon(staff=(Staff("ana", {"corte"}),), occupancy=[busy("staff", "ana", MONDAY, "09:30", "17:00")])
    assert clocks(available_slots(salon, day_request("corte"), NOW)) == ["09:00"]


def test_a_service_longer_than_any_free_gap_has_no_slot():
    long_service = Service("keratina", 180)
    salon = make_salon(
        staff=(Staff("ana", {"keratina"}),),
        services=(long_service,),
        occupancy=[busy("staff", "ana", MONDAY, "11:00", "12:00"), busy("staff", "ana", MONDAY, "14:00", "15:00")],
    )
    request = day_request("keratina")
    assert available_slots(salon, request, NOW) == []
    assert explain_no_slots(salon, request, NOW).reason is Reason.FULLY_BOOKED


def test_a_service_longer_than_the_whole_day_does_not_fit():
    salon = make_salon(staff=(Staff("ana", {"maraton"}),), services=(Service("maraton", 9 * 60),))
    request = day_request("maraton")
    assert available_slots(salon, request, NOW) == []
    assert explain_no_slots(salon, request, NOW).reason is Reason.DOES_NOT_FIT


def test_a_stylist_with_no_spot_available_gets_no_slot():
    salon = make_salon(
        staff=(Staff("ana", {"corte"}),),
        spots=(Spot("silla", {"corte"}),),
        occupancy=[busy("spot", "silla", MONDAY, "09:00", "17:00")],
    )
    request = day_request("corte")
    assert available_slots(salon, request, NOW) == []
    assert explain_no_slots(salon, request, NOW).reason is Reason.FULLY_BOOKED


def test_a_stylist_performs_only_the_services_assigned_to_them():
    salon = make_salon(staff=(Staff("ana", {"corte"}), Staff("beto", {"tinte"})))
    slots = available_slots(salon, day_request("corte"), NOW)
    assert slots and {s.staff_ids for s in slots} == {("ana",)}
    assert explain_no_slots(salon, day_request("peinado"), NOW).reason is Reason.NO_QUALIFIED_STAFF


def test_a_spot_hosts_only_its_services():
    salon = make_salon(
        staff=(Staff("ana", {"corte", "tinte"}),),
        spots=(Spot("silla", {"corte"}), Spot("lavabo", {"tinte"})),
    )
    assert {s.spot_ids for s in available_slots(salon, day_request("corte"), NOW)} == {("silla",)}
    assert {s.spot_ids for s in available_slots(salon, day_request("tinte"), NOW)} == {("lavabo",)}


def test_a_service_no_spot_hosts_needs_no_spot():
    salon = make_salon(staff=(Staff("ana", {"corte", "peinado"}),), spots=(Spot("silla", {"corte"}),))
    slots = available_slots(salon, day_request("peinado"), NOW)
    assert slots and all(s.spot_ids == () for s in slots)
    assert all(b.spot_id is None for s in slots for b in s.assignment.services)


def test_processing_time_frees_the_stylist_but_not_the_chair():
    colour = occupancy_for(make_salon(services=(TINTE,)), "tinte", "ana", "silla1", at(MONDAY, "09:00"))
    chairs = (Spot("silla1", {"corte", "tinte"}), Spot("silla2", {"corte", "tinte"}))
    salon = make_salon(staff=(Staff("ana", {"corte", "tinte"}),), spots=chairs, occupancy=colour)
    morning = BookingRequest(("corte",), window_start=at(MONDAY, "09:00"), window_end=at(MONDAY, "11:00"))
    slots = {local_clock(s.start): s for s in available_slots(salon, morning, NOW)}
    # Ana paints 09:00-09:30, the colour sits 09:30-10:10, she rinses 10:10-10:30.
    assert set(slots) == {"09:30", "10:30", "10:45"}
    assert slots["09:30"].spot_ids == ("silla2",)

    one_chair = make_salon(staff=(Staff("ana", {"corte", "tinte"}),), spots=chairs[:1], occupancy=colour)
    assert clocks(available_slots(one_chair, morning, NOW)) == ["10:30", "10:45"]


def test_the_buffer_after_a_service_keeps_stylist_and_chair_busy():
    with_buffer = Service("corte", 30, buffer_after_minutes=15)
    salon = make_salon(
        staff=(Staff("ana", {"corte"}),), spots=(Spot("silla", {"corte"}),), services=(with_buffer,),
        occupancy=occupancy_for(make_salon(services=(with_buffer,)), "corte", "ana", "silla", at(MONDAY, "09:00")),
    )  # fmt: skip
    starts = clocks(available_slots(salon, day_request("corte"), NOW))
    assert starts[0] == "09:45"
    assert starts[-1] == "16:15"  # the buffer stays inside opening hours too


def test_the_organization_buffer_applies_to_services_without_their_own():
    salon = make_salon(staff=(Staff("ana", {"corte"}),), buffer_after_minutes=10)
    rows = occupancy_for(salon, "corte", "ana", None, at(MONDAY, "09:00"))
    assert [(local_clock(r.start), local_clock(r.end)) for r in rows] == [("09:00", "09:40")]


def test_minimum_notice_hides_starts_that_are_too_soon():
    salon = make_salon(min_notice_minutes=120)
    now = at(MONDAY, "09:05")
    assert clocks(available_slots(salon, day_request("corte"), now))[0] == "11:15"


def test_nothing_is_offered_beyond_the_maximum_days_ahead():
    salon = make_salon(max_days_ahead=1)
    now = at(MONDAY, "08:00")
    assert available_slots(salon, day_request("corte", TUESDAY), now)
    far = day_request("corte", MONDAY + timedelta(days=2))
    assert available_slots(salon, far, now) == []
    assert explain_no_slots(salon, far, now).reason is Reason.OUTSIDE_BOOKING_WINDOW
    everything = available_slots(salon, BookingRequest(("corte",)), now)
    assert max(s.start for s in everything) < at(MONDAY + timedelta(days=2), "00:00")


def test_starts_follow_the_slot_granularity():
    salon = make_salon(granularity_minutes=30)
    assert {c[-2:] for c in clocks(available_slots(salon, day_request("corte"), NOW))} == {"00", "30"}


def test_the_window_bounds_the_start_not_the_end():
    salon = make_salon()
    request = BookingRequest(("corte",), window_start=at(MONDAY, "16:00"), window_end=at(MONDAY, "16:31"))
    assert clocks(available_slots(salon, request, NOW)) == ["16:00", "16:15", "16:30"]


def test_a_multi_service_visit_runs_back_to_back():
    salon = make_salon(staff=(Staff("ana", {"corte"}), Staff("beto", {"tinte"})))
    slots = available_slots(salon, day_request(("tinte", "corte")), NOW)
    first = min(slots, key=lambda s: s.start)
    tinte, corte = first.assignment.services
    assert (local_clock(tinte.start), local_clock(tinte.end), tinte.staff_id) == ("09:00", "10:30", "beto")
    assert (local_clock(corte.start), local_clock(corte.end), corte.staff_id) == ("10:30", "11:00", "ana")
    assert local_clock(max(s.start for s in slots)) == "15:00"  # ends at closing, 17:00


def test_one_stylist_can_do_both_services_of_a_visit():
    salon = make_salon(staff=(Staff("ana", {"corte", "peinado"}),))
    slots = available_slots(salon, day_request(("corte", "peinado")), NOW)
    assert clocks(slots)[-1] == "15:30"
    assert all(s.staff_ids == ("ana",) for s in slots)


def test_a_group_needs_that_many_stylists_and_spots_at_once():
    salon = make_salon(
        staff=(Staff("ana", {"corte"}), Staff("beto", {"corte"}), Staff("caro", {"corte"})),
        spots=(Spot("silla1", {"corte"}), Spot("silla2", {"corte"})),
        occupancy=[busy("staff", "ana", MONDAY, "09:00", "12:00"), busy("spot", "silla1", MONDAY, "12:00", "13:00")],
    )
    slots = available_slots(salon, day_request("corte", group_size=2), NOW)
    starts = clocks(slots)
    assert "09:00" in starts  # beto and caro
    assert not any("12:00" <= c < "13:00" for c in starts)  # one chair only
    first = min(slots, key=lambda s: s.start)
    assert sorted(first.staff_ids) == ["beto", "caro"] and sorted(first.spot_ids) == ["silla1", "silla2"]
    assert [b.seat for b in first.assignment.services] == [0, 1]
    assert available_slots(salon, day_request("corte", group_size=3), NOW) == []  # two chairs


def test_a_pinned_stylist_takes_the_first_seat_of_a_group():
    salon = make_salon(staff=(Staff("ana", {"corte"}), Staff("beto", {"corte"}), Staff("caro", {"corte"})))
    slots = available_slots(salon, day_request("corte", group_size=2, staff_id="caro"), NOW)
    assert slots and all(s.assignment.services[0].staff_id == "caro" for s in slots)
    assert all(len(set(s.staff_ids)) == 2 for s in slots)


def test_a_pinned_stylist_and_spot_are_the_only_ones_used():
    salon = make_salon(
        staff=(Staff("ana", {"corte"}), Staff("beto", {"corte"})), spots=(Spot("s1", {"corte"}), Spot("s2", {"corte"}))
    )
    slots = available_slots(salon, day_request("corte", staff_id="beto", spot_id="s2"), NOW)
    assert slots and {(s.staff_ids, s.spot_ids) for s in slots} == {(("beto",), ("s2",))}


def test_without_preferences_the_earliest_start_comes_first():
    salon = make_salon(granularity_minutes=30)  # no start can strand a gap shorter than a corte
    slots = available_slots(salon, day_request("corte", days=2), NOW)
    assert slots[0].start == at(MONDAY, "09:00")
    assert [s.start for s in slots] == sorted(s.start for s in slots)


def test_the_requested_day_and_part_of_day_come_first():
    salon = make_salon()
    prefs = Preferences(day=TUESDAY, part_of_day=PartOfDay.TARDE)
    slots = available_slots(salon, day_request("corte", days=3, preferences=prefs), NOW)
    assert slots[0].start == at(TUESDAY, "12:00")
    tuesday_afternoon = [s for s in slots if s.start.date() == TUESDAY and "12:00" <= local_clock(s.start) < "19:00"]
    assert slots[: len(tuesday_afternoon)] == tuesday_afternoon
    assert slots[len(tuesday_afternoon)].start == at(TUESDAY, "09:00")  # same day, other part


def test_part_of_day_alone_prefers_the_earliest_matching_start():
    salon = make_salon(hours=weekly("09:00", "21:00"), granularity_minutes=15)
    slots = available_slots(salon, day_request("corte", days=2, preferences=Preferences(part_of_day=PartOfDay.NOCHE)), NOW)
    assert [local_clock(s.start) for s in slots[:2]] == ["19:00", "19:15"]


def test_the_preferred_stylist_comes_first_but_others_still_appear():
    salon = make_salon(
        staff=(Staff("ana", {"corte"}), Staff("beto", {"corte"})),
        occupancy=[busy("staff", "beto", MONDAY, "09:00", "12:00")],
    )
    slots = available_slots(salon, day_request("corte", preferences=Preferences(staff_id="beto")), NOW)
    assert slots[0].staff_ids == ("beto",) and local_clock(slots[0].start) == "12:00"
    assert any(s.staff_ids == ("ana",) for s in slots)


def test_load_is_spread_to_the_less_booked_stylist():
    salon = make_salon(
        staff=(Staff("ana", {"corte"}), Staff("beto", {"corte"})),
        occupancy=[busy("staff", "ana", MONDAY, "13:00", "17:00")],
    )
    slots = available_slots(salon, day_request("corte"), NOW)
    assert slots[0].staff_ids == ("beto",)


def test_versatile_stylists_are_kept_for_what_only_they_can_do():
    salon = make_salon(staff=(Staff("ana", {"corte", "tinte", "peinado"}), Staff("beto", {"corte"})))
    assert available_slots(salon, day_request("corte"), NOW)[0].staff_ids == ("beto",)


def test_a_compact_day_avoids_leaving_unusable_holes():
    salon = make_salon(staff=(Staff("ana", {"corte"}),), occupancy=[busy("staff", "ana", MONDAY, "11:00", "17:00")])
    request = BookingRequest(("corte",), window_start=at(MONDAY, "10:00"), window_end=at(MONDAY, "11:00"))
    slots = available_slots(salon, request, NOW)
    # 10:15 would strand 15 minutes before it, shorter than ana's shortest service.
    assert [local_clock(s.start) for s in slots] == ["10:00", "10:30", "10:15"]


def test_limit_keeps_only_the_best():
    salon = make_salon(granularity_minutes=30)
    slots = available_slots(salon, day_request("corte", preferences=Preferences(limit=3)), NOW)
    assert [local_clock(s.start) for s in slots] == ["09:00", "09:30", "10:00"]


def test_equal_scores_are_ranked_the_same_way_every_time():
    salon = make_salon(staff=(Staff("beto", {"corte"}), Staff("ana", {"corte"})), spots=(Spot("b", {"corte"}), Spot("a", {"corte"})))
    first = available_slots(salon, day_request("corte", days=2), NOW)
    again = available_slots(salon, day_request("corte", days=2), NOW)
    assert first == again
    assert first[0].staff_ids == ("ana",) and first[0].spot_ids == ("a",)


def test_options_list_every_stylist_and_spot_that_could_take_the_slot():
    salon = make_salon(
        staff=(Staff("ana", {"corte"}), Staff("beto", {"corte"})),
        spots=(Spot("s1", {"corte"}), Spot("s2", {"corte"})),
        occupancy=[busy("staff", "ana", MONDAY, "09:00", "10:00"), busy("spot", "s2", MONDAY, "09:00", "09:30")],
    )
    slots = {local_clock(s.start): s for s in available_slots(salon, day_request("corte"), NOW, with_options=True)}
    (nine,) = slots["09:00"].options
    assert (nine.service_id, nine.staff_ids, nine.spot_ids) == ("corte", ("beto",), ("s1",))
    (ten,) = slots["10:00"].options
    assert (ten.staff_ids, ten.spot_ids) == (("ana", "beto"), ("s1", "s2"))


def test_every_listed_slot_passes_the_interval_recheck():
    salon = make_salon(
        staff=(Staff("ana", {"corte", "tinte"}), Staff("beto", {"corte", "peinado"})),
        spots=(Spot("s1", {"corte", "tinte"}), Spot("s2", {"peinado", "corte"})),
        occupancy=[busy("staff", "ana", MONDAY, "10:00", "11:00"), busy("spot", "s2", MONDAY, "13:00", "15:00")],
    )
    for services in (("corte",), ("tinte", "peinado"), ("corte", "corte")):
        for slot in available_slots(salon, day_request(services), NOW):
            assert recheck_assignment(salon, slot.assignment, NOW) == ()


def test_unknown_ids_list_nothing_and_say_why():
    salon = make_salon()
    assert available_slots(salon, day_request("uñas"), NOW) == []
    assert explain_no_slots(salon, day_request("uñas"), NOW).reason is Reason.UNKNOWN_SERVICE
    assert explain_no_slots(salon, day_request("corte", staff_id="nadie"), NOW).reason is Reason.UNKNOWN_STAFF
    assert explain_no_slots(salon, day_request("corte"), NOW) is None



def test_listing_slots_never_imports_or_tools():
    script = (
        "import sys; sys.path.insert(0, 'tests/solver')\n"
        "from salon_builders import NOW, day_request, make_salon\n"
        "import solver\n"
        "assert solver.available_slots(make_salon(), day_request('corte'), NOW)\n"
        "assert 'ortools' not in sys.modules\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", script], cwd=root, check=True)
