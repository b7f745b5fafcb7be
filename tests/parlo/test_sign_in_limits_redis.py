"""With ``REDIS_URL`` the sign-in limits count in Redis (the `limits` library's storage), shared
by every process; when Redis fails they count in the database instead of switching off.

Runs against a private ``redis-server`` on a free port (the machine's shared Redis is left
alone), like tests/notifications/test_redis_outage.py.
"""

from __future__ import annotations

import asyncio
import shutil

import pytest
from limits import RateLimitItemPerSecond
from sqlalchemy import func, select

from parlo.rate_limits import redis_storage_uri, sign_in_limits
from resolvers.errors import TooManyAttempts
from resolvers.sign_in_limits import ADMIN_LOGIN, NAMESPACE, Attempt, Policy
from storage import SignInCounter
from tests.graphql.helpers import data, gql
from tests.graphql.test_sign_in_limits import LOGIN, RIGHT, WRONG, app_client
from tests.notifications.test_redis_outage import PrivateRedis

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")


@pytest.fixture
def private_redis():
    redis = PrivateRedis()
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@pytest.fixture
def redis_settings(settings, private_redis):
    return settings.model_copy(update={"redis_url": private_redis.url})


async def _counters_in_database(db) -> int:
    async with db.session() as session:
        return await session.scalar(select(func.count()).select_from(SignInCounter))


async def _login(http, password: str) -> str:
    return data(await gql(http, LOGIN, {"p": password}))["adminLogin"]["__typename"]


def test_the_redis_url_is_spelled_as_limits_wants_it():
    assert redis_storage_uri("redis://127.0.0.1:6379/0") == "async+redis://127.0.0.1:6379/0"
    assert redis_storage_uri("rediss://h:6380/1") == "async+rediss://h:6380/1"


async def test_two_processes_share_the_count_in_redis_and_not_in_the_database(redis_settings, clock, db):
    async with app_client(redis_settings, clock, "203.0.113.1") as one, \
            app_client(redis_settings, clock, "203.0.113.2") as two:
        for attempt in range(10):
            assert await _login(one if attempt % 2 else two, WRONG) == "NotAuthenticated"
        assert await _login(one, RIGHT) == "TooManyAttempts"
        assert await _login(two, RIGHT) == "TooManyAttempts"
    assert await _counters_in_database(db) == 0


async def test_when_redis_fails_the_database_counts_and_the_limit_holds(redis_settings, private_redis, clock, db):
    async with app_client(redis_settings, clock, "203.0.113.3") as http:
        assert await _login(http, WRONG) == "NotAuthenticated"  # counted in Redis
        private_redis.stop()
        for _ in range(10):
            assert await _login(http, WRONG) == "NotAuthenticated"
        assert await _login(http, WRONG) == "TooManyAttempts"
    assert await _counters_in_database(db) > 0


async def test_in_redis_the_right_password_works_again_once_the_window_ends(redis_settings, clock, db):
    """Redis counts windows with its own clock (a key's TTL): a one-second window, really waited."""
    limits = sign_in_limits(redis_settings, db, clock)
    quick = Policy("admin_login_test", (RateLimitItemPerSecond(2, 1, namespace=NAMESPACE),), (), failures_only=True)
    for _ in range(2):
        assert isinstance(await limits.attempt(quick, address="198.51.100.9", account=None), Attempt)
    assert isinstance(await limits.attempt(quick, address="198.51.100.9", account=None), TooManyAttempts)
    await asyncio.sleep(1.2)
    attempt = await limits.attempt(quick, address="198.51.100.9", account=None)
    assert isinstance(attempt, Attempt)
    await attempt.succeeded()  # given back: two more failures still fit
    for _ in range(2):
        assert isinstance(await limits.attempt(quick, address="198.51.100.9", account=None), Attempt)
    assert isinstance(await limits.attempt(ADMIN_LOGIN, address="198.51.100.9", account="admin"), Attempt)
