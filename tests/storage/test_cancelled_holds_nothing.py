"""PostgreSQL proves it: a cancelled appointment never holds occupancy (the issue's "ghost").

The use cases lock the appointment before changing it (resolvers/scheduling/access.py);
these tests go around them with plain SQL, as a bug or a new code path would, and the
database still refuses, at commit, even when two transactions race.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from resolvers.scheduling import BookedAppointments, BookingRequest, book_appointment
from tests.resolvers.factories import as_staff, context, make_salon

pytestmark = pytest.mark.postgres_only

CDMX = ZoneInfo("America/Mexico_City")
CANCEL = text("UPDATE appointments SET status = 'cancelled' WHERE id = :a")
FREE = text("DELETE FROM occupancy WHERE appointment_id = :a")
#: The move's half: the same resources a day later, new rows.
HOLD_A_DAY_LATER = text("""
    INSERT INTO occupancy (id, organization_id, appointment_id, staff_id, spot_id, starts_at, ends_at)
    SELECT gen_random_uuid(), organization_id, appointment_id, staff_id, spot_id,
           starts_at + interval '1 day', ends_at + interval '1 day'
    FROM occupancy WHERE appointment_id = :a""")
GHOSTS = text("""SELECT count(*) FROM occupancy o JOIN appointments a
                 ON a.id = o.appointment_id AND a.organization_id = o.organization_id WHERE a.status = 'cancelled'""")


@pytest.fixture
async def booked(db, clock):
    async with db.engine.connect() as conn:
        if (await conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'citus'"))).scalar():
            pytest.skip("on Citus the trigger is not installed (see the migration sessions_and_sign_in_limits)")
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.ana))
    result = await book_appointment(ctx, BookingRequest((salon.corte.id,), datetime(2026, 1, 19, 11, tzinfo=CDMX),
                                                        "+525598765432", staff_id=salon.beto.id, notify_customer=False))
    assert isinstance(result, BookedAppointments), result
    return result.appointments[0].id


def _is_check_violation(exc: DBAPIError) -> bool:
    return "cancelled" in str(exc.orig) and getattr(exc.orig, "sqlstate", None) in (None, "23514")


async def test_cancelling_an_appointment_that_still_holds_time_fails_at_commit(db, booked):
    with pytest.raises(DBAPIError) as refused:
        async with db.engine.begin() as conn:
            await conn.execute(CANCEL, {"a": booked})
    assert _is_check_violation(refused.value)


async def test_occupancy_for_a_cancelled_appointment_fails_at_commit(db, booked):
    async with db.engine.begin() as conn:
        await conn.execute(FREE, {"a": booked})
        await conn.execute(CANCEL, {"a": booked})  # a proper cancel: freed, then cancelled
    async with db.engine.begin() as conn:
        await conn.execute(text("UPDATE appointments SET status = 'confirmed' WHERE id = :a"), {"a": booked})
        await conn.execute(HOLD_A_DAY_LATER, {"a": booked})  # (nothing to copy: it holds nothing now)
    with pytest.raises(DBAPIError) as refused:
        async with db.engine.begin() as conn:
            await conn.execute(text("""INSERT INTO occupancy (id, organization_id, appointment_id, staff_id,
                starts_at, ends_at) SELECT gen_random_uuid(), organization_id, id, staff_id, starts_at, ends_at
                FROM appointments WHERE id = :a"""), {"a": booked})
            await conn.execute(CANCEL, {"a": booked})
    assert _is_check_violation(refused.value)


async def test_the_order_inside_one_transaction_does_not_matter(db, booked):
    async with db.engine.begin() as conn:
        await conn.execute(CANCEL, {"a": booked})  # status first, rows after: checked at commit
        await conn.execute(FREE, {"a": booked})
    async with db.engine.connect() as conn:
        assert (await conn.execute(GHOSTS)).scalar() == 0


async def test_an_unlocked_cancel_and_move_racing_cannot_both_commit(db, booked):
    """The issue's race without the application's row lock: one of the two loses at commit."""
    cancel, move = await db.engine.connect(), await db.engine.connect()
    try:
        await cancel.begin()
        await move.begin()
        await cancel.execute(FREE, {"a": booked})
        await cancel.execute(CANCEL, {"a": booked})
        await move.execute(HOLD_A_DAY_LATER, {"a": booked})  # still sees the old rows: copies them
        moved = asyncio.create_task(move.commit())  # waits on the cancel's lock of the appointment
        await asyncio.sleep(0.2)
        await cancel.commit()
        with pytest.raises(DBAPIError) as refused:
            await moved
        assert _is_check_violation(refused.value)
    finally:
        await move.close()
        await cancel.close()
    async with db.engine.connect() as conn:
        assert (await conn.execute(GHOSTS)).scalar() == 0
