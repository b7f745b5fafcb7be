"""The spec's routing table: the recipient picks the channel, the sender's phone picks the actor."""

from __future__ import annotations

from sqlalchemy import select

from messaging.engine import Reply, Turn
from messaging.routing import RouteKind
from storage import (
    Customer,
    OnboardingKind,
    OnboardingSession,
    OrganizationStatus,
    PermissionLevel,
    Staff,
)
from tests.messaging.whatsapp_kit import CENTRAL, post_signed, salon, twilio_form


class RecordingEngine:
    def __init__(self) -> None:
        self.turns: list[Turn] = []

    async def respond(self, turn: Turn) -> list[Reply]:
        self.turns.append(turn)
        return [Reply(f"ruta: {turn.route.kind.value}")]


async def say(whatsapp, sender: str, to: str, body: str = "Hola") -> None:
    response = await post_signed(whatsapp, "/webhooks/twilio", twilio_form(sender=sender, to=to, body=body))
    assert response.status_code == 200
    await whatsapp.messaging.queue.drain()


async def test_anyone_who_is_not_staff_is_a_customer_created_on_first_contact(whatsapp, db, clock):
    engine = whatsapp.messaging.engine = RecordingEngine()
    shop = await salon(db, clock())
    await say(whatsapp, "+5215598765432", shop.number)
    await say(whatsapp, "+525598765432", shop.number, "¿me oyes?")
    [first, second] = engine.turns
    assert first.route.kind is RouteKind.CUSTOMER and first.route.organization_id == shop.org.id
    assert first.route.customer_id == second.route.customer_id
    assert first.context.actor.is_customer and first.context.actor.customer_id == first.route.customer_id
    async with db.session() as session:
        [customer] = (await session.scalars(select(Customer))).all()
    assert customer.name is None  # learned later, in the conversation


async def test_staff_first_message_starts_staff_onboarding_then_management(whatsapp, db, clock):
    engine = whatsapp.messaging.engine = RecordingEngine()
    shop = await salon(db, clock(), owner_has_written=False)
    await say(whatsapp, "+5215512345001", shop.number)
    await say(whatsapp, "+525512345001", shop.number, "¿qué tengo hoy?")
    assert [t.route.kind for t in engine.turns] == [RouteKind.STAFF_ONBOARDING, RouteKind.MANAGEMENT]
    actor = engine.turns[1].context.actor
    assert actor.is_staff and actor.staff_id == shop.owner.id and actor.permission_level is PermissionLevel.OWNER


async def test_staff_stays_in_onboarding_while_their_onboarding_is_unfinished(whatsapp, db, clock):
    engine = whatsapp.messaging.engine = RecordingEngine()
    shop = await salon(db, clock())
    async with db.transaction(write=True) as session:
        session.add(OnboardingSession(kind=OnboardingKind.STAFF, phone_number=shop.owner.phone_number,
                                      organization_id=shop.org.id, staff_id=shop.owner.id,
                                      state="collecting_availability", collected_data={}, conversation_context={}))
    await say(whatsapp, "+525512345001", shop.number)
    assert engine.turns[0].route.kind is RouteKind.STAFF_ONBOARDING


async def test_staff_of_one_business_is_a_customer_at_another(whatsapp, db, clock):
    engine = whatsapp.messaging.engine = RecordingEngine()
    await salon(db, clock())
    other = await salon(db, clock(), number="+525587650000", name="Uñas Lupita", owner_phone="+525511112222")
    await say(whatsapp, "+525512345001", other.number)
    assert engine.turns[0].route.kind is RouteKind.CUSTOMER and engine.turns[0].route.organization_id == other.org.id


async def test_an_unknown_number_on_the_central_line_is_business_onboarding(whatsapp, db, clock, fake_twilio):
    engine = whatsapp.messaging.engine = RecordingEngine()
    await say(whatsapp, "+525533334444", CENTRAL, "Quiero Parlo para mi salón")
    [turn] = engine.turns
    assert turn.route.kind is RouteKind.BUSINESS_ONBOARDING and turn.route.organization_id is None
    assert fake_twilio.messages[0].from_ == f"whatsapp:{CENTRAL}"


async def test_an_owner_with_one_business_manages_it_from_the_central_line(whatsapp, db, clock):
    engine = whatsapp.messaging.engine = RecordingEngine()
    shop = await salon(db, clock())
    await say(whatsapp, "+525512345001", CENTRAL)
    [turn] = engine.turns
    assert turn.route.kind is RouteKind.MANAGEMENT and turn.route.organization_id == shop.org.id
    assert turn.context.actor.is_staff


async def test_unfinished_business_onboarding_continues_on_the_central_line(whatsapp, db, clock):
    engine = whatsapp.messaging.engine = RecordingEngine()
    await salon(db, clock())
    async with db.transaction(write=True) as session:
        session.add(OnboardingSession(kind=OnboardingKind.BUSINESS, phone_number="+525512345001",
                                      state="collecting_business_info", collected_data={}, conversation_context={}))
    await say(whatsapp, "+525512345001", CENTRAL)
    assert engine.turns[0].route.kind is RouteKind.BUSINESS_ONBOARDING


async def test_staff_of_several_businesses_are_asked_to_write_to_each_number(whatsapp, db, clock, fake_twilio):
    engine = whatsapp.messaging.engine = RecordingEngine()
    first = await salon(db, clock())
    second = await salon(db, clock(), number="+525587650000", name="Uñas Lupita", owner_phone="+525511112222")
    async with db.transaction(write=True) as session:
        session.add(Staff(organization_id=second.org.id, name="Carlos", phone_number=first.owner.phone_number))
    await say(whatsapp, "+5215512345001", CENTRAL)
    assert engine.turns == []
    [sent] = fake_twilio.messages
    assert "varios negocios" in sent.body
    assert "Barbería Don Carlos: 55 8765 4321" in sent.body and "Uñas Lupita: 55 8765 0000" in sent.body


async def test_a_suspended_business_answers_only_a_polite_notice(whatsapp, db, clock, fake_twilio):
    engine = whatsapp.messaging.engine = RecordingEngine()
    shop = await salon(db, clock(), status=OrganizationStatus.SUSPENDED)
    await say(whatsapp, "+525598765432", shop.number, "Quiero una cita")
    assert engine.turns == []
    [sent] = fake_twilio.messages
    assert "no estamos recibiendo citas" in sent.body and "Barbería Don Carlos" in sent.body
    async with db.session() as session:
        assert (await session.scalars(select(Customer))).all() == []  # nothing else happens


async def test_a_message_to_a_number_no_business_owns_is_stored_but_not_answered(whatsapp, db, clock, fake_twilio):
    engine = whatsapp.messaging.engine = RecordingEngine()
    await say(whatsapp, "+525598765432", "+525599990000")
    assert engine.turns == [] and fake_twilio.messages == []


async def test_the_acknowledgement_differs_for_customers_staff_and_newcomers(whatsapp, db, clock, fake_twilio):
    shop = await salon(db, clock())
    await say(whatsapp, "+525598765432", shop.number)
    await say(whatsapp, "+525512345001", shop.number)
    await say(whatsapp, "+525533334444", CENTRAL)
    customer, staff, newcomer = (m.body for m in fake_twilio.messages)
    assert "¡Hola, Juan!" in customer and "cita" in customer
    assert "Carlos" in staff and "agenda" in staff
    assert "Soy Parlo" in newcomer and "negocio" in newcomer
    assert len({customer, staff, newcomer}) == 3
