"""Look-ups that must work before the organization is known (Citus: reference tables), and
:func:`get_in`, a salon's row by its whole key."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.util import identity_key

from storage.models.organization import WhatsAppNumber
from storage.models.staff import StaffPhone

T = TypeVar("T", bound=Any)


async def organization_of_number(session: AsyncSession, number: str) -> uuid.UUID | None:
    """The organization whose WhatsApp number this is, from the routing reference table."""
    return await session.scalar(select(WhatsAppNumber.organization_id).where(WhatsAppNumber.number == number))


async def tenant_of_number(session: AsyncSession, business_number: str, central_number: str) -> uuid.UUID | None:
    """The tenant of conversations on this receiving number: its salon; none for the central number."""
    return None if business_number == central_number else await organization_of_number(session, business_number)


async def salons_of_staff_phone(session: AsyncSession, phone: str) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """``(organization_id, staff_id)`` of every salon where someone on staff has this phone
    (active or not: ask the salon's own shard next), from the ``staff_phones`` reference table."""
    rows = await session.execute(select(StaffPhone.organization_id, StaffPhone.staff_id)
                                 .where(StaffPhone.phone_number == phone).order_by(StaffPhone.organization_id))
    return [(organization_id, staff_id) for organization_id, staff_id in rows.all()]


#: Marks a statement that reads across every salon on purpose: a periodic sweep (due outbox
#: rows, abandoned sends, ended sign-in windows) or an admin's look-up across salons. Who has
#: a phone is not one: :func:`salons_of_staff_phone` answers it on one node. On Citus these are the only statements that touch more than one
#: shard; tests/conversation/test_single_shard.py lets them through and nothing else.
#: Put it in with ``select(...).prefix_with(ALL_SALONS)``.
ALL_SALONS = "/* parlo:all-salons */"


async def get_in(session: AsyncSession, model: type[T], organization_id: uuid.UUID | None,
                 row_id: uuid.UUID | None) -> T | None:
    """``session.get(model, row_id)`` for a salon's row, by its whole key ``(id, organization_id)``.

    ``session.get`` knows a tenant row by ``id`` alone (storage.base), so on Citus its SELECT
    goes to every shard; this one names the salon and goes to one. Like ``session.get`` it
    answers from the session's identity map when the row is already there (no statement), and
    a row of another salon is None.
    """
    if row_id is None:
        return None
    held = session.identity_map.get(identity_key(model, row_id))
    if held is not None and not inspect(held).expired_attributes:
        return held if held.organization_id == organization_id else None
    return await session.scalar(select(model).where(model.organization_id == organization_id, model.id == row_id))
