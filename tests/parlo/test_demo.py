from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from parlo.demo import load_demo
from storage import Appointment, Customer, Occupancy, Organization, ServiceType, Spot, Staff


async def _counts(db) -> dict[str, int]:
    async with db.session() as session:
        return {
            model.__name__: await session.scalar(select(func.count()).select_from(model))
            for model in (Organization, Staff, Spot, ServiceType, Customer, Appointment, Occupancy)
        }


async def test_demo_salon_is_complete(db, clock):
    org, created = await load_demo(db, clock())
    assert created and org.name == "Barbería Don Carlos" and org.timezone == "America/Mexico_City"
    counts = await _counts(db)
    assert counts["Staff"] == 3 and counts["Spot"] == 4 and counts["ServiceType"] == 5
    assert counts["Customer"] >= 10
    assert counts["Appointment"] >= 40  # a realistic week
    async with db.session() as session:
        prices = (await session.scalars(select(ServiceType.price_cents))).all()
    assert all(10000 <= p <= 50000 for p in prices)  # real MXN prices, $100–$500


async def test_demo_is_idempotent(db, clock):
    await load_demo(db, clock())
    before = await _counts(db)
    org, created = await load_demo(db, clock())
    assert not created
    assert await _counts(db) == before


async def test_demo_never_double_books_a_staff_member_or_a_spot(db, clock):
    await load_demo(db, clock())
    async with db.session() as session:
        rows = (await session.execute(select(Occupancy))).scalars().all()
    held = defaultdict(list)
    for row in rows:
        held[row.staff_id or row.spot_id].append((row.starts_at, row.ends_at))
    for intervals in held.values():
        intervals.sort()
        for (_, end), (start, _) in zip(intervals, intervals[1:]):
            assert end <= start
