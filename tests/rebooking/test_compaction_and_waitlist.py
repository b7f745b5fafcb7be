""""Compacta la agenda" moves only customers who accept moves; a cancelled slot goes to the waitlist."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from messaging.templates import render
from resolvers.context import Actor
from resolvers.errors import NotFound, PermissionDenied, ValidationError
from resolvers.rebooking import (
    CompactDay,
    PlanResult,
    accept_waitlist_offer,
    apply_rebooking,
    join_waitlist,
    pass_on_stale_offers,
    suggest_rebooking,
)
from resolvers.scheduling import BookedAppointments, cancel_appointment
from storage import Appointment, Customer, OutboundMessage, WaitlistEntry, WaitlistStatus
from tests.rebooking.helpers import customer, fetch, local, overlaps, place
from tests.resolvers.factories import as_customer, as_staff, context, make_salon

TOMORROW = date(2026, 1, 17)


async def test_compaction_moves_only_customers_who_accept_moves(db, clock):
    salon = await make_salon(db, clock())
    layout = [  # (stylist, hour, minute, accepts moves)
        (salon.ana, 9, 0, False), (salon.ana, 10, 30, True), (salon.ana, 12, 0, True), (salon.ana, 13, 30, False),
        (salon.beto, 9, 30, True), (salon.beto, 11, 0, False), (salon.beto, 12, 30, True), (salon.beto, 15, 0, True),
    ]
    accepting = set()
    for n, (member, hour, minute, accepts) in enumerate(layout):
        who = await customer(db, salon, f"Cliente {n}", f"+5255123470{n:02d}", accepts_moves=accepts)
        chair = salon.silla1 if member is salon.ana else salon.silla2
        row = await place(db, salon, who, salon.corte, member, chair, local(17, hour, minute))
        if accepts:
            accepting.add(row.id)
    ctx = context(db, clock, as_staff(salon, salon.ana))
    plan = await suggest_rebooking(ctx, CompactDay(TOMORROW))
    assert isinstance(plan, PlanResult), plan
    assert plan.moves, "a day full of 45-minute holes has something to compact"
    assert {m.appointment_id for m in plan.moves} <= accepting
    assert all(not m.affected and not m.changes_day for m in plan.moves)
    assert not plan.unplaceable and plan.figures.affected == 0
    assert sum(b.after_minutes for b in plan.free_blocks) > sum(b.before_minutes for b in plan.free_blocks)

    result = await apply_rebooking(ctx, plan.id, [m.id for m in plan.moves])
    assert not result.refused and len(result.applied) == len(plan.moves)
    assert await overlaps(db) == []


async def test_compaction_with_nobody_accepting_moves_changes_nothing(db, clock):
    salon = await make_salon(db, clock())
    for n, hour in enumerate((9, 11, 13, 15)):
        who = await customer(db, salon, f"Cliente {n}", f"+5255123471{n:02d}")
        await place(db, salon, who, salon.corte, salon.ana, salon.silla1, local(17, hour))
    plan = await suggest_rebooking(context(db, clock, as_staff(salon, salon.ana)), CompactDay(TOMORROW))
    assert plan.moves == () and plan.optimal


async def _cancel_and_offer(db, clock, salon, appointment_id: uuid.UUID) -> WaitlistEntry | None:
    """Cancel through the real use case; return the waitlist entry it offered the freed time to."""
    offered_before = {e.id for e in await fetch(db, WaitlistEntry, WaitlistEntry.status == WaitlistStatus.OFFERED)}
    cancelled = await cancel_appointment(context(db, clock, as_staff(salon, salon.ana)), appointment_id)
    assert isinstance(cancelled, Appointment), cancelled
    offered = [e for e in await fetch(db, WaitlistEntry, WaitlistEntry.status == WaitlistStatus.OFFERED)
               if e.id not in offered_before]
    return offered[0] if offered else None


async def test_a_cancelled_slot_is_offered_to_the_first_customer_waiting(db, clock):
    salon = await make_salon(db, clock())
    first = await customer(db, salon, "Primera", "+525512348001")
    second = await customer(db, salon, "Segunda", "+525512348002")
    entry_1 = await join_waitlist(context(db, clock, as_customer(salon, first)), salon.corte.id, TOMORROW)
    clock.advance(timedelta(minutes=5))
    entry_2 = await join_waitlist(context(db, clock, as_customer(salon, second)), salon.corte.id, TOMORROW)
    assert isinstance(entry_1, WaitlistEntry) and entry_1.status is WaitlistStatus.WAITING
    again = await join_waitlist(context(db, clock, as_customer(salon, first)), salon.corte.id, TOMORROW)
    assert again.id == entry_1.id

    booked = await place(db, salon, salon.lupe, salon.corte, salon.beto, salon.silla1, local(17, 12))
    offered = await _cancel_and_offer(db, clock, salon, booked.id)
    assert offered is not None and offered.id == entry_1.id
    entries = {e.id: e for e in await fetch(db, WaitlistEntry)}
    assert entries[entry_1.id].status is WaitlistStatus.OFFERED and entries[entry_1.id].offered_at == clock()
    assert entries[entry_2.id].status is WaitlistStatus.WAITING
    (offer,) = await fetch(db, OutboundMessage, OutboundMessage.template_name == "waitlist_offer")
    assert offer.to_number == "whatsapp:+525512348001"
    facts = offer.template_variables
    assert facts["starts_at"] == "2026-01-17T18:00:00Z" and facts["service_name"] == "Corte"
    assert facts["staff_name"] == "Beto" and facts["waitlist_entry_id"] == str(entry_1.id)
    assert "12:00 PM" in render("waitlist_offer", facts, now=clock()).body

    other_day = await place(db, salon, salon.lupe, salon.barba, salon.beto, salon.silla1, local(19, 12))
    assert await _cancel_and_offer(db, clock, salon, other_day.id) is None  # nobody waits for barba on Monday


async def test_staff_put_a_customer_on_the_waitlist_by_phone(db, clock):
    salon = await make_salon(db, clock())
    entry = await join_waitlist(context(db, clock, as_staff(salon, salon.beto)), salon.corte.id, TOMORROW,
                                customer_phone="55 1111 2222", customer_name="Nueva")
    assert isinstance(entry, WaitlistEntry)
    (created,) = await fetch(db, Customer, Customer.phone_number == "+525511112222")
    assert created.name == "Nueva" and entry.customer_id == created.id
    viewer = await join_waitlist(context(db, clock, as_staff(salon, salon.vero)), salon.corte.id, TOMORROW,
                                 customer_phone="5511112222")
    assert isinstance(viewer, PermissionDenied)
    past = await join_waitlist(context(db, clock, as_customer(salon, salon.lupe)), salon.corte.id, date(2026, 1, 1))
    assert isinstance(past, ValidationError)
    anonymous = await join_waitlist(context(db, clock, Actor.anonymous()), salon.corte.id, TOMORROW)
    assert anonymous.code == "NotAuthenticated"


async def test_the_customer_says_yes_to_the_offer_and_gets_the_time(db, clock):
    salon = await make_salon(db, clock())
    waiting = await customer(db, salon, "Espera", "+525512348003")
    entry = await join_waitlist(context(db, clock, as_customer(salon, waiting)), salon.corte.id, TOMORROW)
    booked = await place(db, salon, salon.lupe, salon.corte, salon.beto, salon.silla1, local(17, 12))
    assert (await _cancel_and_offer(db, clock, salon, booked.id)).id == entry.id

    ctx = context(db, clock, as_customer(salon, waiting))
    result = await accept_waitlist_offer(ctx, entry.id)
    assert isinstance(result, BookedAppointments), result
    (appointment,) = result.appointments
    assert appointment.starts_at == local(17, 12) and appointment.customer_id == waiting.id
    assert appointment.staff_id == salon.beto.id
    (stored,) = await fetch(db, WaitlistEntry)
    assert stored.status is WaitlistStatus.BOOKED
    assert isinstance(await accept_waitlist_offer(ctx, entry.id), NotFound)  # already used
    assert isinstance(await accept_waitlist_offer(context(db, clock, as_customer(salon, salon.lupe)), entry.id),
                      NotFound)
    assert await overlaps(db) == []


async def test_an_unanswered_offer_passes_to_the_next_customer_waiting(db, clock):
    salon = await make_salon(db, clock())
    first = await customer(db, salon, "Primera", "+525512348011")
    second = await customer(db, salon, "Segunda", "+525512348012")
    entry_1 = await join_waitlist(context(db, clock, as_customer(salon, first)), salon.corte.id, TOMORROW)
    clock.advance(timedelta(minutes=1))
    entry_2 = await join_waitlist(context(db, clock, as_customer(salon, second)), salon.corte.id, TOMORROW)
    booked = await place(db, salon, salon.lupe, salon.corte, salon.beto, salon.silla1, local(17, 12))
    await _cancel_and_offer(db, clock, salon, booked.id)

    system = context(db, clock, Actor.system(salon.org.id))
    assert await pass_on_stale_offers(system) == 0  # not stale yet
    assert await pass_on_stale_offers(context(db, clock, as_staff(salon, salon.ana))) == 0  # a job, not a person
    clock.advance(timedelta(hours=2, minutes=1))
    assert await pass_on_stale_offers(system) == 1
    entries = {e.id: e for e in await fetch(db, WaitlistEntry)}
    assert entries[entry_1.id].status is WaitlistStatus.EXPIRED
    assert entries[entry_2.id].status is WaitlistStatus.OFFERED
    offers = sorted(await fetch(db, OutboundMessage, OutboundMessage.template_name == "waitlist_offer"),
                    key=lambda m: m.created_at)
    assert [m.to_number for m in offers] == ["whatsapp:+525512348011", "whatsapp:+525512348012"]
    assert offers[1].template_variables["starts_at"] == "2026-01-17T18:00:00Z"
    assert offers[1].template_variables["customer_name"] == "Segunda"

    result = await accept_waitlist_offer(context(db, clock, as_customer(salon, second)), entry_2.id)
    assert isinstance(result, BookedAppointments) and result.appointments[0].customer_id == second.id
    assert isinstance(await accept_waitlist_offer(context(db, clock, as_customer(salon, first)), entry_1.id), NotFound)
