"""Executing an operation: Strawberry's execution, with shorter roads for plain fields.

graphql-core builds a ``GraphQLResolveInfo`` and runs Strawberry's resolver wrapper for
every field of a response, even for a field that only reads an attribute and returns a
string, a number or an enum. Most fields of a day's agenda are like that (a full day of ten
staff is ~1,000 fields), and that machinery was about a fifth of the request.

:class:`ParloExecution` answers such fields itself, in ``execute_fields``, without the path
object, the ``execute_field`` call and the awaitable check graphql-core spends on each: a
field whose resolver is Strawberry's default one (no resolver function, no field
extensions, no permission classes), with no arguments and a scalar or enum type, is read
with Strawberry's own default resolver and coerced by the type's own
``coerce_output_value`` (for an enum, a lookup built from it), exactly what the regular
road does.
Everything else, and every case that is not the happy one (a null value, a value the
scalar refuses, a schema extension that wraps resolvers), goes the regular road, so errors,
their paths and null handling are graphql-core's. When Strawberry stops marking its default
resolvers, nothing qualifies and every field takes the regular road: slower, still correct
(``tests/graphql/test_execution.py`` notices).

:func:`thin_resolvers` shortens the road of the other common kind, a plain sync method that
takes only ``self`` and ``info`` (an appointment's customer, service and spot: ~190 calls in
a full day). Strawberry calls it through a chain built for arguments, extensions and
exception handlers (convert the arguments, split them, fold the extensions, call); with none
of those, the field's resolve function calls the method with Strawberry's own ``Info``.
graphql-core still runs it, so completion, errors and their paths are unchanged.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable

import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLLeafType,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    get_nullable_type,
    is_leaf_type,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.fields.resolver import StrawberryResolver

#: Per schema: type name → field name → how to read that leaf field.
_LEAVES: weakref.WeakKeyDictionary[GraphQLSchema, dict[str, dict[str, "_Leaf"]]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class _Leaf:
    attribute: str
    read: Callable[[Any, str], Any]
    #: The type's ``coerce_output_value``; for a Strawberry enum a lookup with the same answers.
    coerce: Callable[[Any], Any]


def _coercer(leaf_type: GraphQLLeafType) -> Callable[[Any], Any]:
    """Strawberry's enum output scans the enum's values comparing ``.value`` (an enum property,
    ~1 µs a field); the same answer, member by member, is a dict lookup."""
    coerce = leaf_type.coerce_output_value
    wrapped = getattr(leaf_type, "wrapped_cls", None)
    if not isinstance(leaf_type, GraphQLEnumType) or not isinstance(wrapped, type) or not issubclass(wrapped, Enum):
        return coerce
    names = {}
    for member in wrapped:
        for name, value in leaf_type.values.items():
            if member.value == value.value:
                names[member] = name
                break

    def coerce_enum(value: Any) -> Any:
        name = names.get(value) if type(value) is wrapped else None
        return name if name is not None else coerce(value)

    return coerce_enum


def plain_leaves(schema: GraphQLSchema) -> dict[str, dict[str, _Leaf]]:
    """The fields :class:`ParloExecution` may answer itself, by type, computed once per schema."""
    found = _LEAVES.get(schema)
    if found is not None:
        return found
    found = {}
    for name, graphql_type in schema.type_map.items():
        if not isinstance(graphql_type, GraphQLObjectType) or name.startswith("__"):
            continue
        fields = {}
        for field_name, field in graphql_type.fields.items():
            definition = (field.extensions or {}).get("strawberry-definition")
            leaf_type = get_nullable_type(field.type)
            if (definition is not None and not field.args and is_leaf_type(leaf_type)
                    and getattr(field.resolve, "_is_default", False)):
                fields[field_name] = _Leaf(definition.python_name, definition.default_resolver, _coercer(leaf_type))
        if fields:
            found[name] = fields
    _LEAVES[schema] = found
    return found


def thin_resolvers(schema: strawberry.Schema) -> list[str]:
    """Give plain ``(self, info)`` sync resolvers a direct resolve function; the fields changed.

    Only when nothing sits in Strawberry's chain: no GraphQL arguments, no field extensions
    or permission classes (those are extensions), no exception handlers in the schema, and a
    method whose parameters are exactly ``self`` and optionally Strawberry's ``info``.
    """
    if getattr(schema.schema_converter, "_exception_handler_specs", None):
        return []
    info_class = schema.config.info_class
    changed = []
    for name, graphql_type in schema._schema.type_map.items():
        if not isinstance(graphql_type, GraphQLObjectType) or name.startswith("__"):
            continue
        for field_name, field in graphql_type.fields.items():
            definition = (field.extensions or {}).get("strawberry-definition")
            if (definition is None or field.args or definition.extensions or definition.permission_classes
                    or getattr(field.resolve, "__name__", "") != "_resolver"):
                continue
            info_name = _plain_method(definition.base_resolver)
            if info_name is None:
                continue
            field.resolve = _direct(definition.base_resolver.wrapped_func, info_name, info_class, definition)
            changed.append(f"{name}.{field_name}")
    return changed


def _plain_method(resolver: StrawberryResolver | None) -> str | None:
    """``""`` for ``def f(self)``, ``"info"`` for ``def f(self, info)``, None for anything else."""
    if resolver is None or resolver.is_async or resolver.arguments:
        return None
    if resolver.root_parameter is not None or resolver.parent_parameter is not None:
        return None
    parameters = list(resolver.signature.parameters.values())
    if not parameters or resolver.self_parameter is not parameters[0]:
        return None
    rest = parameters[1:]
    if not rest:
        return ""
    if len(rest) == 1 and rest[0] is resolver.info_parameter:
        return rest[0].name
    return None


def _direct(method: Callable[..., Any], info_name: str, info_class: type, definition: Any) -> Callable[..., Any]:
    if not info_name:
        def resolve(source: Any, info: Any) -> Any:
            return method(source)
    else:
        def resolve(source: Any, info: Any) -> Any:
            return method(source, **{info_name: info_class(_raw_info=info, _field=definition)})
    resolve.__name__ = "_thin_resolver"
    return resolve


class ParloExecution(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        wrapped = self.middleware_manager is not None and bool(self.middleware_manager.middlewares)
        self._leaves = {} if wrapped else plain_leaves(self.schema)

    def execute_fields(self, parent_type, source_value, path, grouped_field_set, position_context):  # type: ignore[override]
        """Plain leaves answered here, in place; the rest of the selection through graphql-core.

        The answered keys are set first and the others keep their slot (``dict.update`` does
        not move a key), so the response keeps the query's field order.
        """
        leaves = self._leaves.get(parent_type.name)
        if leaves is None:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        results: dict[str, Any] = {}
        rest: dict[str, Any] | None = None
        for response_name, field_details_list in grouped_field_set.items():
            node = field_details_list[0].node
            leaf = leaves.get(node.name.value)
            if leaf is not None and not node.arguments:
                value = leaf.read(source_value, leaf.attribute)
                if value is not None:
                    try:
                        coerced = leaf.coerce(value)
                    except Exception:  # noqa: BLE001 - the regular road below reports it, located
                        coerced = None
                    if coerced is not None and coerced is not Undefined:
                        results[response_name] = coerced
                        continue
            results[response_name] = None  # holds the field's place in the response
            if rest is None:
                rest = {}
            rest[response_name] = field_details_list
        if rest is None:
            return results
        others = super().execute_fields(parent_type, source_value, path, rest, position_context)
        if self.is_awaitable(others):
            return _merged(results, rest, others)
        return _merge(results, rest, others)


def _merge(results: dict[str, Any], rest: dict[str, Any], others: dict[str, Any]) -> dict[str, Any]:
    results.update(others)
    if len(others) != len(rest):  # graphql-core left a field out (Undefined): so do we
        for response_name in rest.keys() - others.keys():
            del results[response_name]
    return results


async def _merged(results: dict[str, Any], rest: dict[str, Any], others: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    return _merge(results, rest, await others)
