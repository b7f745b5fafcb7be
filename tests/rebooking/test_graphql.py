"""suggestRebooking / applyRebooking / rebookingPlan / joinWaitlist through the root schema."""

from __future__ import annotations

from schema.context import GraphQLContext
from schema.schema import build_schema
from storage import Appointment
from tests.rebooking.helpers import fetch
from tests.rebooking.test_suggest_and_apply import beto_has_six_tomorrow
from tests.resolvers.factories import as_customer, as_staff, context

SCHEMA = build_schema()

SUGGEST = """
mutation ($input: SuggestRebookingInput!) {
  suggestRebooking(input: $input) {
    __typename
    ... on Problem { message }
    ... on RebookingPlan {
      id kind optimal method
      disruption { kind firstDay staffName }
      figures { affected kept keptOnDay unplaced objective bestBound }
      moves { id customerName serviceName affected minutesMoved changesDay
              before { staffName startsAt } after { staffName spotName startsAt } appointmentId }
      unplaceable { reason message }
    }
  }
}"""
APPLY = """
mutation ($plan: ID!, $moves: [ID!]!) {
  applyRebooking(planId: $plan, moveIds: $moves) {
    __typename
    ... on Problem { message }
    ... on RebookingApplied { noticesQueued applied { id after { staffName } } refused { moveId message }
                              plan { appliedAt moves { id appliedAt } } }
  }
}"""
PLAN = "query ($id: ID!) { rebookingPlan(id: $id) { __typename ... on Problem { message } ... on RebookingPlan { id moves { id } } } }"
WAITLIST = """
mutation ($service: ID!, $day: Date!) {
  joinWaitlist(serviceId: $service, day: $day) { __typename ... on Problem { message }
    ... on WaitlistEntry { id desiredDate status service { name } } }
}"""


async def run(ctx, query: str, **variables) -> dict:
    result = await SCHEMA.execute(query, variable_values=variables, context_value=GraphQLContext.build(ctx))
    assert not result.errors, result.errors
    return result.data


async def test_owner_suggests_and_applies_part_of_a_plan_over_graphql(db, clock):
    case = await beto_has_six_tomorrow(db, clock)
    salon = case.salon
    ctx = context(db, clock, as_staff(salon, salon.ana))
    data = await run(ctx, SUGGEST, input={"kind": "STAFF_OUT", "staffId": str(salon.beto.id), "firstDay": "2026-01-17"})
    plan = data["suggestRebooking"]
    assert plan["__typename"] == "RebookingPlan" and plan["kind"] == "STAFF_OUT" and plan["optimal"]
    assert plan["disruption"] == {"kind": "STAFF_OUT", "firstDay": "2026-01-17", "staffName": "Beto"}
    assert plan["figures"]["affected"] == 6 and plan["figures"]["objective"] == plan["figures"]["bestBound"]
    first = plan["moves"][0]
    assert first["before"] == {"staffName": "Beto", "startsAt": "2026-01-17T15:00:00+00:00"}
    assert first["appointmentId"] == str(case.beto_appointments[0].id)

    applied = (await run(ctx, APPLY, plan=plan["id"], moves=["1"]))["applyRebooking"]
    assert applied["__typename"] == "RebookingApplied", applied
    assert applied["noticesQueued"] == 1 and applied["refused"] == []
    assert [m["id"] for m in applied["applied"]] == ["1"] and applied["plan"]["appliedAt"] is not None
    assert len(await fetch(db, Appointment, Appointment.staff_id == salon.beto.id)) == 5

    rest = (await run(ctx, APPLY, plan=plan["id"], moves=["2", "3", "4", "5", "6"]))["applyRebooking"]
    assert rest["refused"] == [] and rest["noticesQueued"] == 5
    assert [m["id"] for m in rest["plan"]["moves"] if m["appliedAt"]] == ["1", "2", "3", "4", "5", "6"]
    assert await fetch(db, Appointment, Appointment.staff_id == salon.beto.id) == []

    again = (await run(ctx, PLAN, id=plan["id"]))["rebookingPlan"]
    assert again["__typename"] == "RebookingPlan" and len(again["moves"]) == 6


async def test_staff_get_permission_denied_and_other_tenants_not_found(db, clock):
    case = await beto_has_six_tomorrow(db, clock)
    other = await beto_has_six_tomorrow(db, clock, prefix="+52559876")
    salon = case.salon
    denied = (await run(context(db, clock, as_staff(salon, salon.beto)), SUGGEST,
                        input={"kind": "COMPACT_DAY", "day": "2026-01-17"}))["suggestRebooking"]
    assert denied == {"__typename": "PermissionDenied",
                      "message": "Solo el dueño o un administrador pueden reorganizar la agenda."}
    theirs = (await run(context(db, clock, as_staff(other.salon, other.salon.ana)), SUGGEST,
                        input={"kind": "STAFF_OUT", "staffId": str(other.salon.beto.id),
                               "firstDay": "2026-01-17"}))["suggestRebooking"]
    ours = context(db, clock, as_staff(salon, salon.ana))
    assert (await run(ours, PLAN, id=theirs["id"]))["rebookingPlan"]["__typename"] == "NotFound"
    assert (await run(ours, APPLY, plan=theirs["id"], moves=["1"]))["applyRebooking"]["__typename"] == "NotFound"
    assert (await run(ours, PLAN, id="not-a-uuid"))["rebookingPlan"]["__typename"] == "NotFound"


async def test_missing_fields_are_validation_errors(db, clock):
    case = await beto_has_six_tomorrow(db, clock)
    ctx = context(db, clock, as_staff(case.salon, case.salon.ana))
    missing = (await run(ctx, SUGGEST, input={"kind": "STAFF_OUT", "firstDay": "2026-01-17"}))["suggestRebooking"]
    assert missing["__typename"] == "ValidationError"


async def test_a_customer_joins_the_waitlist(db, clock):
    case = await beto_has_six_tomorrow(db, clock)
    salon = case.salon
    data = await run(context(db, clock, as_customer(salon, salon.lupe)), WAITLIST,
                     service=str(salon.corte.id), day="2026-01-17")
    entry = data["joinWaitlist"]
    assert entry["__typename"] == "WaitlistEntry" and entry["status"] == "WAITING"
    assert entry["service"] == {"name": "Corte"} and entry["desiredDate"] == "2026-01-17"
