"""Issue 24 over GraphQL (HTTP, as the dashboard calls it): the plan the owner saw is the plan applied.

Each test is named after the numbered problem it proves gone: stale moves are refused and
re-planned, plans expire, suggesting writes no block (GraphQL's writeBlock defaults on, and
applying writes it once), the same request gives the same plan, the cap on uninvolved
customers holds, a two-service visit moves whole with one notice, and every figure of a plan
is representable (the objective is a BigInt).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from storage import Appointment, AppointmentStatus, Availability, AvailabilityKind, Occupancy, OutboundMessage
from tests.graphql.helpers import data, gql, staff_token
from tests.rebooking.helpers import customer, fetch, local, overlaps, place
from tests.rebooking.test_suggest_and_apply import beto_has_six_tomorrow
from tests.resolvers.factories import make_salon

FIGURES = ("affected kept keptOnDay unplaced dayChanges unaffectedMoved unaffectedCustomers staffChanges "
           "minutesMoved spotChanges objective bestBound")
SUGGEST = f"""mutation($i: SuggestRebookingInput!) {{ suggestRebooking(input: $i) {{ __typename
  ... on Problem {{ message }}
  ... on RebookingPlan {{ id optimal expiresAt outageWrittenAt disruption {{ blockWritten }}
    figures {{ {FIGURES} }}
    moves {{ id appointmentId visitId customerName affected before {{ staffName startsAt }}
             after {{ staffId staffName spotId startsAt }} }}
    unplaceable {{ appointmentId reason }} }} }} }}"""
APPLY = """mutation($p: ID!, $m: [ID!]!) { applyRebooking(planId: $p, moveIds: $m) { __typename
  ... on Problem { message }
  ... on RebookingApplied { applied { id } refused { moveId appointmentId message } noticesQueued
                            plan { outageWrittenAt } } } }"""
REPLAN = """mutation($p: ID!, $a: [ID!]) { replanRebooking(planId: $p, appointmentIds: $a) { __typename
  ... on Problem { message }
  ... on RebookingPlan { id figures { affected kept } moves { id appointmentId affected after { startsAt } } } } }"""


async def suggest(client, token: str, **request) -> dict:
    plan = data(await gql(client, SUGGEST, {"i": request}, token=token))["suggestRebooking"]
    assert plan["__typename"] == "RebookingPlan", plan
    return plan


async def apply(client, token: str, plan_id: str, move_ids: list[str]) -> dict:
    return data(await gql(client, APPLY, {"p": plan_id, "m": move_ids}, token=token))["applyRebooking"]


def beto_out(salon) -> dict:
    return {"kind": "STAFF_OUT", "staffId": str(salon.beto.id), "firstDay": "2026-01-17"}


async def blocks_of(db, staff_id) -> list[Availability]:
    return list(await fetch(db, Availability, Availability.kind == AvailabilityKind.BLOCK,
                            Availability.staff_id == staff_id))


async def test_problem_1_a_move_no_longer_possible_is_refused_and_a_fresh_plan_offered_for_just_it(client, db, clock):
    case = await beto_has_six_tomorrow(db, clock)
    salon = case.salon
    token = staff_token(salon, salon.ana, clock())
    plan = await suggest(client, token, **beto_out(salon))
    first = plan["moves"][0]
    # After the owner read the plan, someone else takes the first move's new time and stylist.
    intruder = await customer(db, salon, "Intrusa", "+525512347777")
    member = salon.vero if first["after"]["staffId"] == str(salon.vero.id) else salon.ana
    await place(db, salon, intruder, salon.corte, member, None, utc_of(first["after"]["startsAt"]))

    applied = await apply(client, token, plan["id"], [m["id"] for m in plan["moves"]])
    assert applied["__typename"] == "RebookingApplied", applied
    refused = {r["moveId"]: r for r in applied["refused"]}
    assert first["id"] in refused and "se ocupó" in refused[first["id"]]["message"]
    assert {m["id"] for m in applied["applied"]} == {m["id"] for m in plan["moves"]} - set(refused)
    # Nothing but the stored plan's moves was written: the refused appointment is where it was.
    (kept,) = await fetch(db, Appointment, Appointment.id == uuid.UUID(first["appointmentId"]))
    assert kept.staff_id == salon.beto.id and kept.starts_at == utc_of(first["before"]["startsAt"])
    for move in plan["moves"]:
        if move["id"] not in refused:
            (row,) = await fetch(db, Appointment, Appointment.id == uuid.UUID(move["appointmentId"]))
            assert (str(row.staff_id), row.starts_at) == (move["after"]["staffId"], utc_of(move["after"]["startsAt"]))
    assert await overlaps(db) == []

    fresh = data(await gql(client, REPLAN, {"p": plan["id"], "a": [r["appointmentId"] for r in refused.values()]},
                           token=token))["replanRebooking"]
    assert fresh["__typename"] == "RebookingPlan", fresh
    assert fresh["figures"]["affected"] == len(refused)
    assert {m["appointmentId"] for m in fresh["moves"] if m["affected"]} == {r["appointmentId"] for r in refused.values()}
    again = await apply(client, token, fresh["id"], [m["id"] for m in fresh["moves"]])
    assert again["__typename"] == "RebookingApplied" and not again["refused"], again
    assert await overlaps(db) == []


async def test_a_plan_expires_and_says_so(client, db, clock):
    case = await beto_has_six_tomorrow(db, clock)
    salon = case.salon
    token = staff_token(salon, salon.ana, clock())
    plan = await suggest(client, token, **beto_out(salon))
    assert utc_of(plan["expiresAt"]) == clock() + timedelta(minutes=30)
    clock.advance(timedelta(minutes=31))
    token = staff_token(salon, salon.ana, clock())
    late = await apply(client, token, plan["id"], ["1"])
    assert late["__typename"] == "Conflict" and "venció" in late["message"], late
    rows = await fetch(db, Appointment, Appointment.id.in_([a.id for a in case.beto_appointments]))
    assert len(rows) == 6 and all(a.staff_id == salon.beto.id for a in rows)
    assert await blocks_of(db, salon.beto.id) == []  # an expired plan writes nothing either


async def test_problem_5_suggesting_twice_writes_no_block_applying_writes_it_once(client, db, clock):
    case = await beto_has_six_tomorrow(db, clock)
    salon = case.salon
    token = staff_token(salon, salon.ana, clock())
    first = await suggest(client, token, **beto_out(salon))  # writeBlock left out: on, as on WhatsApp
    second = await suggest(client, token, **beto_out(salon))
    assert first["disruption"]["blockWritten"] and first["outageWrittenAt"] is None
    assert await blocks_of(db, salon.beto.id) == []

    part = await apply(client, token, first["id"], ["1"])
    assert part["plan"]["outageWrittenAt"] is not None
    rest = await apply(client, token, first["id"], [m["id"] for m in first["moves"][1:]])
    assert rest["__typename"] == "RebookingApplied" and not rest["refused"], rest
    (block,) = await blocks_of(db, salon.beto.id)
    assert (block.starts_at, block.ends_at) == (local(17, 0), local(18, 0))
    # The other plan for the same outage, applied too (its moves are stale by now): still one block.
    await apply(client, token, second["id"], ["1"])
    assert len(await blocks_of(db, salon.beto.id)) == 1

    without = await suggest(client, token, **{**beto_out(salon), "firstDay": "2026-01-19", "writeBlock": False})
    await apply(client, token, without["id"], [m["id"] for m in without["moves"]] or ["1"])
    assert len(await blocks_of(db, salon.beto.id)) == 1  # the owner said not to


async def test_problem_6_the_same_request_twice_gives_the_identical_plan(client, db, clock):
    case = await beto_has_six_tomorrow(db, clock, settings={"rebooking_unaffected_moves": "any"})
    salon = case.salon
    for n in range(6):  # a busier day: Vero has customers too, every hour
        who = await customer(db, salon, f"Otra {n}", f"+5255123480{n:02d}")
        await place(db, salon, who, salon.corte, salon.vero, None, local(17, 9 + n))
    token = staff_token(salon, salon.ana, clock())
    one = await suggest(client, token, **beto_out(salon))
    two = await suggest(client, token, **beto_out(salon))
    assert one["id"] != two["id"]
    assert one["moves"] == two["moves"] and one["unplaceable"] == two["unplaceable"]
    assert one["figures"] == two["figures"]


async def test_problem_7_the_cap_on_uninvolved_customers_holds(client, db, clock):
    """Beto's two barbas can stay at their times only if Ana (the only other barbero) hands her
    cortes to Vero: each kept barba costs one uninvolved customer moved."""
    for cap, nudged, unplaced in ((1, 1, 1), (3, 2, 0)):
        settings = {"rebooking_unaffected_moves": "any", "rebooking_shift_window_minutes": 0,
                    "rebooking_days_ahead": 0, "rebooking_max_unaffected_customers": cap}
        salon = await make_salon(db, clock(), settings=settings, phone_prefix=f"+5255{cap}234")
        for n, hour in enumerate((10, 11)):
            mine = await customer(db, salon, f"Barba {n}", f"+5255{cap}23460{n}")
            await place(db, salon, mine, salon.barba, salon.beto, salon.silla1, local(17, hour))
            hers = await customer(db, salon, f"Corte {n}", f"+5255{cap}23470{n}")
            await place(db, salon, hers, salon.corte, salon.ana, salon.silla2, local(17, hour))
        token = staff_token(salon, salon.ana, clock())
        plan = await suggest(client, token, **beto_out(salon))
        figures = plan["figures"]
        assert (figures["unaffectedCustomers"], figures["unplaced"]) == (nudged, unplaced), (cap, figures)
        assert figures["unaffectedCustomers"] <= cap


async def test_problem_4_a_two_service_visit_moves_as_a_unit_with_one_notice(client, db, clock):
    salon = await make_salon(db, clock())
    lupe = salon.lupe
    corte = await place(db, salon, lupe, salon.corte, salon.beto, salon.silla1, local(17, 10))
    barba = await place(db, salon, lupe, salon.barba, salon.beto, salon.silla1, local(17, 10, 45))
    blocker = await customer(db, salon, "Ocupa", "+525512348888")
    await place(db, salon, blocker, salon.barba, salon.ana, salon.silla2, local(17, 10, 45))  # Ana busy for the barba
    group = uuid.uuid4()
    async with db.transaction(write=True) as s:
        for row in (corte, barba):
            (await s.get(Appointment, row.id)).booking_group_id = group
    token = staff_token(salon, salon.ana, clock())
    plan = await suggest(client, token, **beto_out(salon))
    moves = {m["appointmentId"]: m for m in plan["moves"]}
    assert set(moves) == {str(corte.id), str(barba.id)} and not plan["unplaceable"]
    assert {m["visitId"] for m in moves.values()} == {str(group)}
    c, b = moves[str(corte.id)], moves[str(barba.id)]
    assert utc_of(b["after"]["startsAt"]) - utc_of(c["after"]["startsAt"]) == timedelta(minutes=45)  # order, no gap
    assert utc_of(c["after"]["startsAt"]).astimezone(local(17, 0).tzinfo).date() == local(17, 0).date()

    applied = await apply(client, token, plan["id"], [c["id"]])  # choosing one part applies the visit
    assert {m["id"] for m in applied["applied"]} == {c["id"], b["id"]} and applied["noticesQueued"] == 1
    (notice,) = await fetch(db, OutboundMessage, OutboundMessage.template_name == "appointment_moved_proposal")
    assert lupe.phone_number in notice.to_number
    assert notice.template_variables["service_names"] == ["Corte", "Barba"]
    assert await overlaps(db) == []


async def test_problem_9_every_figure_of_a_plan_is_representable(client, db, clock):
    """A stylist out for three days with a full book: the objective passes 32 bits and still answers."""
    settings = {"rebooking_unaffected_moves": "any"}
    salon = await make_salon(db, clock(), settings=settings)
    n = 0
    for day in (17, 19, 20):
        for hour in range(9, 18):
            for member, spot, service in ((salon.beto, salon.silla1, salon.barba), (salon.ana, salon.silla2, salon.corte)):
                who = await customer(db, salon, f"C{n}", f"+52551239{n:04d}", accepts_moves=True)
                await place(db, salon, who, service, member, spot, local(day, hour))
                n += 1
    token = staff_token(salon, salon.ana, clock())
    plan = await suggest(client, token, **{**beto_out(salon), "lastDay": "2026-01-20"})
    figures = plan["figures"]
    assert isinstance(figures["objective"], str) and int(figures["objective"]) > 2**31 - 1, figures
    assert figures["affected"] == 27 and figures["kept"] + figures["unplaced"] == 27
    assert all(isinstance(figures[k], int) for k in FIGURES.split() if k not in ("objective", "bestBound"))


async def test_a_cancelled_appointment_in_a_plan_is_not_moved(client, db, clock):
    case = await beto_has_six_tomorrow(db, clock)
    salon = case.salon
    token = staff_token(salon, salon.ana, clock())
    plan = await suggest(client, token, **beto_out(salon))
    gone = case.beto_appointments[0]
    async with db.transaction(write=True) as s:
        row = await s.get(Appointment, gone.id)
        row.status = AppointmentStatus.CANCELLED
        for o in await fetch(db, Occupancy, Occupancy.appointment_id == gone.id):
            await s.delete(await s.get(Occupancy, o.id))
    applied = await apply(client, token, plan["id"], [m["id"] for m in plan["moves"]])
    refused = {r["appointmentId"] for r in applied["refused"]}
    assert str(gone.id) in refused
    (row,) = await fetch(db, Appointment, Appointment.id == gone.id)
    assert row.status is AppointmentStatus.CANCELLED and row.staff_id == salon.beto.id


def utc_of(text: str):
    from datetime import datetime, timezone

    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)
