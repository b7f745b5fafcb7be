"""What an operation may ask for, decided from the document before anything runs.

Depth and alias limits do not stop the expensive query: four levels of
``appointments(first: 200) { customer { appointments(first: 200) … } }`` are shallow, yet
ask for 200⁴ rows (9 s and 9.4 MB on the demo salon, and the server stalled for everyone).
So every operation is priced first, in microseconds, from the document and its variables,
the way GitHub's API prices its own (result nodes):

* every list costs the items it may return, multiplied by how many times it is read: a
  list's page size is its ``first``, ``last`` or ``limit`` (as sent, or the schema's
  default), a connection's ``nodes`` take their connection's page size, and a list
  without a page argument (a day's staff, a visit's notifications) counts as
  :data:`UNPAGED_ESTIMATE` items;
* a page at the top may ask for :data:`MAX_PAGE` items, a page inside another list for
  :data:`MAX_NESTED_PAGE` (ten customers with fifty visits each is a screen; two hundred
  with two hundred each is an attack); a size the client left to the schema's default is
  priced at that default, never refused for it;
* the whole operation may cost :data:`MAX_COST` nodes. The dashboard's heaviest screens (a
  day's agenda, 200 appointments, 200 organizations with their locations) cost under
  3,000; the issue's query, four levels of 200, costs 1.6 billion.

Fragments are priced where they are spread; both branches of a union are counted (an
over-estimate, never an under-estimate). The answer is a Spanish message for the client.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    Visitor,
    get_named_type,
    get_nullable_type,
    is_list_type,
    visit,
)

MAX_PAGE = 200
MAX_NESTED_PAGE = 50
UNPAGED_ESTIMATE = 10
MAX_COST = 50_000
PAGE_ARGUMENTS = ("first", "last", "limit")
#: Deeper than any valid operation (the depth limit is 10): only a cycle gets here.
_MAX_WALK = 40


@dataclass(frozen=True, slots=True)
class TooExpensive:
    """Why the operation was refused, in Spanish, for the client."""

    message: str
    code: str = "QUERY_TOO_EXPENSIVE"


def _int_value(node: Any, variables: Mapping[str, Any]) -> int | None:
    if isinstance(node, IntValueNode):
        return int(node.value)
    if isinstance(node, VariableNode):
        value = variables.get(node.name.value)
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(node, NullValueNode):
        return None
    return None


class _Pricer:
    def __init__(self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode],
                 variables: Mapping[str, Any]) -> None:
        self.schema, self.fragments, self.variables = schema, fragments, variables
        self.cost = 0

    def page(self, field_def, node: FieldNode, *, nested: bool) -> tuple[int | None, TooExpensive | None]:
        """The page size this field asks for (None: no page argument), or why it is refused."""
        for name in PAGE_ARGUMENTS:
            if name not in field_def.args:
                continue
            given = next((a for a in node.arguments or () if a.name.value == name), None)
            size = _int_value(given.value, self.variables) if given is not None else None
            if size is None:  # the schema's default: priced, never refused (the client did not ask)
                default = field_def.args[name].default_value
                return (default if isinstance(default, int) else (MAX_NESTED_PAGE if nested else MAX_PAGE)), None
            if size < 0:
                return None, TooExpensive(f"«{name}» no puede ser negativo en «{node.name.value}».", "BAD_PAGE")
            limit = MAX_NESTED_PAGE if nested else MAX_PAGE
            if size > limit:
                where = "dentro de otra lista" if nested else "por página"
                return None, TooExpensive(
                    f"En «{node.name.value}» puedes pedir hasta {limit} elementos {where}; pediste {size}.",
                    "PAGE_TOO_LARGE")
            return size, None
        return None, None

    def walk(self, parent_type, selections: SelectionSetNode | None, count: int, pending: int | None,
             depth: int) -> TooExpensive | None:
        """Price ``selections`` read on ``count`` objects of ``parent_type``.

        ``pending`` is the page size a connection passed down to its ``nodes`` list.
        """
        if selections is None:
            return None
        if depth > _MAX_WALK:
            return TooExpensive("La consulta es demasiado compleja.")
        for selection in selections.selections or ():
            if isinstance(selection, FieldNode):
                problem = self.field(parent_type, selection, count, pending, depth)
            elif isinstance(selection, InlineFragmentNode):
                condition = (self.schema.get_type(selection.type_condition.name.value)
                             if selection.type_condition else parent_type)
                problem = self.walk(condition or parent_type, selection.selection_set, count, pending, depth + 1)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is None:
                    continue
                condition = self.schema.get_type(fragment.type_condition.name.value) or parent_type
                problem = self.walk(condition, fragment.selection_set, count, pending, depth + 1)
            else:
                problem = None
            if problem is not None:
                return problem
        return None

    def field(self, parent_type, node: FieldNode, count: int, pending: int | None, depth: int) -> TooExpensive | None:
        name = node.name.value
        if name.startswith("__") or not isinstance(parent_type, (GraphQLObjectType, GraphQLInterfaceType)):
            return None
        field_def = parent_type.fields.get(name)
        if field_def is None:  # validation reports it
            return None
        size, problem = self.page(field_def, node, nested=count > 1)
        if problem is not None:
            return problem
        nullable = get_nullable_type(field_def.type)
        produced = count
        passed_down = None
        if is_list_type(nullable):
            per_parent = size if size is not None else (pending if pending is not None else UNPAGED_ESTIMATE)
            produced = count * per_parent
            self.cost += produced
            if self.cost > MAX_COST:
                return TooExpensive(
                    f"Esta consulta pediría más de {MAX_COST:,} elementos, el máximo por petición: pide listas "
                    "más cortas o menos niveles anidados.")
        elif size is not None:  # a connection: its `nodes` list carries the page size
            passed_down = size
        return self.walk(get_named_type(field_def.type), node.selection_set, produced, passed_down, depth + 1)


def price_operation(schema: GraphQLSchema, document, operation: OperationDefinitionNode,
                    variables: Mapping[str, Any] | None) -> tuple[int, TooExpensive | None]:
    """The operation's estimated cost, and why it is refused (None: it may run)."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    root = {"query": schema.query_type, "mutation": schema.mutation_type,
            "subscription": schema.subscription_type}[operation.operation.value]
    pricer = _Pricer(schema, fragments, variables or {})
    problem = pricer.walk(root, operation.selection_set, 1, None, 0)
    return pricer.cost, problem


def page_variables(document) -> tuple[str, ...]:
    """The variables any page argument (``first``, ``last``, ``limit``) of the document reads:
    with the document, all :func:`price_operation` depends on."""
    names: set[str] = set()

    class Pages(Visitor):
        def enter_argument(self, node, *_args) -> None:
            if node.name.value in PAGE_ARGUMENTS and isinstance(node.value, VariableNode):
                names.add(node.value.name.value)

    visit(document, Pages())
    return tuple(sorted(names))
