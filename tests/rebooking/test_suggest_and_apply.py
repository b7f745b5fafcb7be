"""A stylist is out tomorrow: the plan, applying it, and what must never happen on the way."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from messaging.templates import render
from resolvers.context import Actor
from resolvers.errors import NotFound, PermissionDenied, ValidationError
from resolvers.rebooking import (
    ApplyResult,
    PlanResult,
    ShortenedHours,
    SpotOut,
    StaffBlockOver,
    StaffOut,
    apply_rebooking,
    get_rebooking_plan,
    suggest_rebooking,
)
from resolvers.scheduling import BlockedTime, block_time
from storage import (
    ActivityEvent,
    Appointment,
    Availability,
    AvailabilityKind,
    Occupancy,
    OutboundMessage,
    RebookingPlan,
)
from tests.rebooking.helpers import add_admin, customer, fetch, local, overlaps, place
from tests.resolvers.factories import Salon, as_customer, as_staff, context, make_salon

TOMORROW = date(2026, 1, 17)


@dataclass
class BetoOut:
    salon: Salon
    beto_appointments: list[Appointment]
    ana_appointment: Appointment


async def beto_has_six_tomorrow(db, clock, *, chosen_at: int | None = None, settings: dict | None = None,
                                prefix: str = "+52551234") -> BetoOut:
    """Beto has six visits on Saturday in Silla 1; Ana one corte at 11:00 in Silla 2; Vero is free (corte only)."""
    salon = await make_salon(db, clock(), settings=settings, phone_prefix=prefix)
    plan = [(9, salon.corte), (10, salon.corte), (11, salon.barba), (12, salon.corte), (13, salon.barba),
            (14, salon.corte)]
    appointments = []
    for n, (hour, service) in enumerate(plan):
        who = await customer(db, salon, f"Cliente {n + 1}", f"{prefix}60{n:02d}")
        appointments.append(await place(db, salon, who, service, salon.beto, salon.silla1, local(17, hour),
                                        chosen=hour == chosen_at))
    ana_visit = await place(db, salon, salon.lupe, salon.corte, salon.ana, salon.silla2, local(17, 11))
    return BetoOut(salon, appointments, ana_visit)


def owner(salon: Salon) -> Actor:
    return as_staff(salon, salon.ana)


async def test_a_stylist_out_tomorrow_goes_to_qualified_colleagues_at_the_same_time(db, clock):
    case = await beto_has_six_tomorrow(db, clock)
    salon = case.salon
    plan = await suggest_rebooking(context(db, clock, owner(salon)), StaffOut(salon.beto.id, TOMORROW))
    assert isinstance(plan, PlanResult), plan
    assert plan.figures.affected == 6 and plan.figures.kept == 6 and plan.figures.kept_on_day == 6
    assert not plan.unplaceable and plan.optimal
    assert {m.appointment_id for m in plan.moves} == {a.id for a in case.beto_appointments}
    performs = {salon.ana.id: {salon.corte.id, salon.barba.id, salon.tinte.id},
                salon.vero.id: {salon.corte.id}}
    for move in plan.moves:
        assert move.after.staff_id != salon.beto.id
        assert move.service_id in performs[move.after.staff_id]
        assert move.before.staff_name == "Beto" and move.customer_name.startswith("Cliente")
    same_time = [m for m in plan.moves if m.after.starts_at == m.before.starts_at]
    assert len(same_time) >= 5  # only the 11:00 barba collides with Ana's own 11:00 corte
    assert [m.id for m in plan.moves] == ["1", "2", "3", "4", "5", "6"]  # numbered in the order of the day

    stored = await fetch(db, RebookingPlan)
    assert len(stored) == 1 and stored[0].kind == "staff_out" and stored[0].requested_by_staff_id == salon.ana.id
    again = await get_rebooking_plan(context(db, clock, owner(salon)), plan.id)
    assert again.moves == plan.moves and again.unplaceable == plan.unplaceable


async def test_a_customer_who_chose_their_stylist_keeps_them_or_is_reported(db, clock):
    case = await beto_has_six_tomorrow(db, clock, chosen_at=12, settings={"rebooking_days_ahead": 0})
    salon = case.salon
    plan = await suggest_rebooking(context(db, clock, owner(salon)), StaffOut(salon.beto.id, TOMORROW))
    chosen = case.beto_appointments[3]
    (missing,) = plan.unplaceable
    assert missing.appointment_id == chosen.id and missing.reason == "preferred_staff_unavailable"
    assert "pidió a Beto" in missing.message
    assert chosen.id not in {m.appointment_id for m in plan.moves} and len(plan.moves) == 5


async def test_with_other_days_allowed_the_chosen_stylist_is_kept_on_their_next_working_day(db, clock):
    case = await beto_has_six_tomorrow(db, clock, chosen_at=12)  # default: up to 2 days ahead (Sunday closed)
    salon = case.salon
    plan = await suggest_rebooking(context(db, clock, owner(salon)), StaffOut(salon.beto.id, TOMORROW))
    chosen = case.beto_appointments[3]
    (move,) = [m for m in plan.moves if m.appointment_id == chosen.id]
    assert move.after.staff_id == salon.beto.id and move.changes_day
    assert move.after.starts_at.astimezone(local(17, 0).tzinfo).date() == date(2026, 1, 19)
    assert not plan.unplaceable


async def test_applying_the_plan_moves_everything_in_one_transaction_with_notices(db, clock):
    case = await beto_has_six_tomorrow(db, clock)
    salon = case.salon
    notified: list = []
    ctx = context(db, clock, owner(salon), notified=notified)
    plan = await suggest_rebooking(ctx, StaffOut(salon.beto.id, TOMORROW, write_block=True))
    result = await apply_rebooking(ctx, plan.id, [m.id for m in plan.moves])
    assert isinstance(result, ApplyResult), result
    assert not result.refused and len(result.applied) == 6 and result.notices_queued == 6
    assert notified == [True]

    moved = {a.id: a for a in await fetch(db, Appointment, Appointment.staff_id != salon.ana.id)}
    for move in plan.moves:
        row = (await fetch(db, Appointment, Appointment.id == move.appointment_id))[0]
        assert (row.staff_id, row.spot_id, row.starts_at) == (move.after.staff_id, move.after.spot_id,
                                                              move.after.starts_at)
        occupancy = await fetch(db, Occupancy, Occupancy.appointment_id == row.id)
        assert sorted((o.staff_id, o.spot_id, o.starts_at, o.ends_at) for o in occupancy if o.staff_id) == [
            (row.staff_id, None, row.starts_at, row.ends_at)]
        assert [(o.spot_id, o.starts_at, o.ends_at) for o in occupancy if o.spot_id] == [
            (row.spot_id, row.starts_at, row.ends_at)]
    assert moved  # Vero took some
    assert await overlaps(db) == []

    notices = await fetch(db, OutboundMessage, OutboundMessage.template_name == "appointment_moved_proposal")
    assert len(notices) == 6
    facts = notices[0].template_variables
    assert {"appointment_id", "previous_starts_at", "starts_at", "timezone", "service_name", "staff_name",
            "previous_staff_name", "business_name"} <= set(facts)
    assert facts["previous_staff_name"] == "Beto" and facts["timezone"] == "America/Mexico_City"
    assert facts["already_moved"] is True
    text = render("appointment_moved_proposal", facts, now=clock()).body  # the notice renders from these facts
    assert "Estética Lupita" in text and "Beto" in text
    (stored,) = await fetch(db, RebookingPlan)
    assert stored.applied_at == clock() and all(m["applied_at"] for m in stored.payload["moves"])
    assert len(await fetch(db, ActivityEvent, ActivityEvent.kind == "rebooking_applied")) == 1
    blocks = await fetch(db, Availability, Availability.kind == AvailabilityKind.BLOCK,
                         Availability.staff_id == salon.beto.id)
    assert len(blocks) == 1 and blocks[0].starts_at == local(17, 0) and blocks[0].ends_at == local(18, 0)

    twice = await apply_rebooking(ctx, plan.id, ["1"])
    assert not twice.applied and twice.refused[0].message == "Ese movimiento ya estaba aplicado."


async def test_a_move_that_stopped_fitting_is_refused_and_the_rest_applied(db, clock):
    case = await beto_has_six_tomorrow(db, clock)
    salon = case.salon
    ctx = context(db, clock, owner(salon))
    plan = await suggest_rebooking(ctx, StaffOut(salon.beto.id, TOMORROW))
    first, second = plan.moves[0], plan.moves[1]
    # Someone books the first move's new stylist at that very time meanwhile.
    intruder = await customer(db, salon, "Intrusa", "+525512347777")
    member = salon.vero if first.after.staff_id == salon.vero.id else salon.ana
    await place(db, salon, intruder, salon.corte, member, None, first.after.starts_at)
    # And the second appointment was moved by hand.
    async with db.transaction(write=True) as s:
        row = await s.get(Appointment, second.appointment_id)
        row.starts_at, row.ends_at = local(19, 9), local(19, 9, 45)
        for o in await s.scalars(select(Occupancy).where(Occupancy.appointment_id == row.id)):
            o.starts_at, o.ends_at = local(19, 9), local(19, 9, 45)

    result = await apply_rebooking(ctx, plan.id, [m.id for m in plan.moves])
    refused = {r.move_id: r.message for r in result.refused}
    assert set(refused) >= {first.id, second.id}
    assert "se ocupó" in refused[first.id] or "disponible" in refused[first.id]
    assert "cambió" in refused[second.id]
    assert {m.id for m in result.applied} | set(refused) == {m.id for m in plan.moves}
    assert len(result.applied) >= 3
    untouched = (await fetch(db, Appointment, Appointment.id == first.appointment_id))[0]
    assert untouched.staff_id == salon.beto.id and untouched.starts_at == first.before.starts_at
    assert await overlaps(db) == []
    assert result.notices_queued == len(result.applied)


async def test_unknown_move_numbers_are_a_validation_error(db, clock):
    case = await beto_has_six_tomorrow(db, clock)
    ctx = context(db, clock, owner(case.salon))
    plan = await suggest_rebooking(ctx, StaffOut(case.salon.beto.id, TOMORROW))
    result = await apply_rebooking(ctx, plan.id, ["1", "9"])
    assert isinstance(result, ValidationError) and "9" in result.message
    assert isinstance(await apply_rebooking(ctx, plan.id, []), ValidationError)


async def test_only_owners_and_admins_rebook(db, clock):
    case = await beto_has_six_tomorrow(db, clock)
    salon = case.salon
    disruption = StaffOut(salon.beto.id, TOMORROW)
    for actor in (as_staff(salon, salon.beto), as_staff(salon, salon.vero), as_customer(salon, salon.lupe)):
        denied = await suggest_rebooking(context(db, clock, actor), disruption)
        assert isinstance(denied, PermissionDenied), denied
    admin = await add_admin(db, salon)
    plan = await suggest_rebooking(context(db, clock, as_staff(salon, admin)), disruption)
    assert isinstance(plan, PlanResult)
    denied = await apply_rebooking(context(db, clock, as_staff(salon, salon.beto)), plan.id, ["1"])
    assert isinstance(denied, PermissionDenied) and "dueño" in denied.message
    assert isinstance(await get_rebooking_plan(context(db, clock, as_staff(salon, salon.vero)), plan.id),
                      PermissionDenied)


async def test_another_organizations_plan_is_not_found(db, clock):
    ours = await beto_has_six_tomorrow(db, clock)
    theirs = await beto_has_six_tomorrow(db, clock, prefix="+52559876")
    their_plan = await suggest_rebooking(context(db, clock, owner(theirs.salon)),
                                         StaffOut(theirs.salon.beto.id, TOMORROW))
    ctx = context(db, clock, owner(ours.salon))
    assert isinstance(await apply_rebooking(ctx, their_plan.id, ["1"]), NotFound)
    assert isinstance(await get_rebooking_plan(ctx, their_plan.id), NotFound)
    assert isinstance(await get_rebooking_plan(ctx, uuid.uuid4()), NotFound)
    assert isinstance(await suggest_rebooking(ctx, StaffOut(theirs.salon.beto.id, TOMORROW)), NotFound)
    untouched = await fetch(db, Appointment, Appointment.organization_id == theirs.salon.org.id,
                            Appointment.staff_id == theirs.salon.beto.id)
    assert len(untouched) == 6


async def test_a_chair_out_moves_its_visits_to_another_chair_at_the_same_time(db, clock):
    case = await beto_has_six_tomorrow(db, clock)
    salon = case.salon
    plan = await suggest_rebooking(context(db, clock, owner(salon)), SpotOut(salon.silla1.id, TOMORROW))
    assert plan.figures.affected == 6 and not plan.unplaceable
    for move in plan.moves:
        assert move.after.spot_id == salon.silla2.id
    kept_stylist = [m for m in plan.moves if m.after.staff_id == salon.beto.id and m.after.starts_at == m.before.starts_at]
    assert len(kept_stylist) >= 4  # Silla 2 is taken 11:00-11:45 by Ana's visit: the barba and a neighbour shift
    assert plan.figures.kept_on_day == 6


async def test_closing_early_moves_the_late_visits_earlier(db, clock):
    case = await beto_has_six_tomorrow(db, clock)
    salon = case.salon
    plan = await suggest_rebooking(context(db, clock, owner(salon)),
                                   ShortenedHours(TOMORROW, closes_at=time(13), write_block=True))
    assert plan.disruption.closes_at == time(13) and plan.disruption.block_written
    assert await fetch(db, Availability, Availability.kind == AvailabilityKind.BLOCK) == []  # suggesting writes nothing
    applied = await apply_rebooking(context(db, clock, owner(salon)), plan.id, [m.id for m in plan.moves])
    assert isinstance(applied, ApplyResult) and applied.plan.outage_written_at == clock()
    (closed,) = await fetch(db, Availability, Availability.kind == AvailabilityKind.BLOCK)
    assert (closed.staff_id, closed.location_id) == (None, salon.location.id)
    assert (closed.starts_at, closed.ends_at) == (local(17, 13), local(18, 0))
    affected = {m.appointment_id for m in plan.moves if m.affected}
    assert affected == {case.beto_appointments[4].id, case.beto_appointments[5].id}  # 13:00 and 14:00
    for move in plan.moves:
        if move.affected and not move.changes_day:
            assert move.after.ends_at <= local(17, 13)


async def test_an_existing_block_over_appointments_gets_a_plan(db, clock):
    case = await beto_has_six_tomorrow(db, clock)
    salon = case.salon
    ctx = context(db, clock, owner(salon))
    blocked = await block_time(ctx, local(17, 12), local(17, 15), staff_id=salon.beto.id, reason="Dentista")
    assert isinstance(blocked, BlockedTime) and len(blocked.overlapping) == 3
    plan = await suggest_rebooking(ctx, StaffBlockOver(blocked.block.id))
    assert plan.figures.affected == 3 and plan.disruption.reason == "Dentista"
    assert {m.appointment_id for m in plan.moves if m.affected} == {a.id for a in case.beto_appointments[3:]}


async def test_past_dates_are_refused(db, clock):
    case = await beto_has_six_tomorrow(db, clock)
    result = await suggest_rebooking(context(db, clock, owner(case.salon)), StaffOut(case.salon.beto.id, date(2026, 1, 10)))
    assert isinstance(result, ValidationError)


async def test_clean_up_time_and_processing_keep_their_shape_when_moved(db, clock):
    salon = await make_salon(db, clock(), settings={"buffer_minutes": 15, "rebooking_days_ahead": 0})
    who = await customer(db, salon, "Con tinte", "+525512349001")
    tinte = await place(db, salon, who, salon.tinte, salon.ana, salon.sillon, local(17, 10))
    corte = await place(db, salon, salon.lupe, salon.corte, salon.beto, salon.silla1, local(17, 10))
    ctx = context(db, clock, owner(salon))

    ana_out = await suggest_rebooking(ctx, StaffOut(salon.ana.id, TOMORROW))
    (missing,) = ana_out.unplaceable
    assert missing.appointment_id == tinte.id and missing.reason == "no_qualified_staff"

    plan = await suggest_rebooking(ctx, StaffOut(salon.beto.id, TOMORROW))
    (move,) = plan.moves
    assert move.appointment_id == corte.id and move.after.ends_at - move.after.starts_at == local(17, 10, 45) - local(17, 10)
    result = await apply_rebooking(ctx, plan.id, ["1"])
    assert len(result.applied) == 1
    rows = await fetch(db, Occupancy, Occupancy.appointment_id == corte.id)
    assert {(o.starts_at, o.ends_at) for o in rows} == {(move.after.starts_at, move.after.starts_at + (local(17, 11) - local(17, 10)))}
    assert await overlaps(db) == []


async def _ana_fully_booked(db, salon, *, eleven_accepts: bool) -> tuple[Appointment, Appointment]:
    """Ana busy 9:00-19:00 in Silla 2; her 11:00 corte's customer may accept moves. Beto: a barba at 11:00."""
    starts = [(9, 0, salon.corte), (9, 45, salon.corte), (10, 30, salon.barba), (11, 0, salon.corte)]
    starts += [(h, m, salon.corte) for h, m in ((11, 45), (12, 30), (13, 15), (14, 0), (14, 45), (15, 30), (16, 15),
                                                 (17, 0), (17, 45))]
    starts += [(18, 30, salon.barba)]
    eleven = None
    for n, (hour, minute, service) in enumerate(starts):
        who = await customer(db, salon, f"Cliente de Ana {n}", f"+52551234{70 + n:02d}00",
                             accepts_moves=eleven_accepts and (hour, minute) == (11, 0))
        row = await place(db, salon, who, service, salon.ana, salon.silla2, local(17, hour, minute))
        if (hour, minute) == (11, 0):
            eleven = row
    barba = await place(db, salon, salon.lupe, salon.barba, salon.beto, salon.silla1, local(17, 11))
    return eleven, barba


async def test_an_unaffected_customer_who_accepts_moves_is_nudged_so_an_affected_one_keeps_the_day(db, clock):
    salon = await make_salon(db, clock(), settings={"rebooking_days_ahead": 0})
    eleven, barba = await _ana_fully_booked(db, salon, eleven_accepts=True)
    plan = await suggest_rebooking(context(db, clock, owner(salon)), StaffOut(salon.beto.id, TOMORROW))
    assert not plan.unplaceable and plan.figures.unaffected_moved == 1
    moved = {m.appointment_id: m for m in plan.moves}
    assert set(moved) == {eleven.id, barba.id}
    assert not moved[eleven.id].affected and moved[eleven.id].after.staff_id == salon.vero.id
    assert moved[barba.id].after.staff_id == salon.ana.id


async def test_nobody_is_nudged_without_their_consent(db, clock):
    salon = await make_salon(db, clock(), settings={"rebooking_days_ahead": 0})
    eleven, barba = await _ana_fully_booked(db, salon, eleven_accepts=False)
    plan = await suggest_rebooking(context(db, clock, owner(salon)), StaffOut(salon.beto.id, TOMORROW))
    assert plan.moves == ()
    (missing,) = plan.unplaceable
    assert missing.appointment_id == barba.id and missing.reason == "schedule_full"


async def test_across_a_dst_change_a_moved_visit_keeps_its_time_of_day(db, clock):
    """Tijuana springs forward on Sunday 8 March 2026: Saturday 11:00 (UTC-8) → Monday 11:00 (UTC-7)."""
    from zoneinfo import ZoneInfo

    tijuana = ZoneInfo("America/Tijuana")
    salon = await make_salon(db, clock(), timezone="America/Tijuana")
    chose_beto = await place(db, salon, salon.lupe, salon.corte, salon.beto, salon.silla1,
                             datetime(2026, 3, 7, 11, tzinfo=tijuana), chosen=True)
    plan = await suggest_rebooking(context(db, clock, owner(salon)), StaffOut(salon.beto.id, date(2026, 3, 7)))
    (move,) = plan.moves
    assert move.appointment_id == chose_beto.id and move.changes_day and move.minutes_moved == 0
    assert move.after.starts_at.astimezone(tijuana) == datetime(2026, 3, 9, 11, tzinfo=tijuana)
    assert move.after.starts_at - move.before.starts_at == timedelta(days=2, hours=-1)
