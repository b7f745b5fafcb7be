"""Rebooking through the API: a stylist calls in sick, the owner gets a plan and applies it."""

from __future__ import annotations

import pytest

from tests.graphql.helpers import data, full_salon, gql, staff_token

SUGGEST = """mutation($i: SuggestRebookingInput!) { suggestRebooking(input: $i) { __typename ... on Problem { message }
  ... on RebookingPlan { id kind optimal moves { id appointmentId customerName affected before { staffName } after { staffName startsAt } }
  unplaceable { message } figures { affected kept } } } }"""
APPLY = """mutation($p: ID!, $m: [ID!]!) { applyRebooking(planId: $p, moveIds: $m) { __typename ... on Problem { message }
  ... on RebookingApplied { applied { id appliedAt } refused { moveId message } noticesQueued } } }"""


@pytest.fixture
async def salon(db, clock):
    return await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")


async def test_a_sick_stylists_appointments_move_to_a_colleague_when_the_owner_applies_the_plan(client, salon, clock):
    owner = staff_token(salon.salon, salon.salon.ana, clock())
    plan = data(await gql(client, SUGGEST, {"i": {"kind": "STAFF_OUT", "staffId": str(salon.salon.beto.id),
                                                   "firstDay": "2026-01-17", "reason": "Se enfermó"}}, token=owner))
    plan = plan["suggestRebooking"]
    assert plan["__typename"] == "RebookingPlan", plan
    assert plan["figures"]["affected"] == 1
    [move] = plan["moves"]
    assert move["appointmentId"] == str(salon.appointment.id) and move["before"]["staffName"] == "Beto"
    assert move["after"]["staffName"] != "Beto"
    applied = data(await gql(client, APPLY, {"p": plan["id"], "m": [move["id"]]}, token=owner))["applyRebooking"]
    assert applied["__typename"] == "RebookingApplied" and [m["id"] for m in applied["applied"]] == [move["id"]]
    moved = data(await gql(client, "query($id: ID!) { appointment(id: $id) { ... on Appointment { staff { name } } } }",
                           {"id": str(salon.appointment.id)}, token=owner))
    assert moved["appointment"]["staff"]["name"] == move["after"]["staffName"]


async def test_staff_cannot_ask_for_a_plan_and_a_plan_needs_its_facts(client, salon, clock):
    beto = staff_token(salon.salon, salon.salon.beto, clock())
    denied = data(await gql(client, SUGGEST, {"i": {"kind": "COMPACT_DAY", "day": "2026-01-17"}}, token=beto))
    assert denied["suggestRebooking"]["__typename"] == "PermissionDenied"
    owner = staff_token(salon.salon, salon.salon.ana, clock())
    missing = data(await gql(client, SUGGEST, {"i": {"kind": "STAFF_OUT", "firstDay": "2026-01-17"}}, token=owner))
    assert missing["suggestRebooking"]["__typename"] == "ValidationError"
