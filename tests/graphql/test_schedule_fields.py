"""The day schedule reads its appointments' rows its own way (columns, not ORM objects): every
field of an appointment and of its customer, service, spot and staff answers there exactly as
the `appointment` query answers it."""

from __future__ import annotations

from datetime import timedelta

from graphql import GraphQLObjectType, get_named_type, is_leaf_type

from schema.schema import build_schema
from tests.graphql.helpers import data, full_salon, gql, staff_token

SHOWN = {"Appointment": ("customer", "service", "spot", "staff")}


def _leaves(type_name: str) -> str:
    """Every field of the type that needs no argument and returns a scalar or an enum."""
    graphql_type = build_schema()._schema.type_map[type_name]
    assert isinstance(graphql_type, GraphQLObjectType)
    return " ".join(name for name, field in graphql_type.fields.items()
                    if is_leaf_type(get_named_type(field.type))
                    and not any(arg.default_value is None and arg.type.__class__.__name__ == "GraphQLNonNull"
                                for arg in field.args.values()))


def _appointment_selection() -> str:
    nested = " ".join(f"{name} {{ {_leaves(kind)} }}" for name, kind in
                      (("customer", "Customer"), ("service", "Service"), ("spot", "Spot"), ("staff", "StaffMember")))
    return f"{_leaves('Appointment')} {nested}"


async def test_every_field_of_an_agenda_appointment_matches_the_appointment_query(client, db, clock):
    full = await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")
    token = staff_token(full.salon, full.salon.ana, clock())
    selection = _appointment_selection()
    assert "phone" in selection and "priceCents" in selection and "displayOrder" in selection

    day = (full.appointment.starts_at - timedelta(hours=6)).date().isoformat()  # Mexico City, UTC-6
    agenda = data(await gql(client, f"""{{ schedule(date: "{day}") {{ ... on DaySchedule {{ staff {{ entries {{
        appointment {{ {selection} }} }} }} }} }} }}""", token=token))
    shown = [e["appointment"] for s in agenda["schedule"]["staff"] for e in s["entries"] if e["appointment"]]
    assert [a["id"] for a in shown] == [str(full.appointment.id)]

    alone = data(await gql(client, f"""{{ appointment(id: "{full.appointment.id}") {{ ... on Appointment {{
        {selection} }} }} }}""", token=token))
    assert shown[0] == alone["appointment"]
    assert shown[0]["customer"]["phone"] and shown[0]["service"]["name"] and shown[0]["spot"]["name"]
