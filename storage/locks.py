"""PostgreSQL advisory locks: their keys, and the schedule's lock per stylist and per spot.

Why a booking takes one: the occupancy table's exclusion constraints check a new row
*after* inserting it, so two transactions inserting overlapping rows for one stylist (or
one spot) can each find the other's row and wait for it; PostgreSQL then aborts one as a
deadlock (40P01), but only after ``deadlock_timeout`` (1 s). A unique index does not do
this (it checks before inserting); an exclusion constraint does. Taking a lock per
resource first, in one order, makes them queue instead: the second inserts once the first
has committed, and its exclusion check then fails at once (23P01, "slot taken") or passes.

SQLite needs none: a schedule write holds the whole database (``BEGIN IMMEDIATE``).

Citus: the statement names the salon's ``organizations`` row, so it runs on the salon's
shard, in the transaction that inserts the rows (one more statement on the connection the
booking already holds), and the lock lives on the node whose constraint it stands in front
of. Naming no table it would run on the coordinator, among the many locks every distributed
statement takes there.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from functools import lru_cache

from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncSession

_SIGNED_63 = 0x7FFF_FFFF_FFFF_FFFF


def advisory_key(organization_id: uuid.UUID, row_id: uuid.UUID) -> int:
    """A key for ``pg_advisory_xact_lock`` (a non-negative bigint) for one row of a salon: the
    first 63 bits of the BLAKE2b digest of both ids."""
    digest = hashlib.blake2b(organization_id.bytes + row_id.bytes, digest_size=8).digest()
    return int.from_bytes(digest, "big") & _SIGNED_63


def resource_keys(organization_id: uuid.UUID, resource_ids: Iterable[uuid.UUID]) -> list[int]:
    """The advisory keys of these stylists and spots of one salon, each once, in the one order
    every locker takes them (ascending), so two lockers of several cannot deadlock."""
    return sorted({advisory_key(organization_id, resource) for resource in resource_ids})


@lru_cache(maxsize=16)
def _lock_keys(count: int) -> TextClause:
    """Waits for each key in turn (the VALUES' order), holding them until the transaction ends.

    One bigint parameter per key, not one ``bigint[]``: asyncpg has no built-in codec for that
    array and looks the type up on every new connection (a catalog query that, on a Citus
    coordinator busy with 30 bookings, took seconds)."""
    keys = ", ".join(f"(CAST(:key_{n} AS bigint))" for n in range(count))
    return text(f"SELECT count(pg_advisory_xact_lock(key)) FROM organizations, (VALUES {keys}) AS keys (key) "
                "WHERE organizations.id = :organization_id")


async def lock_resources(session: AsyncSession, organization_id: uuid.UUID,
                         resource_ids: Iterable[uuid.UUID]) -> None:
    """PostgreSQL: hold these stylists and spots of the salon until the transaction ends (one
    statement); concurrent holders of any of them wait. SQLite: nothing to do (see above)."""
    if session.bind.dialect.name != "postgresql":
        return
    keys = resource_keys(organization_id, resource_ids)
    if keys:  # Core on the session's connection: rows added to the session are not flushed first
        params = {f"key_{n}": key for n, key in enumerate(keys)}
        await (await session.connection()).execute(_lock_keys(len(keys)), {**params, "organization_id": organization_id})
