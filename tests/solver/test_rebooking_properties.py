"""Random small salons: the CP-SAT plan is sound and never worse than the greedy baseline."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver.rebooking import (
    Appointment,
    CompactionPolicy,
    Processing,
    RebookingPolicy,
    Salon,
    SalonDay,
    Spot,
    StaffMember,
    Window,
    compact_day,
    greedy_rebooking,
    plan_conflicts,
    suggest_rebooking,
    units_of,
)

SERVICES = {"corte": (30, None), "peinado": (60, None), "tinte": (90, Processing(30, 30))}


def random_salon(seed: int) -> Salon:
    """Two or three days, 3-4 staff, 2-3 chairs, half-full first day, one or two stylists out.

    Some appointments are followed at once by a second service for the same customer (a
    visit of two, which must move as one unit).
    """
    rng = random.Random(seed)
    days = tuple(SalonDay(d, d * 1440, (d + 1) * 1440) for d in range(rng.randint(2, 3)))
    staff = []
    for i in range(rng.randint(3, 4)):
        services = frozenset(rng.sample(sorted(SERVICES), rng.randint(1, 3)))
        windows = tuple(Window(d.start + rng.choice([540, 600]), d.start + rng.choice([840, 960])) for d in days)
        staff.append(StaffMember(f"s{i}", services, windows))
    spots = [
        Spot(f"p{j}", frozenset(rng.sample(sorted(SERVICES), rng.randint(2, 3))), tuple(Window(d.start + 540, d.start + 960) for d in days))
        for j in range(rng.randint(2, 3))
    ]
    appointments: list[Appointment] = []
    busy: dict[str, list[Window]] = {}

    def free(key: str, part: Window) -> bool:
        return all(part.end <= b.start or b.end <= part.start for b in busy.get(key, []))

    def inside(windows, part: Window) -> bool:
        return any(w.start <= part.start and part.end <= w.end for w in windows)

    for _ in range(rng.randint(6, 16)):
        member = rng.choice(staff)
        service = rng.choice(sorted(member.services))
        duration, processing = SERVICES[service]
        day = rng.choice(days[:1] * 2 + days[1:])
        start = day.start + rng.randrange(540, 960, 15)
        draft = Appointment(f"a{len(appointments)}", service, duration, member.id, None, start, day.index, processing)
        parts = draft.staff_busy(start)
        whole = Window(start, start + duration)
        if not all(inside(member.windows, p) and free(member.id, p) for p in parts):
            continue
        spot = next((s for s in spots if service in s.services and inside(s.windows, whole) and free(s.id, whole)), None)
        if spot is None:
            continue
        accepts = rng.random() < 0.5
        appointments.append(
            Appointment(
                draft.id, service, duration, member.id, spot.id, start, day.index, processing,
                staff_chosen=rng.random() < 0.2, accepts_moves=accepts, customer_id=f"c{len(appointments)}",
            )
        )
        busy.setdefault(member.id, []).extend(parts)
        busy.setdefault(spot.id, []).append(whole)
        if rng.random() < 0.3:  # a second service right after, maybe with someone else
            second = rng.choice(sorted(SERVICES))
            length, pause = SERVICES[second]
            then = start + duration
            doer = next((m for m in rng.sample(staff, len(staff)) if second in m.services), None)
            part = Appointment(f"a{len(appointments)}", second, length, doer.id if doer else "", None, then, day.index, pause)
            seat = next((s for s in spots if second in s.services and inside(s.windows, Window(then, then + length))
                         and free(s.id, Window(then, then + length))), None)
            if doer and seat and all(inside(doer.windows, w) and free(doer.id, w) for w in part.staff_busy(then)):
                first = appointments[-1]
                visit = f"v{first.id}"
                appointments[-1] = Appointment(**{**{f: getattr(first, f) for f in Appointment.__slots__}, "visit_id": visit})
                appointments.append(Appointment(part.id, second, length, doer.id, seat.id, then, day.index, pause,
                                                accepts_moves=accepts, visit_id=visit, customer_id=first.customer_id))
                busy.setdefault(doer.id, []).extend(part.staff_busy(then))
                busy.setdefault(seat.id, []).append(Window(then, then + length))

    out = set(rng.sample([m.id for m in staff], rng.randint(1, 2)))
    first = days[0]
    staff = [
        StaffMember(m.id, m.services, tuple(w for w in m.windows if not first.start <= w.start < first.end)) if m.id in out else m
        for m in staff
    ]
    appointments = [
        Appointment(**{**{f: getattr(a, f) for f in Appointment.__slots__}, "affected": a.day == 0 and a.staff_id in out})
        for a in appointments
    ]
    return Salon(days, tuple(staff), tuple(spots), tuple(appointments))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 100_000),
    shift_window=st.sampled_from([30, 90, 240]),
    unaffected_moves=st.sampled_from(["none", "accepting", "any"]),
    cap=st.sampled_from([None, 0, 1, 2]),
)
def test_the_plan_is_sound_and_never_worse_than_greedy(seed, shift_window, unaffected_moves, cap):
    salon = random_salon(seed)
    policy = RebookingPolicy(
        shift_window_minutes=shift_window,
        move_to_days=tuple(d.index for d in salon.days[1:]),
        unaffected_moves=unaffected_moves,
        max_unaffected_customers=cap,
    )
    greedy = greedy_rebooking(salon, policy)
    plan = suggest_rebooking(salon, policy)
    assert plan_conflicts(salon, greedy) == ()
    assert plan_conflicts(salon, plan) == ()
    assert plan.figures.kept >= greedy.figures.kept
    assert plan.figures.objective <= greedy.figures.objective
    affected = {part.id for unit in units_of(salon.appointments) if unit.affected for part in unit.parts}
    assert {u.appointment_id for u in plan.unplaceable} <= affected
    assert plan.figures.kept + plan.figures.unplaced == len(affected)
    if plan.status == "optimal":
        assert plan.figures.best_bound == plan.figures.objective
    if unaffected_moves == "none" or cap == 0:
        assert all(move.affected for move in plan.moves)
    if cap is not None:
        assert plan.figures.unaffected_customers <= cap
    assert suggest_rebooking(salon, policy).moves == plan.moves  # the same request, the same plan


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 100_000))
def test_compaction_is_sound_and_moves_only_willing_customers_within_their_day(seed):
    salon = random_salon(seed)
    salon = Salon(salon.days, salon.staff, salon.spots, tuple(a for a in salon.appointments if not a.affected))
    plan = compact_day(salon, 0, CompactionPolicy(max_moved_share=0.5, time_limit_seconds=5.0))
    assert plan_conflicts(salon, plan) == ()
    willing = {a.id for a in salon.appointments if a.accepts_moves and a.day == 0}
    assert {m.appointment_id for m in plan.moves} <= willing
    assert len(plan.moves) <= 0.5 * plan.appointments_on_day
    chose = {a.id for a in salon.appointments if a.staff_chosen}
    assert all(m.after.day == 0 for m in plan.moves)
    assert all(m.after.staff_id == m.before.staff_id for m in plan.moves if m.appointment_id in chose)
