"""Which storage the sign-in rate limits count in: Redis when ``REDIS_URL`` is set, else the database.

Redis through the `limits` library's own storage (redis-py, the client Parlo already uses
for Huey); the database's counters (:mod:`storage.sign_in_counters`) stay as the fallback
for when Redis fails, so an outage of Redis never switches the limits off.
"""

from __future__ import annotations

from limits.aio.storage import RedisStorage

from parlo.clock import Clock
from parlo.settings import Settings
from resolvers.sign_in_limits import SignInLimits
from storage import Database
from storage.sign_in_counters import DatabaseCounters

#: Keys in Redis start with this (Huey's and the heartbeats' start with theirs).
REDIS_PREFIX = "parlo-limits"


def redis_storage_uri(url: str) -> str:
    """``redis://…`` as `limits` spells its asyncio Redis storage: ``async+redis://…``."""
    return url if url.startswith("async+") else f"async+{url}"


def sign_in_limits(settings: Settings, db: Database, clock: Clock) -> SignInLimits:
    in_database = DatabaseCounters(db, clock)
    secret = settings.jwt_secret.get_secret_value()
    if not settings.redis_url:
        return SignInLimits(in_database, secret=secret)
    redis = RedisStorage(redis_storage_uri(settings.redis_url), implementation="redispy", wrap_exceptions=True,
                         key_prefix=REDIS_PREFIX, socket_timeout=2, socket_connect_timeout=2)
    return SignInLimits(redis, fallback=in_database, secret=secret)
