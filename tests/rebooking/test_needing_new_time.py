"""The dashboard's list of visits a plan left behind: ``appointmentsNeedingNewTime``.

Beto is out on Saturday, nobody may move to another day or time, and only Ana does barbas:
applying the plan leaves Beto's barbas (and what Ana cannot take) waiting for a new time. The
list shows exactly those, soonest first, to anyone who sees the agenda of that salon only,
and a visit leaves it once cancelled (or moved).
"""

from __future__ import annotations

from tests.graphql.helpers import data, gql, staff_token
from tests.rebooking.helpers import customer, local, place
from tests.rebooking.test_plan_is_a_document import apply, beto_out, suggest
from tests.resolvers.factories import make_salon

WAITING = """query { appointmentsNeedingNewTime { id startsAt needsNewTime needsNewTimeSince status
  customer { name } service { name } staff { name } } }"""
CANCEL = """mutation($id: ID!) { cancelAppointment(id: $id, reason: "Ya no puede") { __typename } }"""


async def test_the_visits_a_plan_left_behind_are_listed_until_resolved(client, db, clock):
    settings = {"rebooking_shift_window_minutes": 0, "rebooking_days_ahead": 0}
    salon = await make_salon(db, clock(), settings=settings)
    for n, (hour, service) in enumerate(((10, salon.barba), (11, salon.barba), (12, salon.corte))):
        who = await customer(db, salon, f"Cliente {n}", f"+525512346{n:03d}")
        await place(db, salon, who, service, salon.beto, salon.silla1, local(17, hour))
    busy = await customer(db, salon, "Ocupa a Ana", "+525512347000")
    await place(db, salon, busy, salon.corte, salon.ana, salon.silla2, local(17, 11))
    owner = staff_token(salon, salon.ana, clock())
    assert data(await gql(client, WAITING, token=owner))["appointmentsNeedingNewTime"] == []

    plan = await suggest(client, owner, **beto_out(salon))
    left = {u["appointmentId"] for u in plan["unplaceable"]}
    assert left, plan["figures"]
    applied = await apply(client, owner, plan["id"], [m["id"] for m in plan["moves"]] or ["1"])
    assert applied["__typename"] == "RebookingApplied" and not applied["refused"], applied

    waiting = data(await gql(client, WAITING, token=owner))["appointmentsNeedingNewTime"]
    assert {w["id"] for w in waiting} == left
    assert [w["startsAt"] for w in waiting] == sorted(w["startsAt"] for w in waiting)
    assert all(w["needsNewTime"] and w["needsNewTimeSince"] and w["staff"]["name"] == salon.beto.name
               for w in waiting)

    # Someone else's salon sees nothing of it.
    other = await make_salon(db, clock(), phone_prefix="+52559876")
    assert data(await gql(client, WAITING, token=staff_token(other, other.ana, clock())))[
        "appointmentsNeedingNewTime"] == []

    # Cancelled, it is resolved: it leaves the list.
    first = waiting[0]["id"]
    assert data(await gql(client, CANCEL, {"id": first}, token=owner))["cancelAppointment"]["__typename"] == \
        "Appointment"
    still = data(await gql(client, WAITING, token=owner))["appointmentsNeedingNewTime"]
    assert {w["id"] for w in still} == left - {first}
