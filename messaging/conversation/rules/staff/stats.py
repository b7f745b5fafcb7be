"""Numbers for owners: how the month is going."""

from __future__ import annotations

from messaging.spanish.intents import Understanding
from wording import (
    format_price,
)

from ..base import TurnState
from .common import denied


async def stats(t: TurnState, u: Understanding) -> None:
    result = await t.call("get_stats")
    if denied(t, result):
        return
    d = result.data
    def n(count: int, one: str, many: str) -> str:
        return f"{count} {one if count == 1 else many}"

    t.say(f"Este mes llevas {n(d['appointments'], 'cita', 'citas')}: {n(d['completed'], 'completada', 'completadas')} "
          f"({format_price(d['revenue_cents'])}), {n(d['no_shows'], 'no-show', 'no-shows')} y "
          f"{n(d['cancelled'], 'cancelada', 'canceladas')}. Clientes nuevos: {d['new_customers']}.")
