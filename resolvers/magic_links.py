"""Signing in to the dashboard: a single-use link sent over WhatsApp, or the admin password.

Only a SHA-256 of the link's token is stored, so a database leak gives no way in. The
request always gets the same neutral answer, whether or not the phone belongs to anyone:
the endpoint must not tell strangers who works where.

The token is never written down either. It is an HMAC of its row's id under the server's
secret, after the salon's id (:func:`link_token`; the salon is there so the sign-in finds the
token row on one shard on Citus, DESIGN.md "Beyond one database", and the stored hash covers
it, so changing it finds nothing): the outbox row says only which token row it carries
(``sign_in_token_id``), and the URL is rendered when the message is handed to Twilio
(:func:`wire_variables`). So an owner or an admin reading the outbox (``failedMessages``)
sees the message with the link redacted (:func:`redacted`), and a link whose delivery
failed for good is spent at once (:func:`spend_undelivered`), not left valid for minutes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers import outbox
from resolvers.auth import ADMIN_SESSION_TTL, STAFF_SESSION_TTL, issue_admin_token, issue_staff_token
from resolvers.context import Context
from resolvers.errors import NotAuthenticated, PermissionDenied, Problem, Suspended, TooManyAttempts, ValidationError
from resolvers.phones import InvalidPhone, display_phone, normalise_phone
from resolvers.sign_in_limits import ADMIN_LOGIN, REQUEST_MAGIC_LINK, VERIFY_MAGIC_LINK
from storage import AuthToken, Organization, OrganizationStatus, Staff, TokenType
from storage.queries import salons_of_staff_phone

MAGIC_LINK_TTL = timedelta(minutes=15)
#: Links sent to one person per 15 minutes; more requests get the same answer and no message,
#: so nobody can flood a stylist's WhatsApp through the sign-in page.
MAX_LINKS_PER_WINDOW = 3
NEUTRAL_ANSWER = "Si ese número está registrado, te enviamos una liga por WhatsApp para entrar. Vence en 15 minutos."
#: Our tokens are 43 characters; anything much longer is not one (and is not hashed).
MAX_TOKEN_LENGTH = 128
LINK_NOT_VALID = NotAuthenticated("Esa liga ya no sirve: pide una nueva desde la página de entrada.")
WRONG_PASSWORD = NotAuthenticated("Contraseña incorrecta.")
ADMIN_DISABLED = PermissionDenied("El acceso de administrador está desactivado en este servidor.")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def magic_link_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/entrar?token={token}"


TOKEN_ROW = "sign_in_token_id"
#: What an outbox reader sees where the link was.
HIDDEN = "[liga oculta]"
_LINK = re.compile(r"(/entrar\?token=)[A-Za-z0-9_\-%.=]+")


def link_token(secret: str, token_id: uuid.UUID, organization_id: uuid.UUID) -> str:
    """The link's token: the salon's id (22 characters), then an HMAC of the row id that only who
    holds the server's secret can compute. URL-safe base64 throughout, no separator to trip a linkifier."""
    digest = hmac.new(secret.encode("utf-8"), b"parlo-magic-link:" + token_id.bytes, hashlib.sha256).digest()
    return _b64(organization_id.bytes) + _b64(digest)


def random_link_token(organization_id: uuid.UUID) -> str:
    """A link token that is not derived from a row (``parlo token --link``): random after the salon."""
    return _b64(organization_id.bytes) + secrets.token_urlsafe(32)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


#: A UUID's 16 bytes in unpadded URL-safe base64.
SALON_CHARS = 22


def organization_of_token(token: str) -> uuid.UUID | None:
    """The salon a link's token names (not proof of anything: the token's hash is)."""
    if len(token) <= SALON_CHARS:
        return None
    try:
        return uuid.UUID(bytes=base64.urlsafe_b64decode(token[:SALON_CHARS] + "=="))
    except ValueError:  # binascii.Error is one
        return None


def wire_variables(variables: dict[str, Any], *, secret: str, public_url: str,
                   organization_id: uuid.UUID | None) -> dict[str, Any]:
    """A magic-link message's variables as sent: the URL rendered from the token row it names
    (the token row belongs to the outbox row's salon)."""
    token_id = variables.get(TOKEN_ROW)
    if not token_id or organization_id is None:
        return variables
    token = link_token(secret, uuid.UUID(str(token_id)), organization_id)
    return {**variables, "url": magic_link_url(public_url, token)}


def redacted(text: str | None) -> str | None:
    """Any sign-in link in a text, with its token hidden."""
    return _LINK.sub(lambda found: found[1] + HIDDEN, text) if text else text


def redacted_variables(variables: dict[str, Any]) -> dict[str, Any]:
    """A message's variables as outbox readers see them: no token, no token row."""
    if TOKEN_ROW in variables:
        return {**{k: v for k, v in variables.items() if k != TOKEN_ROW}, "url": HIDDEN}
    url = variables.get("url")
    if isinstance(url, str) and _LINK.search(url):
        return {**variables, "url": redacted(url)}
    return variables


async def spend_undelivered(session: AsyncSession, variables: dict[str, Any], now: datetime, *,
                            organization_id: uuid.UUID | None) -> None:
    """A link WhatsApp could not deliver is spent: nobody should be able to use it later.
    ``organization_id``: the outbox row's salon, which is the token row's."""
    token_id = (variables or {}).get(TOKEN_ROW)
    if token_id and organization_id is not None:
        await session.execute(update(AuthToken).where(AuthToken.organization_id == organization_id,
                                                      AuthToken.id == uuid.UUID(str(token_id)),
                                                      AuthToken.used_at.is_(None))
                              .values(used_at=now, updated_at=now).execution_options(synchronize_session=False))


@dataclass(frozen=True, slots=True)
class MagicLinkRequested:
    message: str = NEUTRAL_ANSWER


@dataclass(frozen=True, slots=True)
class StaffSession:
    token: str
    expires_at: datetime
    staff: Staff
    organization: Organization


@dataclass(frozen=True, slots=True)
class AdminSession:
    token: str
    expires_at: datetime


async def request_magic_link(ctx: Context, phone: str) -> MagicLinkRequested | ValidationError | TooManyAttempts:
    """Counted per address and per phone (every request: each may send a WhatsApp), known or not."""
    try:
        e164 = normalise_phone(phone)
    except InvalidPhone as exc:
        e164, invalid = None, ValidationError(str(exc), field="phone")
    else:
        invalid = None
    attempt = await ctx.limits().attempt(REQUEST_MAGIC_LINK, address=ctx.client_address, account=e164)
    if isinstance(attempt, TooManyAttempts):
        return attempt
    if invalid is not None:
        return invalid
    now = ctx.now()
    async with ctx.db.transaction(write=True) as session:
        # Who has this phone: the salons from the look-up table (one node), then each salon's
        # own shard for the person and the salon (usually one salon).
        rows = []
        for organization_id, staff_id in await salons_of_staff_phone(session, e164):
            found = (await session.execute(
                select(Staff, Organization).join(Organization, Organization.id == Staff.organization_id)
                .where(Organization.id == organization_id, Staff.organization_id == organization_id,
                       Staff.id == staff_id, Staff.phone_number == e164, Staff.is_active.is_(True),
                       Organization.status.in_((OrganizationStatus.ACTIVE, OrganizationStatus.ONBOARDING)))
            )).first()
            if found is not None:
                rows.append(found)
        sent = 0
        for staff, organization in rows:
            recent = await session.scalar(select(func.count()).select_from(AuthToken).where(
                AuthToken.organization_id == organization.id, AuthToken.staff_id == staff.id,
                AuthToken.created_at > now - MAGIC_LINK_TTL))
            if recent >= MAX_LINKS_PER_WINDOW:
                continue
            sent += 1
            token_id = uuid.uuid4()
            session.add(AuthToken(
                id=token_id, organization_id=organization.id, staff_id=staff.id,
                token_hash=hash_token(link_token(ctx.config.jwt_secret, token_id, organization.id)),
                token_type=TokenType.MAGIC_LINK, expires_at=now + MAGIC_LINK_TTL, created_at=now, updated_at=now,
            ))
            outbox.enqueue(
                session, now=now, to=staff.phone_number, organization_id=organization.id,
                kind="magic_link", template_name="magic_link",
                variables={TOKEN_ROW: str(token_id), "staff_name": staff.name,
                           "organization_name": organization.name},
                from_number=ctx.config.central_number,
            )
    if sent:
        await ctx.outbox_written()
    return MagicLinkRequested()


async def verify_magic_link(ctx: Context, token: str) -> StaffSession | Problem:
    """Spend the link (once, even under a race) and open a 7-day session.

    Every token that does not sign in counts against the caller's address, malformed ones
    included: guessing links is locked out like guessing the admin password.
    """
    attempt = await ctx.limits().attempt(VERIFY_MAGIC_LINK, address=ctx.client_address, account=None)
    if isinstance(attempt, TooManyAttempts):
        return attempt
    signed_in = await _spend_link(ctx, token)
    if isinstance(signed_in, StaffSession):
        await attempt.succeeded()
    return signed_in


async def _spend_link(ctx: Context, token: str) -> StaffSession | Problem:
    now = ctx.now()
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_LENGTH:
        return LINK_NOT_VALID
    salon = organization_of_token(token)
    if salon is None:  # not one of our links (or one from before links named their salon)
        return LINK_NOT_VALID
    async with ctx.db.transaction(write=True) as session:
        spent = await session.execute(
            update(AuthToken)
            .where(AuthToken.organization_id == salon, AuthToken.token_hash == hash_token(token),
                   AuthToken.used_at.is_(None),
                   AuthToken.expires_at > now, AuthToken.token_type == TokenType.MAGIC_LINK)
            .values(used_at=now, updated_at=now)
            .returning(AuthToken.staff_id, AuthToken.organization_id)
        )
        claimed = spent.first()
        if claimed is None:
            return LINK_NOT_VALID
        staff_id, organization_id = claimed
        row = (await session.execute(
            select(Staff, Organization).join(Organization, Organization.id == Staff.organization_id)
            .where(Staff.id == staff_id, Staff.organization_id == organization_id)
        )).first()
    if row is None or not row[0].is_active:
        return LINK_NOT_VALID
    staff, organization = row
    if organization.status in (OrganizationStatus.SUSPENDED, OrganizationStatus.CHURNED):
        return Suspended.with_contact(display_phone(ctx.config.central_number))
    session_token = issue_staff_token(staff_id=staff.id, organization_id=organization.id,
                                      secret=ctx.config.jwt_secret, now=now, generation=staff.session_generation)
    return StaffSession(token=session_token, expires_at=now + STAFF_SESSION_TTL, staff=staff, organization=organization)


async def admin_login(ctx: Context, password: str) -> AdminSession | Problem:
    """The password, within the limits: the 11th wrong one in 15 minutes is refused unchecked."""
    expected = ctx.config.admin_password
    if not expected:
        return ADMIN_DISABLED
    attempt = await ctx.limits().attempt(ADMIN_LOGIN, address=ctx.client_address, account="admin")
    if isinstance(attempt, TooManyAttempts):
        return attempt
    if not hmac.compare_digest(password.encode("utf-8"), expected.encode("utf-8")):
        return WRONG_PASSWORD
    await attempt.succeeded()
    now = ctx.now()
    return AdminSession(token=issue_admin_token(secret=ctx.config.jwt_secret, now=now),
                        expires_at=now + ADMIN_SESSION_TTL)
