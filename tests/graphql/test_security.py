"""The endpoint's armour: limits, masked bugs, token handling, introspection per environment."""

from __future__ import annotations

import json

import httpx
import pytest

from parlo.app import create_app
from resolvers.auth import issue_staff_token
from schema.schema import CACHE_SIZE, GENERIC_ERROR, MAX_ALIASES, MAX_DEPTH
from tests.graphql.helpers import SECRET, admin_token, full_salon, gql, staff_token


@pytest.fixture
async def salon(db, clock):
    return await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")


async def test_a_query_nested_too_deep_is_refused_in_spanish(client, salon, clock):
    inner = "id"
    for _ in range(MAX_DEPTH):
        inner = f"appointments {{ customer {{ {inner} }} }}"
    deep = f"{{ customers {{ nodes {{ {inner} }} }} }}"
    for _ in range(2):  # the second time from the validation cache: the same Spanish answer
        body = await gql(client, deep, token=staff_token(salon.salon, salon.salon.ana, clock()))
        assert body["errors"][0]["message"] == \
            f"La consulta «anonymous» tiene demasiados niveles: el máximo es {MAX_DEPTH}."
        assert body["errors"][0]["extensions"] == {"code": "QUERY_TOO_DEEP"}


async def test_too_many_aliases_are_refused_in_spanish(client):
    query = "{ " + " ".join(f"a{i}: me {{ __typename }}" for i in range(MAX_ALIASES + 1)) + " }"
    body = await gql(client, query)
    assert body["errors"][0]["message"] == f"La consulta usa {MAX_ALIASES + 1} alias; el máximo es {MAX_ALIASES}."


async def test_a_huge_document_is_refused_before_parsing_in_spanish(client):
    query = "{ " + " ".join("me { __typename }" for _ in range(2000)) + " }"
    body = await gql(client, query)
    assert body["errors"][0]["message"].startswith("La consulta es demasiado larga")


async def test_a_bug_reaches_the_client_as_a_spanish_generic_message_without_a_trace(client, salon, clock, monkeypatch):
    import resolvers.catalog

    async def broken(ctx, **kwargs):
        raise RuntimeError("secret internals at /work/main/resolvers/catalog.py line 42")

    monkeypatch.setattr(resolvers.catalog, "list_services", broken)
    body = await gql(client, "{ services { id } }", token=staff_token(salon.salon, salon.salon.ana, clock()))
    assert body["errors"][0]["message"] == GENERIC_ERROR
    assert "secret" not in str(body) and "Traceback" not in str(body)


async def test_an_expected_failure_of_a_list_query_keeps_its_spanish_message_and_code(client, salon, clock):
    viewer = staff_token(salon.salon, salon.salon.ana, clock())
    body = await gql(client, "{ rebookingPlan(id: \"00000000-0000-0000-0000-000000000000\") { __typename } "
                             "blocks(from: \"2026-01-16T00:00:00Z\", to: \"2026-01-15T00:00:00Z\") { id } }",
                     token=viewer)
    [error] = body["errors"]
    assert error["message"] == "El final tiene que ser después del inicio."
    assert error["extensions"]["code"] == "ValidationError"


async def test_a_forged_or_expired_token_gets_401(client, salon, clock):
    await gql(client, "{ me { __typename } }", token="not-a-token", expect_status=401)
    old = staff_token(salon.salon, salon.salon.ana, clock().replace(year=2025))
    body = await gql(client, "{ me { __typename } }", token=old, expect_status=401)
    assert body["errors"][0]["extensions"]["code"] == "NOT_AUTHENTICATED"


async def test_a_suspended_organization_is_refused_at_once(client, salon, clock):
    token = staff_token(salon.salon, salon.salon.ana, clock())
    admin = admin_token(clock())
    await gql(client, "mutation($id: ID!) { setOrganizationStatus(id: $id, status: SUSPENDED) { __typename } }",
              {"id": str(salon.org_id)}, token=admin)
    body = await gql(client, "{ me { __typename } }", token=token, expect_status=403)
    assert body["errors"][0]["message"].startswith("Esta cuenta está suspendida")


async def test_a_deactivated_staff_member_loses_access_and_a_demotion_applies_at_once(client, salon, clock):
    """A demotion ends the person's sessions (test_sign_out_everywhere); the new one has the new level."""
    owner = staff_token(salon.salon, salon.salon.ana, clock())
    manager = staff_token(salon.salon, salon.manager, clock())
    body = await gql(client, "{ me { ... on Me { permissionLevel } } }", token=manager)
    assert body["data"]["me"]["permissionLevel"] == "ADMIN"
    await gql(client, "mutation($id: ID!) { updateStaffMember(id: $id, input: {permissionLevel: VIEWER}) { __typename } }",
              {"id": str(salon.manager.id)}, token=owner)
    await gql(client, "{ me { __typename } }", token=manager, expect_status=401)
    manager = issue_staff_token(staff_id=salon.manager.id, organization_id=salon.org_id, secret=SECRET, now=clock(),
                                generation=1)
    body = await gql(client, "{ me { ... on Me { permissionLevel } } }", token=manager)
    assert body["data"]["me"]["permissionLevel"] == "VIEWER"
    await gql(client, "mutation($id: ID!) { updateStaffMember(id: $id, input: {isActive: false}) { __typename } }",
              {"id": str(salon.manager.id)}, token=owner)
    await gql(client, "{ me { __typename } }", token=manager, expect_status=401)


async def test_graphiql_and_introspection_are_on_in_development(client):
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    body = await gql(client, "{ __schema { queryType { name } } }")
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


async def _production_client(settings, clock, **overrides):
    prod = settings.model_copy(update={"env": "production", **overrides})
    return create_app(prod, clock=clock, migrate=False)


@pytest.mark.parametrize("flag, allowed", [(None, False), (True, True)])
async def test_introspection_is_off_in_production_unless_asked_for(settings, clock, db, flag, allowed):
    from parlo.settings import Environment

    app = await _production_client(settings, clock, env=Environment.PRODUCTION, graphql_introspection=flag)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            body = (await http.post("/graphql", json={"query": "{ __schema { queryType { name } } }"})).json()
            assert ("errors" not in body) is allowed
            page = await http.get("/graphql", headers={"Accept": "text/html"})
            assert (page.status_code == 200 and "graphiql" in page.text.lower()) is allowed


async def test_a_malformed_variable_is_explained_not_masked(client, salon, clock):
    body = await gql(client, 'mutation($s: DateTime!) { rescheduleAppointment(id: "x", start: $s) { __typename } }',
                     {"s": "mañana"}, token=staff_token(salon.salon, salon.salon.ana, clock()))
    assert body["errors"][0]["message"] != GENERIC_ERROR and "DateTime" in body["errors"][0]["message"]


async def test_a_repeated_query_is_parsed_and_validated_once(client, salon, clock):
    from strawberry.extensions.parser_cache import _get_parse_cache
    from strawberry.extensions.validation_cache import _get_validate_cache

    token = staff_token(salon.salon, salon.salon.ana, clock())
    query = "{ services { id name } staff { id } }"
    await gql(client, query, token=token)
    parsed, validated = _get_parse_cache(CACHE_SIZE).cache_info().hits, _get_validate_cache(CACHE_SIZE).cache_info().hits
    for _ in range(3):
        await gql(client, query, token=token)
    assert _get_parse_cache(CACHE_SIZE).cache_info().hits == parsed + 3
    assert _get_validate_cache(CACHE_SIZE).cache_info().hits == validated + 3


async def test_responses_are_utf8_json_and_what_orjson_refuses_still_goes_out(client, salon, clock):
    response = await client.post("/graphql", json={"query": "{ me { ... on Me { organization { name } } } }"},
                                 headers={"Authorization": f"Bearer {staff_token(salon.salon, salon.salon.ana, clock())}"})
    assert response.headers["content-type"].startswith("application/json")
    assert "Estética Lupita".encode() in response.content  # written as UTF-8, not \u00e9 escapes
    assert json.loads(response.content)["data"]["me"]["organization"]["name"] == "Estética Lupita"

    view = next(route.endpoint for route in client.app.routes if getattr(route, "path", "") == "/graphql").graphql
    huge = {"data": {"settings": {"big": 2**70, "name": "Peña"}}}
    assert json.loads(view.encode_json(huge)) == huge
