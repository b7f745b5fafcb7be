"""/graphql over HTTP: bodies it will not read, errors in one JSON shape, headers on everything."""

from __future__ import annotations

import httpx
import pytest

from parlo.app import create_app
from parlo.graphql_app import MAX_BODY
from parlo.settings import Environment
from tests.graphql.helpers import full_salon, gql, staff_token


@pytest.fixture
async def salon(db, clock):
    return await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")


@pytest.fixture
async def production(settings, clock, db):
    app = create_app(settings.model_copy(update={"env": Environment.PRODUCTION}), clock=clock, migrate=False)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://t") as http:
            yield http


def _json(body: bytes) -> dict:
    return {"Content-Type": "application/json", "Content-Length": str(len(body))}


@pytest.mark.parametrize("environment", ["development", "production"])
async def test_invalid_utf8_in_a_json_body_is_a_spanish_400_not_a_500(client, production, environment):
    http = client if environment == "development" else production
    body = b'{"query": "{ me { __typename } }", "variables": {"x": "\xff\xfe"}}'
    response = await http.post("/graphql", content=body, headers=_json(body))
    assert response.status_code == 400
    assert response.json() == {"data": None, "errors": [{"message": "El cuerpo de la petición no es texto UTF-8 válido.",
                                                         "extensions": {"code": "BAD_REQUEST"}}]}


async def test_a_body_that_is_not_json_or_not_graphql_is_a_spanish_400(client):
    response = await client.post("/graphql", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["errors"][0]["message"] == "El cuerpo de la petición no es JSON válido."
    response = await client.post("/graphql", content=b"query=x", headers={"Content-Type": "text/plain"})
    assert response.status_code == 400 and "application/json" in response.json()["errors"][0]["message"]
    response = await client.post("/graphql", json={"variables": {}})
    assert response.status_code == 400 and "ninguna consulta" in response.json()["errors"][0]["message"]


async def test_a_body_over_256_kb_is_refused_unread(client):
    padding = "x" * MAX_BODY
    response = await client.post("/graphql", json={"query": "{ me { __typename } }", "variables": {"pad": padding}})
    assert response.status_code == 413
    assert response.json()["errors"][0] == {"message": "La petición es demasiado grande: el máximo es 256 KB.",
                                            "extensions": {"code": "BODY_TOO_LARGE"}}

    async def chunks():  # no Content-Length: counted as it arrives
        yield b'{"query": "{ me { __typename } }", "variables": {"pad": "'
        for _ in range(40):
            yield b"y" * 16384
        yield b'"}}'

    response = await client.post("/graphql", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413


async def test_a_body_just_under_the_limit_is_read(client):
    response = await client.post("/graphql", json={"query": "mutation { requestMagicLink(phone: \"5512349999\") "
                                                            "{ __typename } }", "variables": {"pad": "x" * 200_000}})
    assert response.status_code == 200


async def test_every_authentication_failure_has_one_shape(client, salon, clock):
    """No token, a forged token, an expired one: HTTP 401 and the same error, for queries and mutations."""
    expected_code = {"code": "NOT_AUTHENTICATED"}
    old = staff_token(salon.salon, salon.salon.ana, clock().replace(year=2025))
    for token in (None, "forged", old):
        for query in ("{ services { id } }", "{ me { __typename } }",
                      "mutation { cancelAppointment(id: \"x\") { __typename } }"):
            body = await gql(client, query, token=token, expect_status=401)
            assert body["data"] is None
            [error] = body["errors"]
            assert error["extensions"] == expected_code and error["message"], (token, query)


async def test_production_errors_suggest_no_field_names(production, client):
    body = (await production.post("/graphql", json={"query": "{ appointmentz { id } }"})).json()
    assert "Did you mean" not in body["errors"][0]["message"]
    assert body["errors"][0]["message"] == "Cannot query field 'appointmentz' on type 'Query'."
    development = (await client.post("/graphql", json={"query": "{ appointmentz { id } }"})).json()
    assert "Did you mean" in development["errors"][0]["message"]


async def test_security_headers_are_on_every_response(client, production):
    responses = [
        await client.post("/graphql", json={"query": "{ me { __typename } }"}),  # 401
        await client.post("/graphql", json={"query": "mutation { requestMagicLink(phone: \"1\") { __typename } }"}),
        await client.post("/graphql", content=b"{", headers={"Content-Type": "application/json"}),  # 400
        await client.get("/health"),
        await client.post("/webhooks/twilio", data={"Body": "hola"}),  # 403: no signature
        await client.get("/no-existe"),
    ]
    for response in responses:
        headers = response.headers
        assert headers["x-content-type-options"] == "nosniff", response.url
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "strict-transport-security" not in headers  # development is plain http
    assert responses[0].headers["cache-control"] == "no-store"
    assert responses[0].headers["content-security-policy"].startswith("default-src 'none'")
    page = await client.get("/")
    assert "script-src" in page.headers["content-security-policy"]  # the dashboard keeps its own policy
    secure = await production.get("/health")
    assert secure.headers["strict-transport-security"].startswith("max-age=")
