"""Dashboard session tokens: signed JWTs that name an actor.

The token is the only thing the dashboard keeps. It carries who the actor is
(``kind`` = ``staff`` with ``sub`` = staff id and ``org`` = organization id, or ``admin``)
and when it expires; permissions are always re-read from the database, so changing a
staff member's level or suspending an organization takes effect at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

ALGORITHM = "HS256"
STAFF_SESSION_TTL = timedelta(days=7)
ADMIN_SESSION_TTL = timedelta(hours=8)


class InvalidToken(ValueError):
    """The token is malformed, forged or expired."""


@dataclass(frozen=True, slots=True)
class TokenClaims:
    kind: str  # "staff" or "admin"
    staff_id: uuid.UUID | None
    organization_id: uuid.UUID | None
    expires_at: datetime
    impersonated_by_admin: bool = False


def issue_staff_token(
    *, staff_id: uuid.UUID, organization_id: uuid.UUID, secret: str, now: datetime,
    ttl: timedelta = STAFF_SESSION_TTL, impersonated_by_admin: bool = False,
) -> str:
    payload = {
        "kind": "staff",
        "sub": str(staff_id),
        "org": str(organization_id),
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    if impersonated_by_admin:
        payload["imp"] = True
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def issue_admin_token(*, secret: str, now: datetime, ttl: timedelta = ADMIN_SESSION_TTL) -> str:
    payload = {"kind": "admin", "sub": "admin", "iat": int(now.timestamp()), "exp": int((now + ttl).timestamp())}
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def read_token(token: str, *, secret: str, now: datetime) -> TokenClaims:
    """Verify signature and expiry against the injected ``now`` (not the wall clock)."""
    try:
        payload = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"verify_exp": False, "require": ["exp", "kind"]}
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    expires_at = datetime.fromtimestamp(payload["exp"], tz=now.tzinfo)
    if expires_at <= now:
        raise InvalidToken("expired")
    kind = payload["kind"]
    try:
        if kind == "staff":
            return TokenClaims(
                kind="staff",
                staff_id=uuid.UUID(payload["sub"]),
                organization_id=uuid.UUID(payload["org"]),
                expires_at=expires_at,
                impersonated_by_admin=bool(payload.get("imp")),
            )
        if kind == "admin":
            return TokenClaims(kind="admin", staff_id=None, organization_id=None, expires_at=expires_at)
    except (KeyError, ValueError) as exc:
        raise InvalidToken("malformed claims") from exc
    raise InvalidToken(f"unknown token kind {kind!r}")
