"""The salon's catalog (services, staff, spots) is cached per process, and never served stale.

Whatever writes the catalog — an attribute change, a service link, a new spot, a bulk
``update(Staff)`` — bumps ``organizations.catalog_version`` in the same transaction, and the
next snapshot reads the catalog again; while nothing changes, snapshots skip those queries.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from resolvers.scheduling.access import load_place
from resolvers.scheduling.snapshot import load_snapshot
from storage.ids import new_id
from storage import Organization, ServiceType, Spot, Staff
from tests.resolvers.factories import make_salon
from tests.resolvers.test_round_trips import statements

CDMX = ZoneInfo("America/Mexico_City")
NOW = datetime(2026, 1, 16, 16, 0, tzinfo=CDMX)
DAY = date(2026, 1, 19)


async def snapshot_of(db, salon, session=None):
    start = datetime.combine(DAY, time(9), tzinfo=CDMX)

    async def read(s):
        organization, location = await load_place(s, salon.org.id, None, for_write=False)
        return await load_snapshot(s, organization, location, start, start + timedelta(hours=10))

    if session is not None:
        return await read(session)
    async with db.session() as s:
        return await read(s)


async def version(db, salon) -> int:
    async with db.session() as s:
        return await s.scalar(select(Organization.catalog_version).where(Organization.id == salon.org.id))


async def test_a_repeated_snapshot_skips_the_catalog_queries(db):
    salon = await make_salon(db, NOW)
    with statements(db) as first:
        await snapshot_of(db, salon)
    with statements(db, cold=False) as second:
        again = await snapshot_of(db, salon)
    assert len(second) == len(first) - 3  # services, staff with theirs, spots with theirs
    assert {m.name for m in again.staff.values()} == {"Ana", "Beto", "Vero"}


async def test_a_stylist_deactivated_elsewhere_leaves_the_next_snapshot(db):
    salon = await make_salon(db, NOW)
    assert salon.beto.id in (await snapshot_of(db, salon)).staff
    before = await version(db, salon)
    async with db.transaction(write=True) as s:
        (await s.get(Staff, salon.beto.id)).is_active = False
    assert await version(db, salon) == before + 1
    assert salon.beto.id not in (await snapshot_of(db, salon)).staff


async def test_a_bulk_update_of_staff_reaches_the_next_snapshot(db):
    salon = await make_salon(db, NOW)
    await snapshot_of(db, salon)
    async with db.transaction(write=True) as s:
        await s.execute(update(Staff).where(Staff.organization_id == salon.org.id, Staff.id == salon.ana.id)
                        .values(name="Ana María"))
    assert (await snapshot_of(db, salon)).staff[salon.ana.id].name == "Ana María"


async def test_changed_service_links_and_a_new_spot_reach_the_next_snapshot(db):
    salon = await make_salon(db, NOW)
    cached = await snapshot_of(db, salon)
    assert salon.barba.id in cached.staff_service_ids[salon.beto.id]
    async with db.transaction(write=True) as s:
        beto = await s.scalar(select(Staff).where(Staff.id == salon.beto.id).options(selectinload(Staff.services)))
        beto.services = [service for service in beto.services if service.id != salon.barba.id]
        s.add(Spot(id=new_id(), organization_id=salon.org.id, location_id=salon.location.id, name="Silla 3",
                   created_at=NOW, updated_at=NOW))
    fresh = await snapshot_of(db, salon)
    assert fresh.staff_service_ids[salon.beto.id] == frozenset({salon.corte.id})
    assert "Silla 3" in {spot.name for spot in fresh.spots.values()}


async def test_a_transaction_that_changed_the_catalog_sees_its_own_change(db):
    salon = await make_salon(db, NOW)
    await snapshot_of(db, salon)
    async with db.transaction(write=True) as s:
        s.add(ServiceType(id=new_id(), organization_id=salon.org.id, name="Peinado", duration_minutes=30,
                          price_cents=20000, created_at=NOW, updated_at=NOW))
        await s.flush()
        inside = await snapshot_of(db, salon, session=s)
        assert "Peinado" in {service.name for service in inside.services.values()}
    assert "Peinado" in {service.name for service in (await snapshot_of(db, salon)).services.values()}


async def test_a_deleted_service_leaves_the_next_snapshot(db):
    salon = await make_salon(db, NOW)
    assert salon.tinte.id in (await snapshot_of(db, salon)).services
    async with db.transaction(write=True) as s:
        (await s.get(ServiceType, salon.tinte.id)).is_active = False
    assert salon.tinte.id not in (await snapshot_of(db, salon)).services


async def test_the_turn_profile_follows_catalog_and_location_changes(db):
    from messaging.conversation.profile import load_profile
    from storage import Location

    salon = await make_salon(db, NOW)
    profile = await load_profile(db, salon.org.id)
    assert profile.service(salon.corte.id).price_cents == 15000 and profile.hours[0][0][0] == time(9)
    async with db.transaction(write=True) as s:
        (await s.get(ServiceType, salon.corte.id)).price_cents = 18000
    assert (await load_profile(db, salon.org.id)).service(salon.corte.id).price_cents == 18000
    async with db.transaction(write=True) as s:
        (await s.get(Location, salon.location.id)).business_hours = {"0": [["10:00", "18:00"]]}
        (await s.get(Organization, salon.org.id)).name = "Estética Lupita Centro"
    fresh = await load_profile(db, salon.org.id)
    assert fresh.hours == {0: ((time(10), time(18)),)} and fresh.name == "Estética Lupita Centro"
