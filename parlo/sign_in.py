"""Signing in from the terminal: a bearer token for API clients, or a browser link.

The dashboard keeps its session from a magic link (``/entrar?token=…``), the same kind of
single-use, 15-minute link WhatsApp delivers; ``parlo token --link`` and ``parlo init``
print one, so a salon without Twilio yet can still sign in on this machine.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from parlo.explain import CommandError
from parlo.settings import Settings
from resolvers.auth import issue_staff_token
from resolvers.magic_links import MAGIC_LINK_TTL, hash_token, magic_link_url, random_link_token
from storage import AuthToken, Database, Organization, Staff, TokenType


async def find_staff(settings: Settings, phone: str, organization_id: str | None = None) -> tuple[Staff, Organization]:
    db = Database.connect(settings.database_url)
    try:
        async with db.session() as session:
            query = select(Staff, Organization).join(Organization, Staff.organization_id == Organization.id).where(
                Staff.phone_number == phone, Staff.is_active.is_(True))
            if organization_id:
                try:
                    query = query.where(Organization.id == uuid.UUID(organization_id))
                except ValueError as exc:
                    raise CommandError(f"«{organization_id}» no es un id de negocio; cópialo del mensaje "
                                       "que lista los negocios de ese teléfono.") from exc
            rows = (await session.execute(query)).all()
    finally:
        await db.dispose()
    if not rows:
        raise CommandError(f"no hay personal activo con el número {phone}: revisa el número, o da de alta tu "
                           "negocio con `parlo init`.")
    if len(rows) > 1:
        listed = "; ".join(f"--org {org.id} ({org.name})" for _, org in rows)
        raise CommandError(f"{phone} trabaja en varios negocios; elige uno con {listed}.")
    return rows[0][0], rows[0][1]


def staff_token(settings: Settings, staff: Staff, org: Organization, *, now: datetime) -> str:
    return issue_staff_token(staff_id=staff.id, organization_id=org.id,
                             secret=settings.jwt_secret.get_secret_value(), now=now,
                             generation=staff.session_generation)


async def sign_in_link(settings: Settings, staff: Staff, org: Organization, *, now: datetime,
                       public_url: str | None = None) -> str:
    """A single-use link to the dashboard, stored as a hash like the ones WhatsApp delivers."""
    token = random_link_token(org.id)  # names the salon: the sign-in finds it on one shard
    db = Database.connect(settings.database_url)
    try:
        async with db.transaction(write=True) as session:
            session.add(AuthToken(organization_id=org.id, staff_id=staff.id, token_hash=hash_token(token),
                                  token_type=TokenType.MAGIC_LINK, expires_at=now + MAGIC_LINK_TTL,
                                  created_at=now, updated_at=now))
    finally:
        await db.dispose()
    return magic_link_url(public_url or settings.public_url, token)
