"""Available slots: the solver's ranked listing over the database snapshot."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from resolvers.context import Context
from resolvers.errors import Problem
from resolvers.scheduling.types import SlotOption, SlotPreferences


async def available_slots(
    ctx: Context,
    service_ids: Sequence[uuid.UUID],
    start: datetime,
    end: datetime,
    *,
    staff_id: uuid.UUID | None = None,
    spot_id: uuid.UUID | None = None,
    preferences: SlotPreferences | None = None,
    limit: int = 20,
    group_size: int = 1,
    location_id: uuid.UUID | None = None,
) -> list[SlotOption] | Problem:
    raise NotImplementedError
