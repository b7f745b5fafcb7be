"""Putting an outage on the calendar when its plan is applied: facts, written once.

A stylist out gets a block over the days, shorter hours get location-wide blocks, a chair
out gets a ``spot_out`` row (enforced by the slot search and the optimiser like any block
on that chair). Suggesting a plan writes
none of this; applying writes it in the same transaction as the moves, and the plan keeps
the ids it wrote, so applying "1, 3" and later "2" does not write it twice. A row already
on the calendar for exactly the same resource and range (the owner blocked the day by hand,
or applied an earlier plan for the same outage) is reused instead of duplicated.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import solver
from resolvers.rebooking.disruptions import TimeTaken
from storage import Availability, AvailabilityKind
from storage.ids import new_id


async def _spot_out(session: AsyncSession, org_id: uuid.UUID, now: datetime, *, spot_id: uuid.UUID,
                    location_id: uuid.UUID, block: solver.Block) -> uuid.UUID:
    found = (await session.scalars(select(Availability.id).where(
        Availability.organization_id == org_id, Availability.kind == AvailabilityKind.SPOT_OUT,
        Availability.spot_id == spot_id, Availability.starts_at == block.start, Availability.ends_at == block.end,
    ).limit(1))).first()
    if found is not None:
        return found
    row = Availability(id=new_id(), organization_id=org_id, staff_id=None, location_id=location_id,
                       spot_id=spot_id, kind=AvailabilityKind.SPOT_OUT, starts_at=block.start, ends_at=block.end,
                       reason=block.reason, is_available=False, created_at=now, updated_at=now)
    session.add(row)
    return row.id


async def _existing(session: AsyncSession, org_id: uuid.UUID, *, staff_id: uuid.UUID | None,
                    location_id: uuid.UUID | None, block: solver.Block) -> uuid.UUID | None:
    query = select(Availability.id).where(
        Availability.organization_id == org_id, Availability.kind == AvailabilityKind.BLOCK,
        Availability.starts_at == block.start, Availability.ends_at == block.end,
        Availability.staff_id == staff_id if staff_id is not None else Availability.staff_id.is_(None))
    if staff_id is None:
        query = query.where(Availability.location_id == location_id)
    return (await session.scalars(query.limit(1))).first()


async def _block(session: AsyncSession, org_id: uuid.UUID, now: datetime, *, staff_id: uuid.UUID | None,
                 location_id: uuid.UUID | None, block: solver.Block) -> uuid.UUID:
    found = await _existing(session, org_id, staff_id=staff_id, location_id=location_id, block=block)
    if found is not None:
        return found
    row = Availability(id=new_id(), organization_id=org_id, staff_id=staff_id,
                       location_id=None if staff_id is not None else location_id, kind=AvailabilityKind.BLOCK,
                       starts_at=block.start, ends_at=block.end, reason=block.reason, is_available=False,
                       created_at=now, updated_at=now)
    session.add(row)
    return row.id


async def write_outage(session: AsyncSession, org_id: uuid.UUID, location_id: uuid.UUID, taken: TimeTaken,
                       now: datetime) -> list[uuid.UUID]:
    """The calendar rows for ``taken`` (written, or found already there), in one go."""
    ids = []
    for staff_id, blocks in taken.staff_blocks.items():
        for block in blocks:
            ids.append(await _block(session, org_id, now, staff_id=uuid.UUID(staff_id), location_id=None, block=block))
    for block in taken.location_blocks:
        ids.append(await _block(session, org_id, now, staff_id=None, location_id=location_id, block=block))
    for spot_id, blocks in taken.spot_blocks.items():
        for block in blocks:
            ids.append(await _spot_out(session, org_id, now, spot_id=uuid.UUID(spot_id), location_id=location_id,
                                       block=block))
    await session.flush()
    return ids
