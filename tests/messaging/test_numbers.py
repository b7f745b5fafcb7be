"""WhatsApp numbers: provisioned for a new business, or the owner's own connected; status followed."""

from __future__ import annotations

from sqlalchemy import select
from twilio.rest import Client

from messaging.numbers import (
    DevelopmentNumbers,
    TwilioNumbers,
    connect_number,
    provision_number,
    sync_pending_senders,
)
from storage import Organization, OrganizationStatus, WhatsAppStatus
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN
from tests.messaging.whatsapp_kit import PUBLIC_URL


async def new_business(db, now, **fields) -> Organization:
    async with db.transaction(write=True) as session:
        org = Organization(name="Estética Lupita", status=OrganizationStatus.ACTIVE, settings={}, created_at=now,
                           updated_at=now, **fields)
        session.add(org)
    return org


def twilio_numbers(fake) -> TwilioNumbers:
    return TwilioNumbers(Client(ACCOUNT_SID, AUTH_TOKEN, http_client=fake), public_url=PUBLIC_URL, waba_id="1234")


async def test_a_new_business_gets_a_mexican_number_registered_as_a_whatsapp_sender(db, clock, fake_twilio):
    org = await new_business(db, clock())
    numbers = twilio_numbers(fake_twilio)
    updated = await provision_number(db, numbers, organization_id=org.id, now=clock())
    assert updated.whatsapp_number == "+525522334455"
    [bought] = fake_twilio.numbers
    assert bought["sms_url"] == "https://parlo.test/webhooks/twilio" and str(org.id) in bought["friendly_name"]
    [sender] = fake_twilio.senders
    assert sender["sender_id"] == "whatsapp:+525522334455"
    assert sender["webhook"]["callback_url"] == "https://parlo.test/webhooks/twilio"
    assert sender["configuration"]["waba_id"] == "1234" and sender["profile"]["name"] == "Estética Lupita"
    assert updated.whatsapp_sender_id == sender["sid"] and updated.whatsapp_status is WhatsAppStatus.PENDING

    fake_twilio.set_sender_status(sender["sid"], "ONLINE")
    assert await sync_pending_senders(db, numbers, now=clock()) == 1
    async with db.session() as session:
        assert (await session.get(Organization, org.id)).whatsapp_status is WhatsAppStatus.CONNECTED


async def test_provisioning_twice_never_buys_a_second_number(db, clock, fake_twilio):
    org = await new_business(db, clock())
    numbers = twilio_numbers(fake_twilio)
    # a crash after buying, before recording: the number exists at Twilio, not in Parlo
    numbers._provision(org.id, org.name)
    await provision_number(db, numbers, organization_id=org.id, now=clock())
    await provision_number(db, numbers, organization_id=org.id, now=clock())
    assert len(fake_twilio.numbers) == 1


async def test_an_owner_connects_the_number_they_already_have(db, clock, fake_twilio):
    org = await new_business(db, clock())
    updated = await connect_number(db, twilio_numbers(fake_twilio), organization_id=org.id, number="+525512349999",
                                   now=clock())
    [sender] = fake_twilio.senders
    assert sender["sender_id"] == "whatsapp:+525512349999" and fake_twilio.numbers == []
    assert updated.whatsapp_number == "+525512349999" and updated.whatsapp_sender_id == sender["sid"]
    assert updated.whatsapp_status is WhatsAppStatus.PENDING


async def test_a_number_marked_pending_by_the_dashboard_is_registered_by_the_sweep(db, clock, fake_twilio):
    org = await new_business(db, clock(), whatsapp_number="+525512348888", whatsapp_status=WhatsAppStatus.PENDING)
    await sync_pending_senders(db, twilio_numbers(fake_twilio), now=clock())
    async with db.session() as session:
        fresh = await session.get(Organization, org.id)
    assert fresh.whatsapp_sender_id == fake_twilio.senders[0]["sid"]


async def test_a_sender_meta_rejects_marks_the_number_failed(db, clock, fake_twilio):
    org = await new_business(db, clock())
    numbers = twilio_numbers(fake_twilio)
    await connect_number(db, numbers, organization_id=org.id, number="+525512347777", now=clock())
    fake_twilio.set_sender_status(fake_twilio.senders[0]["sid"], "OFFLINE")
    await sync_pending_senders(db, numbers, now=clock())
    async with db.session() as session:
        assert (await session.get(Organization, org.id)).whatsapp_status is WhatsAppStatus.FAILED


async def test_twilio_being_down_leaves_the_status_for_the_next_sweep(db, clock, fake_twilio):
    org = await new_business(db, clock(), whatsapp_number="+525512346666", whatsapp_status=WhatsAppStatus.PENDING)
    fake_twilio.fail_next(503)
    assert await sync_pending_senders(db, twilio_numbers(fake_twilio), now=clock()) == 0
    async with db.session() as session:
        fresh = await session.get(Organization, org.id)
    assert fresh.whatsapp_status is WhatsAppStatus.PENDING and fresh.whatsapp_sender_id is None


async def test_without_twilio_a_development_number_is_assigned_and_connected(db, clock):
    first = await new_business(db, clock())
    second = await new_business(db, clock())
    numbers = DevelopmentNumbers()
    a = await provision_number(db, numbers, organization_id=first.id, now=clock())
    b = await provision_number(db, numbers, organization_id=second.id, now=clock())
    assert a.whatsapp_number.startswith("+52559") and a.whatsapp_status is WhatsAppStatus.CONNECTED
    assert a.whatsapp_number != b.whatsapp_number
    async with db.session() as session:
        assert len((await session.scalars(select(Organization.whatsapp_number))).all()) == 2


async def test_a_business_that_finishes_onboarding_gets_its_number_and_the_owner_is_told(db, clock, fake_twilio):
    from messaging.numbers import provision_finished_onboardings
    from storage import OnboardingKind, OnboardingSession
    from tests.messaging.whatsapp_kit import CENTRAL, outbox

    done = await new_business(db, clock())
    unfinished = await new_business(db, clock())
    from_dashboard = await new_business(db, clock())
    async with db.transaction(write=True) as session:
        session.add_all([
            OnboardingSession(kind=OnboardingKind.BUSINESS, phone_number="+525533334444", organization_id=done.id,
                              state="completed", collected_data={}, conversation_context={}),
            OnboardingSession(kind=OnboardingKind.BUSINESS, phone_number="+525533335555",
                              organization_id=unfinished.id, state="collecting_owner_info", collected_data={},
                              conversation_context={}),
        ])
    numbers = twilio_numbers(fake_twilio)
    assert await provision_finished_onboardings(db, numbers, now=clock(), central_number=CENTRAL) == 1
    assert await provision_finished_onboardings(db, numbers, now=clock(), central_number=CENTRAL) == 0
    async with db.session() as session:
        numbers_now = {o.id: o.whatsapp_number for o in (await session.scalars(select(Organization))).all()}
    assert numbers_now[done.id] == "+525522334455"
    assert numbers_now[unfinished.id] is None and numbers_now[from_dashboard.id] is None
    [notice] = await outbox(db)
    assert notice.to_number == "whatsapp:+525533334444" and notice.from_number == f"whatsapp:{CENTRAL}"
    assert "55 2233 4455" in notice.body and "revisando" in notice.body
