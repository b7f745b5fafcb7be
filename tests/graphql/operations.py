"""Generate a call for every root field of the schema, with arguments pointing at chosen rows.

Used by the tenant-isolation test: every query and mutation is called with another
organization's ids, so a field added later is attacked without anyone writing a test for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
)

#: Which kind of row the ``id`` argument of each field names.
ID_ARGUMENT_OWNER = {
    "customer": "customer", "conversation": "conversation", "appointment": "appointment",
    "cancelAppointment": "appointment", "markAppointment": "appointment", "rescheduleAppointment": "appointment",
    "setAppointmentNotes": "appointment",
    "removeBlock": "block", "updateService": "service", "deleteService": "service", "updateSpot": "spot",
    "deleteSpot": "spot", "updateStaffMember": "staff", "deleteStaffMember": "staff", "updateCustomer": "customer",
    "deleteCustomer": "customer", "updateLocation": "location", "deleteLocation": "location",
    "setOrganizationStatus": "organization", "rebookingPlan": "plan",
}
NAMED_ID_OWNER = {
    "staffId": "staff", "serviceId": "service", "serviceIds": "service", "spotId": "spot", "customerId": "customer",
    "locationId": "location", "organizationId": "organization", "defaultSpotId": "spot", "planId": "plan",
    "blockId": "block",
}


@dataclass(frozen=True)
class Operation:
    kind: str  # "query" | "mutation"
    field: str
    document: str
    variables: dict[str, Any]


def _unwrap(type_):
    while isinstance(type_, (GraphQLNonNull, GraphQLList)):
        type_ = type_.of_type
    return type_


def _is_list(type_) -> bool:
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    return isinstance(inner, GraphQLList)


def selection(type_, depth: int = 0) -> str:
    """Enough of the result to show any leaked row: ids and names, three levels deep."""
    named = _unwrap(type_)
    if isinstance(named, (GraphQLScalarType, GraphQLEnumType)):
        return ""
    if isinstance(named, GraphQLUnionType):
        parts = ["__typename", "... on Problem { message }"]
        for member in named.types:
            inner = selection(member, depth)
            if inner:
                parts.append(f"... on {member.name} {inner}")
        return "{ " + " ".join(parts) + " }"
    if isinstance(named, (GraphQLObjectType, GraphQLInterfaceType)):
        parts = ["__typename"]
        for name, field in named.fields.items():
            target = _unwrap(field.type)
            required_args = [a for a in field.args.values() if isinstance(a.type, GraphQLNonNull)
                             and a.default_value is None]
            if required_args:
                continue
            if isinstance(target, (GraphQLScalarType, GraphQLEnumType)):
                if name in ("id", "name", "message", "body", "phone", "token", "staffId", "spotId", "organizationId"):
                    parts.append(name)
            elif depth < 3:
                inner = selection(field.type, depth + 1)
                if inner:
                    parts.append(f"{name} {inner}")
        return "{ " + " ".join(parts) + " }"
    return ""


def value_for(name: str, type_, ids: Callable[[str], str], field_name: str, schema: GraphQLSchema) -> Any:
    named = _unwrap(type_)
    many = _is_list(type_)
    if isinstance(named, GraphQLInputObjectType):
        built = {}
        for key, field in named.fields.items():
            value = value_for(key, field.type, ids, field_name, schema)
            if value is not None:
                built[key] = value
        return [built] if many else built
    if named.name == "ID":
        owner = ID_ARGUMENT_OWNER.get(field_name, "appointment") if name == "id" else NAMED_ID_OWNER.get(name, "staff")
        return [ids(owner)] if many else ids(owner)
    scalar = {
        "String": "5512349876" if "phone" in name.lower() else ("prueba" if name != "timezone" else "America/Mexico_City"),
        "Int": {"weekday": 1, "durationMinutes": 30, "priceCents": 10000, "first": 5, "limit": 5,
                "groupSize": 1}.get(name, 1),
        "Boolean": False,
        "DateTime": "2026-01-17T18:00:00+00:00" if name not in ("end", "to") else "2026-01-17T19:00:00+00:00",
        "Date": "2026-01-17",
        "Time": "10:00:00" if name == "start" else "18:00:00",
        "JSON": {},
    }
    if isinstance(named, GraphQLEnumType):
        value = list(named.values)[0]
        if named.name == "AppointmentStatus":
            value = "COMPLETED"
        return [value] if many else value
    value = scalar.get(named.name, "prueba")
    return [value] if many else value


def every_operation(schema: GraphQLSchema, ids: Callable[[str], str]) -> list[Operation]:
    operations = []
    for kind, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        for field_name, field in root.fields.items():
            operations.append(_operation(kind, field_name, field, ids, schema))
    return operations


def _operation(kind: str, field_name: str, field: GraphQLField, ids, schema) -> Operation:
    variables, declared, passed = {}, [], []
    for arg_name, arg in field.args.items():
        if not isinstance(arg.type, GraphQLNonNull) and _unwrap(arg.type).name not in ("ID",) and \
                not arg_name.endswith("Id") and arg_name != "date":
            continue  # optional non-id arguments keep their defaults
        variables[arg_name] = value_for(arg_name, arg.type, ids, field_name, schema)
        declared.append(f"${arg_name}: {arg.type}")
        passed.append(f"{arg_name}: ${arg_name}")
    header = f"{kind} Attack{field_name[0].upper() + field_name[1:]}" + (f"({', '.join(declared)})" if declared else "")
    call = field_name + (f"({', '.join(passed)})" if passed else "")
    return Operation(kind, field_name, f"{header} {{ {call} {selection(field.type)} }}", variables)
