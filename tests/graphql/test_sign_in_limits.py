"""Guessing the admin password or sign-in links, or flooding links, is locked out.

The issue: 200 wrong admin passwords in 3.6 s, no delay, no lockout. Now every sign-in
attempt is counted per address and per account over windows of 15 minutes, an hour and a
day, in the database here (Redis in tests/parlo/test_sign_in_limits_redis.py), so the
limits hold across processes: a second app on the same database sees the same counts.
"""

from __future__ import annotations

import asyncio
import uuid
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from parlo.app import create_app
from resolvers.magic_links import NEUTRAL_ANSWER, TOKEN_ROW, link_token
from storage import OutboundMessage
from tests.graphql.helpers import SECRET, data, full_salon, gql

LOGIN = ("mutation($p: String!) { adminLogin(password: $p) { __typename "
         "... on AdminSession { token } ... on TooManyAttempts { retryAfterSeconds } ... on Problem { message } } }")
REQUEST = ("mutation($phone: String!) { requestMagicLink(phone: $phone) { __typename "
           "... on Problem { message } ... on MagicLinkRequested { message } } }")
VERIFY = ("mutation($token: String!) { verifyMagicLink(token: $token) { __typename "
          "... on Problem { message } ... on StaffSession { token } } }")
RIGHT, WRONG = "admin-test-password", "no-es-la-buena"


@pytest.fixture
async def salon(db, clock):
    return await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")


@asynccontextmanager
async def app_client(settings, clock, address: str):
    """Another app process on the same database, seen from ``address``."""
    app = create_app(settings, clock=clock, migrate=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            http.app = app  # type: ignore[attr-defined]
            yield http


async def _login(client, password: str) -> dict:
    return data(await gql(client, LOGIN, {"p": password}))["adminLogin"]


async def _link_token(db, phone: str) -> str:
    async with db.session() as session:
        rows = (await session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "magic_link",
                                                                    OutboundMessage.to_number == f"whatsapp:{phone}")
                                      .order_by(OutboundMessage.created_at.desc(), OutboundMessage.id.desc()))).all()
    return link_token(SECRET, uuid.UUID(rows[0].template_variables[TOKEN_ROW]), rows[0].organization_id)


async def test_the_11th_wrong_admin_password_is_refused_in_spanish_and_the_right_one_works_after_the_window(
        client, clock):
    for _ in range(10):
        assert (await _login(client, WRONG))["__typename"] == "NotAuthenticated"
    refused = await _login(client, WRONG)
    assert refused["__typename"] == "TooManyAttempts"
    assert refused["message"] == "Demasiados intentos. Por seguridad, espera 15 minutos y vuelve a intentarlo."
    assert refused["retryAfterSeconds"] == 900
    assert (await _login(client, RIGHT))["__typename"] == "TooManyAttempts"  # locked: not even checked
    clock.advance(timedelta(minutes=15))
    session = await _login(client, RIGHT)
    assert session["__typename"] == "AdminSession"
    me = data(await gql(client, "{ me { ... on Me { isAdmin } } }", token=session["token"]))
    assert me["me"] == {"isAdmin": True}


async def test_a_burst_of_wrong_passwords_gets_exactly_ten_checked(client):
    answers = await asyncio.gather(*(_login(client, WRONG) for _ in range(40)))
    kinds = [a["__typename"] for a in answers]
    assert kinds.count("NotAuthenticated") == 10 and kinds.count("TooManyAttempts") == 30


async def test_the_lockout_grows_to_the_hour_and_then_to_the_day(client, clock):
    for _quarter in range(2):  # 10 + 10 wrong, fifteen minutes apart: 20 in the hour
        for _ in range(10):
            assert (await _login(client, WRONG))["__typename"] == "NotAuthenticated"
        clock.advance(timedelta(minutes=15))
    refused = await _login(client, RIGHT)
    assert refused["__typename"] == "TooManyAttempts" and "una hora" in refused["message"]
    clock.advance(timedelta(minutes=30))  # the hour since the first try is over
    for _ in range(10):
        assert (await _login(client, WRONG))["__typename"] == "NotAuthenticated"
    clock.advance(timedelta(minutes=15))
    for _ in range(10):
        assert (await _login(client, WRONG))["__typename"] == "NotAuthenticated"
    clock.advance(timedelta(hours=1))
    for _ in range(10):
        assert (await _login(client, WRONG))["__typename"] == "NotAuthenticated"
    clock.advance(timedelta(hours=1))  # 50 wrong today: locked until the day is over
    refused = await _login(client, RIGHT)
    assert refused["__typename"] == "TooManyAttempts" and "un día" in refused["message"]
    clock.advance(timedelta(hours=22))
    assert (await _login(client, RIGHT))["__typename"] == "AdminSession"


async def test_only_failures_count_a_right_password_is_given_back(client):
    for _ in range(3):
        for _ in range(3):
            assert (await _login(client, WRONG))["__typename"] == "NotAuthenticated"
        assert (await _login(client, RIGHT))["__typename"] == "AdminSession"
    assert (await _login(client, WRONG))["__typename"] == "NotAuthenticated"  # the 10th failure
    assert (await _login(client, WRONG))["__typename"] == "TooManyAttempts"


async def test_the_count_holds_across_processes_and_addresses_for_one_account(client, settings, clock):
    async with app_client(settings, clock, "203.0.113.7") as other:
        for attempt in range(10):
            assert (await _login(client if attempt % 2 else other, WRONG))["__typename"] == "NotAuthenticated"
        assert (await _login(other, WRONG))["__typename"] == "TooManyAttempts"
        assert (await _login(client, RIGHT))["__typename"] == "TooManyAttempts"


async def test_one_address_guessing_links_is_locked_out_malformed_tokens_included(client, salon, settings, clock, db):
    guesses = ["", "x", "ñ" * 40, "A" * 5000, "not-a-token-at-all-but-the-right-length-0000"]
    for attempt in range(10):
        answer = data(await gql(client, VERIFY, {"token": guesses[attempt % len(guesses)]}))["verifyMagicLink"]
        assert answer["__typename"] == "NotAuthenticated"
    assert data(await gql(client, REQUEST, {"phone": "5512340002"}))["requestMagicLink"]["message"] == NEUTRAL_ANSWER
    token = await _link_token(db, "+525512340002")
    refused = data(await gql(client, VERIFY, {"token": token}))["verifyMagicLink"]
    assert refused["__typename"] == "TooManyAttempts"  # even a good link, from the guessing address
    async with app_client(settings, clock, "198.51.100.20") as elsewhere:
        assert data(await gql(elsewhere, VERIFY, {"token": token}))["verifyMagicLink"]["__typename"] == "StaffSession"


async def test_a_good_link_does_not_count_against_its_address(client, salon, db, clock):
    for _ in range(3):
        clock.advance(timedelta(minutes=1))  # the newest link is the one just asked for
        data(await gql(client, REQUEST, {"phone": "5512340002"}))
        token = await _link_token(db, "+525512340002")
        assert data(await gql(client, VERIFY, {"token": token}))["verifyMagicLink"]["__typename"] == "StaffSession"
    for _ in range(10):
        assert data(await gql(client, VERIFY, {"token": "x"}))["verifyMagicLink"]["__typename"] == "NotAuthenticated"
    assert data(await gql(client, VERIFY, {"token": "x"}))["verifyMagicLink"]["__typename"] == "TooManyAttempts"


async def test_links_for_one_phone_are_limited_the_same_whether_it_is_known_or_not(client, salon, settings, clock):
    async with app_client(settings, clock, "198.51.100.30") as other:
        for phone in ("5512340002", "5599990000"):  # a stylist's, nobody's
            answers = [data(await gql(client if i % 2 else other, REQUEST, {"phone": phone}))["requestMagicLink"]
                       for i in range(6)]
            assert [a["__typename"] for a in answers] == ["MagicLinkRequested"] * 5 + ["TooManyAttempts"]


async def test_one_address_asking_links_for_many_phones_is_limited(client, salon):
    answers = [data(await gql(client, REQUEST, {"phone": f"55999{n:05d}"}))["requestMagicLink"]["__typename"]
               for n in range(21)]
    assert answers == ["MagicLinkRequested"] * 20 + ["TooManyAttempts"]
    bad_phone = data(await gql(client, REQUEST, {"phone": "hola"}))["requestMagicLink"]["__typename"]
    assert bad_phone == "TooManyAttempts"  # counted before the phone is even read


async def test_the_counters_keep_no_phone_or_address(client, salon, db):
    from storage import SignInCounter

    data(await gql(client, REQUEST, {"phone": "5512340002"}))
    await _login(client, WRONG)
    async with db.session() as session:
        keys = (await session.scalars(select(SignInCounter.key))).all()
    assert keys and not any("5512340002" in k or "127.0.0.1" in k for k in keys)


async def test_an_ipv6_client_counts_per_64_prefix_not_per_address(settings, clock, db):
    """Each address of one /64 is the same client: rotating through them gains nothing."""
    async def guess(address: str) -> str:
        async with app_client(settings, clock, address) as http:
            return data(await gql(http, VERIFY, {"token": "adivinanza"}))["verifyMagicLink"]["__typename"]

    for n in range(10):
        assert await guess(f"2001:db8:1:2::{n + 1:x}") == "NotAuthenticated"
    assert await guess("2001:db8:1:2:ffff::1") == "TooManyAttempts"
    assert await guess("2001:db8:1:3::1") == "NotAuthenticated"  # another /64: another client
