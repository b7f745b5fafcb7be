""""Compacta la agenda": fewer small gaps, larger free blocks, few and willing customers moved."""

from __future__ import annotations

from solver.rebooking import (
    Appointment,
    CompactionPolicy,
    Salon,
    SalonDay,
    Spot,
    StaffMember,
    Window,
    compact_day,
    plan_conflicts,
)

TODAY = SalonDay(0, 0, 1440)


def morning_of(*appointments: Appointment, staff=None) -> Salon:
    return Salon(
        days=(TODAY,),
        staff=staff or (StaffMember("ana", frozenset({"corte"}), (Window(540, 780),)),),
        spots=(Spot("silla1", frozenset({"corte"}), (Window(540, 1140),)), Spot("silla2", frozenset({"corte"}), (Window(540, 1140),))),
        appointments=appointments,
    )


def corte(key: str, start: int, accepts: bool, staff: str = "ana", spot: str = "silla1", chosen: bool = False) -> Appointment:
    return Appointment(key, "corte", 30, staff, spot, start, 0, accepts_moves=accepts, staff_chosen=chosen)


POLICY = CompactionPolicy(max_moved_share=0.34)


def test_compaction_closes_a_small_gap_to_open_a_larger_free_block():
    # Ana 9:00-13:00 with clients at 9:00, 10:15 (accepts moves) and 12:00: gaps of 45, 75, 30.
    salon = morning_of(corte("c1", 540, False), corte("c2", 615, True), corte("c3", 720, False))
    plan = compact_day(salon, 0, POLICY)
    assert plan_conflicts(salon, plan) == ()
    assert [(m.appointment_id, m.after.start, m.after.staff_id) for m in plan.moves] == [("c2", 570, "ana")]
    assert plan.free_blocks[0].before == 75 and plan.free_blocks[0].after == 120
    assert plan.median_largest_block_after > plan.median_largest_block_before


def test_compaction_never_moves_a_customer_who_did_not_accept():
    salon = morning_of(corte("c1", 540, False), corte("c2", 615, False), corte("c3", 720, False))
    plan = compact_day(salon, 0, POLICY)
    assert plan.moves == ()
    assert plan.free_blocks[0].before == plan.free_blocks[0].after == 75


def test_compaction_moves_no_more_than_the_allowed_share_of_the_day():
    salon = morning_of(corte("c1", 540, False), corte("c2", 615, True), corte("c3", 720, False))
    plan = compact_day(salon, 0, CompactionPolicy(max_moved_share=0.2))
    assert plan.moves == ()


def test_compaction_does_not_move_anyone_when_nothing_is_gained():
    salon = morning_of(corte("c1", 540, True), corte("c2", 570, True), corte("c3", 600, True))
    plan = compact_day(salon, 0, CompactionPolicy(max_moved_share=1.0))
    assert plan.moves == () and plan.status == "optimal"


def test_compaction_can_keep_each_customer_with_their_stylist_and_respects_the_chairs():
    staff = (
        StaffMember("ana", frozenset({"corte"}), (Window(540, 780),)),
        StaffMember("luz", frozenset({"corte"}), (Window(540, 780),)),
    )
    salon = morning_of(
        corte("c1", 540, False),
        corte("c2", 615, True),
        corte("c3", 720, False),
        corte("l1", 570, False, staff="luz", spot="silla1"),
        corte("l2", 600, True, staff="luz", spot="silla2"),
        corte("l3", 690, True, staff="luz", spot="silla2"),
        staff=staff,
    )
    plan = compact_day(salon, 0, CompactionPolicy(max_moved_share=0.5, keep_staff=True))
    assert plan_conflicts(salon, plan) == ()
    assert all(m.after.staff_id == m.before.staff_id for m in plan.moves)
    assert sum(b.after for b in plan.free_blocks) > sum(b.before for b in plan.free_blocks)


def test_compaction_hands_a_willing_customer_to_a_free_stylist_unless_they_chose_theirs():
    # Ana's 10:15 client sits between two gaps; Luz is free all morning.
    staff = (
        StaffMember("ana", frozenset({"corte"}), (Window(540, 780),)),
        StaffMember("luz", frozenset({"corte"}), (Window(540, 780),)),
    )
    day = (corte("c1", 540, False), corte("c3", 720, False), corte("l1", 600, False, staff="luz", spot="silla2"))
    policy = CompactionPolicy(max_moved_share=0.5)

    salon = morning_of(*day, corte("c2", 615, True), staff=staff)
    plan = compact_day(salon, 0, policy)
    assert plan_conflicts(salon, plan) == ()
    assert [(m.appointment_id, m.after.staff_id) for m in plan.moves] == [("c2", "luz")]

    salon = morning_of(*day, corte("c2", 615, True, chosen=True), staff=staff)
    plan = compact_day(salon, 0, policy)
    assert all(m.after.staff_id == "ana" for m in plan.moves)
