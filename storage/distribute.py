"""Citus: distribute the tables by organization (DESIGN.md, "Beyond one database").

On a PostgreSQL database with the ``citus`` extension, ``parlo migrate`` (after Alembic)
calls :func:`distribute`: ``organizations`` is distributed by its id, every tenant table by
``organization_id`` co-located with it (so a salon's rows, and joins between them, live on
one shard), and the small global look-up tables become reference tables (a copy on every
node). It is idempotent: tables already distributed are left alone, so it runs after every
migration and picks up tables that later migrations add. It works on a populated database:
Citus copies the rows into the shards, and the coordinator's local copy is then emptied.

Tables that stay on the coordinator only: Alembic's bookkeeping.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.base import Base

log = logging.getLogger(__name__)

#: Small global tables read before the organization is known: a copy on every node
#: (routing from a WhatsApp number to its salon; sign-in rate-limit counters).
REFERENCE_TABLES = ("whatsapp_numbers", "sign_in_counters")
#: The table every tenant table is co-located with, and its distribution column.
ANCHOR, ANCHOR_COLUMN = "organizations", "id"
TENANT_COLUMN = "organization_id"


def has_citus(connection: Connection) -> bool:
    if connection.dialect.name != "postgresql":
        return False
    return bool(connection.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'citus'")).scalar())


def tenant_tables() -> list[str]:
    """Every model table that carries the tenant key, in foreign-key order."""
    return [t.name for t in Base.metadata.sorted_tables
            if t.name != ANCHOR and t.name not in REFERENCE_TABLES and TENANT_COLUMN in t.c]


def _already(connection: Connection) -> set[str]:
    rows = connection.execute(text("SELECT logicalrelid::regclass::text FROM pg_dist_partition"))
    return {name.split(".")[-1].strip('"') for (name,) in rows}


def distribute(connection: Connection) -> list[str]:
    """Distribute what is not distributed yet; returns the tables it distributed now."""
    if not has_citus(connection):
        return []
    done = _already(connection)
    missing = [t for t in Base.metadata.tables if t not in done and t != ANCHOR
               and t not in REFERENCE_TABLES and t not in tenant_tables()]
    if missing:
        raise RuntimeError(f"tables with no tenant key and not declared reference tables: {missing}")
    now: list[str] = []
    copied: list[str] = []

    def run(sql: str, table: str) -> None:
        if connection.execute(text(f'SELECT EXISTS (SELECT 1 FROM ONLY "{table}")')).scalar():
            copied.append(table)
        connection.execute(text(sql), {"table": table})
        now.append(table)

    for table in REFERENCE_TABLES:
        if table not in done:
            run("SELECT create_reference_table(:table)", table)
    if ANCHOR not in done:
        run(f"SELECT create_distributed_table(:table, '{ANCHOR_COLUMN}')", ANCHOR)
    for table in tenant_tables():
        if table not in done:
            run(f"SELECT create_distributed_table(:table, '{TENANT_COLUMN}', colocate_with => '{ANCHOR}')", table)
    # Citus copied the rows into the shards; the coordinator's local copies are dead weight.
    # Emptied last, referencing tables first (a local copy is referenced until then).
    for table in reversed(copied):
        connection.execute(text("SELECT truncate_local_data_after_distributing_table(:table)"), {"table": table})
    if now:
        log.info("Citus: distributed %s", ", ".join(now))
    return now
