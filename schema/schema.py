"""The GraphQL schema: root types from the domain mixins plus the security extensions.

Built by a function (nothing at import time but type definitions) so production and
development differ only in whether introspection is on. ``execute_as`` runs an operation
in-process for a given use-case context (the WhatsApp tool layer, tests).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from inspect import isawaitable
from typing import Any

import strawberry
from graphql import (
    DocumentNode,
    GraphQLError,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    execute as graphql_execute,
    parse,
    specified_rules,
)
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext, ExecutionResult

from resolvers.context import Context
from schema.context import GraphQLContext
from schema.errors import PROBLEM_TYPES, ProblemRaised
from schema.execution import ParloExecution, thin_resolvers
from schema.guards import OperationGuard, operation_of, refusal
from schema.mutations.admin import AdminMutations
from schema.mutations.auth import AuthMutations
from schema.mutations.availability import AvailabilityMutations
from schema.mutations.booking import BookingMutations
from schema.mutations.catalog import CatalogMutations
from schema.mutations.organization import OrganizationMutations
from schema.mutations.people import PeopleMutations
from schema.mutations.rebooking import RebookingMutations
from schema.queries.admin import AdminQueries
from schema.queries.figures import FiguresQueries
from schema.queries.notifications import NotificationQueries
from schema.queries.organization import OrganizationQueries
from schema.queries.people import PeopleQueries
from schema.queries.scheduling import SchedulingQueries
from schema.query_cost import TooExpensive, page_variables, price_operation
from schema.types.scalars import SCALAR_MAP

log = logging.getLogger("parlo.graphql")

MAX_DEPTH = 10
MAX_ALIASES = 20
MAX_TOKENS = 3000
CACHE_SIZE = 512  # distinct documents kept parsed and validated (LRU)
GENERIC_ERROR = "Algo salió mal de nuestro lado. Intenta de nuevo en un momento."


@strawberry.type(description="Everything the dashboard, API clients, the AI tools and the rule engine read.")
class Query(OrganizationQueries, SchedulingQueries, PeopleQueries, AdminQueries, NotificationQueries,
            FiguresQueries):
    pass


@strawberry.type(description="Every change. Expected failures come back as union members implementing Problem.")
class Mutation(BookingMutations, AvailabilityMutations, CatalogMutations, PeopleMutations, OrganizationMutations,
               RebookingMutations, AdminMutations, AuthMutations):
    pass


def _is_bug(error: GraphQLError) -> bool:
    """Mask what an exception in a resolver caused; keep problems and the client's own mistakes.

    Errors before execution (syntax, validation, a variable that is not a valid DateTime)
    have no path and tell the client what to fix; resolver errors always have a path.
    """
    original = error.original_error
    return original is not None and error.path is not None and not isinstance(original, ProblemRaised)


class ParloSchema(strawberry.Schema):
    #: The validation rules every request's document passes (graphql-core's, the depth and alias
    #: limits, no introspection when it is off): what :func:`prepare_operation` validates with.
    validation_rules: tuple[type, ...] = tuple(specified_rules)

    def __init__(self, *args: Any, config: StrawberryConfig | None = None, **kwargs: Any) -> None:
        """Our scalars (``SCALAR_MAP``) are part of every schema, whatever else the config says."""
        config = config or StrawberryConfig()
        config.scalar_map = {**SCALAR_MAP, **config.scalar_map}
        super().__init__(*args, config=config, **kwargs)

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        for error in errors:
            if _is_bug(error):
                log.error("GraphQL resolver failed at %s", error.path, exc_info=error.original_error)


def build_schema(*, introspection: bool = True, short_roads: bool = True) -> ParloSchema:
    """Extensions are factories: a fresh instance per request; the parse/validation LRU caches are shared.

    ``short_roads=False`` gives Strawberry's stock execution (the tests compare the two).

    The depth and alias limiters are validation rules. Their classes are made once here:
    a limiter built per request makes new rule classes, which would change the
    validation cache's key every time and validate every request from scratch (~18 ms).
    """
    limit_rules = [*QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
                   *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules]
    extensions: list[Any] = [
        lambda: AddValidationRules(limit_rules),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
        lambda: MaskErrors(should_mask_error=_is_bug, error_message=GENERIC_ERROR),
        OperationGuard,
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    rules = (*specified_rules, *limit_rules, *(() if introspection else (NoSchemaIntrospectionCustomRule,)))
    if not short_roads:
        schema = ParloSchema(query=Query, mutation=Mutation, extensions=extensions, types=list(PROBLEM_TYPES))
        schema.validation_rules = rules
        return schema
    schema = ParloSchema(query=Query, mutation=Mutation, extensions=extensions, types=list(PROBLEM_TYPES),
                         execution_context_class=ParloExecution)
    schema.validation_rules = rules
    thin_resolvers(schema)
    return schema


@dataclass(frozen=True, slots=True, eq=False)
class PreparedOperation:
    """One of our own operations (the AI tool layer's), parsed and validated once per process."""

    schema: ParloSchema
    document: DocumentNode
    operation: OperationDefinitionNode
    name: str
    #: The variables a page size is read from: the operation's price depends on those alone.
    page_variables: tuple[str, ...] = ()
    #: Their values → why the operation is refused (None: it may run); a few entries.
    prices: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    def refusal(self, variables: dict[str, Any] | None) -> TooExpensive | None:
        """:func:`price_operation`'s verdict, remembered per page sizes asked for."""
        key = tuple((variables or {}).get(name) for name in self.page_variables)
        try:
            return self.prices[key]
        except (KeyError, TypeError):  # new sizes, or a value that cannot be a key (priced each time)
            pass
        _, problem = price_operation(self.schema._schema, self.document, self.operation, variables)
        if len(self.prices) < 32:
            try:
                self.prices[key] = problem
            except TypeError:
                pass
        return problem


def prepare_operation(schema: ParloSchema, query: str, operation_name: str) -> PreparedOperation:
    """Parse and validate a constant document as every request is (the token limit, the
    schema's validation rules); an invalid one is a bug and raises ``ValueError`` here."""
    document = parse(query, max_tokens=MAX_TOKENS)
    errors = validate_document(schema._schema, document, schema.validation_rules)
    operation = operation_of(document, operation_name)
    if errors or operation is None:
        raise ValueError(f"{operation_name}: {[e.message for e in errors] or 'no such operation'}")
    return PreparedOperation(schema, document, operation, operation_name, page_variables(document))


async def execute_prepared(prepared: PreparedOperation, ctx: Context,
                           variables: dict[str, Any] | None = None) -> ExecutionResult:
    """What :func:`execute_as` answers for a prepared operation, without Strawberry's per-request
    road around graphql-core: seven extension instances and their hooks, the parse and
    validation caches' look-ups (a fifth of the LLM prompt's appointments query). What those
    extensions do for an in-process caller is done here: the operation is priced
    (:class:`OperationGuard`; the HTTP-only checks do not apply), resolver failures are logged
    (:meth:`ParloSchema.process_errors`) and masked (``MaskErrors``). Execution is graphql-core's
    with the schema's own execution class: the same resolvers, loaders and permission checks.
    """
    schema = prepared.schema
    problem = prepared.refusal(variables)
    if problem is not None:
        refused = refusal(problem.message, problem.code)
        return ExecutionResult(data=refused.data, errors=refused.errors)
    try:
        result = graphql_execute(schema._schema, prepared.document, variable_values=variables,
                                 operation_name=prepared.name, context_value=GraphQLContext.build(ctx),
                                 executor_class=schema.execution_context_class, is_awaitable=optimized_is_awaitable)
        if isawaitable(result):
            result = await result
    except Exception as exc:  # noqa: BLE001 - as Strawberry's execute: an error of the result
        error = exc if isinstance(exc, GraphQLError) else GraphQLError(str(exc), original_error=exc)
        schema.process_errors([error])
        return ExecutionResult(data=None, errors=[_masked(error)])
    errors = result.errors
    if errors:
        schema.process_errors(errors)
        errors = [_masked(e) for e in errors]
    return ExecutionResult(data=result.data, errors=errors)


def _masked(error: GraphQLError) -> GraphQLError:
    """``MaskErrors``'s answer for one error."""
    if not _is_bug(error):
        return error
    return GraphQLError(message=GENERIC_ERROR, nodes=error.nodes, source=error.source, positions=error.positions,
                        path=error.path, original_error=None)


async def execute_as(schema: strawberry.Schema, ctx: Context, query: str, variables: dict[str, Any] | None = None,
                     operation_name: str | None = None) -> ExecutionResult:
    """Run one operation in-process with ``ctx.actor`` as the caller (the AI tool layer's entry)."""
    return await schema.execute(query, variable_values=variables, operation_name=operation_name,
                                context_value=GraphQLContext.build(ctx))
