"""What a client developer relies on: defaults, typed settings, paging and the problems each operation names."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage import OutboundMessage
from tests.graphql.helpers import data, full_salon, gql, staff_token

PROBLEM = "__typename ... on Problem { message }"


@pytest.fixture
async def salon(db, clock):
    return await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")


@pytest.fixture
def owner(salon, clock):
    return staff_token(salon.salon, salon.salon.ana, clock())


async def call(client, query, variables=None, token=None):
    return data(await gql(client, query, variables, token=token))


async def _sent_to(db, phone: str, template: str) -> list[OutboundMessage]:
    async with db.session() as s:
        rows = (await s.scalars(select(OutboundMessage).where(OutboundMessage.template_name == template))).all()
    return [r for r in rows if r.to_number.removeprefix("whatsapp:") == phone]


async def test_cancelling_tells_the_customer_unless_asked_not_to(client, db, salon, owner):
    lupe = salon.salon.lupe.phone_number
    body = await call(client, f"mutation($id: ID!) {{ cancelAppointment(id: $id) {{ {PROBLEM} ... on Appointment {{ status }} }} }}",
                      {"id": str(salon.appointment.id)}, owner)
    assert body["cancelAppointment"] == {"__typename": "Appointment", "status": "CANCELLED"}
    assert len(await _sent_to(db, lupe, "appointment_cancelled")) == 1


async def test_cancelling_quietly_when_notify_customer_is_false(client, db, salon, owner):
    body = await call(client, f"mutation($id: ID!) {{ cancelAppointment(id: $id, notifyCustomer: false) {{ {PROBLEM} }} }}",
                      {"id": str(salon.appointment.id)}, owner)
    assert body["cancelAppointment"]["__typename"] == "Appointment"
    assert await _sent_to(db, salon.salon.lupe.phone_number, "appointment_cancelled") == []
