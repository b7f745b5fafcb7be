"""Fifty people book the same stylist at overlapping times at once, over HTTP."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from storage import ACTIVE_STATUSES, Appointment
from tests.graphql.helpers import full_salon, gql, staff_token

BOOK = """mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { __typename
  ... on Problem { message } ... on Booking { appointments { startsAt endsAt } } } }"""
CALLERS = 50


@pytest.fixture
async def salon(db, clock):
    return await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")


async def test_fifty_concurrent_bookings_for_one_stylist_never_overlap_and_everyone_gets_an_answer(client, salon, clock):
    token = staff_token(salon.salon, salon.salon.ana, clock())
    monday_noon = datetime(2026, 1, 19, 18, 0, tzinfo=timezone.utc)  # 12:00 in Mexico City

    async def book(n: int) -> dict:
        start = monday_noon + timedelta(minutes=5 * (n % 12))
        body = await gql(client, BOOK, {"i": {
            "serviceIds": [str(salon.salon.corte.id)], "staffId": str(salon.salon.beto.id), "start": start.isoformat(),
            "customerPhone": f"55987{n:05d}", "customerName": f"Cliente {n}"}}, token=token)
        return body

    answers = await asyncio.gather(*(book(n) for n in range(CALLERS)))
    kinds = [a.get("data", {}).get("bookAppointment", {}).get("__typename") for a in answers]
    assert all(not a.get("errors") for a in answers), [a for a in answers if a.get("errors")][:3]
    assert set(kinds) <= {"Booking", "SlotTaken"} and "Booking" in kinds
    for answer in answers:
        result = answer["data"]["bookAppointment"]
        if result["__typename"] == "SlotTaken":
            assert result["message"]

    async with client.app.state.services.db.session() as session:
        rows = (await session.execute(select(Appointment.starts_at, Appointment.ends_at).where(
            Appointment.staff_id == salon.salon.beto.id, Appointment.status.in_(ACTIVE_STATUSES)
        ).order_by(Appointment.starts_at))).all()
    assert len(rows) == kinds.count("Booking") + 1  # + the salon's own appointment tomorrow
    for (_, end), (start, _) in zip(rows, rows[1:]):
        assert end <= start
