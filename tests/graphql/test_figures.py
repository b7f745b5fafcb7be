"""The figures query: the dashboard's numbers are the WhatsApp answers' numbers (one resolver)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from resolvers.stats import day_figures
from tests.graphql.helpers import data, gql, staff_token
from tests.resolvers.factories import as_staff, context, make_salon
from tests.resolvers.salon_book import count_figures, write_book

DAY_FIGURES = """query($first: Date!, $last: Date, $staff: ID) {
  dayFigures(firstDay: $first, lastDay: $last, staffId: $staff) {
    __typename ... on Problem { message }
    ... on Figures { from to staffId appointments completed cancelled noShows scheduled revenueCents
                     expectedRevenueCents newCustomers busiestDay busiestDayAppointments busiestHour
                     busiestHourAppointments byStaff { staffId name appointments completed noShows revenueCents } }
  }
}"""
FIGURES = """query($from: DateTime!, $to: DateTime!, $staff: ID) {
  figures(from: $from, to: $to, staffId: $staff) { __typename ... on Problem { message }
    ... on Figures { appointments revenueCents staffId } }
}"""


@pytest.fixture
async def book(db, clock):
    salon = await make_salon(db, clock(), staff_hours=True)
    return salon, await write_book(db, salon, clock())


async def test_owner_reads_the_weeks_figures_counted_like_the_book(client, clock, book):
    salon, visits = book
    zone = ZoneInfo(salon.org.timezone)
    today = clock().astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    body = data(await gql(client, DAY_FIGURES, {"first": monday.isoformat(), "last": (monday + timedelta(days=6)).isoformat()},
                          token=staff_token(salon, salon.ana, clock())))["dayFigures"]
    expected = count_figures(visits, monday, monday + timedelta(days=6), zone)
    assert body["__typename"] == "Figures" and body["staffId"] is None
    assert (body["appointments"], body["completed"], body["cancelled"], body["noShows"], body["revenueCents"],
            body["expectedRevenueCents"], body["newCustomers"]) == (
        expected["appointments"], expected["completed"], expected["cancelled"], expected["no_shows"],
        expected["revenue_cents"], expected["expected_revenue_cents"], expected["new_customers"])
    assert body["busiestDay"] == (expected["busiest_day"].isoformat() if expected["busiest_day"] else None)
    assert body["busiestHour"] == expected["busiest_hour"]
    assert sum(p["appointments"] for p in body["byStaff"]) == body["appointments"]
    assert body["from"].startswith(f"{monday.isoformat()}T06:00:00")  # local midnight in Mexico City, in UTC


async def test_the_query_and_the_use_case_give_the_same_day_totals(client, db, clock, book):
    salon, _ = book
    token = staff_token(salon, salon.ana, clock())
    for day in (date(2026, 1, 15), date(2026, 1, 16), date(2026, 1, 17)):
        body = data(await gql(client, DAY_FIGURES, {"first": day.isoformat()}, token=token))["dayFigures"]
        direct = await day_figures(context(db, clock, as_staff(salon, salon.ana)), day)
        assert (body["appointments"], body["revenueCents"], body["scheduled"]) == (
            direct.appointments, direct.revenue_cents, direct.scheduled)


async def test_staff_get_their_own_figures_and_not_the_business_or_a_colleagues(client, clock, book):
    salon, visits = book
    zone = ZoneInfo(salon.org.timezone)
    today = clock().astimezone(zone).date()
    beto = staff_token(salon, salon.beto, clock())
    own = data(await gql(client, DAY_FIGURES, {"first": today.isoformat()}, token=beto))["dayFigures"]
    assert own["staffId"] == str(salon.beto.id)
    assert own["appointments"] == count_figures(visits, today, today, zone, staff_id=salon.beto.id)["appointments"]
    other = data(await gql(client, DAY_FIGURES, {"first": today.isoformat(), "staff": str(salon.ana.id)},
                           token=beto))["dayFigures"]
    assert other["__typename"] == "PermissionDenied" and "dueño" in other["message"]


async def test_figures_over_an_instant_range_and_a_too_long_one(client, clock, book):
    salon, visits = book
    token = staff_token(salon, salon.ana, clock())
    now = clock()
    body = data(await gql(client, FIGURES, {"from": (now - timedelta(days=7)).isoformat(), "to": now.isoformat()},
                          token=token))["figures"]
    assert body["appointments"] == sum(1 for v in visits if now - timedelta(days=7) <= v.start < now
                                       and v.status.value != "cancelled")
    too_long = data(await gql(client, FIGURES, {"from": (now - timedelta(days=800)).isoformat(), "to": now.isoformat()},
                              token=token))["figures"]
    assert too_long["__typename"] == "ValidationError"


async def test_another_salons_staff_member_is_not_found(client, db, clock, book):
    salon, _ = book
    other = await make_salon(db, clock(), name="Barbería Centro", phone_prefix="+52559876")
    body = data(await gql(client, DAY_FIGURES, {"first": "2026-01-16", "staff": str(other.beto.id)},
                          token=staff_token(salon, salon.ana, clock())))["dayFigures"]
    assert body["__typename"] == "NotFound"
