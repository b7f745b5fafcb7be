"""Time off the calendar and the hours themselves: blocks, weekly hours, business hours."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from resolvers.context import Context
from resolvers.errors import Problem
from resolvers.scheduling.types import BlockedTime, WeeklyRange
from storage import Availability, Location


async def block_time(
    ctx: Context,
    start: datetime,
    end: datetime,
    *,
    staff_id: uuid.UUID | None = None,
    reason: str | None = None,
    location_id: uuid.UUID | None = None,
) -> BlockedTime | Problem:
    raise NotImplementedError


async def remove_block(ctx: Context, block_id: uuid.UUID) -> Availability | Problem:
    raise NotImplementedError


async def list_blocks(
    ctx: Context, start: datetime, end: datetime, *, staff_id: uuid.UUID | None = None
) -> list[Availability] | Problem:
    raise NotImplementedError


async def set_recurring_availability(
    ctx: Context, staff_id: uuid.UUID, hours: Sequence[WeeklyRange]
) -> list[Availability] | Problem:
    raise NotImplementedError


async def set_business_hours(
    ctx: Context,
    hours: Sequence[WeeklyRange],
    *,
    closed_days: Sequence[date] | None = None,
    location_id: uuid.UUID | None = None,
) -> Location | Problem:
    raise NotImplementedError
