"""Dashboard session tokens: signed JWTs that name an actor.

The token is the only thing the dashboard keeps. It carries who the actor is
(``kind`` = ``staff`` with ``sub`` = staff id and ``org`` = organization id, or ``admin``)
and when it expires; permissions are always re-read from the database, so changing a
staff member's level or suspending an organization takes effect at once.

What a token says about time is checked against the service's clock, never the machine's
(PyJWT would read the wall clock for ``iat``, so a ``PARLO_CLOCK`` ahead of real time
refused every session), and its lifetime is capped when it is read, whatever its ``exp``
says: a token forged or issued with a ten-year expiry still dies after
:data:`MAX_LIFETIME` of its kind. A staff token also carries the person's session
generation (``gen``); bumping it (sign out everywhere, a permission change, deactivation)
revokes every session issued before.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import jwt

ALGORITHM = "HS256"
STAFF_SESSION_TTL = timedelta(days=7)
ADMIN_SESSION_TTL = timedelta(hours=8)
#: The longest a token of each kind is honoured, from its ``iat``, whatever its ``exp`` says.
MAX_LIFETIME = {"staff": STAFF_SESSION_TTL, "admin": ADMIN_SESSION_TTL, "impersonation": ADMIN_SESSION_TTL}
#: Clocks of two servers may differ a little: an ``iat`` this far ahead of ours is still fine.
CLOCK_SKEW = timedelta(minutes=2)


class InvalidToken(ValueError):
    """The token is malformed, forged or expired."""


@dataclass(frozen=True, slots=True)
class TokenClaims:
    kind: str  # "staff" or "admin"
    staff_id: uuid.UUID | None
    organization_id: uuid.UUID | None
    expires_at: datetime
    impersonated_by_admin: bool = False
    #: The staff member's session generation when the token was issued (see actors.py).
    generation: int = 0


def issue_staff_token(
    *, staff_id: uuid.UUID, organization_id: uuid.UUID, secret: str, now: datetime,
    ttl: timedelta = STAFF_SESSION_TTL, impersonated_by_admin: bool = False, generation: int = 0,
) -> str:
    payload = {
        "kind": "staff",
        "sub": str(staff_id),
        "org": str(organization_id),
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "gen": generation,
    }
    if impersonated_by_admin:
        payload["imp"] = True
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def issue_admin_token(*, secret: str, now: datetime, ttl: timedelta = ADMIN_SESSION_TTL) -> str:
    payload = {"kind": "admin", "sub": "admin", "iat": int(now.timestamp()), "exp": int((now + ttl).timestamp())}
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


@lru_cache(maxsize=4096)
def _signed_payload(token: str, secret: str) -> tuple[tuple[str, object], ...]:
    """The token's claims once its signature is verified; what depends on time is checked by the caller.

    A pure function of the token and the secret, so it is remembered: every request of a
    session carries the same token, and verifying it again was ~3 % of a booking's web CPU.
    A forged or malformed token raises, and an exception is never remembered."""
    try:
        payload = jwt.decode(
            token, secret, algorithms=[ALGORITHM],
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False,
                     "require": ["exp", "iat", "kind"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    return tuple(payload.items())


def read_token(token: str, *, secret: str, now: datetime) -> TokenClaims:
    """Verify the signature, then every time claim against the injected ``now`` (not the wall clock)."""
    payload = dict(_signed_payload(token, secret))
    try:
        issued_at = datetime.fromtimestamp(int(payload["iat"]), tz=now.tzinfo)
        expires_at = datetime.fromtimestamp(int(payload["exp"]), tz=now.tzinfo)
    except (TypeError, ValueError, OverflowError, OSError) as exc:
        raise InvalidToken("malformed time claims") from exc
    kind = payload["kind"]
    lifetime = MAX_LIFETIME.get("impersonation" if payload.get("imp") else kind)
    if lifetime is None:
        raise InvalidToken(f"unknown token kind {kind!r}")
    if issued_at > now + CLOCK_SKEW:
        raise InvalidToken("issued in the future")
    expires_at = min(expires_at, issued_at + lifetime)  # the cap, whatever `exp` says
    if expires_at <= now:
        raise InvalidToken("expired")
    try:
        if kind == "staff":
            return TokenClaims(
                kind="staff",
                staff_id=uuid.UUID(payload["sub"]),
                organization_id=uuid.UUID(payload["org"]),
                expires_at=expires_at,
                impersonated_by_admin=bool(payload.get("imp")),
                generation=int(payload.get("gen", 0)),
            )
        return TokenClaims(kind="admin", staff_id=None, organization_id=None, expires_at=expires_at)
    except (KeyError, ValueError, TypeError) as exc:
        raise InvalidToken("malformed claims") from exc
