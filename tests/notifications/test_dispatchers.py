"""Who gets what: settings with defaults, opted-in admins, visits of several services, walk-ins
without a phone, suspended salons, quiet nights, stale waitlist offers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from messaging.notifications import NotificationSettings, dispatch_due
from parlo.clock import FrozenClock
from resolvers.scheduling import BookingRequest, book_appointment, book_walk_in, mark_appointment
from resolvers.scheduling.types import WalkInRequest
from storage import AppointmentStatus, Organization, OrganizationStatus, PermissionLevel, Staff
from storage.ids import new_id
from tests.notifications.kit import at, book, notices
from tests.resolvers.factories import CONFIG, as_staff, context, make_salon

ZONE = "America/Mexico_City"


def test_settings_have_defaults_and_survive_wrong_values():
    assert NotificationSettings.of({}) == NotificationSettings()
    chosen = NotificationSettings.of({"daily_summary_hour": "8", "second_reminder": True, "review_requests": "sí",
                                      "reminder_hours_before": 48, "notify_admin_ids": ["a"]})
    assert (chosen.daily_summary_hour, chosen.second_reminder, chosen.review_requests) == (8, True, True)
    assert chosen.reminder_lead == timedelta(hours=48)
    broken = NotificationSettings.of({"daily_summary_hour": 31, "second_reminder": "quizá"})
    assert (broken.daily_summary_hour, broken.second_reminder) == (7, False)


async def _settings(db, salon, **values) -> None:
    async with db.transaction(write=True) as session:
        await session.execute(update(Organization).where(Organization.id == salon.org.id).values(**values))


async def test_the_summary_goes_to_the_owner_and_to_admins_who_opt_in(db):
    clock = FrozenClock(at(ZONE, 2026, 3, 2, 12))
    salon = await make_salon(db, clock(), staff_hours=True)
    mara, pepe = (Staff(id=new_id(), organization_id=salon.org.id, name=name, phone_number=phone,
                        permission_level=PermissionLevel.ADMIN, created_at=clock(), updated_at=clock())
                  for name, phone in (("Mara Ruiz", "+525512340010"), ("Pepe", "+525512340011")))
    async with db.transaction(write=True) as session:
        session.add_all([mara, pepe])
    await _settings(db, salon, settings={"notify_admin_ids": [str(mara.id)], "daily_summary_hour": 8})
    await book(db, clock, salon, at(ZONE, 2026, 3, 3, 11))
    told = {r.to_number for r in await notices(db, "new_booking")}
    assert "whatsapp:+525512340010" in told and "whatsapp:+525512340011" not in told  # the booking notice too
    clock.set(at(ZONE, 2026, 3, 3, 7, 59))
    assert (await dispatch_due(db, now=clock(), config=CONFIG)).total == 0
    clock.set(at(ZONE, 2026, 3, 3, 8))
    await dispatch_due(db, now=clock(), config=CONFIG)
    rows = await notices(db, "daily_summary")
    assert sorted(r.to_number for r in rows) == ["whatsapp:" + salon.ana.phone_number, "whatsapp:+525512340010"]
    facts = rows[0].template_variables
    assert facts["date"] == "2026-03-03" and facts["appointment_count"] == 1
    assert facts["appointments"][0]["customer_name"] == "Lupe" and facts["appointments"][0]["staff_name"] == "Beto"


async def test_a_visit_of_two_services_gets_one_reminder_and_a_walk_in_without_phone_none(db):
    clock = FrozenClock(at(ZONE, 2026, 3, 2, 12))
    salon = await make_salon(db, clock(), staff_hours=True)
    ctx = context(db, clock, as_staff(salon, salon.ana))
    booked = await book_appointment(ctx, BookingRequest(service_ids=(salon.corte.id, salon.barba.id),
                                                        start=at(ZONE, 2026, 3, 4, 10),
                                                        customer_phone=salon.lupe.phone_number, notify_customer=False))
    assert len(booked.appointments) == 2
    clock.set(at(ZONE, 2026, 3, 3, 10))
    await dispatch_due(db, now=clock(), config=CONFIG)
    clock.advance(timedelta(minutes=45))  # the barba part's own 24 hours
    await dispatch_due(db, now=clock(), config=CONFIG)
    (reminder,) = await notices(db, "appointment_reminder")
    assert reminder.template_variables["service_names"] == ["Corte", "Barba"]

    walk_in = await book_walk_in(context(db, clock, as_staff(salon, salon.beto)), WalkInRequest(
        service_ids=(salon.corte.id,), customer_name="Sin teléfono"))
    assert hasattr(walk_in, "appointments"), walk_in
    clock.advance(timedelta(hours=2))
    await mark_appointment(ctx, walk_in.appointments[0].id, AppointmentStatus.NO_SHOW)
    clock.advance(timedelta(hours=1))
    assert (await dispatch_due(db, now=clock(), config=CONFIG)).written["no_show_invitations"] == []


async def test_suspended_salons_and_nights_are_quiet(db):
    clock = FrozenClock(at(ZONE, 2026, 3, 2, 12))
    salon = await make_salon(db, clock(), staff_hours=True, settings={"review_requests": True})
    late = await book(db, clock, salon, at(ZONE, 2026, 3, 3, 18))
    clock.set(at(ZONE, 2026, 3, 3, 19))
    await mark_appointment(context(db, clock, as_staff(salon, salon.ana)), late.id, AppointmentStatus.COMPLETED)
    clock.set(at(ZONE, 2026, 3, 3, 22))
    assert (await dispatch_due(db, now=clock(), config=CONFIG)).written["review_requests"] == []  # 10 PM: not now
    await _settings(db, salon, status=OrganizationStatus.SUSPENDED)
    clock.set(at(ZONE, 2026, 3, 4, 9))
    assert (await dispatch_due(db, now=clock(), config=CONFIG)).total == 0
    await _settings(db, salon, status=OrganizationStatus.ACTIVE)
    report = await dispatch_due(db, now=clock(), config=CONFIG)
    assert len(report.written["review_requests"]) == 1  # the next morning at 9


async def test_a_reminder_waiting_for_a_retry_is_withdrawn_when_the_visit_is_cancelled_or_moved(db):
    from messaging.delivery import deliver_due
    from resolvers.scheduling import cancel_appointment, reschedule_appointment
    from tests.fakes.twilio import FakeTwilio
    from tests.notifications.kit import messaging_for

    clock = FrozenClock(at(ZONE, 2026, 3, 2, 12))
    salon = await make_salon(db, clock(), staff_hours=True)
    cancelled = await book(db, clock, salon, at(ZONE, 2026, 3, 4, 10))
    moved = await book(db, clock, salon, at(ZONE, 2026, 3, 4, 12), customer_phone=salon.outsider.phone_number)
    twilio = FakeTwilio()
    m = messaging_for(db, clock, twilio)
    clock.set(at(ZONE, 2026, 3, 3, 12))
    await dispatch_due(db, now=clock(), config=CONFIG)
    twilio.fail_next(503, 503)  # Twilio is down: both wait for a retry
    await deliver_due(m)
    ctx = context(db, clock, as_staff(salon, salon.ana))
    await cancel_appointment(ctx, cancelled.id)
    await reschedule_appointment(ctx, moved.id, at(ZONE, 2026, 3, 4, 15), notify_customer=False)
    report = await dispatch_due(db, now=clock(), config=CONFIG)
    assert len(report.withdrawn) == 2 and report.total == 0  # the new time's reminder is due tomorrow 15:00
    clock.advance(timedelta(hours=1))
    await deliver_due(m)
    assert twilio.messages == [] and await notices(db, "appointment_reminder") == []


async def test_a_waitlist_offer_nobody_answers_passes_to_the_next_customer_waiting(db):
    from sqlalchemy import select

    from resolvers.rebooking import join_waitlist
    from resolvers.scheduling import cancel_appointment
    from storage import WaitlistEntry, WaitlistStatus
    from tests.resolvers.factories import as_customer

    clock = FrozenClock(at(ZONE, 2026, 3, 2, 12))
    salon = await make_salon(db, clock(), staff_hours=True)
    visit = await book(db, clock, salon, at(ZONE, 2026, 3, 4, 10))
    for customer in (salon.outsider, salon.lupe):
        joined = await join_waitlist(context(db, clock, as_customer(salon, customer)), salon.corte.id,
                                     at(ZONE, 2026, 3, 4, 0).date())
        assert not hasattr(joined, "message"), joined
    await cancel_appointment(context(db, clock, as_staff(salon, salon.ana)), visit.id)  # offers the freed time
    async with db.session() as session:
        offered = (await session.scalars(select(WaitlistEntry).where(WaitlistEntry.status == WaitlistStatus.OFFERED))).all()
    assert [entry.customer_id for entry in offered] == [salon.outsider.id]
    clock.advance(timedelta(hours=1))
    assert (await dispatch_due(db, now=clock(), config=CONFIG)).waitlist_offers_passed == 0
    clock.advance(timedelta(hours=1, minutes=1))
    assert (await dispatch_due(db, now=clock(), config=CONFIG)).waitlist_offers_passed == 1
    offers = await notices(db, "waitlist_offer")
    assert sorted(r.to_number for r in offers) == sorted("whatsapp:" + c.phone_number
                                                         for c in (salon.outsider, salon.lupe))
