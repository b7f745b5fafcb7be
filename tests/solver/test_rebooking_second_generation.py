"""Issue 24 in the optimiser: visits move whole, plans are reproducible, the disruption cap holds."""

from __future__ import annotations

from dataclasses import replace

from solver.rebooking import (
    Appointment,
    Placement,
    RebookingPolicy,
    Salon,
    StaffMember,
    Window,
    greedy_rebooking,
    plan_conflicts,
    suggest_rebooking,
)
from tests.solver.generated_salons import generated_salon, stylists_out
from tests.solver.test_rebooking import TODAY, TOMORROW, at, chair, cita, moved_to, stylist


def visit(key: str, staff: str, spot: str, start: int, *, affected: bool = True, **kwargs) -> tuple[Appointment, ...]:
    """Corte (45 min) then barba (30 min) right after it, one customer, one visit."""
    return (
        cita(f"{key}_corte", staff, spot, start, visit_id=key, customer_id=key, affected=affected, **kwargs),
        cita(f"{key}_barba", staff, spot, start + 45, duration=30, service="barba", visit_id=key, customer_id=key,
             affected=affected, **kwargs),
    )


def test_a_two_service_visit_moves_as_one_unit_same_day_same_order_back_to_back():
    # Pedro is out. Ana is free at 10:00 for the corte but booked at 10:45, so "corte with Ana,
    # barba with Luz" at the booked times is possible — but the visit must move as booked.
    salon = Salon(
        days=(TODAY,),
        staff=(stylist("pedro", services=("corte", "barba")), stylist("ana", TODAY, services=("corte", "barba")),
               stylist("luz", TODAY, services=("barba",))),
        spots=(chair("silla1", TODAY, services=("corte", "barba")), chair("silla2", TODAY, services=("corte", "barba"))),
        appointments=visit("juan", "pedro", "silla1", at(10)) + (cita("b1", "ana", "silla2", at(10.75), duration=30),),
    )
    plan = suggest_rebooking(salon, RebookingPolicy())
    assert plan_conflicts(salon, plan) == ()
    corte, barba = moved_to(plan, "juan_corte"), moved_to(plan, "juan_barba")
    assert corte.day == barba.day == 0
    assert barba.start == corte.start + 45  # back to back, same order
    assert not plan.unplaceable


def test_a_visit_that_fits_only_in_pieces_is_not_split():
    # Tomorrow has room for the corte in the morning and the barba only in the evening.
    salon = Salon(
        days=(TODAY, TOMORROW),
        staff=(stylist("pedro", services=("corte", "barba")),
               StaffMember("ana", frozenset({"corte", "barba"}), (Window(at(10, TOMORROW), at(10.75, TOMORROW)),
                                                                  Window(at(17, TOMORROW), at(18, TOMORROW))))),
        spots=(chair("silla1", TODAY, TOMORROW, services=("corte", "barba")),),
        appointments=visit("juan", "pedro", "silla1", at(10)),
    )
    for plan in (suggest_rebooking(salon, RebookingPolicy(move_to_days=(1,), shift_window_minutes=600)),
                 greedy_rebooking(salon, RebookingPolicy(move_to_days=(1,), shift_window_minutes=600))):
        assert plan_conflicts(salon, plan) == ()
        assert plan.moves == ()
        assert sorted(u.appointment_id for u in plan.unplaceable) == ["juan_barba", "juan_corte"]


def test_the_chosen_stylist_rule_holds_for_each_part_of_a_visit():
    corte, barba = visit("juan", "pedro", "silla1", at(10))
    salon = Salon(
        days=(TODAY, TOMORROW),
        staff=(stylist("pedro", TOMORROW, services=("corte", "barba")), stylist("ana", TODAY, TOMORROW, services=("corte", "barba"))),
        spots=(chair("silla1", TODAY, TOMORROW, services=("corte", "barba")),),
        appointments=(replace(corte, staff_chosen=True), barba),
    )
    plan = suggest_rebooking(salon, RebookingPolicy(move_to_days=(1,)))
    assert plan_conflicts(salon, plan) == ()
    assert moved_to(plan, "juan_corte") == Placement("pedro", "silla1", at(10, TOMORROW), 1)
    assert moved_to(plan, "juan_barba").start == at(10.75, TOMORROW)


def test_two_people_booked_together_keep_their_shared_start():
    salon = Salon(
        days=(TODAY,),
        staff=(stylist("pedro"), stylist("ana", TODAY), stylist("luz", TODAY)),
        spots=(chair("silla1", TODAY), chair("silla2", TODAY)),
        appointments=(
            cita("mama", "pedro", "silla1", at(10), visit_id="familia", affected=True),
            cita("hija", "ana", "silla2", at(10), visit_id="familia"),
            cita("b1", "luz", None, at(10), duration=30),
        ),
    )
    plan = suggest_rebooking(salon, RebookingPolicy())
    assert plan_conflicts(salon, plan) == ()
    mama = moved_to(plan, "mama")
    hija = next((m.after for m in plan.moves if m.appointment_id == "hija"), Placement("ana", "silla2", at(10), 0))
    assert mama.start == hija.start and mama.staff_id != hija.staff_id


def busy_day(cap: int | None) -> tuple[Salon, RebookingPolicy]:
    """Pedro is out with three citas; Ana's day has only 30-minute gaps between customers who
    would all accept a move: each of Pedro's citas stays on the day only if someone is nudged."""
    pedro_out = tuple(cita(f"p{i}", "pedro", None, start, affected=True) for i, start in
                      enumerate((at(10), at(12.5), at(15))))
    ana_full = tuple(cita(f"a{i}", "ana", None, at(9) + 75 * i, accepts_moves=True, customer_id=f"c{i}")
                     for i in range(8))
    salon = Salon((TODAY,), (stylist("pedro"), stylist("ana", TODAY)), (), pedro_out + ana_full)
    return salon, RebookingPolicy(unaffected_moves="any", max_unaffected_customers=cap, shift_window_minutes=60)


def test_the_disruption_cap_holds():
    salon, policy = busy_day(None)
    uncapped = suggest_rebooking(salon, policy)
    assert plan_conflicts(salon, uncapped) == ()
    assert uncapped.figures.unaffected_customers >= 2 and not uncapped.unplaceable  # nudging helps
    for cap in (0, 1):
        salon, policy = busy_day(cap)
        plan = suggest_rebooking(salon, policy)
        assert plan_conflicts(salon, plan) == ()
        assert plan.figures.unaffected_customers <= cap
        assert len({m.appointment_id for m in plan.moves if not m.affected}) <= cap
        assert len(plan.unplaceable) > len(uncapped.unplaceable)


def test_the_same_request_twice_gives_the_identical_plan():
    # Four stylists out of ten on a busy day: a plan the work limit, not a proof, ends.
    salon = stylists_out(generated_salon(7), 4, 7)
    policy = RebookingPolicy(move_to_days=(1, 2), work_limit=0.1)
    first, second = suggest_rebooking(salon, policy), suggest_rebooking(salon, policy)
    assert first.stopped_by in ("work_limit", "proof")
    assert (first.moves, first.unplaceable, first.figures) == (second.moves, second.unplaceable, second.figures)
    assert plan_conflicts(salon, first) == ()
