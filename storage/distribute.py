"""Citus: distribute the tables by organization (DESIGN.md, "Beyond one database").

On a PostgreSQL database with the ``citus`` extension, ``parlo migrate`` (after Alembic)
calls :func:`distribute`: ``organizations`` is distributed by its id, every tenant table by
``organization_id`` co-located with it (so a salon's rows, and joins between them, live on
one shard), the small global look-up tables become reference tables (a copy on every
node), and the sign-in counters are distributed by their own key (:data:`KEYED_TABLES`). It
is idempotent: tables already distributed are left alone (a table whose layout changed is
moved to its new one), so it runs after every migration and picks up tables that later
migrations add. It works on a populated database:
Citus copies the rows into the shards, and the coordinator's local copy is then emptied.

Tables that stay on the coordinator only: Alembic's bookkeeping.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.base import Base

log = logging.getLogger(__name__)

#: Small global tables read before the organization is known, and written rarely: a copy on
#: every node (routing from a WhatsApp number to its salon; who has a staff phone).
REFERENCE_TABLES = ("whatsapp_numbers", "staff_phones")
#: Global tables written often and always by a key the writer knows: distributed by that key,
#: in a co-location group of their own. ``sign_in_counters``: every sign-in attempt counts in
#: it, and as a reference table each count was written on every node; by ``key`` (the `limits`
#: key: action, window and a hash of the address or phone) each count goes to one node.
KEYED_TABLES = {"sign_in_counters": "key"}
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
            if t.name != ANCHOR and t.name not in REFERENCE_TABLES and t.name not in KEYED_TABLES
            and TENANT_COLUMN in t.c]


def _already(connection: Connection) -> dict[str, str]:
    """Distributed tables → Citus' partition method ('h' hash, 'n' reference)."""
    rows = connection.execute(text("SELECT logicalrelid::regclass::text, partmethod::text FROM pg_dist_partition"))
    return {name.split(".")[-1].strip('"'): method for name, method in rows}


def distribute(connection: Connection) -> list[str]:
    """Distribute what is not distributed yet; returns the tables it distributed now."""
    if not has_citus(connection):
        return []
    done = _already(connection)
    missing = [t for t in Base.metadata.tables if t not in done and t != ANCHOR
               and t not in REFERENCE_TABLES and t not in KEYED_TABLES and t not in tenant_tables()]
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
    for table, column in KEYED_TABLES.items():
        if done.get(table) == "n":  # a reference table before 0008's layout: back to one local table first
            connection.execute(text("SELECT undistribute_table(:table)"), {"table": table})
            del done[table]
        if table not in done:
            run(f"SELECT create_distributed_table(:table, '{column}', colocate_with => 'none')", table)
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
