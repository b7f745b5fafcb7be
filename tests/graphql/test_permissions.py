"""The spec's permission matrix, enforced by the API for each level (owner/admin/staff/viewer)."""

from __future__ import annotations

import pytest

from tests.graphql.helpers import full_salon, gql, staff_token

LEVELS = ("owner", "admin", "staff", "viewer")
EVERYONE, BOOKERS, MANAGERS, OWNER, NOBODY = set(LEVELS), {"owner", "admin", "staff"}, {"owner", "admin"}, {"owner"}, set()


def _who(full, level):
    return {"owner": full.salon.ana, "admin": full.manager, "staff": full.salon.beto, "viewer": full.salon.vero}[level]


# name: (document, variables(full), allowed levels)
MATRIX = {
    "view the schedule": ("query($d: Date!) { r: schedule(date: $d) { __typename } }",
                          lambda f: {"d": "2026-01-17"}, EVERYONE),
    "view customers": ("{ r: customers { __typename } }", lambda f: {}, EVERYONE),
    "book": ("""mutation($s: ID!, $st: ID!) { r: bookAppointment(input: {serviceIds: [$s], staffId: $st,
               start: "2026-01-17T16:00:00+00:00", customerPhone: "5598761111", customerName: "Lalo"}) { __typename } }""",
             lambda f: {"s": str(f.salon.corte.id), "st": str(f.salon.beto.id)}, BOOKERS),
    "cancel": ("mutation($id: ID!) { r: cancelAppointment(id: $id, reason: \"se enfermó\") { __typename } }",
               lambda f: {"id": str(f.appointment.id)}, BOOKERS),
    "mark attendance": ("mutation($id: ID!) { r: markAppointment(id: $id, status: NO_SHOW) { __typename } }",
                        lambda f: {"id": str(f.appointment.id)}, BOOKERS),
    "write notes on an appointment": (
        "mutation($id: ID!) { r: setAppointmentNotes(id: $id, notes: \"Trae su tinte\") { __typename } }",
        lambda f: {"id": str(f.appointment.id)}, BOOKERS),
    "block time for the whole location": (
        """mutation { r: blockTime(input: {start: "2026-01-20T16:00:00+00:00", end: "2026-01-20T17:00:00+00:00",
           reason: "Junta"}) { __typename } }""", lambda f: {}, MANAGERS),
    "add staff": ("mutation { r: createStaffMember(input: {name: \"Nico\", phone: \"5512347777\"}) { __typename } }",
                  lambda f: {}, MANAGERS),
    "deactivate staff": ("mutation($id: ID!) { r: updateStaffMember(id: $id, input: {isActive: false}) { __typename } }",
                         lambda f: {"id": str(f.salon.vero.id)}, MANAGERS),
    "change permissions": ("mutation($id: ID!) { r: updateStaffMember(id: $id, input: {permissionLevel: ADMIN}) { __typename } }",
                           lambda f: {"id": str(f.salon.vero.id)}, OWNER),
    "change business hours": ("""mutation { r: setBusinessHours(hours: [{weekday: 0, start: "10:00", end: "18:00"}])
                                 { __typename } }""", lambda f: {}, OWNER),
    "change a price": ("mutation($id: ID!) { r: updateService(id: $id, input: {priceCents: 17000}) { __typename } }",
                       lambda f: {"id": str(f.salon.corte.id)}, OWNER),
    "add a service": ("mutation { r: createService(input: {name: \"Cejas\", durationMinutes: 20, priceCents: 8000}) { __typename } }",
                      lambda f: {}, OWNER),
    "add a spot": ("mutation { r: createSpot(input: {name: \"Silla 3\"}) { __typename } }", lambda f: {}, OWNER),
    "edit the organization": ("mutation { r: updateOrganization(input: {name: \"Lupita\"}) { __typename } }",
                              lambda f: {}, OWNER),
    "edit a customer": ("mutation($id: ID!) { r: updateCustomer(id: $id, input: {notes: \"Alérgica al tinte\"}) { __typename } }",
                        lambda f: {"id": str(f.salon.lupe.id)}, BOOKERS),
    "platform statistics": ("{ r: platformStats { __typename } }", lambda f: {}, NOBODY),
}


@pytest.fixture
async def salon(db, clock):
    return await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("action", list(MATRIX))
async def test_permission_matrix(client, salon, clock, action, level):
    document, variables, allowed = MATRIX[action]
    body = await gql(client, document, variables(salon), token=staff_token(salon.salon, _who(salon, level), clock()))
    denied = (body.get("data") or {}).get("r") is None and any(
        e.get("extensions", {}).get("code") == "PermissionDenied" for e in body.get("errors", []))
    typename = ((body.get("data") or {}).get("r") or {}).get("__typename")
    denied = denied or typename == "PermissionDenied"
    assert not body.get("errors") or denied, body
    assert denied is (level not in allowed), (action, level, body)


async def test_staff_may_block_their_own_time_but_viewers_may_not(client, salon, clock):
    block = """mutation($st: ID!) { blockTime(input: {staffId: $st, start: "2026-01-20T16:00:00+00:00",
               end: "2026-01-20T17:00:00+00:00", reason: "Dentista"}) { __typename } }"""
    beto = staff_token(salon.salon, salon.salon.beto, clock())
    own = await gql(client, block, {"st": str(salon.salon.beto.id)}, token=beto)
    assert own["data"]["blockTime"]["__typename"] == "TimeBlocked"
    other = await gql(client, block, {"st": str(salon.salon.ana.id)}, token=beto)
    assert other["data"]["blockTime"]["__typename"] == "PermissionDenied"
    vero = staff_token(salon.salon, salon.salon.vero, clock())
    viewer = await gql(client, block, {"st": str(salon.salon.vero.id)}, token=vero)
    assert viewer["data"]["blockTime"]["__typename"] == "PermissionDenied"


async def test_an_admin_cannot_touch_the_owner_nor_make_anyone_owner(client, salon, clock):
    mara = staff_token(salon.salon, salon.manager, clock())
    body = await gql(client, "mutation($id: ID!) { updateStaffMember(id: $id, input: {isActive: false}) { __typename } }",
                     {"id": str(salon.salon.ana.id)}, token=mara)
    assert body["data"]["updateStaffMember"]["__typename"] == "PermissionDenied"
    body = await gql(client, "mutation { createStaffMember(input: {name: \"Jefa\", phone: \"5512348888\", permissionLevel: OWNER}) { __typename } }",
                     token=mara)
    assert body["data"]["createStaffMember"]["__typename"] == "PermissionDenied"


async def test_anonymous_callers_only_reach_sign_in(client):
    """Anything but signing in, without a token, is the one authentication answer (README)."""
    signed_out = {"data": None, "errors": [{"message": "Necesitas iniciar sesión.",
                                            "extensions": {"code": "NOT_AUTHENTICATED"}}]}
    assert await gql(client, "{ me { __typename ... on Problem { message } } }", expect_status=401) == signed_out
    assert await gql(client, "mutation { createService(input: {name: \"X\", durationMinutes: 20, priceCents: 1}) "
                             "{ __typename } }", expect_status=401) == signed_out
    body = await gql(client, "mutation { requestMagicLink(phone: \"5512340001\") { __typename } }")
    assert body["data"]["requestMagicLink"]["__typename"] == "MagicLinkRequested"
