"""The checks every operation passes before it runs, and the words of the errors it can get.

* :class:`OperationGuard` prices the operation (:mod:`schema.query_cost`) and, over HTTP,
  refuses an anonymous caller anything but signing in, with the same answer a bad token
  gets (HTTP 401, ``extensions.code`` ``NOT_AUTHENTICATED``): one shape for every
  authentication failure (README, "Errors"). A mutation also gets a longer time limit
  than a query (:data:`MUTATION_TIME_LIMIT`; the HTTP view starts the clock).
* :func:`spanish` words the limit errors graphql-core and Strawberry write in English in
  Spanish and, in production, drops "Did you mean …?" suggestions, which would otherwise
  map the schema for anyone with introspection turned off (the HTTP view applies it to
  every error it answers, parse errors included).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
)
from graphql.execution import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from schema.query_cost import price_operation

#: Root fields an anonymous caller may use: the three ways to sign in.
PUBLIC_FIELDS = frozenset({"requestMagicLink", "verifyMagicLink", "adminLogin", "__typename", "__schema", "__type"})
NOT_SIGNED_IN = "Necesitas iniciar sesión."
NOT_AUTHENTICATED = "NOT_AUTHENTICATED"
QUERY_TIME_LIMIT = 10.0
MUTATION_TIME_LIMIT = 30.0
TIMED_OUT = "La consulta tardó demasiado y se detuvo. Pide menos datos o inténtalo de nuevo en un momento."


def refusal(message: str, code: str) -> GraphQLExecutionResult:
    return GraphQLExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": code})])


def operation_of(document, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name is not None and o.name.value == name), None)


def _root_fields(document, selection_set, depth: int = 0) -> Iterator[str]:
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection.name.value
        elif depth < 10 and isinstance(selection, InlineFragmentNode):
            yield from _root_fields(document, selection.selection_set, depth + 1)
        elif depth < 10 and isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
            yield from _root_fields(document, fragments[selection.name.value].selection_set, depth + 1)


class OperationGuard(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        document = ec.graphql_document
        operation = operation_of(document, ec.operation_name) if document is not None else None
        if operation is not None:
            refused = self._refusal(document, operation)
            if refused is not None:
                ec.result = refused
        yield

    def _refusal(self, document, operation: OperationDefinitionNode) -> GraphQLExecutionResult | None:
        ec = self.execution_context
        context = ec.context
        http = getattr(context, "request", None) is not None
        if http:
            actor = context.use_case.actor
            if actor.kind.value == "anonymous" and not set(_root_fields(document, operation.selection_set)) <= PUBLIC_FIELDS:
                if context.response is not None:
                    context.response.status_code = 401
                return refusal(NOT_SIGNED_IN, NOT_AUTHENTICATED)
            if operation.operation.value == "mutation":
                deadline = getattr(context, "deadline", None)
                if deadline is not None:
                    deadline.reschedule(asyncio.get_running_loop().time() + MUTATION_TIME_LIMIT)
        _, problem = price_operation(ec.schema._schema, document, operation, ec.variables)
        if problem is not None:
            return refusal(problem.message, problem.code)
        return None


_SUGGESTION = re.compile(r"\s*Did you mean .*?\?\s*$", re.DOTALL)
_SPANISH = [
    (re.compile(r"^'(.*)' exceeds maximum operation depth of (\d+)$"),
     lambda m: f"La consulta «{m[1]}» tiene demasiados niveles: el máximo es {m[2]}."),
    (re.compile(r"^(\d+) aliases found\. Allowed: (\d+)$"),
     lambda m: f"La consulta usa {m[1]} alias; el máximo es {m[2]}."),
    (re.compile(r"Document contains more than (\d+) tokens"),
     lambda m: f"La consulta es demasiado larga: el máximo es {m[1]} elementos (tokens)."),
]
_CODES = {0: "QUERY_TOO_DEEP", 1: "TOO_MANY_ALIASES", 2: "QUERY_TOO_LONG"}


def spanish(message: str, *, hide_suggestions: bool) -> tuple[str, str | None]:
    """The message for the client, and a code when it is one of the limits."""
    for index, (pattern, words) in enumerate(_SPANISH):
        found = pattern.search(message)
        if found:
            return words(found), _CODES[index]
    if hide_suggestions:
        message = _SUGGESTION.sub("", message)
    return message, None
