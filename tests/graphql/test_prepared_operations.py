"""The AI tools' operations, parsed and validated once per process, answer what ``execute_as`` answers.

``execute_prepared`` skips Strawberry's per-request road (extension instances and their hooks)
but keeps what those extensions do for an in-process caller: the same validation rules, the
price check, resolver failures logged and masked. Permissions are the resolvers': the same.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from messaging.conversation.tools.documents import DOCUMENTS, prepared
from schema.schema import GENERIC_ERROR, build_schema, execute_as, execute_prepared, prepare_operation
from tests.graphql.helpers import full_salon
from tests.resolvers.factories import as_customer, as_staff, context

MINE = DOCUMENTS["MyAppointments"]


async def _both(schema, ctx, query: str, name: str, variables: dict):
    ours = await execute_prepared(prepare_operation(schema, query, name), ctx, variables)
    theirs = await execute_as(schema, ctx, query, variables, operation_name=name)
    return ours, theirs


async def test_a_customers_appointments_read_the_same_as_through_strawberrys_execute(db, clock):
    full = await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")
    schema = build_schema(introspection=False)
    variables = {"from": clock().isoformat(), "status": ["PENDING", "CONFIRMED"]}
    lupe = context(db, clock, as_customer(full.salon, full.salon.lupe))
    ours, theirs = await _both(schema, lupe, MINE, "MyAppointments", variables)
    assert ours.errors is None and ours.data == theirs.data
    assert [a["id"] for a in ours.data["appointments"]["nodes"]] == [str(full.appointment.id)]
    # another customer of the salon sees none of Lupe's: the resolvers decide, on both roads
    outsider = context(db, clock, as_customer(full.salon, full.salon.outsider))
    ours, theirs = await _both(schema, outsider, MINE, "MyAppointments", variables)
    assert ours.data == theirs.data == {"appointments": {"nodes": []}}


async def test_a_refused_permission_is_the_same_problem(db, clock):
    full = await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")
    schema = build_schema(introspection=False)
    vero = context(db, clock, as_staff(full.salon, full.salon.vero))
    query, name = DOCUMENTS["RemoveBlock"], "RemoveBlock"
    ours, theirs = await _both(schema, vero, query, name, {"id": str(full.block.id)})
    assert ours.errors is None and ours.data == theirs.data


async def test_a_page_too_large_is_refused_before_anything_runs_and_remembered_per_size(db, clock):
    full = await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")
    schema = build_schema(introspection=False)
    ctx = context(db, clock, as_staff(full.salon, full.salon.ana))
    start = clock() + timedelta(days=1)
    variables = {"serviceIds": [str(full.salon.corte.id)], "from": start.isoformat(),
                 "to": (start + timedelta(days=1)).isoformat(), "limit": 10_000}
    ours, theirs = await _both(schema, ctx, DOCUMENTS["AvailableSlots"], "AvailableSlots", variables)
    assert ours.data is None and [(e.message, e.extensions) for e in ours.errors] == \
        [(e.message, e.extensions) for e in theirs.errors]
    assert ours.errors[0].extensions == {"code": "PAGE_TOO_LARGE"}
    operation = prepare_operation(schema, DOCUMENTS["AvailableSlots"], "AvailableSlots")
    assert operation.page_variables == ("limit",)
    assert (await execute_prepared(operation, ctx, {**variables, "limit": 5})).errors is None
    assert (await execute_prepared(operation, ctx, variables)).errors[0].extensions == {"code": "PAGE_TOO_LARGE"}
    assert set(operation.prices) == {(5,), (10_000,)}


async def test_a_resolver_failure_is_logged_and_masked_as_on_every_road(db, clock, monkeypatch, caplog):
    full = await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")
    schema = build_schema(introspection=False)
    lupe = context(db, clock, as_customer(full.salon, full.salon.lupe))

    async def broken(*args, **kwargs):
        raise RuntimeError("secreto del servidor")

    monkeypatch.setattr("resolvers.scheduling.list_appointments", broken)
    variables = {"from": clock().isoformat(), "status": ["PENDING"]}
    with caplog.at_level(logging.ERROR, logger="parlo.graphql"):
        ours, theirs = await _both(schema, lupe, MINE, "MyAppointments", variables)
    assert [e.message for e in ours.errors] == [e.message for e in theirs.errors] == [GENERIC_ERROR]
    assert ours.errors[0].path == ["appointments"]
    assert [r.getMessage() for r in caplog.records].count("GraphQL resolver failed at ['appointments']") == 2


async def test_a_variable_of_the_wrong_kind_is_told_not_masked(db, clock):
    full = await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")
    schema = build_schema(introspection=False)
    lupe = context(db, clock, as_customer(full.salon, full.salon.lupe))
    ours, theirs = await _both(schema, lupe, MINE, "MyAppointments", {"from": "mañana", "status": None})
    assert ours.data is None and [e.message for e in ours.errors] == [e.message for e in theirs.errors]
    assert GENERIC_ERROR not in ours.errors[0].message


def test_every_tool_operation_passes_the_schemas_validation_once():
    for name in DOCUMENTS:
        assert prepared(name).operation.name.value == name


def test_a_document_the_http_road_refuses_is_refused_when_prepared():
    schema = build_schema(introspection=False)
    inner = "name"
    for _ in range(10):
        inner = f"appointments {{ customer {{ {inner} }} }}"
    too_deep = f"query Deep {{ customers {{ nodes {{ {inner} }} }} }}"
    with pytest.raises(ValueError):
        prepare_operation(schema, too_deep, "Deep")
    with pytest.raises(ValueError, match="introspection|__schema"):
        prepare_operation(schema, "query Look { __schema { types { name } } }", "Look")
    prepare_operation(build_schema(introspection=True), "query Look { __schema { types { name } } }", "Look")


async def test_the_tools_run_no_strawberry_extension_per_call(db, clock, monkeypatch):
    """The cost this road removes: Strawberry makes seven extension instances per operation."""
    from messaging.conversation.tools import ToolContext, _schema, run_operation

    full = await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")
    lupe = context(db, clock, as_customer(full.salon, full.salon.lupe))

    def no_extensions(*args, **kwargs):
        raise AssertionError("Strawberry's per-request extensions ran")

    monkeypatch.setattr(type(_schema()), "get_extensions", no_extensions)
    found = await run_operation(ToolContext(lupe, None), "MyAppointments",
                                {"from": clock().isoformat(), "status": ["CONFIRMED"]})
    assert [a["id"] for a in found["nodes"]] == [str(full.appointment.id)]
