"""Issue 24 on WhatsApp (signed webhooks, rule engine): the owner applies the plan they read.

Problem 1: after the plan was shown, someone booked one of its target times; "aplica todo"
must apply the stored plan's other moves, leave that customer where they were (never move
them somewhere the owner did not see), say which and why, and offer a fresh plan for just
them. Problem 8: the owner's message is worded by the shared es-MX wording ("del el" never).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from storage import Appointment, Availability, AvailabilityKind
from tests.conversation.kit import MX, Chat, add_appointment, add_customer, appointments_of, don_carlos

SATURDAY = date(2026, 1, 17)


async def _pedro_out(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await add_customer(db, shop, "+525520000001", "Juan Pérez", verified=clock())
    luis = await add_customer(db, shop, "+525520000003", "Luis Ramírez", verified=clock())
    await add_appointment(db, shop, juan, "corte", "pedro", SATURDAY, time(11), clock())
    await add_appointment(db, shop, luis, "barba", "pedro", SATURDAY, time(13), clock())
    return shop, juan, luis, Chat(rules_app, db, "+525512345001", shop.number)


async def test_problem_1_a_stale_move_on_whatsapp_is_not_applied_and_a_fresh_plan_is_offered(rules_app, db, clock):
    shop, juan, luis, carlos = await _pedro_out(rules_app, db, clock)
    plan = await carlos.say("Pedro se enfermó, no viene mañana")
    assert "1) Juan Pérez, corte de cabello, 11:00 AM con Pedro → 11:00 AM con Carlos" in plan
    # Meanwhile a walk-in takes Carlos at 11:00, the time the plan gave Juan.
    other = await add_customer(db, shop, "+525520000009", "Rosa Díaz", verified=clock())
    await add_appointment(db, shop, other, "corte", "carlos", SATURDAY, time(11), clock())

    answer = await carlos.say("aplica todo")
    assert answer.startswith("Listo ✓ Moví 1 cita y le avisé al cliente.")
    assert "1) Ya no cabe la cita de Juan Pérez: ese horario se ocupó." in answer
    assert answer.endswith("¿Te armo un plan nuevo solo para esas? Responde «sí» o «no».")
    rows = {a.customer_id: a for a in await appointments_of(db, shop)}
    assert rows[juan.id].staff_id == shop.staff["pedro"].id  # untouched: where the owner last saw it
    assert rows[juan.id].starts_at == datetime.combine(SATURDAY, time(11), MX)  # no day change sneaked in
    assert rows[luis.id].staff_id == shop.staff["carlos"].id

    fresh = await carlos.say("sí")
    assert fresh.startswith("Pedro Ramírez no viene mañana sábado.\nMuevo 1 de 1 cita:")
    line = next(x for x in fresh.splitlines() if x.startswith("1) "))
    assert "Juan Pérez" in line and "Luis" not in fresh.split("Muevo")[1]
    assert (await carlos.say("aplica todo")).startswith("Listo ✓ Moví 1 cita")
    juan_now = next(a for a in await appointments_of(db, shop) if a.customer_id == juan.id)
    assert juan_now.staff_id == shop.staff["carlos"].id
    new_time = re.search(r"→ (.+) con Carlos", line).group(1)
    assert new_time in line  # what the owner read is what was written
    async with db.session() as s:
        blocks = (await s.scalars(select(Availability).where(Availability.kind == AvailabilityKind.BLOCK,
                                                             Availability.staff_id == shop.staff["pedro"].id))).all()
    assert len(blocks) == 1  # two plans applied for the same absence: one block


async def test_an_expired_plan_on_whatsapp_is_refused_and_offered_again(rules_app, db, clock):
    shop, juan, luis, carlos = await _pedro_out(rules_app, db, clock)
    await carlos.say("Pedro se enfermó, no viene mañana")
    clock.advance(timedelta(minutes=31))
    answer = await carlos.say("aplica todo")
    assert "venció" in answer and answer.endswith("¿Te armo uno nuevo? Responde «sí» o «no».")
    assert {a.staff_id for a in await appointments_of(db, shop)} == {shop.staff["pedro"].id}
    again = await carlos.say("sí")
    assert again.startswith("Pedro Ramírez no viene mañana sábado.\nMuevo 2 de 2 citas:")
    assert (await carlos.say("aplica todo")).startswith("Listo ✓ Moví 2 citas")


async def test_problem_8_the_owners_plan_message_uses_the_shared_wording(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    # Carlos is fully booked on Saturday: Pedro's Saturday customers can only go to Monday.
    for n, hour in enumerate(range(10, 20)):
        who = await add_customer(db, shop, f"+5255200001{n:02d}", f"Cliente {n}", verified=clock())
        await add_appointment(db, shop, who, "corte", "carlos", SATURDAY, time(hour), clock())
    juan = await add_customer(db, shop, "+525520000001", "Juan Pérez", verified=clock())
    await add_appointment(db, shop, juan, "corte", "pedro", SATURDAY, time(12, 30), clock())
    plan = await Chat(rules_app, db, "+525512345001", shop.number).say("Pedro se enfermó, no viene mañana")
    assert "del el" not in plan and "de el " not in plan and " a el " not in plan
    assert "1) Juan Pérez, corte de cabello, 12:30 PM con Pedro → el lunes a las" in plan, plan
    async with db.session() as s:
        assert (await s.scalars(select(Appointment).where(Appointment.customer_id == juan.id))).one().staff_id \
            == shop.staff["pedro"].id


async def test_an_absence_with_nothing_to_move_still_goes_on_the_calendar_once(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    carlos = Chat(rules_app, db, "+525512345001", shop.number)
    answer = await carlos.say("Pedro se enfermó, no viene mañana")
    assert answer == "Pedro no tiene citas mañana sábado; no hay nada que mover. Ya lo bloqueé en tu agenda ese día."
    await carlos.say("Pedro no viene mañana")
    async with db.session() as s:
        blocks = (await s.scalars(select(Availability).where(Availability.kind == AvailabilityKind.BLOCK,
                                                             Availability.staff_id == shop.staff["pedro"].id))).all()
    assert len(blocks) == 1 and blocks[0].starts_at == datetime.combine(SATURDAY, time(0), MX)
