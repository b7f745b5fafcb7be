"""Sessions can be revoked: "cerrar sesión en todos lados", a permission change, a deactivation.

Each token carries its person's session generation; the request compares it with the
staff row it re-reads anyway, so a bumped generation ends every older session at once.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.graphql.helpers import admin_token, data, full_salon, gql, staff_token

ME = "{ me { ... on Me { permissionLevel } } }"
SIGN_OUT = """mutation($id: ID) { signOutEverywhere(staffId: $id) { __typename
  ... on SignedOutEverywhere { staffId message } ... on Problem { message } } }"""
UPDATE = "mutation($id: ID!, $input: UpdateStaffMemberInput!) { updateStaffMember(id: $id, input: $input) { __typename } }"


@pytest.fixture
async def salon(db, clock):
    return await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")


async def _works(client, token) -> bool:
    response = await client.post("/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {token}"})
    if response.status_code == 401:
        assert response.json()["errors"][0]["extensions"]["code"] == "NOT_AUTHENTICATED"
        return False
    assert response.status_code == 200, response.text
    return True


async def test_signing_out_everywhere_ends_every_session_of_that_person_only(client, salon, clock):
    beto = salon.salon.beto
    laptop = staff_token(salon.salon, beto, clock())
    clock.advance(timedelta(hours=1))
    phone = staff_token(salon.salon, beto, clock())
    owner = staff_token(salon.salon, salon.salon.ana, clock())
    answer = data(await gql(client, SIGN_OUT, {"id": None}, token=phone))["signOutEverywhere"]
    assert answer["__typename"] == "SignedOutEverywhere" and answer["staffId"] == str(beto.id)
    assert "todos los dispositivos" in answer["message"]
    assert not await _works(client, laptop) and not await _works(client, phone)
    assert await _works(client, owner)
    fresh = staff_token(salon.salon, beto, clock())  # a token that is not of the new generation
    assert not await _works(client, fresh)


async def test_a_new_link_after_signing_out_everywhere_signs_in(client, salon, clock, db):
    from tests.graphql.test_sign_in_limits import REQUEST, VERIFY, _link_token

    beto = salon.salon.beto
    data(await gql(client, SIGN_OUT, {}, token=staff_token(salon.salon, beto, clock())))
    data(await gql(client, REQUEST, {"phone": "5512340002"}))
    session = data(await gql(client, VERIFY, {"token": await _link_token(db, "+525512340002")}))["verifyMagicLink"]
    assert session["__typename"] == "StaffSession" and await _works(client, session["token"])


async def test_an_owner_signs_a_team_member_out_but_a_stylist_or_a_manager_cannot_sign_out_others(client, salon, clock):
    s = salon.salon
    beto, vero, owner, manager = (staff_token(s, m, clock()) for m in (s.beto, s.vero, s.ana, salon.manager))
    refused = data(await gql(client, SIGN_OUT, {"id": str(s.vero.id)}, token=beto))["signOutEverywhere"]
    assert refused["__typename"] == "PermissionDenied"
    refused = data(await gql(client, SIGN_OUT, {"id": str(s.ana.id)}, token=manager))["signOutEverywhere"]
    assert refused["__typename"] == "PermissionDenied"  # an admin-level member cannot sign the owner out
    assert await _works(client, owner) and await _works(client, vero)
    done = data(await gql(client, SIGN_OUT, {"id": str(s.vero.id)}, token=owner))["signOutEverywhere"]
    assert done["__typename"] == "SignedOutEverywhere"
    assert not await _works(client, vero) and await _works(client, beto) and await _works(client, owner)


async def test_another_salon_s_staff_id_is_not_found(client, salon, clock, db):
    other = await full_salon(db, clock(), name="Barbería Don Pepe", phone_prefix="+52559876")
    victim = staff_token(other.salon, other.salon.beto, clock())
    owner = staff_token(salon.salon, salon.salon.ana, clock())
    answer = data(await gql(client, SIGN_OUT, {"id": str(other.salon.beto.id)}, token=owner))["signOutEverywhere"]
    assert answer["__typename"] == "NotFound" and await _works(client, victim)


async def test_a_permission_change_or_a_new_phone_ends_the_person_s_sessions_a_new_name_does_not(client, salon, clock):
    s = salon.salon
    owner = staff_token(s, s.ana, clock())
    manager = staff_token(s, salon.manager, clock())
    await gql(client, UPDATE, {"id": str(salon.manager.id), "input": {"name": "Mara López"}}, token=owner)
    assert await _works(client, manager)
    await gql(client, UPDATE, {"id": str(salon.manager.id), "input": {"permissionLevel": "VIEWER"}}, token=owner)
    assert not await _works(client, manager)
    beto = staff_token(s, s.beto, clock())
    await gql(client, UPDATE, {"id": str(s.beto.id), "input": {"phone": "5512347777"}}, token=owner)
    assert not await _works(client, beto)
    assert await _works(client, owner)


async def test_a_deactivated_person_s_sessions_stay_dead_after_reactivation(client, salon, clock):
    s = salon.salon
    owner, beto = staff_token(s, s.ana, clock()), staff_token(s, s.beto, clock())
    await gql(client, UPDATE, {"id": str(s.beto.id), "input": {"isActive": False}}, token=owner)
    assert not await _works(client, beto)
    await gql(client, UPDATE, {"id": str(s.beto.id), "input": {"isActive": True}}, token=owner)
    assert not await _works(client, beto)


async def test_an_owner_signing_out_everywhere_also_ends_an_admin_s_impersonation(client, salon, clock):
    admin = admin_token(clock())
    impersonation = data(await gql(client, """mutation($id: ID!) { impersonate(organizationId: $id) {
        ... on StaffSession { token } } }""", {"id": str(salon.org_id)}, token=admin))["impersonate"]["token"]
    assert await _works(client, impersonation)
    data(await gql(client, SIGN_OUT, {}, token=staff_token(salon.salon, salon.salon.ana, clock())))
    assert not await _works(client, impersonation)


async def test_a_platform_admin_signs_anyone_out_but_is_told_how_admin_sessions_end(client, salon, clock):
    admin = admin_token(clock())
    own = data(await gql(client, SIGN_OUT, {}, token=admin))["signOutEverywhere"]
    assert own["__typename"] == "PermissionDenied" and "PARLO_JWT_SECRET" in own["message"]
    beto = staff_token(salon.salon, salon.salon.beto, clock())
    done = data(await gql(client, SIGN_OUT, {"id": str(salon.salon.beto.id)}, token=admin))["signOutEverywhere"]
    assert done["__typename"] == "SignedOutEverywhere" and not await _works(client, beto)


async def test_signing_out_needs_a_session(client):
    body = await gql(client, SIGN_OUT, {}, expect_status=401)  # the one shape of every authentication failure
    assert body["errors"][0]["extensions"]["code"] == "NOT_AUTHENTICATED"
