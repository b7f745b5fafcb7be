"""PostgreSQL proves no staff member or spot is held twice at once (EXCLUDE USING gist)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import DBAPIError

from storage import Occupancy, is_exclusion_violation
from tests.storage.factories import appointment, salon

NOON = datetime(2026, 1, 16, 18, 0, tzinfo=timezone.utc)
pytestmark = pytest.mark.postgres_only


def _hold(session, rows, start, minutes=45, *, staff=True, spot=True):
    org, location, service, member, chair, customer = rows
    appt = appointment(*rows, start, minutes)
    session.add(appt)
    if staff:
        session.add(Occupancy(organization_id=org.id, appointment_id=appt.id, staff_id=member.id,
                              starts_at=appt.starts_at, ends_at=appt.ends_at))
    if spot:
        session.add(Occupancy(organization_id=org.id, appointment_id=appt.id, spot_id=chair.id,
                              starts_at=appt.starts_at, ends_at=appt.ends_at))
    return appt


async def _salon(db):
    async with db.transaction(write=True) as session:
        return await salon(session, now=NOON)


async def test_two_overlapping_occupancies_of_one_staff_member_are_rejected(db):
    rows = await _salon(db)
    async with db.transaction(write=True) as session:
        _hold(session, rows, NOON, spot=False)
    with pytest.raises(DBAPIError) as caught:
        async with db.transaction(write=True) as session:
            _hold(session, rows, NOON + timedelta(minutes=30), spot=False)
    assert is_exclusion_violation(caught.value)


async def test_two_overlapping_occupancies_of_one_spot_are_rejected(db):
    rows = await _salon(db)
    async with db.transaction(write=True) as session:
        _hold(session, rows, NOON, staff=False)
    with pytest.raises(DBAPIError) as caught:
        async with db.transaction(write=True) as session:
            _hold(session, rows, NOON - timedelta(minutes=15), staff=False)
    assert is_exclusion_violation(caught.value)


async def test_back_to_back_appointments_are_allowed(db):
    rows = await _salon(db)
    async with db.transaction(write=True) as session:
        _hold(session, rows, NOON)
        _hold(session, rows, NOON + timedelta(minutes=45))
        _hold(session, rows, NOON - timedelta(minutes=45))


async def test_different_resources_may_overlap(db):
    first = await _salon(db)
    second = await _salon(db)
    async with db.transaction(write=True) as session:
        _hold(session, first, NOON)
        _hold(session, second, NOON)  # another organization's staff and spot


async def test_concurrent_writers_cannot_both_take_one_slot(db):
    """Many connections race for one staff member's noon: exactly one wins."""
    import asyncio

    rows = await _salon(db)

    async def attempt() -> bool:
        try:
            async with db.transaction(write=True) as session:
                _hold(session, rows, NOON, spot=False)
            return True
        except DBAPIError as exc:
            assert is_exclusion_violation(exc)
            return False

    results = await asyncio.gather(*(attempt() for _ in range(12)))
    assert results.count(True) == 1
