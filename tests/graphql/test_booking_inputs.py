"""Bad booking input comes back typed, in Spanish; customers (the WhatsApp actor) see only their own."""

from __future__ import annotations

import pytest

from resolvers.context import Actor
from schema.schema import build_schema, execute_as
from tests.graphql.helpers import data, full_salon, gql, staff_token
from tests.resolvers.factories import context

BOOK = """mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { __typename ... on Problem { message } } }"""


@pytest.fixture
async def salon(db, clock):
    return await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")


def booking(salon, **changes) -> dict:
    base = {"serviceIds": [str(salon.salon.corte.id)], "staffId": str(salon.salon.beto.id),
            "start": "2026-01-19T17:00:00+00:00", "customerPhone": "5598760003", "customerName": "Iván"}
    return {**base, **changes}


@pytest.mark.parametrize("changes, expected", [
    ({"start": "2026-01-15T17:00:00+00:00"}, "ValidationError"),  # yesterday
    ({"serviceIds": ["00000000-0000-0000-0000-000000000001"]}, "NotFound"),
    ({"serviceIds": ["no-es-un-id"]}, "NotFound"),
    ({"customerPhone": "hola"}, "ValidationError"),
    ("vero does tinte", "ValidationError"),  # a service the chosen stylist does not perform
    ({"start": "2026-01-18T17:00:00+00:00"}, "OutsideHours"),  # Sunday: closed
])
async def test_bad_bookings_are_typed_problems_with_a_spanish_message(client, salon, clock, changes, expected):
    if changes == "vero does tinte":
        changes = {"serviceIds": [str(salon.salon.tinte.id)], "staffId": str(salon.salon.vero.id)}
    body = data(await gql(client, BOOK, {"i": booking(salon, **changes)},
                          token=staff_token(salon.salon, salon.salon.ana, clock())))
    result = body["bookAppointment"]
    assert result["__typename"] == expected, result
    assert result["message"] and result["message"][0].isupper()


async def test_end_before_start_and_absurd_ranges_are_refused(client, salon, clock):
    token = staff_token(salon.salon, salon.salon.ana, clock())
    block = data(await gql(client, """mutation { blockTime(input: {start: "2026-01-20T17:00:00+00:00",
        end: "2026-01-20T16:00:00+00:00"}) { __typename ... on Problem { message } } }""", token=token))["blockTime"]
    assert block["__typename"] == "ValidationError"
    body = await gql(client, """query($s: [ID!]!) { availableSlots(serviceIds: $s, from: "2026-01-17T00:00:00+00:00",
        to: "2026-06-01T00:00:00+00:00") { start } }""", {"s": [str(salon.salon.corte.id)]}, token=token)
    assert body["errors"][0]["extensions"]["code"] == "ValidationError" and "días" in body["errors"][0]["message"]


async def test_a_customer_sees_only_themselves_and_their_own_appointments(db, salon, clock):
    schema = build_schema()
    lupe = context(db, clock, Actor.customer(organization_id=salon.org_id, customer_id=salon.salon.lupe.id,
                                             phone=salon.salon.lupe.phone_number))
    result = await execute_as(schema, lupe, "{ customers { nodes { name } } }")
    assert result.data["customers"]["nodes"] == [{"name": "Lupe"}]
    result = await execute_as(schema, lupe, "query($id: ID!) { customer(id: $id) { __typename } }",
                              {"id": str(salon.salon.outsider.id)})
    assert result.data["customer"]["__typename"] == "NotFound"
    result = await execute_as(schema, lupe, "{ appointments { nodes { customer { name } } } }")
    assert result.data["appointments"]["nodes"] == [{"customer": {"name": "Lupe"}}]
    result = await execute_as(schema, lupe, "{ conversations { nodes { id } } }")
    assert result.errors and result.errors[0].extensions["code"] == "PermissionDenied"
    result = await execute_as(schema, lupe, "mutation { createService(input: {name: \"X\", durationMinutes: 20, priceCents: 1}) { __typename } }")
    assert result.data["createService"]["__typename"] == "PermissionDenied"


async def test_a_customer_reads_the_menu_the_team_and_the_hours_but_not_stylists_phones(db, salon, clock):
    schema = build_schema()
    lupe = context(db, clock, Actor.customer(organization_id=salon.org_id, customer_id=salon.salon.lupe.id,
                                             phone=salon.salon.lupe.phone_number))
    result = await execute_as(schema, lupe, """{ services(includeInactive: true) { name priceCents }
        staff { name phone phoneDisplay } locations { businessHours { weekday closed } } }""")
    assert not result.errors, result.errors
    assert [s["name"] for s in result.data["services"]] == ["Barba", "Corte", "Tinte"]
    assert {"name": "Beto", "phone": None, "phoneDisplay": None} in result.data["staff"]
    assert result.data["locations"][0]["businessHours"][6] == {"weekday": 6, "closed": True}
    result = await execute_as(schema, lupe, "{ me { ... on Me { kind organization { name usage { bookingsUsed } } } } }")
    assert result.data["me"] == {"kind": "CUSTOMER", "organization": {"name": "Estética Lupita", "usage": None}}
