"""An organization's booking rules come from its settings, with safe defaults."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from resolvers.errors import Suspended, ValidationError
from resolvers.scheduling import BookingRequest, BookingRules, book_appointment
from storage import Organization, OrganizationStatus
from tests.resolvers.factories import as_customer, as_staff, context, make_salon


def test_rules_default_and_ignore_nonsense():
    assert BookingRules.of(SimpleNamespace(settings={})) == BookingRules(15, 0, 60, 0)
    rules = BookingRules.of(SimpleNamespace(settings={
        "slot_granularity_minutes": 30, "min_notice_minutes": 60, "max_days_ahead": 14, "buffer_minutes": 10}))
    assert rules == BookingRules(30, 60, 14, 10)
    assert rules.solver_options().buffer_after_minutes == 10
    nonsense = BookingRules.of(SimpleNamespace(settings={
        "slot_granularity_minutes": 7, "min_notice_minutes": -5, "max_days_ahead": "mucho", "buffer_minutes": True}))
    assert nonsense == BookingRules()


async def test_customers_cannot_book_past_the_days_ahead_staff_can(db, clock):
    salon = await make_salon(db, clock(), settings={"max_days_ahead": 14})
    far = datetime(2026, 2, 10, 11, tzinfo=ZoneInfo("America/Mexico_City"))
    customer = await book_appointment(context(db, clock, as_customer(salon, salon.lupe)),
                                      BookingRequest((salon.corte.id,), far))
    assert isinstance(customer, ValidationError) and "14 días" in customer.message
    staff = await book_appointment(context(db, clock, as_staff(salon, salon.beto)),
                                   BookingRequest((salon.corte.id,), far, "+525598765432"))
    assert not isinstance(staff, ValidationError), staff


async def test_a_suspended_salon_takes_no_bookings(db, clock):
    salon = await make_salon(db, clock())
    async with db.transaction(write=True) as s:
        (await s.get(Organization, salon.org.id)).status = OrganizationStatus.SUSPENDED
    result = await book_appointment(context(db, clock, as_staff(salon, salon.ana)),
                                    BookingRequest((salon.corte.id,), datetime(2026, 1, 17, 17, tzinfo=ZoneInfo("UTC")),
                                                   "+525598765432"))
    assert isinstance(result, Suspended)
