"""No N+1: the day schedule and a 50-appointment list cost the same few statements at any size."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event

from storage import Appointment, AppointmentSource, AppointmentStatus, Customer
from storage.ids import new_id
from tests.graphql.helpers import data, full_salon, gql, staff_token

SATURDAY_9 = datetime(2026, 1, 17, 15, 0, tzinfo=timezone.utc)  # 9:00 in Mexico City

SCHEDULE = """{ schedule(date: "2026-01-17") { ... on DaySchedule { date staff { staff { name services { name } defaultSpot { name } }
  entries { kind localStart appointment { id status customer { name phone } service { name } staff { name } spot { name services { name } } }
  block { reason staff { name } } } freeGaps { localStart } } } } }"""
APPOINTMENTS = """{ appointments(from: "2026-01-17T00:00:00+00:00", to: "2026-01-18T12:00:00+00:00", first: 50) {
  totalCount nodes { id localDate localStart customer { name appointments(first: 3) { id } } service { name }
  staff { name services { name } } spot { name } } } }"""


@contextmanager
def counting(engine):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if statement.split(None, 1)[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"):
            statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def _fill_saturday(db, full, numbers: range, now: datetime) -> None:
    s = full.salon
    async with db.transaction(write=True) as session:
        customers = [Customer(id=new_id(), organization_id=s.org.id, phone_number=f"+525598{n:06d}",
                              name=f"Cliente {n}", created_at=now, updated_at=now) for n in numbers]
        session.add_all(customers)
        await session.flush()
        for n, customer in zip(numbers, customers):
            member, spot = (s.ana, s.silla2) if n % 2 else (s.vero, s.silla1)
            start = SATURDAY_9 + timedelta(minutes=12 * (n // 2))
            session.add(Appointment(
                id=new_id(), organization_id=s.org.id, location_id=s.location.id, customer_id=customer.id,
                service_type_id=(s.corte if n % 3 else s.barba).id, staff_id=member.id, spot_id=spot.id,
                starts_at=start, ends_at=start + timedelta(minutes=12), status=AppointmentStatus.CONFIRMED,
                source=AppointmentSource.MANUAL, price_cents=100, created_at=now, updated_at=now))


async def _count(client, token, query) -> tuple[int, dict]:
    with counting(client.app.state.services.db.engine) as statements:
        body = data(await gql(client, query, token=token))
    return len(statements), body


@pytest.mark.parametrize("query", [SCHEDULE, APPOINTMENTS], ids=["schedule", "appointments"])
async def test_reading_a_busy_day_costs_a_small_constant_number_of_statements(client, db, clock, query):
    full = await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")
    token = staff_token(full.salon, full.salon.ana, clock())
    await _fill_saturday(db, full, range(6), clock())
    few, _ = await _count(client, token, query)
    await _fill_saturday(db, full, range(6, 50), clock())
    many, body = await _count(client, token, query)
    if "appointments" in body:
        assert body["appointments"]["totalCount"] == 51 and len(body["appointments"]["nodes"]) == 50
    else:
        assert sum(len(s["entries"]) for s in body["schedule"]["staff"]) >= 50
    # the listing counts its matches only when its first page is full (6 fit in one page, 51 do not)
    assert many == few + (query is APPOINTMENTS), f"{few} statements with 6 appointments, {many} with 50"
    assert many <= 20, many


AGENDA_ONLY = """{ schedule(date: "2026-01-17") { ... on DaySchedule { date staff { entries { kind } } } } }"""
AGENDA_WITH_NAMES = """{ schedule(date: "2026-01-17") { ... on DaySchedule { date staff { staff { name } entries { kind
  appointment { id customer { name phone } service { name } staff { name } spot { name } } } } } } }"""


async def test_the_agenda_reads_who_what_and_where_with_its_appointments(client, db, clock):
    """Customer, service, staff and spot of every appointment come with the agenda: no loader query."""
    full = await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")
    token = staff_token(full.salon, full.salon.ana, clock())
    await _fill_saturday(db, full, range(20), clock())
    bare, _ = await _count(client, token, AGENDA_ONLY)
    named, body = await _count(client, token, AGENDA_WITH_NAMES)
    appointments = [e["appointment"] for s in body["schedule"]["staff"] for e in s["entries"] if e["appointment"]]
    assert len(appointments) >= 20
    assert all(a["customer"]["name"] and a["service"]["name"] and a["staff"]["name"] and a["spot"]["name"]
               for a in appointments)
    assert {a["customer"]["name"] for a in appointments} >= {f"Cliente {n}" for n in range(20)}
    assert named == bare, f"{bare} statements for the bare agenda, {named} with names"


BOOK = """mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { __typename ... on Problem { message }
  ... on Booking { customer { name phone } appointments { id status startsAt customer { name phone } service { name }
  staff { name } spot { name } } } } }"""
#: A booking over /graphql, warm (the catalog cached): the token's staff row, the place with the
#: customer, availability, occupancy, the customer's insert (a new phone only), then the
#: appointment, its occupancy, the outbox rows and the activity line (one INSERT each), and
#: the month's usage. The answer's customer, service, staff and spot each add one DataLoader read.
BOOKING_OVER_HTTP = 10
ANSWER_LOADS = 4


async def test_a_booking_over_graphql_costs_a_fixed_handful_of_statements_and_answers_with_its_rows(client, db, clock):
    from sqlalchemy import select

    from storage import ActivityEvent, Occupancy, OutboundMessage

    full = await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")
    s = full.salon
    token = staff_token(s, s.ana, clock())

    async def book(minutes: int, phone: str, name: str) -> tuple[int, dict]:
        start = datetime(2026, 1, 19, 16, 0, tzinfo=timezone.utc) + timedelta(minutes=minutes)
        return await _booked(client, token, {"i": {
            "serviceIds": [str(s.corte.id)], "staffId": str(s.beto.id), "start": start.isoformat(),
            "customerPhone": phone, "customerName": name}})

    await book(0, "5598700001", "Primera")  # warms the catalog cache
    new_customer, body = await book(60, "5598700002", "Nueva Clienta")
    again, _ = await book(120, "5598700002", "Nueva Clienta")
    assert new_customer <= BOOKING_OVER_HTTP + ANSWER_LOADS, new_customer
    assert again <= BOOKING_OVER_HTTP + ANSWER_LOADS - 1, again  # the customer exists: no insert

    booking = body["bookAppointment"]
    assert booking["__typename"] == "Booking", booking
    assert booking["customer"] == {"name": "Nueva Clienta", "phone": "+525598700002"}
    [appointment] = booking["appointments"]
    assert appointment["status"] == "CONFIRMED" and appointment["customer"] == booking["customer"]
    assert appointment["service"]["name"] == s.corte.name and appointment["staff"]["name"] == s.beto.name
    assert appointment["spot"] is not None
    async with db.session() as session:
        row_id = uuid.UUID(appointment["id"])
        stored = await session.get(Appointment, row_id)
        assert stored is not None and stored.status is AppointmentStatus.CONFIRMED
        customer = await session.get(Customer, stored.customer_id)
        assert customer.phone_number == "+525598700002" and customer.name == "Nueva Clienta"
        assert (await session.scalars(select(Occupancy).where(Occupancy.appointment_id == row_id))).all()
        notices = (await session.scalars(select(OutboundMessage).where(OutboundMessage.appointment_id == row_id))).all()
        assert "appointment_confirmation" in {n.template_name for n in notices}  # in the booking's transaction
        assert (await session.scalars(select(ActivityEvent).where(ActivityEvent.subject_id == row_id))).all()


async def _booked(client, token, variables) -> tuple[int, dict]:
    with counting(client.app.state.services.db.engine) as statements:
        body = data(await gql(client, BOOK, variables, token=token))
    return len(statements), body
