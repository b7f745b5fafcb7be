"""On a Citus cluster the schema is distributed by organization, on an empty or a populated database.

These run only when PARLO_TEST_DATABASE_URL is a Citus coordinator (``citus-cluster url``);
the session's database was created on every node and distributed by ``upgrade``, as
``parlo migrate`` does.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select, text

from storage import Appointment, Database, Message, Organization, WhatsAppNumber
from storage.distribute import ANCHOR, KEYED_TABLES, REFERENCE_TABLES, tenant_tables
from storage.migrations import CitusMissing, distribute_tables, upgrade
from tests.conftest import TEST_DATABASE_URL, _create_pg_database, _drop_pg_database
from tests.storage.factories import appointment, salon

NOW = datetime(2026, 1, 16, 16, 0, tzinfo=timezone.utc)


@pytest.fixture
def on_citus(citus):
    if not citus:
        pytest.skip("needs a Citus coordinator in PARLO_TEST_DATABASE_URL (citus-cluster url)")


async def _partitions(db: Database) -> dict[str, tuple[str, int]]:
    async with db.engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT logicalrelid::regclass::text, partmethod::text, colocationid FROM pg_dist_partition"))).all()
    return {name: (method, colocation) for name, method, colocation in rows}


async def test_every_tenant_table_is_distributed_by_organization_and_colocated(on_citus, shared_db):
    partitions = await _partitions(shared_db)
    hashed = {name for name, (method, _) in partitions.items() if method == "h"}
    assert hashed == {ANCHOR, *tenant_tables(), *KEYED_TABLES}
    assert {name for name, (method, _) in partitions.items() if method == "n"} == set(REFERENCE_TABLES)
    tenants = hashed - set(KEYED_TABLES)
    assert len({partitions[name][1] for name in tenants}) == 1  # one co-location group: joins stay on a node
    # the sign-in counters go by their own key, in a group of their own
    assert not {partitions[name][1] for name in KEYED_TABLES} & {partitions[name][1] for name in tenants}


async def test_every_distributed_table_has_shards_on_both_workers(on_citus, shared_db):
    async with shared_db.engine.connect() as conn:
        workers = (await conn.execute(text(
            "SELECT count(*) FROM pg_dist_node WHERE noderole = 'primary' AND groupid <> 0"))).scalar()
        spread = dict((await conn.execute(text(
            "SELECT s.logicalrelid::regclass::text, count(DISTINCT p.groupid) FROM pg_dist_shard s "
            "JOIN pg_dist_placement p USING (shardid) JOIN pg_dist_partition d USING (logicalrelid) "
            "WHERE d.partmethod::text = 'h' GROUP BY 1"))).all())
    assert workers >= 2
    assert spread == {name: workers for name in (ANCHOR, *tenant_tables(), *KEYED_TABLES)}


async def test_migrate_distributes_a_populated_database_and_keeps_its_rows(on_citus):
    url = await _create_pg_database(TEST_DATABASE_URL)
    try:
        await asyncio.to_thread(upgrade, url, distribute=False)  # a plain PostgreSQL schema, then data
        db = Database.connect(url)
        try:
            async with db.transaction(write=True) as s:
                org, location, service, staff, spot, customer = await salon(s, now=NOW)
                org.whatsapp_number = "+525511112222"
                s.add(appointment(org, location, service, staff, spot, customer, NOW))
        finally:
            await db.dispose()

        distributed = await asyncio.to_thread(upgrade, url)  # what `parlo migrate` does on Citus
        assert {ANCHOR, *tenant_tables()} <= set(distributed)
        assert await asyncio.to_thread(distribute_tables, url) == []  # idempotent

        db = Database.connect(url)
        try:
            assert set(await _partitions(db)) == {ANCHOR, *tenant_tables(), *REFERENCE_TABLES, *KEYED_TABLES}
            async with db.session() as s:
                assert await s.scalar(select(func.count()).select_from(Appointment)
                                      .where(Appointment.organization_id == org.id)) == 1
                assert await s.scalar(select(WhatsAppNumber.organization_id)
                                      .where(WhatsAppNumber.number == "+525511112222")) == org.id
                assert (await s.get(Organization, org.id)).name == org.name
            async with db.engine.connect() as conn:  # the coordinator's local copies were emptied
                local = await conn.scalar(text("SELECT pg_relation_size('appointments')"))
            assert local == 0
        finally:
            await db.dispose()
    finally:
        await _drop_pg_database(TEST_DATABASE_URL, url)


def test_distribute_insists_on_citus_when_asked(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'plain.db'}"
    with pytest.raises(CitusMissing):
        upgrade(url, distribute=True)
    assert distribute_tables(url) == []  # without insisting, SQLite and PostgreSQL just migrate


async def test_messages_of_no_salon_are_stored_on_the_cluster(on_citus, db):
    """The nil tenant is an ordinary shard key: a central-number message round-trips as None."""
    from storage import Conversation, ConversationChannel, MessageDirection, SenderType

    async with db.transaction(write=True) as s:
        conversation = Conversation(organization_id=None, channel=ConversationChannel.CENTRAL,
                                    business_number="+525500000000", phone_number="+525577776666",
                                    reply_to="whatsapp:+5215577776666", context={})
        s.add(conversation)
        await s.flush()
        s.add(Message(conversation_id=conversation.id, organization_id=None, direction=MessageDirection.INBOUND,
                      sender_type=SenderType.CUSTOMER, body="Hola", created_at=NOW))
    async with db.session() as s:
        row = await s.scalar(select(Message).where(Message.organization_id == None,  # noqa: E711 (the nil tenant)
                                                   Message.conversation_id == conversation.id))
    assert row is not None and row.organization_id is None and row.body == "Hola"
