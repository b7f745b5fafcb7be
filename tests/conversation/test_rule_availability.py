"""The rule engine's availability (rules/availability.py) answers as the tool the LLM calls.

The rule engine runs ``check_availability`` on the use case itself, not through its GraphQL
document (half a rule turn's CPU). DESIGN.md says the rule engine calls the tools the model
calls: this pins that the two give the same answer — the same slots, the same note, the same
Spanish refusal for an argument it cannot use — and that a sender not offered the tool is
refused by the registry, as before.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest

from messaging.conversation.profile import load_profile
from messaging.conversation.rules import availability
from messaging.conversation.rules.base import TurnState
from messaging.conversation.tools import ToolContext, call_tool
from resolvers.context import Actor, Context, ResolverConfig
from tests.conversation.kit import add_appointment, add_customer, don_carlos

NOW = datetime(2026, 1, 16, 16, 0, tzinfo=timezone.utc)  # Friday 10:00 in Mexico City


async def _both(tc: ToolContext, args: dict):
    traces: list = []
    direct = await availability.run(ToolContext(tc.ctx, tc.profile, tc.conversation_id, tc.phone,
                                                tc.business_number, traces=traces), "check_availability",
                                    dict(args), sequence=1)
    tool = await call_tool(tc, "check_availability", dict(args), route_kind="customer", sequence=1)
    return direct, tool, traces


@pytest.fixture
async def shop_tc(db):
    shop = await don_carlos(db, NOW - timedelta(days=30))
    customer = await add_customer(db, shop, "+5215511112222", "Ana López", verified=NOW)
    monday = NOW.date() + timedelta(days=3)
    await add_appointment(db, shop, customer, "corte", "carlos", monday, time(12, 0), NOW)  # something busy to skip
    profile = await load_profile(db, shop.org.id)
    ctx = Context(db=db, now=lambda: NOW, actor=Actor.customer(organization_id=shop.org.id, customer_id=customer.id,
                                                               phone="+5215511112222"),
                  config=ResolverConfig(jwt_secret="x" * 40), correlation_id="test")
    return shop, ToolContext(ctx, profile, None, "+5215511112222", shop.number, traces=[])


@pytest.mark.parametrize("args", [
    {"date_from": "2026-01-19"},
    {"date_from": "2026-01-16", "date_to": "2026-01-22"},
    {"date_from": "2026-01-19", "part_of_day": "tarde"},
    {"date_from": "2026-01-19", "staff": "pedro"},
    {"date_from": "2026-01-10"},  # a day that is over: a note, no slots
])
async def test_the_same_slots_as_the_tool(shop_tc, args):
    shop, tc = shop_tc
    args = {"service_ids": [str(shop.services["corte"].id)], **args}
    if args.pop("staff", None):
        args["staff_id"] = str(shop.staff["pedro"].id)
    direct, tool, traces = await _both(tc, args)
    assert tool.ok and direct.ok, (tool, direct)
    assert direct.value == tool.value
    assert direct.value.slots or direct.value.note == "Ese día ya pasó."
    assert [t.function_name for t in traces] == ["check_availability"] and not traces[0].is_error


@pytest.mark.parametrize("args", [
    {"date_from": "el lunes"},
    {"date_from": "2026-01-22", "date_to": "2026-01-19"},
    {"date_from": "2026-01-19", "date_to": "2026-03-19"},
    {"date_from": "2026-01-19", "service_ids": []},
    {"date_from": "2026-01-19", "service_ids": ["no-es-un-id"]},
    {"date_from": "2026-01-19", "service_ids": ["01a25000-0000-7000-8000-000000000000"]},  # not this salon's
])
async def test_the_same_refusal_as_the_tool(shop_tc, args):
    shop, tc = shop_tc
    args = {"service_ids": [str(shop.services["corte"].id)], **args}
    direct, tool, traces = await _both(tc, args)
    assert not tool.ok and not direct.ok
    assert (direct.problem, direct.message) == (tool.problem, tool.message)
    assert traces[0].is_error and traces[0].error_message.startswith(("OperationFailed", tool.message))


async def test_a_sender_not_offered_the_tool_is_refused_by_the_registry(db, shop_tc):
    shop, tc = shop_tc
    onboarding = ToolContext(Context(db=db, now=lambda: NOW, actor=Actor.system(None),
                                     config=ResolverConfig(jwt_secret="x" * 40), correlation_id="test"),
                             tc.profile, None, "+5215599998888", None, traces=[])
    t = TurnState(text="hola", tc=onboarding, route_kind="business_onboarding", profile=tc.profile, now=NOW)
    refused = await t.call("check_availability", service_ids=[str(shop.services["corte"].id)], date_from="2026-01-19")
    tool = await call_tool(onboarding, "check_availability", {"service_ids": [str(shop.services["corte"].id)],
                                                              "date_from": "2026-01-19"},
                           route_kind="business_onboarding")
    assert not refused.ok and (refused.problem, refused.message) == (tool.problem, tool.message)
