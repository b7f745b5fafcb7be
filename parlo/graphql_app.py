"""``/graphql``: the Strawberry schema over HTTP, with the caller decided from the bearer token.

Per request: ``Authorization: Bearer <token>`` → :func:`resolvers.actors.actor_from_token`
(staff tokens re-read the staff row and the organization's status; admin tokens; no header
= anonymous). A bad or expired token gets 401 and a suspended organization 403, before any
resolver runs, so the dashboard can send the person back to sign in. GraphiQL and
introspection are on in development and off in production unless
``PARLO_GRAPHQL_INTROSPECTION=true``.

Responses are encoded with orjson: a full day's agenda is ~24 KB of JSON, which the standard
library takes ~0.35 ms to write and orjson ~0.03 ms. orjson writes UTF-8 (``"Estética"``, not
``"Est\\u00e9tica"``: the same JSON) and refuses what it cannot represent exactly, such as an
integer beyond 64 bits; those few bodies go through ``json.dumps`` as before.
"""

from __future__ import annotations

import json
import uuid

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL

from parlo.components import Component, Services
from parlo.whatsapp_app import outbox_notifier
from resolvers.actors import actor_from_token
from resolvers.context import Actor, Context
from resolvers.errors import Problem, Suspended
from schema.context import GraphQLContext
from schema.schema import build_schema

ACTOR_KEY = "parlo_actor"


class ParloGraphQL(GraphQL):
    def __init__(self, services: Services, **kwargs) -> None:
        introspection = services.settings.introspection_enabled
        super().__init__(build_schema(introspection=introspection),
                         graphql_ide="graphiql" if introspection else None,
                         allow_queries_via_get=introspection, **kwargs)
        self.services = services
        self.config = services.resolver_config()
        self.notify_outbox = outbox_notifier(services)  # delivery starts right after a commit, not at the next sweep

    def encode_json(self, data: object) -> bytes | str:
        try:
            return orjson.dumps(data)
        except TypeError:  # orjson.JSONEncodeError: e.g. an int past 64 bits in a JSON scalar
            return json.dumps(data, separators=(",", ":"))

    async def get_context(self, request, response) -> GraphQLContext:  # type: ignore[override]
        actor = request.scope.get("state", {}).get(ACTOR_KEY) or Actor.anonymous()
        ctx = Context(db=self.services.db, now=self.services.clock, actor=actor, config=self.config,
                      correlation_id=request.headers.get("x-request-id") or uuid.uuid4().hex,
                      outbox_notifier=self.notify_outbox)
        return GraphQLContext.build(ctx, request=request, response=response)


class GraphQLEndpoint:
    """Reads the token, refuses bad ones, then hands the request to Strawberry."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.graphql = ParloGraphQL(services)
        self.secret = services.settings.jwt_secret.get_secret_value()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope)
            header = request.headers.get("authorization", "")
            scheme, _, token = header.partition(" ")
            if header:
                if scheme.lower() != "bearer" or not token.strip():
                    actor: Actor | Problem = Problem("Envía el token como «Authorization: Bearer <token>».")
                else:
                    actor = await actor_from_token(self.services.db, token.strip(), secret=self.secret,
                                                   now=self.services.clock())
                if isinstance(actor, Problem):
                    status = 403 if isinstance(actor, Suspended) else 401
                    code = "SUSPENDED" if isinstance(actor, Suspended) else "NOT_AUTHENTICATED"
                    await JSONResponse({"data": None, "errors": [{"message": actor.message, "extensions": {"code": code}}]},
                                       status_code=status)(scope, receive, send)
                    return
                scope.setdefault("state", {})[ACTOR_KEY] = actor
        await self.graphql(scope, receive, send)


def graphql_component(services: Services) -> Component:
    return Component(routes=[Route("/graphql", GraphQLEndpoint(services), methods=["GET", "POST"])])
