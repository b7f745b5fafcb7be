"""Issue 24, problem 3: a chair out is a calendar fact once its plan is applied (GraphQL, HTTP).

Suggesting writes nothing; applying writes one ``spot_out`` row for the window (once, however
often the plan is applied); ``availableSlots`` then never offers that chair in the window,
and still does outside it.
"""

from __future__ import annotations

from storage import Availability, AvailabilityKind
from tests.graphql.helpers import data, gql, staff_token
from tests.rebooking.helpers import fetch, local
from tests.rebooking.test_plan_is_a_document import apply, suggest
from tests.rebooking.test_suggest_and_apply import beto_has_six_tomorrow

SLOTS = """query($s: [ID!]!, $from: DateTime!, $to: DateTime!, $spot: ID) {
  availableSlots(serviceIds: $s, from: $from, to: $to, spotId: $spot, limit: 200) { start spotId } }"""


async def slots(client, token, salon, day: int, *, spot=None) -> list[dict]:
    variables = {"s": [str(salon.corte.id)], "from": local(day, 0).isoformat(), "to": local(day + 1, 0).isoformat(),
                 "spot": str(spot.id) if spot else None}
    return data(await gql(client, SLOTS, variables, token=token))["availableSlots"]


async def test_problem_3_a_chair_out_plan_removes_that_chair_from_available_slots_for_the_window(client, db, clock):
    case = await beto_has_six_tomorrow(db, clock)
    salon = case.salon
    token = staff_token(salon, salon.ana, clock())
    assert await slots(client, token, salon, 17, spot=salon.silla1)  # Silla 1 has room tomorrow afternoon
    assert await slots(client, token, salon, 19, spot=salon.silla1)  # Monday: Silla 1 is free

    plan = await suggest(client, token, kind="SPOT_OUT", spotId=str(salon.silla1.id), firstDay="2026-01-17",
                         lastDay="2026-01-19")
    assert await fetch(db, Availability, Availability.kind == AvailabilityKind.SPOT_OUT) == []  # suggest: nothing
    assert await slots(client, token, salon, 19, spot=salon.silla1)

    applied = await apply(client, token, plan["id"], [m["id"] for m in plan["moves"]])
    assert applied["__typename"] == "RebookingApplied" and not applied["refused"], applied
    assert applied["plan"]["outageWrittenAt"] is not None
    (out,) = await fetch(db, Availability, Availability.kind == AvailabilityKind.SPOT_OUT)
    assert (out.spot_id, out.staff_id) == (salon.silla1.id, None)
    assert (out.starts_at, out.ends_at) == (local(17, 0), local(20, 0))

    # Silla 1's own visits went elsewhere, so it would be free: it is not offered, on any day of the window.
    for day in (17, 19):
        assert await slots(client, token, salon, day, spot=salon.silla1) == []
        offered = await slots(client, token, salon, day)
        assert offered and str(salon.silla1.id) not in {s["spotId"] for s in offered}
    assert await slots(client, token, salon, 20, spot=salon.silla1)  # the day after the window: back

    await apply(client, token, plan["id"], [plan["moves"][0]["id"]])  # applied again: nothing more written
    assert len(await fetch(db, Availability, Availability.kind == AvailabilityKind.SPOT_OUT)) == 1
