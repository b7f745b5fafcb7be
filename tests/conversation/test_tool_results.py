"""Runners return typed values (frozen dataclasses); ``to_json`` is the one form the model reads.

The operations are faked here (GraphQL-shaped answers), so each test pins a runner's result
type and the exact JSON keys the model has always been given.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from messaging.conversation.tools import ToolContext, ToolResult, customer, figures, offer_for, owners, staff
from messaging.conversation.tools.documents import _problem
from messaging.conversation.tools.results import (
    Appointment,
    AppointmentChanged,
    Appointments,
    Blocked,
    Blocks,
    CustomerHistory,
    DaySchedule,
    Figures,
    LastVisit,
    NextUp,
    RebookingApplied,
    RebookingPlan,
    ServiceUpdated,
    Slots,
)
from resolvers.context import Actor, Context, ResolverConfig
from storage import PermissionLevel

MX = ZoneInfo("America/Mexico_City")
ORG = uuid.uuid4()
NOW = datetime(2026, 1, 16, 16, tzinfo=ZoneInfo("UTC"))  # 10:00 in Mexico City
APPOINTMENT_KEYS = ["appointment_id", "start", "end", "status", "service", "service_id", "price_cents", "staff",
                    "staff_id", "customer", "customer_phone", "customer_id"]


def _tc(actor: Actor | None = None) -> ToolContext:
    actor = actor or Actor.staff(organization_id=ORG, staff_id=uuid.uuid4(), level=PermissionLevel.OWNER)
    return ToolContext(Context(db=None, now=lambda: NOW, actor=actor, config=ResolverConfig(jwt_secret="x" * 40)),
                       None)


def _gql_appointment(start="2026-01-17T17:00:00+00:00", end="2026-01-17T17:45:00+00:00", customer="Jorge Hernández"):
    return {"id": "a1", "startsAt": start, "endsAt": end, "status": "CONFIRMED", "priceCents": 15000,
            "service": {"id": "s1", "name": "Corte", "durationMinutes": 45, "priceCents": 15000},
            "staff": {"id": "st1", "name": "Ana"}, "customer": {"id": "c1", "name": customer, "phone": "+5215512345678"}}


def _answering(monkeypatch, module, answer):
    async def run_operation(tc, name, variables):
        return answer(name, variables) if callable(answer) else answer
    monkeypatch.setattr(module, "run_operation", run_operation)


def _json(result: ToolResult):
    return json.loads(result.for_model())


def test_every_result_is_a_frozen_dataclass():
    from messaging.conversation.tools import results

    kinds = [v for v in vars(results).values() if isinstance(v, type) and issubclass(v, results.Facts)
             and v is not results.Facts]
    assert len(kinds) > 30
    for kind in kinds:
        assert dataclasses.is_dataclass(kind) and kind.__dataclass_params__.frozen, kind.__name__


async def test_book_appointment_returns_appointments_read_by_attribute(monkeypatch):
    _answering(monkeypatch, customer, {"__typename": "Booking", "startsAt": "x", "appointments": [_gql_appointment()]})
    result = await customer.book_appointment(_tc(), {"service_id": str(uuid.uuid4()), "start_time": "2026-01-17T11:00",
                                                     "customer_phone": "5512345678"})
    assert isinstance(result.value, Appointments)
    visit = result.value.first
    assert isinstance(visit, Appointment)
    assert (visit.start, visit.end, visit.status, visit.service, visit.staff) == \
        ("2026-01-17T11:00", "2026-01-17T11:45", "confirmed", "Corte", "Ana")
    with pytest.raises(dataclasses.FrozenInstanceError):
        visit.start = "2026-01-17T12:00"  # type: ignore[misc]
    body = _json(result)
    assert list(body) == ["appointments"] and list(body["appointments"][0]) == APPOINTMENT_KEYS
    assert body["appointments"][0]["start"] == "2026-01-17T11:00"


async def test_a_taken_slot_carries_its_alternatives_outside_the_value(monkeypatch):
    _answering(monkeypatch, customer, {"__typename": "SlotTaken", "message": "Ese horario ya se ocupó.",
                                       "alternatives": [{"start": "2026-01-17T18:00:00+00:00", "staffId": "st1"},
                                                        {"start": "2026-01-17T17:30:00+00:00", "staffId": "st2"}]})
    result = await customer.book_appointment(_tc(), {"service_id": str(uuid.uuid4()), "start_time": "2026-01-17T11:00"})
    assert not result.ok and result.value is None and result.problem == "SlotTaken"
    assert result.alternatives == ("2026-01-17T11:30", "2026-01-17T12:00")
    assert _json(result) == {"error": "SlotTaken", "message": "Ese horario ya se ocupó.",
                             "alternatives": ["2026-01-17T11:30", "2026-01-17T12:00"]}


def test_a_problem_without_alternatives_says_only_the_error():
    result = _problem({"__typename": "NotFound", "message": "No encontré esa cita."}, MX)
    assert result.alternatives is None
    assert _json(result) == {"error": "NotFound", "message": "No encontré esa cita."}


async def test_check_availability_returns_slots_one_per_minute_in_order(monkeypatch):
    _answering(monkeypatch, customer, [
        {"start": "2026-01-17T18:00:00+00:00", "staffId": "st2", "staff": {"name": "Beto"}},
        {"start": "2026-01-17T17:00:00+00:00", "staffId": "st1", "staff": {"name": "Ana"}},
        {"start": "2026-01-17T17:00:00+00:00", "staffId": "st2", "staff": {"name": "Beto"}}])
    result = await customer.check_availability(_tc(), {"service_id": str(uuid.uuid4()), "date_from": "2026-01-17"})
    assert isinstance(result.value, Slots)
    assert [(s.start, s.staff) for s in result.value.slots] == [("2026-01-17T11:00", "Ana"), ("2026-01-17T12:00", "Beto")]
    assert _json(result) == {"slots": [{"start": "2026-01-17T11:00", "staff_id": "st1", "staff": "Ana"},
                                       {"start": "2026-01-17T12:00", "staff_id": "st2", "staff": "Beto"}]}
    past = await customer.check_availability(_tc(), {"service_id": str(uuid.uuid4()), "date_from": "2026-01-15"})
    assert past.value.slots == () and _json(past) == {"slots": [], "note": "Ese día ya pasó."}


async def test_last_visit_and_cancel(monkeypatch):
    visit = {**_gql_appointment(), "status": "COMPLETED", "bookingGroupId": None}
    _answering(monkeypatch, customer, lambda name, v: {"nodes": [visit]} if name == "MyPastVisits" else _gql_appointment())
    last = await customer.my_last_visit(_tc(), {})
    assert last.value == LastVisit(("s1",), "st1", "2026-01-17T11:00")
    assert _json(last) == {"service_ids": ["s1"], "staff_id": "st1", "start": "2026-01-17T11:00"}
    cancelled = await customer.cancel_appointment(_tc(), {"appointment_id": str(uuid.uuid4())})
    assert isinstance(cancelled.value, AppointmentChanged) and cancelled.value.appointment.appointment_id == "a1"
    assert list(_json(cancelled)) == ["appointment"]


def _schedule_answer(name, variables):
    return {"__typename": "DaySchedule", "date": "2026-01-16", "closed": False, "staff": [{
        "staff": {"id": "st1", "name": "Ana"}, "workingHours": [{"localStart": "09:00:00", "localEnd": "19:00:00"}],
        "entries": [
            {"kind": "APPOINTMENT", "startsAt": "2026-01-16T17:00:00+00:00", "endsAt": "2026-01-16T17:45:00+00:00",
             "localStart": "11:00", "localEnd": "11:45", "reason": None,
             "appointment": _gql_appointment("2026-01-16T17:00:00+00:00", "2026-01-16T17:45:00+00:00"), "block": None},
            {"kind": "BLOCK", "startsAt": "2026-01-16T20:00:00+00:00", "endsAt": "2026-01-16T21:00:00+00:00",
             "localStart": "14:00", "localEnd": "15:00", "reason": "comida", "appointment": None, "block": {"id": "b1"}},
        ]}]}


async def test_schedule_is_typed_and_the_model_still_reads_flat_entries(monkeypatch):
    _answering(monkeypatch, staff, _schedule_answer)
    result = await staff.my_schedule(_tc(), {})
    assert isinstance(result.value, DaySchedule)
    first, block = result.value.entries
    assert first.kind == "appointment" and first.appointment.customer == "Jorge Hernández"
    assert (block.kind, block.block_id, block.reason, block.appointment) == ("block", "b1", "comida", None)
    assert result.value.staff[0].working == (("09:00", "19:00"),)
    body = _json(result)
    entry, blocked = body["staff"][0]["entries"]
    assert list(entry) == ["kind", "start", "end", APPOINTMENT_KEYS[0], *APPOINTMENT_KEYS[3:]]  # as before: flat
    assert entry["kind"] == "appointment" and entry["start"] == "2026-01-16T11:00" and entry["status"] == "confirmed"
    assert blocked == {"kind": "block", "start": "2026-01-16T14:00", "end": "2026-01-16T15:00", "block_id": "b1",
                       "reason": "comida"}
    assert body["staff"][0]["working"] == [["09:00", "19:00"]]
    nxt = await staff.whats_next(_tc(), {})
    assert isinstance(nxt.value, NextUp) and [e.appointment.appointment_id for e in nxt.value.next] == ["a1"]


async def test_find_appointments_by_name_blocks_and_history(monkeypatch):
    def answer(name, variables):
        return {"Appointments": {"nodes": [_gql_appointment(), _gql_appointment(customer="Lupe")]},
                "BlockTime": {"block": {"id": "b1", "startsAt": "2026-01-16T20:00:00+00:00",
                                        "endsAt": "2026-01-16T21:00:00+00:00"}, "overlapping": [_gql_appointment()]},
                "Blocks": [{"id": "b1", "startsAt": "2026-01-16T20:00:00+00:00", "endsAt": "2026-01-16T21:00:00+00:00",
                            "reason": None, "wholeLocation": False}],
                "CustomerHistory": {"nodes": [{"id": "c1", "name": "Lupe", "phone": "+5215512345678", "notes": None,
                                               "appointments": [_gql_appointment(customer="Lupe")]}]}}[name]
    _answering(monkeypatch, staff, answer)
    found = await staff.find_appointments(_tc(), {"customer_name": "jorge"})
    assert [a.customer for a in found.value.appointments] == ["Jorge Hernández"]
    blocked = await staff.block_time(_tc(), {"start_time": "2026-01-16T14:00", "end_time": "2026-01-16T15:00"})
    assert isinstance(blocked.value, Blocked) and blocked.value.overlapping[0].service == "Corte"
    assert list(_json(blocked)) == ["block_id", "start", "end", "overlapping"]
    blocks = await staff.list_blocks(_tc(), {})
    assert isinstance(blocks.value, Blocks) and _json(blocks) == {"blocks": [
        {"block_id": "b1", "start": "2026-01-16T14:00", "end": "2026-01-16T15:00", "reason": None}]}
    history = await staff.customer_history(_tc(), {"customer_name": "Lupe"})
    assert isinstance(history.value, CustomerHistory) and history.value.customers[0].appointments[0].customer == "Lupe"
    assert list(_json(history)["customers"][0]) == ["customer_id", "name", "phone", "notes", "appointments"]


async def test_owner_results(monkeypatch):
    move = {"id": "m1", "appointmentId": "a1", "customerName": "Lupe", "serviceName": "Corte", "affected": True,
            "before": {"staffName": "Ana", "startsAt": "2026-01-17T17:00:00+00:00"},
            "after": {"staffName": "Beto", "startsAt": "2026-01-17T18:00:00+00:00"}}

    def answer(name, variables):
        return {"SuggestRebooking": {"__typename": "RebookingPlan", "id": "p1", "optimal": True, "moves": [move],
                                     "unplaceable": []},
                "ApplyRebooking": {"__typename": "RebookingApplied", "noticesQueued": 1, "customersOffered": 0,
                                   "applied": [], "refused": [{"moveId": "m1", "appointmentId": "a1",
                                                               "message": "Ya no está libre."}]},
                "UpdateService": {"__typename": "Service", "id": "s1", "name": "Corte", "durationMinutes": 50,
                                  "priceCents": 18000}}[name]
    _answering(monkeypatch, owners, answer)
    plan = await owners.suggest_rebooking(_tc(), {"kind": "staff_out", "staff_id": str(uuid.uuid4()),
                                                  "first_day": "2026-01-17"})
    assert isinstance(plan.value, RebookingPlan) and not plan.value.empty
    assert plan.value.moves[0].after.start == "2026-01-17T12:00"
    assert _json(plan)["moves"][0]["before"] == {"staff": "Ana", "start": "2026-01-17T11:00"}
    applied = await owners.apply_rebooking(_tc(), {"plan_id": "p1", "move_ids": ["m1"]})
    assert isinstance(applied.value, RebookingApplied) and applied.value.refused_moves[0].why == "Ya no está libre."
    assert _json(applied) == {"applied": 0, "refused": 1, "notices": 1, "unplaced_told": 0, "refused_moves": [
        {"move_id": "m1", "appointment_id": "a1", "why": "Ya no está libre."}]}
    service = await owners.update_service(_tc(), {"service_id": str(uuid.uuid4()), "duration_minutes": 50})
    assert service.value == ServiceUpdated("s1", "Corte", 50, 18000)


async def test_stats_are_figures(monkeypatch):
    _answering(monkeypatch, figures, {
        "__typename": "Figures", "staffId": None, "appointments": 3, "completed": 2, "cancelled": 1, "noShows": 0,
        "scheduled": 0, "revenueCents": 30000, "expectedRevenueCents": 30000, "newCustomers": 1,
        "busiestDay": "2026-01-16", "busiestDayAppointments": 3, "busiestHour": 11, "busiestHourAppointments": 2,
        "byStaff": [{"staffId": "st1", "name": "Ana", "appointments": 3, "completed": 2, "noShows": 0,
                     "revenueCents": 30000}]})
    result = await figures.get_stats(_tc(), {"first_day": "2026-01-16"})
    assert isinstance(result.value, Figures) and result.value.by_staff[0].revenue_cents == 30000
    assert _json(result)["by_staff"] == [{"staff_id": "st1", "name": "Ana", "appointments": 3, "completed": 2,
                                          "no_shows": 0, "revenue_cents": 30000}]


def test_tool_definitions_are_built_once_per_kind_of_sender():
    owner, other_owner = _tc(), _tc()
    viewer = _tc(Actor.staff(organization_id=ORG, staff_id=uuid.uuid4(), level=PermissionLevel.VIEWER))
    first, again = offer_for(owner.ctx, "management"), offer_for(other_owner.ctx, "management")
    assert first is again and first.openai is again.openai
    assert offer_for(viewer.ctx, "management") is not first
    assert [d["function"]["name"] for d in first.openai] == [t.name for t in first.tools]
    assert set(first.by_name) == {t.name for t in first.tools}
