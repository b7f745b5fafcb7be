"""Outbox rows written at most once: the dedupe key is UNIQUE, a second writer's row is dropped.

A dispatcher that runs twice, two workers running it at once, or a restart in the middle
all meet at the database: ``INSERT … ON CONFLICT (dedupe_key) DO NOTHING`` keeps the
first row and reports which keys this call wrote (the others were there already).
The columns are the ones :func:`resolvers.outbox.enqueue` sets.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.outbox import whatsapp_address
from storage import DeliveryStatus, OutboundMessage
from storage.ids import new_id
from storage.queries import ALL_SALONS


@dataclass(frozen=True, slots=True)
class Notice:
    """One notification to write: who, which template, which facts, and its once-only key."""

    dedupe_key: str
    to: str
    organization_id: uuid.UUID
    template_name: str
    variables: dict[str, Any]
    from_number: str | None = None
    appointment_id: uuid.UUID | None = None


async def already_written(session: AsyncSession, keys: list[str]) -> set[str]:
    """The keys among ``keys`` that have a row, so a dispatcher skips building them again."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        # Keys of many salons at once, for the minute's dispatch: a sweep (one statement per 500).
        found.update((await session.scalars(select(OutboundMessage.dedupe_key).prefix_with(ALL_SALONS)
                                            .where(OutboundMessage.dedupe_key.in_(chunk)))).all())
    return found


async def write_once(session: AsyncSession, notices: list[Notice], *, now: datetime) -> list[str]:
    """Insert the notices whose key is new; returns the keys written by this call."""
    if not notices:
        return []
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    written: list[str] = []
    for start in range(0, len(notices), 200):
        rows = [{
            "id": new_id(), "organization_id": n.organization_id, "appointment_id": n.appointment_id,
            "to_number": whatsapp_address(n.to),
            "from_number": whatsapp_address(n.from_number) if n.from_number else None,
            "kind": n.template_name, "body": None, "template_name": n.template_name,
            "template_variables": n.variables, "dedupe_key": n.dedupe_key, "status": DeliveryStatus.PENDING,
            "attempts": 0, "next_attempt_at": now, "created_at": now, "updated_at": now,
        } for n in notices[start:start + 200]]
        statement = (insert(OutboundMessage).values(rows)
                     .on_conflict_do_nothing(index_elements=["dedupe_key", "organization_id"])
                     .returning(OutboundMessage.dedupe_key))
        written.extend((await session.execute(statement)).scalars().all())
    return written
