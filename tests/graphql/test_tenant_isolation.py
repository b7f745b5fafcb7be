"""No query or mutation reaches another organization's rows — checked over every root field.

The operations are generated from the schema itself (tests/graphql/operations.py): each
field is called by the owner of salon A with the ids of salon B's rows. The answer must
never mention a row of B, and B's rows must be exactly as they were.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from schema.schema import build_schema
from storage import Base, Organization
from storage.models.catalog import spot_services
from storage.models.staff import staff_services
from tests.graphql.helpers import full_salon, gql, mentions_any, staff_token
from tests.graphql.operations import every_operation

SCHEMA = build_schema()._schema


def _ids_of(full):
    table = {
        "customer": full.salon.lupe.id, "conversation": full.conversation.id, "appointment": full.appointment.id,
        "block": full.block.id, "service": full.salon.corte.id, "spot": full.salon.silla1.id,
        "staff": full.salon.beto.id, "location": full.salon.location.id, "organization": full.org_id,
        "plan": full.plan.id,
    }
    return lambda kind: str(table[kind])


async def snapshot(db, organization_id) -> list:
    """Every row of the organization, as plain tuples, in a stable order."""
    rows: list = []
    async with db.session() as session:
        for table in Base.metadata.sorted_tables:
            if table is Organization.__table__:
                query = select(table).where(table.c.id == organization_id)
            elif "organization_id" in table.c:
                query = select(table).where(table.c.organization_id == organization_id)
            else:
                continue
            rows.append((table.name, sorted(map(repr, (await session.execute(query)).all()))))
        for link in (staff_services, spot_services):
            rows.append((link.name, sorted(map(repr, (await session.execute(select(link))).all()))))
    return rows


@pytest.fixture
async def salons(db, clock):
    a = await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")
    b = await full_salon(db, clock(), name="Barbería Enfrente", phone_prefix="+52559876")
    return a, b


OPERATIONS = every_operation(SCHEMA, lambda kind: "00000000-0000-0000-0000-000000000000")


def test_the_attack_covers_every_root_field():
    fields = {f"{o.kind}.{o.field}" for o in OPERATIONS}
    expected = {f"query.{f}" for f in SCHEMA.query_type.fields} | {f"mutation.{f}" for f in SCHEMA.mutation_type.fields}
    assert fields == expected and len(fields) > 40


async def test_no_operation_reaches_another_organizations_rows(client, salons, clock):
    a, b = salons
    token = staff_token(a.salon, a.salon.ana, clock())
    before = await snapshot(client.app.state.services.db, b.org_id)
    leaks = {}
    for operation in every_operation(SCHEMA, _ids_of(b)):
        body = await gql(client, operation.document, operation.variables, token=token)
        assert "errors" not in body or all("extensions" in e or "Variable" not in e["message"] for e in body["errors"]), \
            (operation.field, body)
        if leaked := mentions_any(body, b.ids | {b.salon.org.name}):
            leaks[operation.field] = leaked
    assert leaks == {}
    assert await snapshot(client.app.state.services.db, b.org_id) == before


async def test_the_same_calls_do_see_the_callers_own_rows(client, salons, clock):
    """Guards the attack itself: with A's own ids, reads do return A's rows."""
    a, _ = salons
    token = staff_token(a.salon, a.salon.ana, clock())
    seen = set()
    for operation in every_operation(SCHEMA, _ids_of(a)):
        if operation.kind != "query":
            continue
        body = await gql(client, operation.document, operation.variables, token=token)
        if mentions_any(body, a.ids):
            seen.add(operation.field)
    assert {"customer", "customers", "conversation", "conversations", "services", "staff", "spots",
            "locations", "organization", "me"} <= seen
