"""The short road for plain leaf fields answers exactly what Strawberry's own execution answers."""

from __future__ import annotations

from datetime import timedelta

import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.execution import ParloExecution, plain_leaves
from schema.schema import ParloSchema, build_schema, execute_as
from tests.graphql.helpers import full_salon
from tests.resolvers.factories import as_staff, context

AGENDA = """query($d: Date!) { schedule(date: $d) { __typename ... on DaySchedule { date timezone closed
  businessHours { startsAt localStart localEnd }
  staff { staff { id name role permissionLevel isActive }
    workingHours { localStart localEnd }
    entries { kind startsAt endsAt localStart localEnd reason
      appointment { id status source priceCents notes cancelledAt bookingGroupId staffRequested createdAt
        customer { name phone email } service { name durationMinutes priceCents currency } spot { name } }
      block { id reason wholeLocation } }
    freeGaps { localStart localEnd } } } } }"""


def test_the_agendas_plain_fields_take_the_short_road():
    """If Strawberry stops marking its default resolvers this fails, before the agenda slows down."""
    leaves = plain_leaves(build_schema()._schema)
    assert {"id", "status", "startsAt", "priceCents", "notes"} <= set(leaves["Appointment"])
    assert {"kind", "localStart", "localEnd", "reason"} <= set(leaves["AgendaEntry"])
    assert "customer" not in leaves["Appointment"]  # a resolver: the regular road
    assert "phoneDisplay" not in leaves.get("Customer", {})


async def test_a_day_agenda_reads_the_same_with_and_without_the_short_road(db, clock):
    full = await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")
    ctx = context(db, clock, as_staff(full.salon, full.salon.ana))
    day = (full.appointment.starts_at - timedelta(hours=6)).date().isoformat()
    fast, stock = build_schema(), build_schema()
    stock.execution_context_class = StrawberryGraphQLCoreExecutionContext
    assert fast.execution_context_class is ParloExecution

    ours = await execute_as(fast, ctx, AGENDA, {"d": day})
    theirs = await execute_as(stock, ctx, AGENDA, {"d": day})
    assert ours.errors is None and theirs.errors is None
    assert ours.data == theirs.data
    entries = [e for s in ours.data["schedule"]["staff"] for e in s["entries"]]
    assert {e["kind"] for e in entries} >= {"APPOINTMENT", "BLOCK", "FREE"}


@strawberry.type
class Thing:
    name: str
    count: int
    nickname: str | None


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> list[Thing | None]:
        return [Thing(name="Ana", count=3, nickname=None), Thing(name=None, count=1, nickname="x"),  # type: ignore[arg-type]
                Thing(name="Beto", count="muchos", nickname=None)]  # type: ignore[arg-type]


async def test_nulls_and_values_a_scalar_refuses_fail_as_they_do_on_the_regular_road():
    query = "{ things { name count nickname } }"
    ours = await ParloSchema(query=Query, execution_context_class=ParloExecution).execute(query)
    theirs = await strawberry.Schema(query=Query).execute(query)
    assert ours.data == theirs.data == {"things": [{"name": "Ana", "count": 3, "nickname": None}, None, None]}
    assert [(e.message, e.path) for e in ours.errors] == [(e.message, e.path) for e in theirs.errors]
    assert [e.path for e in ours.errors] == [["things", 1, "name"], ["things", 2, "count"]]
