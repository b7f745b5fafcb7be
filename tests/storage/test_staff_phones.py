"""``staff_phones`` answers "who has this phone" on one node, and never drifts from ``staff``.

Migration 0008 fills it from a populated database; after that every ORM write of a staff
member (added, new phone, deleted) and a salon's deletion keep it in step, in the same
transaction. On Citus it is a reference table, and the sign-in counters move from a
reference table to one distributed by their key, rows kept.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from storage import Database, Organization, SignInCounter, Staff, StaffPhone
from storage.distribute import tenant_tables
from storage.migrations import distribute_tables, upgrade
from storage.queries import salons_of_staff_phone
from tests.storage.factories import salon
from tests.storage.test_tenant_keys_migration import _key, fresh_url  # noqa: F401  (a fixture)

NOW = datetime(2026, 1, 16, 16, 0, tzinfo=timezone.utc)
SHARED = "+525512340001"


async def _phones(db: Database) -> set[tuple[str, uuid.UUID, uuid.UUID]]:
    async with db.session() as s:
        rows = (await s.execute(select(StaffPhone.phone_number, StaffPhone.organization_id, StaffPhone.staff_id)))
        return set(rows.all())


async def _distribute_as_0007(db: Database) -> None:
    """A cluster as ``parlo migrate`` left it at 0007: counters and routes as reference tables."""
    async with db.engine.begin() as conn:
        for table in ("whatsapp_numbers", "sign_in_counters"):
            await conn.execute(text("SELECT create_reference_table(:t)"), {"t": table})
        await conn.execute(text("SELECT create_distributed_table('organizations', 'id')"))
        for table in tenant_tables():
            await conn.execute(text("SELECT create_distributed_table(:t, 'organization_id', "
                                    "colocate_with => 'organizations')"), {"t": table})


async def test_migration_0008_fills_the_look_up_from_a_populated_database(citus, fresh_url):  # noqa: F811
    """On Citus the database at 0007 is already distributed, as a running cluster is: 0008 fills
    the new table on the coordinator from the distributed ``staff``, then it becomes a reference table."""
    await asyncio.to_thread(upgrade, fresh_url, "0007")
    db = Database.connect(fresh_url)
    first, second, pedro, ana, lupita = (uuid.uuid4() for _ in range(5))
    try:
        if citus:
            await _distribute_as_0007(db)
        async with db.engine.begin() as conn:
            for org, name in ((first, "Estética Lupita"), (second, "Barbería Norte")):
                await conn.execute(text(
                    "INSERT INTO organizations (id, name, timezone, status, whatsapp_status, plan, settings, "
                    "catalog_version) VALUES (:id, :name, 'America/Mexico_City', 'active', 'not_connected', "
                    "'free', '{}', 0)"), {"id": _key(db, org), "name": name})
            for staff_id, org, name, phone, active in ((pedro, first, "Pedro", SHARED, True),
                                                       (ana, first, "Ana", "+525512340002", False),
                                                       (lupita, second, "Lupita", SHARED, True)):
                await conn.execute(text(
                    "INSERT INTO staff (id, organization_id, name, phone_number, role, permission_level, "
                    "is_active, settings, session_generation) VALUES (:id, :org, :name, :phone, 'employee', "
                    "'staff', :active, '{}', 0)"),
                    {"id": _key(db, staff_id), "org": _key(db, org), "name": name, "phone": phone, "active": active})
        await db.dispose()

        await asyncio.to_thread(upgrade, fresh_url)  # 0008, and on Citus the distribution
        db = Database.connect(fresh_url)
        assert await _phones(db) == {(SHARED, first, pedro), ("+525512340002", first, ana), (SHARED, second, lupita)}
        if citus:
            async with db.engine.connect() as conn:
                methods = dict((await conn.execute(text(
                    "SELECT logicalrelid::regclass::text, partmethod::text FROM pg_dist_partition "
                    "WHERE logicalrelid::regclass::text IN ('staff_phones', 'sign_in_counters')"))).all())
            assert methods == {"staff_phones": "n", "sign_in_counters": "h"}
        async with db.session() as s:
            assert await salons_of_staff_phone(s, SHARED) == sorted([(first, pedro), (second, lupita)])
            assert await salons_of_staff_phone(s, "+525599999999") == []

        # and it keeps working in place: a new phone through the ORM moves the look-up with it
        async with db.transaction(write=True) as s:
            (await s.get(Staff, pedro)).phone_number = "+525512340009"
        async with db.session() as s:
            assert await salons_of_staff_phone(s, SHARED) == [(second, lupita)]
            assert await salons_of_staff_phone(s, "+525512340009") == [(first, pedro)]
    finally:
        await db.dispose()


async def test_every_staff_write_keeps_the_look_up_in_step(db):
    async with db.transaction(write=True) as s:
        org, _location, _service, pedro, _spot, _customer = await salon(s, now=NOW)
        other = Organization(name="Barbería Norte", timezone="America/Mexico_City", settings={})
        s.add(other)
        await s.flush()
        twin = Staff(organization_id=other.id, name="Pedro", phone_number=pedro.phone_number)
        s.add(twin)
    assert await _phones(db) == {(SHARED, org.id, pedro.id), (SHARED, other.id, twin.id)}

    async with db.transaction(write=True) as s:  # a new phone; deactivating keeps the row (the salon decides)
        member = await s.get(Staff, pedro.id)
        member.phone_number, member.is_active = "+525512340009", False
    assert await _phones(db) == {("+525512340009", org.id, pedro.id), (SHARED, other.id, twin.id)}

    async with db.transaction(write=True) as s:  # the phone passes to someone new in one transaction
        await s.delete(await s.get(Staff, pedro.id))
        await s.flush()  # the ORM inserts before it deletes: staff's own unique key wants this order
        newcomer = Staff(organization_id=org.id, name="Ana", phone_number="+525512340009")
        s.add(newcomer)
    assert await _phones(db) == {("+525512340009", org.id, newcomer.id), (SHARED, other.id, twin.id)}

    async with db.transaction(write=True) as s:  # a rolled-back write leaves the look-up as it was
        (await s.get(Staff, twin.id)).phone_number = "+525512340077"
        await s.flush()
        await s.rollback()
    assert await _phones(db) == {("+525512340009", org.id, newcomer.id), (SHARED, other.id, twin.id)}

    async with db.transaction(write=True) as s:  # a salon deleted: its staff go by cascade, and their phones
        await s.delete(await s.get(Organization, other.id))
    assert await _phones(db) == {("+525512340009", org.id, newcomer.id)}


async def test_citus_makes_the_look_up_a_reference_table_and_the_counters_keyed(citus, fresh_url):  # noqa: F811
    if not citus:
        pytest.skip("needs a Citus coordinator in PARLO_TEST_DATABASE_URL (citus-cluster url)")
    await asyncio.to_thread(upgrade, fresh_url)
    db = Database.connect(fresh_url)
    try:
        async with db.engine.begin() as conn:  # the layout before 0008: counters in a reference table
            await conn.execute(text("SELECT undistribute_table('sign_in_counters')"))
            await conn.execute(text("SELECT create_reference_table('sign_in_counters')"))
        async with db.transaction(write=True) as s:
            s.add(SignInCounter(key="parlo-sign-in/a", count=3, expires_at=NOW + timedelta(minutes=15)))
        assert await asyncio.to_thread(distribute_tables, fresh_url) == ["sign_in_counters"]
        async with db.engine.connect() as conn:
            methods = dict((await conn.execute(text(
                "SELECT logicalrelid::regclass::text, partmethod::text FROM pg_dist_partition "
                "WHERE logicalrelid::regclass::text IN ('staff_phones', 'sign_in_counters')"))).all())
        assert methods == {"staff_phones": "n", "sign_in_counters": "h"}
        async with db.session() as s:
            assert await s.scalar(select(SignInCounter.count).where(SignInCounter.key == "parlo-sign-in/a")) == 3
    finally:
        await db.dispose()
