"""``/graphql``: the Strawberry schema over HTTP, with the caller decided from the bearer token.

Per request: ``Authorization: Bearer <token>`` → :func:`resolvers.actors.actor_from_token`
(staff tokens re-read the staff row and the organization's status; admin tokens; no header
= anonymous). A bad or expired token gets 401 and a suspended organization 403, before any
resolver runs, so the dashboard can send the person back to sign in. GraphiQL and
introspection are on in development and off in production unless
``PARLO_GRAPHQL_INTROSPECTION=true``.

Before Strawberry sees a request: a body over :data:`MAX_BODY` is refused (413) without
being read whole, and a body that is not UTF-8 JSON gets 400, never a 500. Every error the
endpoint writes itself is JSON ``{"data": null, "errors": [{"message": <Spanish>,
"extensions": {"code": …}}]}``, the shape of GraphQL's own errors. Queries stop after
:data:`schema.guards.QUERY_TIME_LIMIT` seconds, mutations after
:data:`schema.guards.MUTATION_TIME_LIMIT` (a mutation's transaction rolls back).

Responses are encoded with orjson: a full day's agenda is ~24 KB of JSON, which the standard
library takes ~0.35 ms to write and orjson ~0.03 ms. orjson writes UTF-8 (``"Estética"``, not
``"Est\\u00e9tica"``: the same JSON) and refuses what it cannot represent exactly, such as an
integer beyond 64 bits; those few bodies go through ``json.dumps`` as before.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid

import orjson
from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.types import ExecutionResult

from parlo.components import Component, Services
from parlo.graphiql_app import GraphiQL, graphiql_component
from parlo.rate_limits import sign_in_limits
from parlo.request_body import BodyTooLarge, kilobytes, read_body, replay
from parlo.rings import CoalescedRing
from parlo.whatsapp_app import outbox_notifier
from resolvers import log_context
from resolvers.actors import actor_from_token
from resolvers.context import Actor, Context
from resolvers.errors import Problem, Suspended
from resolvers.phones import display_phone
from schema.context import GraphQLContext
from schema.guards import NOT_AUTHENTICATED, QUERY_TIME_LIMIT, TIMED_OUT, spanish
from schema.schema import build_schema

log = logging.getLogger("parlo.graphql")

ACTOR_KEY = "parlo_actor"
#: A request body larger than this is refused unread: the dashboard's largest is a few KB.
MAX_BODY = 256 * 1024
NOT_UTF8 = "El cuerpo de la petición no es texto UTF-8 válido."
NOT_JSON = "El cuerpo de la petición no es JSON válido."
#: Strawberry's own refusals, in the words the client gets.
_HTTP_WORDS = {
    "Unsupported content type": "Envía la petición como JSON (Content-Type: application/json).",
    "No GraphQL query found in the request": "La petición no trae ninguna consulta GraphQL («query»).",
    "GraphQL only supports GET and POST requests.": "GraphQL solo acepta peticiones GET y POST.",
    "Not Found": "No encontré esa página.",
    "Batching is not enabled": "Manda una sola operación por petición.",
    "Unable to parse request body as JSON": NOT_JSON,
}


def error_response(message: str, code: str, status: int) -> JSONResponse:
    """Every error this endpoint writes itself, in the shape of a GraphQL error."""
    return JSONResponse({"data": None, "errors": [{"message": message, "extensions": {"code": code}}]},
                        status_code=status)


class ParloGraphQL(GraphQL):
    def __init__(self, services: Services, **kwargs) -> None:
        introspection = services.settings.introspection_enabled
        # GraphiQL is ours (parlo.graphiql_app: vendored, works offline and under the CSP).
        super().__init__(build_schema(introspection=introspection), graphql_ide=None,
                         allow_queries_via_get=introspection, **kwargs)
        self.services = services
        self.hide_suggestions = services.settings.is_production
        self.config = services.resolver_config()
        # Delivery starts right after a commit, not at the next sweep; one ring in flight at a time (parlo.rings).
        self.notify_outbox = CoalescedRing(outbox_notifier(services))
        self.sign_in_limits = sign_in_limits(services.settings, services.db, services.clock)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Strawberry's, with its plain-text refusals answered as Spanish JSON errors."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as exc:
            reason = _HTTP_WORDS.get(exc.reason, exc.reason)
            response = error_response(reason, "BAD_REQUEST" if exc.status_code == 400 else "HTTP_ERROR",
                                      exc.status_code)
        await response(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        """orjson: faster, and invalid UTF-8 is a 400 with a reason instead of a UnicodeDecodeError (500)."""
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            if isinstance(data, bytes):
                try:
                    data.decode("utf-8")
                except UnicodeDecodeError:
                    raise HTTPException(400, NOT_UTF8) from exc
            raise HTTPException(400, NOT_JSON) from exc

    async def execute_single(self, request, request_adapter, sub_response, context, root_value, request_data):
        """Within the time limit (a mutation's guard lengthens it); past it, a Spanish error."""
        try:
            async with asyncio.timeout(QUERY_TIME_LIMIT) as deadline:
                context.deadline = deadline
                return await super().execute_single(request, request_adapter, sub_response, context, root_value,
                                                    request_data)
        except TimeoutError:
            log.warning("GraphQL operation %s stopped at its time limit", request_data.operation_name or "(sin nombre)")
            return ExecutionResult(data=None, errors=[GraphQLError(TIMED_OUT, extensions={"code": "TIMEOUT"})])

    async def process_result(self, request, result):
        """Errors in the client's words: limits in Spanish; no field suggestions in production."""
        processed = await super().process_result(request, result)
        for error in processed.get("errors") or ():
            message, code = spanish(error.get("message", ""), hide_suggestions=self.hide_suggestions)
            if code is not None:
                error["extensions"] = {**(error.get("extensions") or {}), "code": code}
            error["message"] = message
        return processed

    def encode_json(self, data: object) -> bytes | str:
        try:
            return orjson.dumps(data)
        except TypeError:  # orjson.JSONEncodeError: e.g. an int past 64 bits in a JSON scalar
            return json.dumps(data, separators=(",", ":"))

    async def get_context(self, request, response) -> GraphQLContext:  # type: ignore[override]
        actor = request.scope.get("state", {}).get(ACTOR_KEY) or Actor.anonymous()
        ctx = Context(db=self.services.db, now=self.services.clock, actor=actor, config=self.config,
                      correlation_id=log_context.request_id.get() or uuid.uuid4().hex,
                      outbox_notifier=self.notify_outbox, sign_in_limits=self.sign_in_limits,
                      client_address=request.client.host if request.client else None)
        return GraphQLContext.build(ctx, request=request, response=response)


class GraphQLEndpoint:
    """Reads the token, refuses bad ones, then hands the request to Strawberry."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.graphql = ParloGraphQL(services)
        self.secret = services.settings.jwt_secret.get_secret_value()
        self.ide = GraphiQL() if services.settings.introspection_enabled else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.ide is not None and self.ide.wants(scope):
            await self.ide.serve_page(scope, receive, send)
            return
        if scope["type"] == "http":
            if scope["method"] == "POST":
                try:
                    body = await read_body(scope, receive, MAX_BODY)
                except BodyTooLarge:
                    await error_response(f"La petición es demasiado grande: el máximo es {kilobytes(MAX_BODY)}.",
                                         "BODY_TOO_LARGE", 413)(scope, receive, send)
                    return
                receive = replay(body, receive)
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
                    suspended = isinstance(actor, Suspended)
                    if suspended:
                        actor = Suspended.with_contact(display_phone(self.services.settings.central_number))
                    await error_response(actor.message, "SUSPENDED" if suspended else NOT_AUTHENTICATED,
                                         403 if suspended else 401)(scope, receive, send)
                    return
                scope.setdefault("state", {})[ACTOR_KEY] = actor
                log_context.bind_organization(actor.organization_id)
        await self.graphql(scope, receive, send)


def graphql_component(services: Services) -> Component:
    endpoint = GraphQLEndpoint(services)
    routes = [Route("/graphql", endpoint, methods=["GET", "POST"])]
    if endpoint.ide is not None:
        routes.extend(graphiql_component(endpoint.ide).routes)
    return Component(routes=routes)
