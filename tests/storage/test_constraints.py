"""Every rule the database can hold, it holds — on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError

from storage import (
    AppointmentReview,
    Availability,
    AvailabilityKind,
    Conversation,
    ConversationChannel,
    Customer,
    Location,
    Message,
    MessageDirection,
    Occupancy,
    OutboundMessage,
    SenderType,
    ServiceType,
    Staff,
    is_unique_violation,
)
from storage.ids import new_id
from tests.storage.factories import appointment, salon

NOON = datetime(2026, 1, 16, 18, 0, tzinfo=timezone.utc)


async def _rejects(db, build) -> IntegrityError:
    """Insert what ``build(session, rows)`` adds and expect the database to refuse it."""
    with pytest.raises(IntegrityError) as caught:
        async with db.transaction(write=True) as session:
            rows = await salon(session, now=NOON)
            build(session, rows)
            await session.flush()
    return caught.value


async def _accepts(db, build) -> None:
    async with db.transaction(write=True) as session:
        rows = await salon(session, now=NOON)
        build(session, rows)
        await session.flush()


async def test_appointment_must_start_before_it_ends(db):
    def build(session, rows):
        org, location, service, staff, spot, customer = rows
        bad = appointment(*rows, NOON)
        bad.ends_at = NOON
        session.add(bad)

    await _rejects(db, build)


async def test_occupancy_must_start_before_it_ends(db):
    def build(session, rows):
        org, location, service, staff, spot, customer = rows
        appt = appointment(*rows, NOON)
        session.add(appt)
        session.add(Occupancy(organization_id=org.id, appointment_id=appt.id, staff_id=staff.id,
                              starts_at=NOON, ends_at=NOON - timedelta(minutes=5)))

    await _rejects(db, build)


@pytest.mark.parametrize("length, refused", [(timedelta(hours=24), False),
                                              (timedelta(hours=24, seconds=1), True),
                                              (timedelta(days=3), True)], ids=["a day", "a day and a second", "3 days"])
async def test_an_appointment_and_its_occupancy_last_at_most_a_day(db, length, refused):
    """What overlaps a day is looked up from a day earlier on (LONGEST_VISIT): the database keeps it true."""
    def long_appointment(session, rows):
        bad = appointment(*rows, NOON)
        bad.ends_at = NOON + length
        session.add(bad)

    def long_occupancy(session, rows):
        org, location, service, staff, spot, customer = rows
        appt = appointment(*rows, NOON)
        session.add(appt)
        session.add(Occupancy(organization_id=org.id, appointment_id=appt.id, spot_id=spot.id,
                              starts_at=NOON, ends_at=NOON + length))

    for build in (long_appointment, long_occupancy):
        if refused:
            await _rejects(db, build)
        else:
            await _accepts(db, build)


async def test_occupancy_holds_exactly_one_resource(db):
    def both(session, rows):
        org, location, service, staff, spot, customer = rows
        appt = appointment(*rows, NOON)
        session.add(appt)
        session.add(Occupancy(organization_id=org.id, appointment_id=appt.id, staff_id=staff.id, spot_id=spot.id,
                              starts_at=NOON, ends_at=NOON + timedelta(minutes=45)))

    await _rejects(db, both)


@pytest.mark.parametrize("minutes", [0, -15])
async def test_service_duration_must_be_positive(db, minutes):
    await _rejects(db, lambda s, rows: s.add(ServiceType(organization_id=rows[0].id, name="Nada",
                                                         duration_minutes=minutes, price_cents=0)))


async def test_service_price_cannot_be_negative(db):
    await _rejects(db, lambda s, rows: s.add(ServiceType(organization_id=rows[0].id, name="Regalo",
                                                         duration_minutes=30, price_cents=-1)))


async def test_free_service_is_allowed(db):
    await _accepts(db, lambda s, rows: s.add(ServiceType(organization_id=rows[0].id, name="Valoración",
                                                         duration_minutes=15, price_cents=0)))


async def test_processing_segment_must_fit_inside_the_service(db):
    await _rejects(db, lambda s, rows: s.add(ServiceType(
        organization_id=rows[0].id, name="Tinte", duration_minutes=90, price_cents=50000,
        processing_offset_minutes=30, processing_minutes=60)))
    await _accepts(db, lambda s, rows: s.add(ServiceType(
        organization_id=rows[0].id, name="Tinte", duration_minutes=90, price_cents=50000,
        processing_offset_minutes=20, processing_minutes=40)))


async def test_staff_phone_is_unique_within_an_organization(db):
    error = await _rejects(db, lambda s, rows: s.add(Staff(organization_id=rows[0].id, name="Otro Pedro",
                                                           phone_number=rows[3].phone_number)))
    assert is_unique_violation(error)


async def test_customer_phone_is_unique_within_an_organization(db):
    error = await _rejects(db, lambda s, rows: s.add(Customer(organization_id=rows[0].id,
                                                              phone_number=rows[5].phone_number)))
    assert is_unique_violation(error)


async def test_same_phone_can_be_staff_and_customer_at_different_businesses(db):
    async with db.transaction(write=True) as session:
        first = await salon(session, now=NOON)
    async with db.transaction(write=True) as session:
        second = await salon(session, now=NOON)  # same phones, another organization
    assert first[0].id != second[0].id


async def test_provider_message_id_is_unique(db):
    def build(session, rows):
        org = rows[0]
        conversation = Conversation(id=new_id(), organization_id=org.id, channel=ConversationChannel.BUSINESS,
                                    business_number="+525587654321", phone_number="+525598765432",
                                    reply_to="whatsapp:+5215598765432")
        session.add(conversation)
        for sequence in (1, 2):
            session.add(Message(conversation_id=conversation.id, organization_id=org.id, sequence=sequence,
                                direction=MessageDirection.INBOUND, sender_type=SenderType.CUSTOMER,
                                body="Hola", provider_message_id="SM0123456789abcdef", created_at=NOON))

    assert is_unique_violation(await _rejects(db, build))


async def test_outbox_dedupe_key_is_unique(db):
    def build(session, rows):
        for _ in range(2):
            session.add(OutboundMessage(organization_id=rows[0].id, to_number="whatsapp:+5215598765432",
                                        body="Recordatorio", dedupe_key="reminder_24h:abc"))

    assert is_unique_violation(await _rejects(db, build))


async def test_outbox_message_needs_a_body_or_a_template(db):
    await _rejects(db, lambda s, rows: s.add(OutboundMessage(organization_id=rows[0].id,
                                                             to_number="whatsapp:+5215598765432")))


async def test_recurring_availability_needs_a_weekday_and_ordered_hours(db):
    await _rejects(db, lambda s, rows: s.add(Availability(
        organization_id=rows[0].id, staff_id=rows[3].id, kind=AvailabilityKind.RECURRING,
        day_of_week=7, start_time=time(9), end_time=time(17))))
    await _rejects(db, lambda s, rows: s.add(Availability(
        organization_id=rows[0].id, staff_id=rows[3].id, kind=AvailabilityKind.RECURRING,
        day_of_week=1, start_time=time(17), end_time=time(9))))


async def test_block_needs_an_ordered_range(db):
    await _rejects(db, lambda s, rows: s.add(Availability(
        organization_id=rows[0].id, staff_id=rows[3].id, kind=AvailabilityKind.BLOCK,
        starts_at=NOON, ends_at=NOON)))


async def test_day_off_exception_needs_a_date(db):
    await _rejects(db, lambda s, rows: s.add(Availability(
        organization_id=rows[0].id, staff_id=rows[3].id, kind=AvailabilityKind.EXCEPTION, is_available=False)))


async def test_review_rating_is_one_to_five(db):
    def build(session, rows):
        appt = appointment(*rows, NOON)
        session.add(appt)
        session.add(AppointmentReview(organization_id=rows[0].id, appointment_id=appt.id, rating=6))

    await _rejects(db, build)


async def test_only_one_primary_location_per_organization(db):
    await _rejects(db, lambda s, rows: s.add(Location(organization_id=rows[0].id, name="Otra", is_primary=True,
                                                      business_hours={})))


async def test_unknown_status_is_refused_before_it_reaches_the_database(db):
    with pytest.raises((StatementError, LookupError, ValueError)):
        async with db.transaction(write=True) as session:
            rows = await salon(session, now=NOON)
            bad = appointment(*rows, NOON)
            bad.status = "lost"
            session.add(bad)
            await session.flush()


async def test_an_appointment_cannot_point_at_a_missing_customer(db):
    def build(session, rows):
        bad = appointment(*rows, NOON)
        bad.customer_id = uuid.uuid4()
        session.add(bad)

    await _rejects(db, build)


async def test_naive_datetimes_are_refused():
    from storage.types import UTCDateTime

    with pytest.raises(ValueError):
        UTCDateTime().process_bind_param(datetime(2026, 1, 16, 12, 0), dialect=type("D", (), {"name": "sqlite"})())


async def test_instants_come_back_aware_in_utc(db):
    async with db.transaction(write=True) as session:
        rows = await salon(session, now=NOON)
        appt = appointment(*rows, NOON.astimezone(timezone(timedelta(hours=-6))))
        session.add(appt)
    async with db.session() as session:
        stored = await session.get(type(appt), appt.id)
    assert stored.starts_at == NOON and stored.starts_at.tzinfo is not None
    assert stored.starts_at.utcoffset() == timedelta(0)
    async with db.session() as session:  # whatever the connection's own time zone
        if db.dialect == "postgresql":
            await session.execute(text("SET LOCAL TIME ZONE 'America/Tijuana'"))
        again = (await session.execute(select(type(appt).starts_at).where(type(appt).id == appt.id))).scalar_one()
    assert again == NOON and again.utcoffset() == timedelta(0)
