"""A waitlist offer answered on WhatsApp, through the signed webhook: Luis cancels his Saturday
12:00 corte, Ana (waiting for a corte that day) gets "se liberó un lugar… ¿Lo quieres?", and
her "sí" books it (the owner gets the new-booking notice) while her "no" passes it to the next
customer waiting. A bare "sí" with no offer standing is not taken for one.

The same answers through the LLM engine (fake OpenAI): the model calls ``answer_waitlist_offer``.

The clock is Friday 16 January 2026, 10:00 in Mexico City ("mañana" is Saturday 17).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from messaging.conversation.profile import load_profile
from messaging.conversation.tools import ToolContext, call_tool
from resolvers.context import Actor, Context, ResolverConfig
from resolvers.scheduling.waitlist_offers import iso_utc, offer_to_next_waiting
from storage.ids import new_id
from storage import AppointmentStatus, Customer, Organization, OutboundMessage, WaitlistEntry, WaitlistStatus
from tests.conversation.fake_openai import call, last_tool_result, system_prompt
from tests.conversation.kit import MX, Chat, add_appointment, add_customer, appointments_of, don_carlos, outbound_to
from tests.conversation.test_booking_dialogues import _local

SATURDAY = date(2026, 1, 17)
LUIS, ANA, BETO = "+525522220000", "+525533330000", "+525544440000"
OWNER = "+525512345001"


async def _waiting(db, shop, customer, clock, minutes_ago: int) -> WaitlistEntry:
    at = clock() - timedelta(minutes=minutes_ago)
    async with db.transaction(write=True) as s:
        entry = WaitlistEntry(id=new_id(), organization_id=shop.org.id, customer_id=customer.id,
                              service_type_id=shop.services["corte"].id, desired_date=SATURDAY,
                              status=WaitlistStatus.WAITING, created_at=at, updated_at=at)
        s.add(entry)
    return entry


async def _status(db, entry: WaitlistEntry) -> WaitlistStatus:
    async with db.session() as s:
        return await s.scalar(select(WaitlistEntry.status).where(WaitlistEntry.organization_id == entry.organization_id,
                                                                 WaitlistEntry.id == entry.id))


async def _offers_to(db, phone: str) -> list[OutboundMessage]:
    return [m for m in await outbound_to(db, phone) if m.template_name == "waitlist_offer"]


async def _luis_cancels(rules_app, db, shop, clock):
    luis = await add_customer(db, shop, LUIS, "Luis Gómez", verified=clock() - timedelta(days=3))
    await add_appointment(db, shop, luis, "corte", "pedro", SATURDAY, time(12), clock())
    chat = Chat(rules_app, db, "+5215522220000", shop.number)
    assert "cancelar" in await chat.say("cancela mi cita porfa")
    assert "cancelé" in await chat.say("sí")


async def test_waitlist_offer_answered_si_books_it_and_tells_the_owner(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    ana = await add_customer(db, shop, ANA, "Ana Ruiz", verified=clock() - timedelta(days=3))
    entry = await _waiting(db, shop, ana, clock, 60)
    await _luis_cancels(rules_app, db, shop, clock)
    assert len(await _offers_to(db, ANA)) == 1 and await _status(db, entry) is WaitlistStatus.OFFERED
    owner_before = len(await outbound_to(db, OWNER))

    done = await Chat(rules_app, db, "+5215533330000", shop.number).say("sí, lo quiero")

    assert "Listo, Ana" in done and "12:00 PM" in done, done
    booked = [a for a in await appointments_of(db, shop) if a.status is not AppointmentStatus.CANCELLED]
    assert [(a.customer_id, _local(a).date(), _local(a).time()) for a in booked] == [(ana.id, SATURDAY, time(12))]
    assert await _status(db, entry) is WaitlistStatus.BOOKED
    owner_after = await outbound_to(db, OWNER)
    assert any(m.template_name == "new_booking" for m in owner_after[owner_before:]), \
        [m.template_name for m in owner_after]


async def test_waitlist_offer_answered_no_passes_it_to_the_next_customer(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    ana = await add_customer(db, shop, ANA, "Ana Ruiz", verified=clock() - timedelta(days=3))
    beto = await add_customer(db, shop, BETO, "Beto Luna", verified=clock() - timedelta(days=3))
    first, second = await _waiting(db, shop, ana, clock, 60), await _waiting(db, shop, beto, clock, 30)
    await _luis_cancels(rules_app, db, shop, clock)
    assert await _status(db, first) is WaitlistStatus.OFFERED and not await _offers_to(db, BETO)

    answer = await Chat(rules_app, db, "+5215533330000", shop.number).say("no, gracias")

    assert "alguien más" in answer, answer
    assert await _status(db, first) is WaitlistStatus.EXPIRED
    assert await _status(db, second) is WaitlistStatus.OFFERED and len(await _offers_to(db, BETO)) == 1
    assert not [a for a in await appointments_of(db, shop) if a.status is not AppointmentStatus.CANCELLED]

    done = await Chat(rules_app, db, "+5215544440000", shop.number).say("va")
    assert "Listo, Beto" in done, done
    assert await _status(db, second) is WaitlistStatus.BOOKED


async def test_a_yes_with_no_offer_standing_is_not_an_answer_to_one(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    ana = await add_customer(db, shop, ANA, "Ana Ruiz", verified=clock() - timedelta(days=3))
    entry = await _waiting(db, shop, ana, clock, 60)  # waiting, nothing offered yet
    answer = await Chat(rules_app, db, "+5215533330000", shop.number).say("sí")
    assert "aparté" not in answer and await _status(db, entry) is WaitlistStatus.WAITING
    assert not await appointments_of(db, shop)


async def test_no_puedo_a_esa_hora_declines_the_offer(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    ana = await add_customer(db, shop, ANA, "Ana Ruiz", verified=clock() - timedelta(days=3))
    entry = await _waiting(db, shop, ana, clock, 60)
    await _luis_cancels(rules_app, db, shop, clock)
    answer = await Chat(rules_app, db, "+5215533330000", shop.number).say("no puedo a esa hora")
    assert "alguien más" in answer, answer
    assert await _status(db, entry) is WaitlistStatus.EXPIRED


async def test_a_si_to_the_offer_hours_after_an_abandoned_booking_still_books_the_offer(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    ana = await add_customer(db, shop, ANA, "Ana Ruiz", verified=clock() - timedelta(days=3))
    entry = await _waiting(db, shop, ana, clock, 60)
    ana_chat = Chat(rules_app, db, "+5215533330000", shop.number)
    assert "•" in await ana_chat.say("quiero una barba el lunes")  # times offered, then she goes quiet
    clock.advance(timedelta(hours=2))
    await _luis_cancels(rules_app, db, shop, clock)

    done = await ana_chat.say("sí")

    assert "Listo, Ana" in done and "12:00 PM" in done, done
    assert await _status(db, entry) is WaitlistStatus.BOOKED


# ---------------------------------------------------------------- the same answers through the LLM engine


async def _offered(db, shop, clock, customer) -> WaitlistEntry:
    """Ana waiting for a corte on Saturday, offered 12:00 with Pedro (as a cancellation would offer it)."""
    entry = await _waiting(db, shop, customer, clock, 60)
    start = _at(SATURDAY, time(12))
    async with db.transaction(write=True) as s:
        organization = await s.get(Organization, shop.org.id)
        offered = await offer_to_next_waiting(s, now=clock(), organization=organization, skip_customer_id=None, slot={
            "business_name": organization.name, "location_name": None,
            "service_id": str(shop.services["corte"].id), "service_name": shop.services["corte"].name,
            "starts_at": iso_utc(start), "ends_at": iso_utc(start + timedelta(minutes=30)),
            "timezone": organization.timezone, "staff_id": str(shop.staff["pedro"].id),
            "staff_name": shop.staff["pedro"].name, "spot_id": None, "spot_name": None, "appointment_id": None})
    assert offered is not None and offered.id == entry.id
    return entry


def _at(day: date, at: time) -> datetime:
    return datetime.combine(day, at, MX)


async def test_waitlist_offer_answered_si_on_the_llm_books_it(llm_app, fake, db, clock):
    shop = await don_carlos(db, clock())
    ana = await add_customer(db, shop, ANA, "Ana Ruiz", verified=clock() - timedelta(days=3))
    entry = await _offered(db, shop, clock, ana)
    seen: list[dict] = []

    def reply(request):
        seen.append(last_tool_result(request))
        return {"role": "assistant", "content": "¡Listo, Ana! Te aparté tu corte mañana sábado a las 12:00 PM."}

    fake.then(call("answer_waitlist_offer", {"accept": True}), reply)
    async with llm_app() as http:
        answer = await Chat(http, db, "+5215533330000", shop.number).say("sí")
    assert answer == "¡Listo, Ana! Te aparté tu corte mañana sábado a las 12:00 PM."  # backed: the truth check let it pass
    assert "answer_waitlist_offer" in system_prompt(fake.requests[0])
    [result] = seen
    assert result["accepted"] is True and [a["start"] for a in result["appointments"]] == ["2026-01-17T12:00"]
    assert result["appointments"][0]["service"] == shop.services["corte"].name
    booked = [a for a in await appointments_of(db, shop) if a.status is not AppointmentStatus.CANCELLED]
    assert [(a.customer_id, _local(a).date(), _local(a).time(), a.staff_id) for a in booked] == \
        [(ana.id, SATURDAY, time(12), shop.staff["pedro"].id)]
    assert await _status(db, entry) is WaitlistStatus.BOOKED
    assert any(m.template_name == "new_booking" for m in await outbound_to(db, OWNER))


async def test_the_waitlist_tool_runner_accepts_declines_and_says_when_nothing_is_offered(db, clock):
    shop = await don_carlos(db, clock())
    ana = await add_customer(db, shop, ANA, "Ana Ruiz", verified=clock() - timedelta(days=3))
    beto = await add_customer(db, shop, BETO, "Beto Luna", verified=clock() - timedelta(days=3))
    profile = await load_profile(db, shop.org.id)

    def tc(customer: Customer) -> ToolContext:
        actor = Actor.customer(organization_id=shop.org.id, customer_id=customer.id, phone=customer.phone_number)
        return ToolContext(Context(db=db, now=clock, actor=actor, config=ResolverConfig(jwt_secret="x" * 40)),
                           profile)

    async def answer(customer: Customer, accept):
        return await call_tool(tc(customer), "answer_waitlist_offer", {"accept": accept}, route_kind="customer")

    nothing = await answer(ana, True)
    assert not nothing.ok and nothing.problem == "NotFound" and "lista de espera" in nothing.message

    first = await _offered(db, shop, clock, ana)
    second = await _waiting(db, shop, beto, clock, 30)
    assert (await answer(ana, "sí")).problem == "ValidationError"  # a boolean, not words
    declined = await answer(ana, False)
    assert declined.ok and declined.to_json() == {"accepted": False, "appointments": []}
    assert await _status(db, first) is WaitlistStatus.EXPIRED
    assert await _status(db, second) is WaitlistStatus.OFFERED and len(await _offers_to(db, BETO)) == 1

    accepted = await answer(beto, True)
    assert accepted.ok and accepted.value.accepted
    [visit] = accepted.value.appointments
    assert (visit.start, visit.customer, visit.staff_id) == ("2026-01-17T12:00", "Beto Luna", str(shop.staff["pedro"].id))
    assert await _status(db, second) is WaitlistStatus.BOOKED
    again = await answer(beto, True)
    assert not again.ok and again.problem == "NotFound"  # the offer is answered: nothing stands any more
