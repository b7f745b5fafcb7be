"""Look-ups that must work before the organization is known (Citus: reference tables)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.organization import WhatsAppNumber


async def organization_of_number(session: AsyncSession, number: str) -> uuid.UUID | None:
    """The organization whose WhatsApp number this is, from the routing reference table."""
    return await session.scalar(select(WhatsAppNumber.organization_id).where(WhatsAppNumber.number == number))


async def tenant_of_number(session: AsyncSession, business_number: str, central_number: str) -> uuid.UUID | None:
    """The tenant of conversations on this receiving number: its salon; none for the central number."""
    return None if business_number == central_number else await organization_of_number(session, business_number)


#: Marks a statement that reads across every salon on purpose: a periodic sweep (due outbox
#: rows, abandoned sends) or a look-up that cannot know the salon yet (who has this phone, to
#: send a sign-in link). On Citus these are the only statements that touch more than one
#: shard; tests/conversation/test_single_shard.py lets them through and nothing else.
#: Put it in with ``select(...).prefix_with(ALL_SALONS)``.
ALL_SALONS = "/* parlo:all-salons */"
