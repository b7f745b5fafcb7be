"""Rebooking suggestions (issue 8): the plan for appointments a disruption broke."""

from __future__ import annotations

from dataclasses import replace

import pytest

from solver.rebooking import (
    NO_COMPATIBLE_SPOT,
    NO_QUALIFIED_STAFF,
    NO_TIME_IN_WINDOW,
    PREFERRED_STAFF_UNAVAILABLE,
    SCHEDULE_FULL,
    Appointment,
    Placement,
    Processing,
    RebookingPolicy,
    Salon,
    SalonDay,
    Spot,
    StaffMember,
    Weights,
    Window,
    greedy_rebooking,
    mark_affected,
    plan_conflicts,
    suggest_rebooking,
)

DAY = 1440
TODAY, TOMORROW = SalonDay(0, 0, DAY), SalonDay(1, DAY, 2 * DAY)
NINE, SEVEN_PM = 9 * 60, 19 * 60


def hours(*days: SalonDay, start: int = NINE, end: int = SEVEN_PM) -> tuple[Window, ...]:
    return tuple(Window(day.start + start, day.start + end) for day in days)


def stylist(name: str, *days: SalonDay, services=("corte",), start: int = NINE, end: int = SEVEN_PM) -> StaffMember:
    return StaffMember(name, frozenset(services), hours(*days, start=start, end=end))


def chair(name: str, *days: SalonDay, services=("corte", "tinte")) -> Spot:
    return Spot(name, frozenset(services), hours(*days))


def cita(key: str, staff: str, spot: str | None, start: int, duration: int = 45, service: str = "corte", day: int = 0, **kwargs) -> Appointment:
    return Appointment(key, service, duration, staff, spot, start, day, **kwargs)


def at(hour: float, day: SalonDay = TODAY) -> int:
    return day.start + int(hour * 60)


def moved_to(plan, key: str) -> Placement:
    return next(move.after for move in plan.moves if move.appointment_id == key)


def solve(salon: Salon, **policy) -> object:
    plan = suggest_rebooking(salon, RebookingPolicy(**policy))
    assert plan_conflicts(salon, plan) == ()
    return plan


def test_when_a_stylist_is_out_the_appointment_goes_to_another_qualified_stylist_at_the_same_time():
    salon = Salon(
        days=(TODAY,),
        staff=(stylist("pedro"), stylist("ana", TODAY), stylist("luz", TODAY, services=("manicure",))),
        spots=(chair("silla1", TODAY),),
        appointments=(cita("a1", "pedro", "silla1", at(10), affected=True),),
    )
    plan = solve(salon)
    assert moved_to(plan, "a1") == Placement("ana", "silla1", at(10), 0)
    assert plan.status == "optimal"
    assert plan.figures.kept_on_day == 1 and plan.figures.staff_changes == 1 and plan.figures.minutes_moved == 0


def test_the_nearest_time_the_same_day_comes_before_another_day():
    salon = Salon(
        days=(TODAY, TOMORROW),
        staff=(stylist("pedro", TOMORROW), stylist("ana", TODAY, TOMORROW)),
        spots=(chair("silla1", TODAY, TOMORROW), chair("silla2", TODAY, TOMORROW)),
        appointments=(
            cita("a1", "pedro", "silla1", at(10), affected=True),
            cita("a2", "ana", "silla2", at(10)),
        ),
    )
    plan = solve(salon, move_to_days=(1,))
    after = moved_to(plan, "a1")
    assert after.day == 0 and after.staff_id == "ana"
    assert after.start in (at(9.25), at(10.75))
    assert plan.figures.minutes_moved == 45


def test_another_day_when_the_day_is_full():
    salon = Salon(
        days=(TODAY, TOMORROW),
        staff=(stylist("pedro", TOMORROW), stylist("ana", TODAY, TOMORROW, start=10 * 60, end=10 * 60 + 45)),
        spots=(chair("silla1", TODAY, TOMORROW),),
        appointments=(
            cita("a1", "pedro", "silla1", at(11), affected=True),
            cita("a2", "ana", "silla1", at(10)),
        ),
    )
    plan = solve(salon, move_to_days=(1,))
    assert moved_to(plan, "a1") == Placement("pedro", "silla1", at(11, TOMORROW), 1)
    assert plan.figures.day_changes == 1 and plan.figures.kept == 1 and plan.figures.kept_on_day == 0


def test_a_customer_who_chose_their_stylist_keeps_them_even_on_another_day():
    salon = Salon(
        days=(TODAY, TOMORROW),
        staff=(stylist("pedro", TOMORROW), stylist("ana", TODAY, TOMORROW)),
        spots=(chair("silla1", TODAY, TOMORROW),),
        appointments=(cita("a1", "pedro", "silla1", at(10), affected=True, staff_chosen=True),),
    )
    plan = solve(salon, move_to_days=(1,))
    assert moved_to(plan, "a1") == Placement("pedro", "silla1", at(10, TOMORROW), 1)


def test_a_broken_chair_keeps_the_stylist_and_changes_the_chair():
    broken = Spot("silla1", frozenset({"corte"}), ())
    salon = Salon(
        days=(TODAY,),
        staff=(stylist("pedro", TODAY), stylist("ana", TODAY)),
        spots=(broken, chair("silla2", TODAY)),
        appointments=(cita("a1", "pedro", "silla1", at(10), affected=True),),
    )
    plan = solve(salon)
    assert moved_to(plan, "a1") == Placement("pedro", "silla2", at(10), 0)


def test_a_broken_chair_whose_stand_in_is_busy_moves_to_the_nearest_time_with_the_same_stylist():
    salon = Salon(
        days=(TODAY,),
        staff=(stylist("pedro", TODAY), stylist("ana", TODAY)),
        spots=(Spot("silla1", frozenset({"corte"}), ()), chair("silla2", TODAY)),
        appointments=(
            cita("a1", "pedro", "silla1", at(10), affected=True),
            cita("b1", "ana", "silla2", at(9.5), duration=60),
        ),
    )
    plan = solve(salon)
    assert moved_to(plan, "a1") == Placement("pedro", "silla2", at(10.5), 0)
    assert plan.figures.staff_changes == 0 and plan.figures.minutes_moved == 30


def test_unaffected_appointments_stay_pinned_by_default():
    salon = Salon(
        days=(TODAY,),
        staff=(stylist("pedro"), stylist("ana", TODAY)),
        spots=(chair("silla1", TODAY), chair("silla2", TODAY)),
        appointments=(
            cita("a1", "pedro", "silla1", at(10), affected=True),
            cita("b1", "ana", "silla2", at(10), accepts_moves=True),
        ),
    )
    plan = solve(salon)
    assert [move.appointment_id for move in plan.moves] == ["a1"]
    assert moved_to(plan, "a1").start != at(10)


def test_an_unaffected_customer_who_accepts_is_nudged_only_to_keep_an_affected_one_on_its_day():
    # Ana works 10:00-11:30 today; her 10:30 client accepts moves. Pedro is out with a 10:45.
    salon = Salon(
        days=(TODAY, TOMORROW),
        staff=(stylist("pedro", TOMORROW), stylist("ana", TODAY, TOMORROW, start=10 * 60, end=11 * 60 + 30)),
        spots=(chair("silla1", TODAY, TOMORROW), chair("silla2", TODAY, TOMORROW)),
        appointments=(
            cita("a1", "pedro", "silla1", at(10.75), affected=True),
            cita("b1", "ana", "silla2", at(10.25), accepts_moves=True),
        ),
    )
    pinned = solve(salon, move_to_days=(1,))
    assert pinned.figures.day_changes == 1 and pinned.figures.unaffected_moved == 0

    nudged = solve(salon, move_to_days=(1,), unaffected_moves="accepting")
    assert nudged.figures.day_changes == 0 and nudged.figures.unaffected_moved == 1
    assert {moved_to(nudged, "a1").start, moved_to(nudged, "b1").start} == {at(10), at(10.75)}


def test_an_unaffected_customer_who_did_not_accept_is_not_nudged():
    salon = Salon(
        days=(TODAY, TOMORROW),
        staff=(stylist("pedro", TOMORROW), stylist("ana", TODAY, TOMORROW, start=10 * 60, end=11 * 60 + 30)),
        spots=(chair("silla1", TODAY, TOMORROW), chair("silla2", TODAY, TOMORROW)),
        appointments=(
            cita("a1", "pedro", "silla1", at(10.75), affected=True),
            cita("b1", "ana", "silla2", at(10.25), accepts_moves=False),
        ),
    )
    plan = solve(salon, move_to_days=(1,), unaffected_moves="accepting")
    assert plan.figures.unaffected_moved == 0 and plan.figures.day_changes == 1


def test_processing_time_frees_the_stylist_but_not_the_chair():
    colour = Processing(offset=30, length=45)
    two_chairs = Salon(
        days=(TODAY,),
        staff=(stylist("pedro", services=("corte", "tinte")), stylist("ana", TODAY, services=("corte", "tinte"))),
        spots=(chair("silla1", TODAY), chair("silla2", TODAY)),
        appointments=(
            cita("tinte", "pedro", "silla1", at(10), duration=120, service="tinte", processing=colour, affected=True),
            cita("corte", "pedro", "silla2", at(10.5), duration=45, affected=True),
        ),
    )
    plan = solve(two_chairs)
    assert moved_to(plan, "tinte") == Placement("ana", "silla1", at(10), 0)
    assert moved_to(plan, "corte") == Placement("ana", "silla2", at(10.5), 0)

    one_chair = replace(two_chairs, spots=(chair("silla1", TODAY),))
    one_chair = replace(one_chair, appointments=tuple(replace(a, spot_id="silla1") for a in one_chair.appointments))
    plan = solve(one_chair)
    tinte, corte = moved_to(plan, "tinte"), moved_to(plan, "corte")
    assert tinte.staff_id == corte.staff_id == "ana"
    assert corte.start >= tinte.start + 120 or corte.start + 45 <= tinte.start


@pytest.mark.parametrize(
    ("salon_change", "appointment_change", "reason"),
    [
        ({"staff": (stylist("pedro"), stylist("luz", TODAY, services=("manicure",)))}, {}, NO_QUALIFIED_STAFF),
        ({"spots": (chair("mesa", TODAY, services=("manicure",)),)}, {}, NO_COMPATIBLE_SPOT),
        ({}, {"staff_chosen": True}, PREFERRED_STAFF_UNAVAILABLE),
        ({"staff": (stylist("pedro"), stylist("ana", TODAY, start=16 * 60))}, {}, NO_TIME_IN_WINDOW),
        ({}, {}, SCHEDULE_FULL),
    ],
)
def test_nothing_fits_leaves_the_appointment_unplaceable_with_the_reason(salon_change, appointment_change, reason):
    full_day = tuple(cita(f"b{i}", "ana", "silla1", at(9) + 45 * i) for i in range(13))
    salon = Salon(
        days=(TODAY,),
        staff=(stylist("pedro"), stylist("ana", TODAY)),
        spots=(chair("silla1", TODAY),),
        appointments=(cita("a1", "pedro", "silla1", at(10), affected=True, **appointment_change),) + (full_day if reason == SCHEDULE_FULL else ()),
    )
    salon = replace(salon, **salon_change)
    plan = solve(salon, shift_window_minutes=120)
    assert [(u.appointment_id, u.reason) for u in plan.unplaceable] == [("a1", reason)]
    assert plan.figures.kept == 0 and plan.figures.unplaced == 1
    assert plan.status == "optimal"


def test_the_shift_window_is_the_owners_policy():
    salon = Salon(
        days=(TODAY,),
        staff=(stylist("pedro"), stylist("ana", TODAY, start=12 * 60)),
        spots=(chair("silla1", TODAY),),
        appointments=(cita("a1", "pedro", "silla1", at(10), affected=True),),
    )
    assert solve(salon, shift_window_minutes=60).unplaceable
    assert moved_to(solve(salon, shift_window_minutes=120), "a1").start == at(12)


def test_nothing_affected_gives_an_empty_optimal_plan():
    salon = Salon(
        days=(TODAY,),
        staff=(stylist("ana", TODAY),),
        spots=(chair("silla1", TODAY),),
        appointments=(cita("b1", "ana", "silla1", at(10)),),
    )
    plan = solve(salon)
    assert plan.moves == () and plan.unplaceable == () and plan.status == "optimal"


def test_weights_let_the_owner_prefer_a_new_stylist_over_a_later_time():
    # Pedro comes in at 11:00 today; his 10:00 client can wait for him or see Ana at 10:00.
    salon = Salon(
        days=(TODAY,),
        staff=(stylist("pedro", TODAY, start=11 * 60), stylist("ana", TODAY)),
        spots=(chair("silla1", TODAY),),
        appointments=(cita("a1", "pedro", "silla1", at(10), affected=True),),
    )
    strict = solve(salon)
    assert moved_to(strict, "a1") == Placement("pedro", "silla1", at(11), 0)
    cheap_staff_change = solve(salon, weights=Weights(staff_change=1, minute_moved=10))
    assert moved_to(cheap_staff_change, "a1") == Placement("ana", "silla1", at(10), 0)
    assert cheap_staff_change.figures.objective == 1


def test_the_plan_is_never_worse_than_greedy_and_proves_its_bound():
    salon = Salon(
        days=(TODAY, TOMORROW),
        staff=(stylist("pedro", TOMORROW), stylist("ana", TODAY, TOMORROW), stylist("luz", TODAY, TOMORROW)),
        spots=(chair("silla1", TODAY, TOMORROW), chair("silla2", TODAY, TOMORROW)),
        appointments=tuple(cita(f"a{i}", "pedro", "silla1", at(9) + 45 * i, affected=True) for i in range(10))
        + tuple(cita(f"b{i}", "ana", "silla2", at(9) + 60 * i, duration=30) for i in range(10)),
    )
    policy = RebookingPolicy(move_to_days=(1,))
    greedy = greedy_rebooking(salon, policy)
    plan = suggest_rebooking(salon, policy)
    assert plan_conflicts(salon, greedy) == () and plan_conflicts(salon, plan) == ()
    assert plan.figures.kept >= greedy.figures.kept
    assert plan.figures.objective <= greedy.figures.objective
    assert plan.status == "optimal" and plan.figures.best_bound == plan.figures.objective


def test_another_day_keeps_the_local_time_even_after_a_23_hour_day():
    # Tijuana's spring-forward day has 23 hours: tomorrow starts at minute 1380, not 1440.
    short_today, tomorrow = SalonDay(0, 0, 1380), SalonDay(1, 1380, 2820)
    salon = Salon(
        days=(short_today, tomorrow),
        staff=(stylist("pedro", tomorrow),),
        spots=(chair("silla1", short_today, tomorrow),),
        appointments=(cita("a1", "pedro", "silla1", at(10), affected=True, staff_chosen=True),),
    )
    plan = solve(salon, move_to_days=(1,))
    assert moved_to(plan, "a1") == Placement("pedro", "silla1", 1380 + 600, 1)
    assert plan.figures.minutes_moved == 0


def test_an_appointment_booked_off_the_grid_can_keep_its_exact_time():
    salon = Salon(
        days=(TODAY,),
        staff=(stylist("pedro"), stylist("ana", TODAY)),
        spots=(chair("silla1", TODAY),),
        appointments=(cita("a1", "pedro", "silla1", at(10) + 5, affected=True),),
    )
    plan = solve(salon)
    assert moved_to(plan, "a1") == Placement("ana", "silla1", at(10) + 5, 0)


def test_the_appointments_a_disruption_broke_are_marked_affected():
    # Pedro is out today, chair 2 is switched off after noon, Ana's hours end at 14:00.
    salon = Salon(
        days=(TODAY,),
        staff=(stylist("pedro"), stylist("ana", TODAY, end=14 * 60)),
        spots=(chair("silla1", TODAY), Spot("silla2", frozenset({"corte"}), (Window(at(9), at(12)),))),
        appointments=(
            cita("pedro_10", "pedro", "silla1", at(10)),
            cita("ana_10", "ana", "silla2", at(10)),
            cita("ana_1130", "ana", "silla2", at(11.5)),
            cita("ana_1330", "ana", "silla1", at(13.5)),
            cita("ana_13", "ana", "silla1", at(12.5)),
        ),
    )
    marked = {a.id for a in mark_affected(salon).appointments if a.affected}
    assert marked == {"pedro_10", "ana_1130", "ana_1330"}
