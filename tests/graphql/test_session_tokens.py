"""Session tokens: their time is the service's clock, their lifetime is capped when read."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import jwt
import pytest

from resolvers.auth import (
    ADMIN_SESSION_TTL,
    STAFF_SESSION_TTL,
    InvalidToken,
    issue_admin_token,
    issue_staff_token,
    read_token,
)
from tests.graphql.helpers import SECRET, full_salon, gql, staff_token

ME = "{ me { ... on Me { kind } } }"


@pytest.fixture
async def salon(db, clock):
    return await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")


async def test_a_forged_admin_token_with_a_ten_year_expiry_dies_after_eight_hours(client, clock):
    forged = issue_admin_token(secret=SECRET, now=clock(), ttl=timedelta(days=3650))
    assert (await gql(client, ME, token=forged))["data"]["me"]["kind"] == "ADMIN"
    clock.advance(ADMIN_SESSION_TTL - timedelta(minutes=1))
    assert (await gql(client, ME, token=forged))["data"]["me"]["kind"] == "ADMIN"
    clock.advance(timedelta(minutes=2))
    body = await gql(client, ME, token=forged, expect_status=401)
    assert body["errors"][0]["extensions"]["code"] == "NOT_AUTHENTICATED"


async def test_a_staff_session_is_honoured_seven_days_at_most_whatever_exp_says(client, salon, clock):
    long = issue_staff_token(staff_id=salon.salon.ana.id, organization_id=salon.org_id, secret=SECRET, now=clock(),
                             ttl=timedelta(days=365))
    clock.advance(STAFF_SESSION_TTL - timedelta(hours=1))
    await gql(client, ME, token=long)
    clock.advance(timedelta(hours=2))
    await gql(client, ME, token=long, expect_status=401)


async def test_an_impersonation_token_lasts_as_long_as_an_admin_session(clock):
    token = issue_staff_token(staff_id=uuid.uuid4(), organization_id=uuid.uuid4(),
                              secret=SECRET, now=clock(), ttl=timedelta(days=7), impersonated_by_admin=True)
    assert read_token(token, secret=SECRET, now=clock() + ADMIN_SESSION_TTL - timedelta(seconds=1))
    with pytest.raises(InvalidToken):
        read_token(token, secret=SECRET, now=clock() + ADMIN_SESSION_TTL + timedelta(seconds=1))


async def test_a_clock_set_ahead_of_real_time_accepts_the_sessions_it_issues(client, salon, clock):
    """PARLO_CLOCK in 2031: PyJWT checked `iat` against the wall clock and refused every session."""
    clock.set(datetime(2031, 5, 2, 17, 0, tzinfo=timezone.utc))
    token = staff_token(salon.salon, salon.salon.ana, clock())
    assert (await gql(client, ME, token=token))["data"]["me"]["kind"] == "STAFF"
    login = await gql(client, 'mutation { adminLogin(password: "admin-test-password") { ... on AdminSession { token } } }')
    assert (await gql(client, ME, token=login["data"]["adminLogin"]["token"]))["data"]["me"]["kind"] == "ADMIN"


async def test_a_token_issued_after_the_service_s_now_or_without_iat_is_refused(clock):
    ahead = issue_admin_token(secret=SECRET, now=clock() + timedelta(hours=1))
    with pytest.raises(InvalidToken, match="future"):
        read_token(ahead, secret=SECRET, now=clock())
    assert read_token(issue_admin_token(secret=SECRET, now=clock() + timedelta(minutes=1)), secret=SECRET, now=clock())
    no_iat = jwt.encode({"kind": "admin", "sub": "admin", "exp": int((clock() + timedelta(hours=1)).timestamp())},
                        SECRET, algorithm="HS256")
    with pytest.raises(InvalidToken):
        read_token(no_iat, secret=SECRET, now=clock())
    other_secret = issue_admin_token(secret="another-secret-with-enough-entropy-000", now=clock())
    with pytest.raises(InvalidToken):
        read_token(other_secret, secret=SECRET, now=clock())


def test_a_token_verified_once_is_still_checked_against_the_secret_and_the_clock_every_time(clock):
    """The verified signature is remembered per token and secret (resolvers.auth._signed_payload);
    a rotated secret and the passing of time still refuse it."""
    token = issue_admin_token(secret=SECRET, now=clock())
    assert read_token(token, secret=SECRET, now=clock())
    with pytest.raises(InvalidToken):
        read_token(token, secret="another-secret-" + "x" * 30, now=clock())
    assert read_token(token, secret=SECRET, now=clock())
    with pytest.raises(InvalidToken):
        read_token(token, secret=SECRET, now=clock() + ADMIN_SESSION_TTL + timedelta(seconds=1))
