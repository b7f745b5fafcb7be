"""Issue 24, problem 2, on WhatsApp (signed webhooks) and GraphQL: no customer is left behind.

Pedro is out tomorrow and Carlos is booked solid, so Juan's 11:00 corte fits nowhere that
day. Applying the plan marks it "needs a new time" (GraphQL shows it), it gets no reminder,
Juan gets one message with the best other times (another day, another stylist) and the
waitlist, and his reply books one of them like any other offer; the owner's morning
summary counts the visit until then.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from messaging.notifications.dispatch import dispatch_due
from messaging.templates import render
from storage import Appointment, Organization, OutboundMessage
from tests.conversation.kit import MX, Chat, add_appointment, add_customer, don_carlos, outbound_to
from tests.graphql.helpers import data, gql, staff_token
from tests.resolvers.factories import CONFIG

SATURDAY = date(2026, 1, 17)
NEEDS = "query($id: ID!) { appointment(id: $id) { ... on Appointment { needsNewTime needsNewTimeSince startsAt } } }"


async def _pedro_out_and_carlos_full(db, clock):
    shop = await don_carlos(db, clock())
    async with db.transaction(write=True) as s:
        (await s.get(Organization, shop.org.id)).settings = {"rebooking_days_ahead": 0}
    for n, hour in enumerate(range(10, 20)):
        who = await add_customer(db, shop, f"+5255200001{n:02d}", f"Cliente {n}", verified=clock())
        await add_appointment(db, shop, who, "corte", "carlos", SATURDAY, time(hour), clock())
    juan = await add_customer(db, shop, "+525520000001", "Juan Pérez", verified=clock())
    visit = await add_appointment(db, shop, juan, "corte", "pedro", SATURDAY, time(11), clock())
    return shop, juan, visit


async def _row(db, appointment_id) -> Appointment:
    async with db.session() as s:
        return await s.get(Appointment, appointment_id)


async def test_problem_2_an_unplaceable_visit_gets_offers_no_reminder_and_the_reply_books_one(rules_app, db, clock):
    shop, juan, visit = await _pedro_out_and_carlos_full(db, clock)
    juan_chat = Chat(rules_app, db, juan.phone_number, shop.number)
    await juan_chat.say("hola")  # Juan has written before: his conversation exists
    carlos = Chat(rules_app, db, "+525512345001", shop.number)

    plan = await carlos.say("Pedro se enfermó, no viene mañana")
    assert "No pude mover la cita:" in plan and "Juan Pérez" in plan
    assert plan.endswith("¿Lo aplico? Responde «aplica» o «no».")
    applied = await carlos.say("aplica")
    assert "Al cliente sin lugar le escribí con otras opciones" in applied

    marked = await _row(db, visit.id)
    assert marked.needs_new_time_at == clock() and marked.staff_id == shop.staff["pedro"].id
    owner = staff_token(shop, shop.staff["carlos"], clock())
    shown = data(await gql(rules_app, NEEDS, {"id": str(visit.id)}, token=owner))["appointment"]
    assert shown["needsNewTime"] is True

    (notice,) = [m for m in await outbound_to(db, juan.phone_number) if m.template_name == "appointment_needs_new_time"]
    options = notice.template_variables["options"]
    assert 1 <= len(options) <= 3
    starts = [datetime.fromisoformat(o["starts_at"].replace("Z", "+00:00")).astimezone(MX) for o in options]
    assert all(s.date() != SATURDAY for s in starts)  # Saturday has no room left: other days
    text = render("appointment_needs_new_time", notice.template_variables, now=clock()).body
    assert "Te podemos ofrecer:\n1. " in text and "lista de espera" in text and "del el" not in text

    # The reminder pass a day before: Carlos's customers get theirs, Juan gets none.
    clock.set(datetime.combine(date(2026, 1, 16), time(11), MX))
    await dispatch_due(db, now=clock(), config=CONFIG)
    async with db.session() as s:
        reminders = (await s.scalars(select(OutboundMessage).where(
            OutboundMessage.template_name == "appointment_reminder"))).all()
    assert reminders and all(juan.phone_number not in r.to_number for r in reminders)
    summary = [m for m in await outbound_to(db, "+525512345001") if m.template_name == "daily_summary"]
    assert not summary or summary[-1].template_variables.get("needs_new_time") == 1

    answer = await juan_chat.say("la 2" if len(options) > 1 else "la 1")
    chosen = options[1] if len(options) > 1 else options[0]
    moved = await _row(db, visit.id)
    assert moved.needs_new_time_at is None, answer
    assert moved.starts_at == datetime.fromisoformat(chosen["starts_at"].replace("Z", "+00:00"))
    assert str(moved.staff_id) == chosen["staff_id"]
    assert "Listo" in answer and "quedó" in answer
    shown = data(await gql(rules_app, NEEDS, {"id": str(visit.id)}, token=staff_token(shop, shop.staff["carlos"],
                                                                                          clock())))["appointment"]
    assert shown["needsNewTime"] is False


async def test_the_owners_summary_counts_visits_waiting_for_a_new_time_and_the_waitlist_is_offered(
        rules_app, db, clock):
    shop, juan, visit = await _pedro_out_and_carlos_full(db, clock)
    juan_chat = Chat(rules_app, db, juan.phone_number, shop.number)
    await juan_chat.say("hola")
    carlos = Chat(rules_app, db, "+525512345001", shop.number)
    await carlos.say("Pedro se enfermó, no viene mañana")
    await carlos.say("aplica")
    waiting = await juan_chat.say("mejor ponme en la lista de espera")
    assert "lista de espera" in waiting and (await _row(db, visit.id)).needs_new_time_at is not None

    clock.set(datetime.combine(SATURDAY, time(7, 1), MX))  # Saturday's morning summary
    await dispatch_due(db, now=clock(), config=CONFIG)
    (summary,) = [m for m in await outbound_to(db, "+525512345001") if m.template_name == "daily_summary"]
    assert summary.template_variables["needs_new_time"] == 1
    assert "1 cita espera nueva hora" in render("daily_summary", summary.template_variables, now=clock()).body
    assert all(line["customer_name"] != "Juan Pérez" for line in summary.template_variables["appointments"])
    clock.set(clock() + timedelta(minutes=1))


async def _juan_waiting_for_a_new_time(rules_app, db, clock):
    shop, juan, visit = await _pedro_out_and_carlos_full(db, clock)
    juan_chat = Chat(rules_app, db, juan.phone_number, shop.number)
    await juan_chat.say("hola")
    carlos = Chat(rules_app, db, "+525512345001", shop.number)
    await carlos.say("Pedro se enfermó, no viene mañana")
    await carlos.say("aplica")
    (notice,) = [m for m in await outbound_to(db, juan.phone_number) if m.template_name == "appointment_needs_new_time"]
    return shop, juan_chat, visit, notice.template_variables["options"]


async def _rewrite_flow(db, phone, change) -> None:
    from storage import Conversation, FlowSession

    async with db.transaction(write=True) as s:
        conversation = await s.scalar(select(Conversation).where(Conversation.phone_number == phone))
        row = await s.scalar(select(FlowSession).where(FlowSession.conversation_id == conversation.id))
        assert row.flow_type == "new_time" and row.collected_data["version"] == 1
        row.collected_data = change(dict(row.collected_data))


async def test_offers_written_before_the_flow_was_versioned_still_book(rules_app, db, clock):
    shop, juan_chat, visit, options = await _juan_waiting_for_a_new_time(rules_app, db, clock)
    await _rewrite_flow(db, juan_chat.sender, lambda row: {k: v for k, v in row.items() if k != "version"})
    answer = await juan_chat.say("la 1")
    moved = await _row(db, visit.id)
    assert moved.needs_new_time_at is None, answer
    assert moved.starts_at == datetime.fromisoformat(options[0]["starts_at"].replace("Z", "+00:00"))
    assert "Listo" in answer


async def test_a_damaged_offer_row_is_forgotten_with_an_apology_and_the_visit_keeps_waiting(rules_app, db, clock):
    shop, juan_chat, visit, _ = await _juan_waiting_for_a_new_time(rules_app, db, clock)
    await _rewrite_flow(db, juan_chat.sender, lambda row: {**row, "appointment_id": "no es un id", "options": "?"})
    answer = await juan_chat.say("la 1")
    assert "perdí el hilo" in answer and "se me complicó" not in answer
    assert (await _row(db, visit.id)).needs_new_time_at is not None
