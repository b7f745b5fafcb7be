"""Rate limits where guessing or flooding pays: the admin password and the sign-in links.

Counted per IP address and per account (the admin; the phone a link is asked for), each
over three fixed windows of growing length, shortest first: 10 wrong admin passwords in 15
minutes lock the admin out until those 15 minutes end; 20 in an hour, until the hour ends;
50 in a day, until the day ends. So the lockout grows with the guessing, and a guesser gets
at most 50 tries a day however patient.

The counting uses the maintained `limits` library (rate-limit items and their keys, the
fixed-window counting of its storages, its Redis storage when ``REDIS_URL`` is set); without Redis the counters live
in the database (:class:`storage.sign_in_counters.DatabaseCounters`). Either way they hold
across every process, and every hit is one atomic increment *before* the check it guards:
200 wrong passwords sent at once get exactly 10 checked, not 200 that all read "0 so far".
An attempt that turns out not to count (the right password, a link that worked, a refusal
that checked nothing) is given back, so only failures add up where failures are what
matters. A refused attempt never looks at the password: a locked-out guesser learns
nothing, and the right password works again once the window has ended.

If the Redis storage fails, the database counters answer instead (the limits stay on).
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from limits import RateLimitItem, RateLimitItemPerDay, RateLimitItemPerHour, RateLimitItemPerMinute
from limits.aio.storage import Storage
from limits.errors import StorageError

from resolvers.errors import TooManyAttempts
from storage import Database
from storage.sign_in_counters import DatabaseCounters

log = logging.getLogger(__name__)

NAMESPACE = "parlo-sign-in"


def _windows(*items: tuple[type[RateLimitItem], int, int]) -> tuple[RateLimitItem, ...]:
    return tuple(kind(amount, multiples, namespace=NAMESPACE) for kind, amount, multiples in items)


#: Ten tries per quarter hour, twenty per hour, fifty per day.
GUESSING = _windows((RateLimitItemPerMinute, 10, 15), (RateLimitItemPerHour, 20, 1), (RateLimitItemPerDay, 50, 1))
#: Links asked for one phone: five per quarter hour, twenty per day (each may send a WhatsApp).
LINKS_PER_PHONE = _windows((RateLimitItemPerMinute, 5, 15), (RateLimitItemPerDay, 20, 1))
#: Links asked from one address: a salon's whole team behind one router still fits.
LINKS_PER_ADDRESS = _windows((RateLimitItemPerMinute, 20, 15), (RateLimitItemPerDay, 100, 1))


@dataclass(frozen=True, slots=True)
class Policy:
    action: str
    per_address: tuple[RateLimitItem, ...]
    per_account: tuple[RateLimitItem, ...]
    #: True: only failed attempts count (a success is given back). False: every request counts.
    failures_only: bool


ADMIN_LOGIN = Policy("admin_login", GUESSING, GUESSING, failures_only=True)
#: A wrong token names no account (it is an HMAC nobody can aim at someone): per address only.
VERIFY_MAGIC_LINK = Policy("verify_magic_link", GUESSING, (), failures_only=True)
REQUEST_MAGIC_LINK = Policy("request_magic_link", LINKS_PER_ADDRESS, LINKS_PER_PHONE, failures_only=False)


def wait_words(item: RateLimitItem) -> str:
    """"15 minutos", "una hora", "un día": how long a window lasts, as the message says it."""
    seconds = item.get_expiry()
    if seconds >= 86_400:
        days = seconds // 86_400
        return "un día" if days == 1 else f"{days} días"
    if seconds >= 3_600:
        hours = seconds // 3_600
        return "una hora" if hours == 1 else f"{hours} horas"
    minutes = max(1, seconds // 60)
    return "un minuto" if minutes == 1 else f"{minutes} minutos"


def too_many(item: RateLimitItem) -> TooManyAttempts:
    return TooManyAttempts(
        f"Demasiados intentos. Por seguridad, espera {wait_words(item)} y vuelve a intentarlo.",
        retry_after_seconds=item.get_expiry())


@dataclass(slots=True)
class Attempt:
    """One attempt that got through: what it counted, so a success can give it back."""

    limits: SignInLimits
    policy: Policy
    storage: Storage
    counted: list[tuple[RateLimitItem, tuple[str, ...]]] = field(default_factory=list)

    async def succeeded(self) -> None:
        """The attempt worked: under a failures-only policy it does not count."""
        if self.policy.failures_only:
            await self.limits._give_back(self.storage, self.counted)
        self.counted = []


class SignInLimits:
    """The limits of one deployment: a `limits` storage (Redis or the database) and a fallback."""

    def __init__(self, storage: Storage, fallback: Storage | None = None, *, secret: str = "") -> None:
        self.storage, self.fallback = storage, fallback
        self._secret = secret.encode("utf-8")[:64]  # blake2b takes a key of up to 64 bytes

    @classmethod
    def in_database(cls, db: Database, now: Callable[[], datetime], *, secret: str = "") -> SignInLimits:
        return cls(DatabaseCounters(db, now), secret=secret)

    def subject(self, scope: str, who: str) -> str:
        """What a counter is keyed by: a keyed hash, never the phone or address itself.

        The counters (a table, Redis keys) then say nothing about who asked for a link, and
        the keys are short and of one length whatever was typed. IPv6 addresses count per /64:
        one client usually holds the whole prefix, and would otherwise get a fresh count per
        address.
        """
        if scope == "address":
            try:
                address = ipaddress.ip_address(who)
            except ValueError:
                pass
            else:
                if isinstance(address, ipaddress.IPv6Address):
                    mapped = address.ipv4_mapped
                    who = str(mapped) if mapped else str(ipaddress.ip_network(f"{address}/64", strict=False))
        return hashlib.blake2b(f"{scope}:{who}".encode(), digest_size=16, key=self._secret).hexdigest()

    async def attempt(self, policy: Policy, *, address: str | None, account: str | None) -> Attempt | TooManyAttempts:
        """Count this attempt; refuse it if any window of its address or account is used up."""
        try:
            return await self._attempt(self.storage, policy, address, account)
        except StorageError as exc:
            if self.fallback is None:
                raise
            log.warning("rate-limit storage failed (%s); counting in the database for now", exc)
            return await self._attempt(self.fallback, policy, address, account)

    async def _attempt(self, storage: Storage, policy: Policy, address: str | None,
                       account: str | None) -> Attempt | TooManyAttempts:
        attempt = Attempt(self, policy, storage)
        hits = [(item, (policy.action, scope, self.subject(scope, who)))
                for scope, who, windows in (("address", address, policy.per_address),
                                            ("account", account, policy.per_account)) if who
                for item in windows]
        counts = await _count_in_order(storage, hits)
        counted = list(zip(hits, counts))
        refused = next((((item, ids), count) for (item, ids), count in counted if count > item.amount), None)
        if refused is None:
            attempt.counted = hits
            return attempt
        (item, (action, scope, _who)), count = refused
        # Refused unchecked: the windows counted on the way here do not count this attempt
        # either (the refusing one stays spent until it ends).
        if policy.failures_only:
            await self._give_back(storage, [hit for hit, _ in counted[:-1]])
        (log.warning if count == item.amount + 1 else log.debug)(
            "sign-in %s locked: too many attempts by one %s (%s)", action, scope, item)
        return too_many(item)

    @staticmethod
    async def _give_back(storage: Storage, counted: list[tuple[RateLimitItem, tuple[str, ...]]]) -> None:
        keys = [item.key_for(*identifiers) for item, identifiers in counted]
        if isinstance(storage, DatabaseCounters):
            await storage.give_back(keys)
            return
        for (item, _), key in zip(counted, keys):
            await storage.incr(key, item.get_expiry(), amount=-1)


async def _count_in_order(storage: Storage, hits: list[tuple[RateLimitItem, tuple[str, ...]]]) -> list[int]:
    """Each window's count after this attempt, shortest first, stopping at the first one used up.

    What `limits`' ``FixedWindowRateLimiter.hit`` does (the storage's ``incr``, compared with the
    item's amount), keeping the count so the first refusal of a window can be told (and logged)
    from the rest. The database storage does them all in one transaction.
    """
    if isinstance(storage, DatabaseCounters):
        return await storage.incr_in_order(
            [(item.key_for(*ids), item.get_expiry(), item.amount) for item, ids in hits])
    counts = []
    for item, ids in hits:
        counts.append(await storage.incr(item.key_for(*ids), item.get_expiry(), amount=1))
        if counts[-1] > item.amount:
            break
    return counts
