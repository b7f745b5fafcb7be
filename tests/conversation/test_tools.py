"""The tool layer: who gets which tool, times validated, every operation valid against the schema."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from graphql import parse, validate

from messaging.conversation.tools import DOCUMENTS, InvalidArguments, _schema, local_instant, registry, tools_for
from resolvers.context import Actor, Context, ResolverConfig
from storage import PermissionLevel

MX = ZoneInfo("America/Mexico_City")
ORG = uuid.uuid4()


def _ctx(actor: Actor) -> Context:
    return Context(db=None, now=lambda: datetime(2026, 1, 16, 16, tzinfo=ZoneInfo("UTC")), actor=actor,
                   config=ResolverConfig(jwt_secret="x" * 40))


def _names(actor: Actor, route: str) -> set[str]:
    return {t.name for t in tools_for(_ctx(actor), route)}


def _staff(level: PermissionLevel) -> Actor:
    return Actor.staff(organization_id=ORG, staff_id=uuid.uuid4(), level=level, phone="+525512345002")


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_operation_is_valid_against_the_schema(name):
    document = DOCUMENTS[name]
    assert validate(_schema()._schema, parse(document)) == []


def test_every_tool_schema_is_an_object_with_known_required_fields():
    for tool in registry().values():
        parameters = tool.parameters
        assert parameters["type"] == "object", tool.name
        assert set(parameters["required"]) <= set(parameters["properties"]), tool.name
        assert tool.operation is None or tool.operation in DOCUMENTS, tool.name


def test_customers_get_only_customer_tools():
    customer = Actor.customer(organization_id=ORG, customer_id=uuid.uuid4(), phone="+525511112222")
    assert _names(customer, "customer") == {
        "check_availability", "book_appointment", "get_customer_appointments", "cancel_appointment",
        "reschedule_appointment", "update_my_name", "rate_my_visit", "handoff_to_human", "get_my_last_visit",
        "answer_waitlist_offer"}


def test_staff_tools_follow_the_permission_matrix():
    viewer, staff = _names(_staff(PermissionLevel.VIEWER), "management"), _names(_staff(PermissionLevel.STAFF), "management")
    admin, owner = _names(_staff(PermissionLevel.ADMIN), "management"), _names(_staff(PermissionLevel.OWNER), "management")
    assert {"get_my_schedule", "get_business_schedule", "whats_next", "send_dashboard_link"} <= viewer
    assert not viewer & {"block_time", "book_walk_in", "mark_appointment_status", "cancel_appointment",
                         "set_appointment_notes"}
    assert {"block_time", "book_walk_in", "mark_appointment_status", "send_message_to_customer",
            "set_appointment_notes"} <= staff
    assert not staff & {"add_staff", "change_business_hours", "suggest_rebooking"}
    assert "get_stats" in staff  # their own figures; the resolver refuses the business's
    assert {"add_staff", "remove_staff", "get_stats", "suggest_rebooking", "apply_rebooking"} <= admin
    assert not admin & {"change_business_hours", "update_service", "change_permissions"}
    assert {"change_business_hours", "update_service", "change_permissions"} <= owner
    assert "handoff_to_human" not in owner and "update_my_name" not in owner and "answer_waitlist_offer" not in owner


def test_onboarding_senders_get_only_onboarding_tools():
    assert _names(Actor.system(None), "business_onboarding") == {"create_business"}
    assert _names(_staff(PermissionLevel.STAFF), "staff_onboarding") == {"save_my_profile"}


@pytest.mark.parametrize("value, expected", [
    ("2026-01-16T16:00", datetime(2026, 1, 16, 16, 0, tzinfo=MX)),
    ("2026-01-16T16:00:00", datetime(2026, 1, 16, 16, 0, tzinfo=MX)),
    ("2026-01-16T22:00:00Z", datetime(2026, 1, 16, 16, 0, tzinfo=MX)),
    ("2026-01-16T16:00-06:00", datetime(2026, 1, 16, 16, 0, tzinfo=MX)),
])
def test_model_times_are_read_as_the_business_local_time(value, expected):
    assert local_instant(value, MX) == expected


@pytest.mark.parametrize("value", ["mañana a las 4", "", None, "2026-13-01T10:00", "16:00", "1999-01-01T10:00"])
def test_invalid_model_times_are_refused_in_spanish(value):
    with pytest.raises(InvalidArguments):
        local_instant(value, MX)


def test_the_engine_is_the_rules_without_a_key_and_llm_with_fallback_with_one():
    from messaging.conversation.build import build_engine
    from messaging.conversation.fallback import FallbackEngine
    from messaging.conversation.llm import LLMEngine
    from messaging.conversation.rules import RuleEngine

    assert isinstance(build_engine(None), RuleEngine) and isinstance(build_engine(""), RuleEngine)
    engine = build_engine("sk-test", "http://127.0.0.1:9/v1", "gpt-4.1", request_timeout=5, max_retries=1)
    assert isinstance(engine, FallbackEngine)
    assert isinstance(engine.primary, LLMEngine) and isinstance(engine.fallback, RuleEngine)
    assert engine.primary.model == "gpt-4.1" and engine.primary.client.max_retries == 1
