"""The short roads (plain leaf fields, thin resolvers) answer exactly what Strawberry's own execution answers."""

from __future__ import annotations

import json
from datetime import timedelta

import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.execution import ParloExecution, plain_leaves, thin_resolvers
from schema.schema import ParloSchema, build_schema, execute_as
from tests.graphql.helpers import full_salon
from tests.resolvers.factories import as_staff, context

AGENDA = """query($d: Date!) { schedule(date: $d) { __typename ... on DaySchedule { date timezone closed
  businessHours { startsAt localStart localEnd }
  staff { staff { id name role permissionLevel isActive phone phoneDisplay }
    workingHours { localStart localEnd }
    entries { kind startsAt endsAt localStart localEnd reason
      appointment { id status source priceCents notes cancelledAt bookingGroupId staffRequested createdAt
        customer { name phone phoneDisplay email } service { name durationMinutes priceCents currency } spot { name } }
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
    fast, stock = build_schema(), build_schema(short_roads=False)
    assert fast.execution_context_class is ParloExecution
    assert stock.execution_context_class is StrawberryGraphQLCoreExecutionContext
    assert _resolve_name(fast, "Appointment", "customer") == "_thin_resolver"
    assert _resolve_name(stock, "Appointment", "customer") == "_resolver"

    ours = await execute_as(fast, ctx, AGENDA, {"d": day})
    theirs = await execute_as(stock, ctx, AGENDA, {"d": day})
    assert ours.errors is None and theirs.errors is None
    assert ours.data == theirs.data
    entries = [e for s in ours.data["schedule"]["staff"] for e in s["entries"]]
    assert {e["kind"] for e in entries} >= {"APPOINTMENT", "BLOCK", "FREE"}


def test_the_agendas_resolver_fields_are_called_directly():
    """The ~190 customer/service/spot reads of a full day skip Strawberry's argument chain."""
    schema = build_schema()
    for type_name, field_name in [("Appointment", "customer"), ("Appointment", "service"), ("Appointment", "spot"),
                                  ("Customer", "phoneDisplay"), ("StaffAgenda", "freeGaps")]:
        assert _resolve_name(schema, type_name, field_name) == "_thin_resolver", (type_name, field_name)
    # Fields with arguments keep Strawberry's road: it converts them.
    assert _resolve_name(schema, "Query", "schedule") != "_thin_resolver"


def _resolve_name(schema: strawberry.Schema, type_name: str, field_name: str) -> str:
    return schema._schema.type_map[type_name].fields[field_name].resolve.__name__


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


class OnlyAna(strawberry.BasePermission):
    message = "solo Ana"

    def has_permission(self, source, info, **kwargs) -> bool:
        return info.context["who"] == "Ana"


@strawberry.type
class Person:
    name: str

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()

    @strawberry.field
    def seen_by(self, info: strawberry.Info) -> str:
        return f"{info.context['who']} ve {info.path.key} de {info.python_name}"

    @strawberry.field
    def greet(self, word: str = "hola") -> str:
        return f"{word} {self.name}"

    @strawberry.field(permission_classes=[OnlyAna])
    def secret(self) -> str | None:
        return "pst"

    @strawberry.field
    async def later(self) -> str:
        return self.name

    @strawberry.field
    def broken(self) -> int | None:
        raise ValueError(f"sin datos de {self.name}")


@strawberry.type
class PeopleQuery:
    @strawberry.field
    def people(self) -> list[Person]:
        return [Person(name="Ana"), Person(name="Beto")]


def test_only_plain_methods_are_thinned():
    schema = strawberry.Schema(query=PeopleQuery)
    assert sorted(thin_resolvers(schema)) == ["PeopleQuery.people", "Person.broken", "Person.seenBy", "Person.shout"]


async def test_thinned_resolvers_answer_and_fail_as_strawberrys_own():
    query = "{ people { name shout seenBy greet(word: \"qué tal\") secret later broken } }"
    thinned = strawberry.Schema(query=PeopleQuery)
    thin_resolvers(thinned)
    ours = await thinned.execute(query, context_value={"who": "Beto"})
    theirs = await strawberry.Schema(query=PeopleQuery).execute(query, context_value={"who": "Beto"})
    assert ours.data == theirs.data
    assert sorted((e.message, tuple(e.path)) for e in ours.errors) == \
        sorted((e.message, tuple(e.path)) for e in theirs.errors)
    assert ("sin datos de Ana", ("people", 0, "broken")) in [(e.message, tuple(e.path)) for e in ours.errors]

    query = "{ people { shout seenBy secret } }"
    ours = await thinned.execute(query, context_value={"who": "Ana"})
    assert ours.errors is None
    assert ours.data["people"][1] == {"shout": "BETO", "seenBy": "Ana ve seenBy de seen_by", "secret": "pst"}


async def test_leaves_answered_in_place_keep_the_querys_field_order_around_async_siblings():
    query = "{ people { later name shout alias: name broken seenBy name2: name } }"
    ours = await ParloSchema(query=PeopleQuery, execution_context_class=ParloExecution).execute(
        query, context_value={"who": "Ana"})
    theirs = await strawberry.Schema(query=PeopleQuery).execute(query, context_value={"who": "Ana"})
    assert json.dumps(ours.data) == json.dumps(theirs.data)  # same keys in the same order
    assert list(ours.data["people"][0]) == ["later", "name", "shout", "alias", "broken", "seenBy", "name2"]
    assert [(e.message, e.path) for e in ours.errors] == [(e.message, e.path) for e in theirs.errors]


def test_the_enum_lookup_answers_what_strawberrys_enum_output_answers_for_every_member():
    schema = build_schema()._schema
    checked = 0
    for type_name, fields in plain_leaves(schema).items():
        for field_name, leaf in fields.items():
            graphql_type = schema.type_map[type_name].fields[field_name].type
            enum = getattr(graphql_type, "of_type", graphql_type)
            if not hasattr(enum, "wrapped_cls"):
                continue
            for member in enum.wrapped_cls:
                assert leaf.coerce(member) == enum.coerce_output_value(member), (type_name, field_name, member)
                checked += 1
            assert leaf.coerce(next(iter(enum.wrapped_cls)).value) == enum.coerce_output_value(
                next(iter(enum.wrapped_cls)).value)  # a raw value goes the type's own way
    assert checked > 20  # statuses, kinds, sources, levels...
