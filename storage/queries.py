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
