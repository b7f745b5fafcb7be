"""The free plan's monthly booking allowance, counted in the organization's calendar month."""

from __future__ import annotations

from resolvers.context import Context
from resolvers.errors import Problem
from resolvers.scheduling.types import PlanUsage


async def usage(ctx: Context) -> PlanUsage | Problem:
    raise NotImplementedError
