"""GraphQL shows what became of each notification: per appointment, and the failed ones for admins."""

from __future__ import annotations

from messaging.delivery import deliver_due
from messaging.notifications import dispatch_due
from parlo.clock import FrozenClock
from resolvers.context import Actor
from schema.schema import build_schema, execute_as
from tests.fakes.twilio import FakeTwilio
from tests.notifications.kit import at, book, messaging_for
from tests.resolvers.factories import CONFIG, as_customer, as_staff, context, make_salon

ZONE = "America/Mexico_City"
SCHEMA = build_schema()

APPOINTMENT = """
query ($id: ID!) { appointment(id: $id) { ... on Appointment {
  notifications { templateName status attempts lastError toNumber nextAttemptAt } } } }"""
FAILED = """query ($org: ID) { failedMessages(organizationId: $org) { templateName status lastError organizationId } }"""


async def test_an_appointments_messages_and_the_failed_ones_are_visible(db):
    clock = FrozenClock(at(ZONE, 2026, 3, 2, 12))
    salon = await make_salon(db, clock(), staff_hours=True)
    other = await make_salon(db, clock(), name="Barbería Enfrente", phone_prefix="+52559876")
    visit = await book(db, clock, salon, at(ZONE, 2026, 3, 5, 10))
    twilio = FakeTwilio()
    m = messaging_for(db, clock, twilio)
    clock.set(at(ZONE, 2026, 3, 4, 10))
    await dispatch_due(db, now=clock(), config=CONFIG)
    twilio.fail_next(*([503] * m.config.delivery.max_attempts))  # Twilio down through every retry
    for _ in range(m.config.delivery.max_attempts):
        await deliver_due(m)
        clock.advance(m.config.delivery.max_delay)

    owner = context(db, clock, as_staff(salon, salon.ana))
    result = await execute_as(SCHEMA, owner, APPOINTMENT, {"id": str(visit.id)})
    assert result.errors is None
    (reminder,) = result.data["appointment"]["notifications"]
    assert reminder["templateName"] == "appointment_reminder" and reminder["status"] == "FAILED"
    assert reminder["attempts"] == m.config.delivery.max_attempts and "503" in reminder["lastError"]
    assert reminder["nextAttemptAt"] is None

    customer = context(db, clock, as_customer(salon, salon.lupe))
    mine = await execute_as(SCHEMA, customer, APPOINTMENT, {"id": str(visit.id)})
    assert [n["templateName"] for n in mine.data["appointment"]["notifications"]] == ["appointment_reminder"]

    failed = await execute_as(SCHEMA, owner, FAILED, {"org": str(other.org.id)})  # another salon's id is ignored
    assert [(f["templateName"], f["organizationId"]) for f in failed.data["failedMessages"]] == [
        ("appointment_reminder", str(salon.org.id))]
    across = await execute_as(SCHEMA, context(db, clock, Actor.admin()), FAILED, {"org": None})
    assert len(across.data["failedMessages"]) == 1
    elsewhere = await execute_as(SCHEMA, context(db, clock, as_staff(other, other.ana)), FAILED)
    assert elsewhere.data["failedMessages"] == []
    stylist = await execute_as(SCHEMA, context(db, clock, as_staff(salon, salon.beto)), FAILED)
    assert stylist.data is None and "Solo el dueño" in stylist.errors[0].message
