"""Signing in: magic links over WhatsApp, the admin password, impersonation."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from resolvers.magic_links import NEUTRAL_ANSWER, TOKEN_ROW, hash_token, link_token
from storage import AuthToken, OutboundMessage
from tests.graphql.helpers import SECRET, admin_token, data, full_salon, gql

REQUEST = "mutation($phone: String!) { requestMagicLink(phone: $phone) { __typename ... on Problem { message } ... on MagicLinkRequested { message } } }"
VERIFY = """mutation($token: String!) { verifyMagicLink(token: $token) { __typename ... on Problem { message }
  ... on StaffSession { token expiresAt staff { name permissionLevel } organization { name } } } }"""


@pytest.fixture
async def salon(db, clock):
    return await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")


def _token(message: OutboundMessage) -> str:
    """The token of the link WhatsApp gets: rendered from the row it names, never stored."""
    return link_token(SECRET, uuid.UUID(message.template_variables[TOKEN_ROW]), message.organization_id)


async def _outbox(db) -> list[OutboundMessage]:
    async with db.session() as session:
        return list((await session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "magic_link"))).all())


async def test_a_staff_member_gets_a_single_use_link_on_whatsapp_and_a_seven_day_session(client, salon, clock):
    db = client.app.state.services.db
    # WhatsApp's +521 form is the same person as +52.
    body = data(await gql(client, REQUEST, {"phone": "+521 55 1234 0002"}))
    assert body["requestMagicLink"] == {"__typename": "MagicLinkRequested", "message": NEUTRAL_ANSWER}
    [message] = await _outbox(db)
    assert message.template_name == "magic_link" and message.to_number == "whatsapp:+525512340002"
    assert message.template_variables["staff_name"] == "Beto" and "url" not in message.template_variables
    token = _token(message)
    async with db.session() as session:
        stored = await session.scalar(select(AuthToken).where(AuthToken.staff_id == salon.salon.beto.id))
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash
    assert stored.expires_at == clock() + timedelta(minutes=15)

    session = data(await gql(client, VERIFY, {"token": token}))["verifyMagicLink"]
    assert session["__typename"] == "StaffSession"
    assert session["staff"] == {"name": "Beto", "permissionLevel": "STAFF"}
    me = data(await gql(client, "{ me { ... on Me { staff { name } organization { name } } } }", token=session["token"]))
    assert me["me"] == {"staff": {"name": "Beto"}, "organization": {"name": "Estética Lupita"}}

    again = data(await gql(client, VERIFY, {"token": token}))["verifyMagicLink"]
    assert again["__typename"] == "NotAuthenticated" and "ya no sirve" in again["message"]


async def test_an_unknown_phone_gets_the_same_answer_and_nothing_is_sent(client, salon):
    body = data(await gql(client, REQUEST, {"phone": "55 9999 0000"}))
    assert body["requestMagicLink"] == {"__typename": "MagicLinkRequested", "message": NEUTRAL_ANSWER}
    assert await _outbox(client.app.state.services.db) == []


async def test_a_phone_that_does_not_parse_is_a_spanish_validation_error(client):
    body = data(await gql(client, REQUEST, {"phone": "hola"}))
    assert body["requestMagicLink"]["__typename"] == "ValidationError"
    assert "No reconozco el número" in body["requestMagicLink"]["message"]


async def test_a_link_expires_after_fifteen_minutes(client, salon, clock):
    await gql(client, REQUEST, {"phone": "5512340001"})
    [message] = await _outbox(client.app.state.services.db)
    token = _token(message)
    clock.advance(timedelta(minutes=16))
    body = data(await gql(client, VERIFY, {"token": token}))
    assert body["verifyMagicLink"]["__typename"] == "NotAuthenticated"


async def test_suspended_organizations_cannot_sign_in(client, salon, clock):
    await gql(client, REQUEST, {"phone": "5512340001"})
    [message] = await _outbox(client.app.state.services.db)
    token = _token(message)
    await gql(client, "mutation($id: ID!) { setOrganizationStatus(id: $id, status: SUSPENDED) { __typename } }",
              {"id": str(salon.org_id)}, token=admin_token(clock()))
    body = data(await gql(client, VERIFY, {"token": token}))
    assert body["verifyMagicLink"]["__typename"] == "Suspended"
    # and no new link is sent while suspended
    await gql(client, REQUEST, {"phone": "5512340001"})
    assert len(await _outbox(client.app.state.services.db)) == 1


async def test_admin_password_opens_an_admin_session_and_a_wrong_one_does_not(client):
    login = "mutation($p: String!) { adminLogin(password: $p) { __typename ... on AdminSession { token } ... on Problem { message } } }"
    wrong = data(await gql(client, login, {"p": "nope"}))["adminLogin"]
    assert wrong == {"__typename": "NotAuthenticated", "message": "Contraseña incorrecta."}
    ok = data(await gql(client, login, {"p": "admin-test-password"}))["adminLogin"]
    me = data(await gql(client, "{ me { ... on Me { kind isAdmin } } }", token=ok["token"]))
    assert me["me"] == {"kind": "ADMIN", "isAdmin": True}


async def test_an_admin_impersonates_an_owner_and_the_session_says_so(client, salon, clock):
    body = data(await gql(client, """mutation($id: ID!) { impersonate(organizationId: $id) {
        __typename ... on StaffSession { token staff { name } } } }""", {"id": str(salon.org_id)},
                          token=admin_token(clock())))["impersonate"]
    assert body["staff"]["name"] == "Ana"
    me = data(await gql(client, "{ me { ... on Me { impersonated permissionLevel } } }", token=body["token"]))
    assert me["me"] == {"impersonated": True, "permissionLevel": "OWNER"}
    feed = data(await gql(client, "{ activity { kind } }", token=admin_token(clock())))
    assert "impersonation" in [e["kind"] for e in feed["activity"]]


async def test_nobody_can_flood_a_stylist_with_links(client, salon):
    """Three links per quarter hour reach WhatsApp; two more get the neutral answer and no
    message; then the phone's rate limit refuses (known phone or not: see test_sign_in_limits)."""
    answers = [data(await gql(client, REQUEST, {"phone": "5512340002"}))["requestMagicLink"] for _ in range(6)]
    assert [a["message"] for a in answers[:5]] == [NEUTRAL_ANSWER] * 5
    assert answers[5]["__typename"] == "TooManyAttempts"
    assert len(await _outbox(client.app.state.services.db)) == 3


async def test_an_admin_session_lasts_eight_hours(client, clock):
    login = "mutation { adminLogin(password: \"admin-test-password\") { ... on AdminSession { token expiresAt } } }"
    session = data(await gql(client, login))["adminLogin"]
    assert session["expiresAt"].startswith("2026-01-17T00:00:00")  # 16:00 UTC + 8 h
    clock.advance(timedelta(hours=8, minutes=1))
    await gql(client, "{ me { __typename } }", token=session["token"], expect_status=401)


async def test_an_admin_acts_inside_an_organization_only_by_impersonating(client, salon, clock):
    body = data(await gql(client, "{ organization { __typename ... on Problem { message } } }", token=admin_token(clock())))
    assert body["organization"]["__typename"] == "PermissionDenied"
    assert "Entrar como" in body["organization"]["message"]
