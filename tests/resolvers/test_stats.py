"""resolvers/stats.py: a period's figures equal the book counted one visit at a time."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from resolvers.context import Actor
from resolvers.errors import PermissionDenied, ValidationError
from resolvers.stats import day_figures, period_figures
from tests.resolvers.factories import as_staff, context, make_salon
from tests.resolvers.salon_book import count_figures, write_book

FIELDS = ("appointments", "completed", "cancelled", "no_shows", "revenue_cents", "expected_revenue_cents",
          "new_customers", "busiest_day", "busiest_hour")


@pytest.fixture
async def book(db, clock):
    salon = await make_salon(db, clock(), staff_hours=True)
    visits = await write_book(db, salon, clock())
    return salon, visits


def _periods(today: date) -> dict[str, tuple[date, date]]:
    monday = today - timedelta(days=today.weekday())
    month = today.replace(day=1)
    last_month_end = month - timedelta(days=1)
    return {
        "today": (today, today), "tomorrow": (today + timedelta(days=1),) * 2,
        "next monday": (monday + timedelta(days=7),) * 2, "this week": (monday, monday + timedelta(days=6)),
        "next week": (monday + timedelta(days=7), monday + timedelta(days=13)),
        "last week": (monday - timedelta(days=7), monday - timedelta(days=1)),
        "this month": (month, (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)),
        "last month": (last_month_end.replace(day=1), last_month_end),
        "a date range": (today - timedelta(days=20), today - timedelta(days=6)),
        "a closed sunday": (monday - timedelta(days=1),) * 2,
    }


@pytest.mark.parametrize("period", list(_periods(date(2026, 1, 16))))
async def test_business_figures_for_every_period_match_the_book_counted_by_hand(db, clock, book, period):
    salon, visits = book
    zone = ZoneInfo(salon.org.timezone)
    first, last = _periods(clock().astimezone(zone).date())[period]
    got = await day_figures(context(db, clock, as_staff(salon, salon.ana)), first, last)
    expected = count_figures(visits, first, last, zone)
    assert {f: getattr(got, f) for f in FIELDS} == expected
    assert sum(s.appointments for s in got.by_staff) == got.appointments
    assert sum(s.revenue_cents for s in got.by_staff) == got.revenue_cents


async def test_one_staff_members_figures_count_only_their_visits(db, clock, book):
    salon, visits = book
    zone = ZoneInfo(salon.org.timezone)
    today = clock().astimezone(zone).date()
    first, last = today - timedelta(days=30), today
    for member in (salon.ana, salon.beto):
        got = await day_figures(context(db, clock, as_staff(salon, salon.ana)), first, last, staff_id=member.id)
        assert {f: getattr(got, f) for f in FIELDS} == count_figures(visits, first, last, zone, staff_id=member.id)
        assert got.staff_id == member.id


async def test_staff_see_their_own_figures_and_are_refused_the_business_and_others(db, clock, book):
    salon, visits = book
    zone = ZoneInfo(salon.org.timezone)
    today = clock().astimezone(zone).date()
    beto = context(db, clock, as_staff(salon, salon.beto))
    own = await day_figures(beto, today - timedelta(days=7), today)
    assert own.staff_id == salon.beto.id
    assert own.appointments == count_figures(visits, today - timedelta(days=7), today, zone,
                                             staff_id=salon.beto.id)["appointments"]
    assert isinstance(await day_figures(beto, today, today, staff_id=salon.ana.id), PermissionDenied)
    customer = context(db, clock, Actor.customer(organization_id=salon.org.id, customer_id=salon.lupe.id,
                                                 phone=salon.lupe.phone_number))
    assert isinstance(await day_figures(customer, today, today), PermissionDenied)


async def test_a_visit_belongs_to_the_local_day_it_starts_on_not_the_utc_one(db, clock):
    """19:30 in Mexico City is 01:30 UTC the next day: it is still that evening's visit."""
    salon = await make_salon(db, clock(), hours={str(d): [["09:00", "21:00"]] for d in range(6)})
    visits = await write_book(db, salon, clock(), seed=3, days_back=3, days_ahead=0)
    zone = ZoneInfo(salon.org.timezone)
    today = clock().astimezone(zone).date()
    ctx = context(db, clock, as_staff(salon, salon.ana))
    total = 0
    for offset in range(-3, 1):
        day = today + timedelta(days=offset)
        got = await day_figures(ctx, day)
        assert got.appointments == count_figures(visits, day, day, zone)["appointments"]
        total += got.appointments
    assert total == (await day_figures(ctx, today - timedelta(days=3), today)).appointments


async def test_an_empty_period_has_zeros_and_no_busiest_day(db, clock):
    salon = await make_salon(db, clock())
    got = await day_figures(context(db, clock, as_staff(salon, salon.ana)), date(2026, 3, 1), date(2026, 3, 31))
    assert (got.appointments, got.revenue_cents, got.new_customers, got.busiest_day, got.busiest_hour) == (
        0, 0, 0, None, None)


async def test_a_period_that_ends_before_it_starts_is_refused_in_spanish(db, clock):
    salon = await make_salon(db, clock())
    now = clock()
    got = await period_figures(context(db, clock, as_staff(salon, salon.ana)), now, now - timedelta(hours=1))
    assert isinstance(got, ValidationError) and "después" in got.message
