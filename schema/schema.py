"""The GraphQL schema: root types from the domain mixins plus the security extensions.

Built by a function (nothing at import time but type definitions) so production and
development differ only in whether introspection is on. ``execute_as`` runs an operation
in-process for a given use-case context (the WhatsApp tool layer, tests).
"""

from __future__ import annotations

import logging
from typing import Any

import strawberry
from graphql import GraphQLError
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
from strawberry.types import ExecutionContext, ExecutionResult

from resolvers.context import Context
from schema.context import GraphQLContext
from schema.errors import PROBLEM_TYPES, ProblemRaised
from schema.execution import ParloExecution, thin_resolvers
from schema.guards import OperationGuard
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
    if not short_roads:
        return ParloSchema(query=Query, mutation=Mutation, extensions=extensions, types=list(PROBLEM_TYPES))
    schema = ParloSchema(query=Query, mutation=Mutation, extensions=extensions, types=list(PROBLEM_TYPES),
                         execution_context_class=ParloExecution)
    thin_resolvers(schema)
    return schema


async def execute_as(schema: strawberry.Schema, ctx: Context, query: str, variables: dict[str, Any] | None = None,
                     operation_name: str | None = None) -> ExecutionResult:
    """Run one operation in-process with ``ctx.actor`` as the caller (the AI tool layer's entry)."""
    return await schema.execute(query, variable_values=variables, operation_name=operation_name,
                                context_value=GraphQLContext.build(ctx))
