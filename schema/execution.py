"""Executing an operation: Strawberry's execution, with a shorter road for plain leaf fields.

graphql-core builds a ``GraphQLResolveInfo`` and runs Strawberry's resolver wrapper for
every field of a response, even for a field that only reads an attribute and returns a
string, a number or an enum. Most fields of a day's agenda are like that (a full day of ten
staff is ~1,000 fields), and that machinery was about a fifth of the request.

:class:`ParloExecution` answers such fields itself: a field whose resolver is Strawberry's
default one (no resolver function, no field extensions, no permission classes), with no
arguments and a scalar or enum type, is read with Strawberry's own default resolver and
coerced by the type's own ``coerce_output_value``, exactly what the regular road does.
Everything else, and every case that is not the happy one (a null value, a value the
scalar refuses, a schema extension that wraps resolvers), goes the regular road, so errors,
their paths and null handling are graphql-core's. When Strawberry stops marking its default
resolvers, nothing qualifies and every field takes the regular road: slower, still correct
(``tests/graphql/test_execution.py`` notices).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any, Callable

from graphql import GraphQLLeafType, GraphQLObjectType, GraphQLSchema, get_nullable_type, is_leaf_type
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

#: Per schema: type name → field name → how to read that leaf field.
_LEAVES: weakref.WeakKeyDictionary[GraphQLSchema, dict[str, dict[str, "_Leaf"]]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class _Leaf:
    attribute: str
    read: Callable[[Any, str], Any]
    type: GraphQLLeafType


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
                fields[field_name] = _Leaf(definition.python_name, definition.default_resolver, leaf_type)
        if fields:
            found[name] = fields
    _LEAVES[schema] = found
    return found


class ParloExecution(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        wrapped = self.middleware_manager is not None and bool(self.middleware_manager.middlewares)
        self._leaves = {} if wrapped else plain_leaves(self.schema)

    def execute_field(self, parent_type, source, field_details_list, path, position_context):  # type: ignore[override]
        fields = self._leaves.get(parent_type.name)
        if fields is not None:
            node = field_details_list[0].node
            leaf = fields.get(node.name.value)
            if leaf is not None and not node.arguments:
                value = leaf.read(source, leaf.attribute)
                if value is not None:
                    try:
                        return self.complete_leaf_value(leaf.type, value)
                    except Exception:  # noqa: BLE001 - the regular road below reports it, located
                        pass
        return super().execute_field(parent_type, source, field_details_list, path, position_context)
