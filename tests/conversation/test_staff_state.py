"""Staff flows keep a typed, versioned state: it round-trips through JSON, rows written before it are
read, and an unknown or damaged row never crashes a staff turn (the flow is dropped, the person asked again)."""

from __future__ import annotations

import json
from datetime import date, datetime, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from messaging.conversation.rules.engine import SORRY
from messaging.conversation.rules.staff import router  # noqa: F401 - registers every flow's state
from messaging.conversation.rules.staff.asked import Asked, AskedKind
from messaging.conversation.rules.staff.state import (
    VERSION,
    AddStaffState,
    Appointment,
    Block,
    BlockState,
    HistoryState,
    HoursRow,
    HoursState,
    Level,
    MarkState,
    MarkStatus,
    MessageState,
    MoveState,
    OnBehalfState,
    PermissionsState,
    RebookState,
    RemoveStaffState,
    ServiceField,
    ServiceState,
    StaffState,
    UnblockState,
    WalkInState,
    load,
)
from storage import Availability, FlowSession
from tests.conversation.kit import Chat, appointments_of, don_carlos

APPOINTMENT = Appointment("a1", "2026-01-16T11:00", customer="Juan Pérez", customer_phone="+525520000001",
                          service="Corte de cabello", status="confirmed", staff_id="s1")

#: One filled-in example of every staff flow's state (each field away from its default).
EXAMPLES: list[StaffState] = [
    BlockState(day=date(2026, 1, 16), reason="comida", leaving_early=True, single=True,
               start=datetime(2026, 1, 16, 14), end=datetime(2026, 1, 16, 15), blocked=["las 2:00 PM"],
               offered_more=True, more_from=datetime(2026, 1, 16, 15, 30)),
    UnblockState([Block("b1", "2026-01-16T14:00", "2026-01-16T15:00"), Block("b2", "2026-01-16T16:00",
                                                                              "2026-01-16T17:00")]),
    MarkState(MarkStatus.NO_SHOW, options=[APPOINTMENT, Appointment("a2", "2026-01-16T12:00")], appointment=APPOINTMENT),
    WalkInState(phone="+525512341234", no_phone=False, name="Memo", looked_up=True, service_id="svc",
                options=["svc", "svc2"]),
    HistoryState(),
    MessageState(phone="+525512341234", body="Hola Ana, ya está lista. - Barbería"),
    AddStaffState(phone="+525511112222", name="Pedro Hernández", staff_id="p1"),
    RemoveStaffState(staff_id="p1", name="Pedro Hernández"),
    PermissionsState(staff_id="p1", name="María", level=Level.ADMIN),
    HoursState([HoursRow(0, "09:00", "18:00"), HoursRow(5, "10:00", "15:00")]),
    ServiceState(what=ServiceField.PRICE, service_id="svc", duration=45, price=18000),
    RebookState(plan_id="plan", move_ids=["1", "2"], appointment_ids=["a1"]),
    OnBehalfState(phone="+525512341234", name="Juan", service_id="svc", day=date(2026, 1, 17), at=time(16, 30),
                  looked_up=True, offered=["2026-01-17T16:00"], start="2026-01-17T16:00"),
    MoveState(appointment_id="a1", start="2026-01-16T17:00"),
    Asked(kind=AskedKind.FIGURES, first=date(2026, 1, 1), last=date(2026, 1, 31), figures=("revenue", "appointments"),
          staff_id="p1", staff_name="Pedro", mine=True),
]


def test_every_staff_flow_has_an_example():
    assert {type(e).KIND for e in EXAMPLES} == set(StaffState.REGISTRY)


@pytest.mark.parametrize("state", EXAMPLES, ids=lambda s: type(s).KIND)
def test_each_state_round_trips_through_json(state):
    stored = json.loads(json.dumps(state.dump()))
    assert stored["version"] == VERSION
    assert load(type(state).KIND, stored) == state


def test_an_empty_state_round_trips_too():
    for cls in (HistoryState, UnblockState, WalkInState, AddStaffState, HoursState):
        assert load(cls.KIND, json.loads(json.dumps(cls().dump()))) == cls()


def test_rows_written_before_typed_state_are_read():
    """Version 0: the untyped dicts of the first staff flows (same keys), still open when this ships."""
    assert load("block", {"day": "2026-01-16", "reason": None, "leaving_early": True, "single": True,
                          "start": "2026-01-16T14:00", "end": "2026-01-16T15:00"}) == BlockState(
        day=date(2026, 1, 16), leaving_early=True, single=True, start=datetime(2026, 1, 16, 14),
        end=datetime(2026, 1, 16, 15))
    facts = {"appointment_id": "a1", "start": "2026-01-16T11:00", "end": "2026-01-16T11:30", "status": "confirmed",
             "service": "Corte de cabello", "service_id": "svc", "price_cents": 15000, "staff": "Pedro",
             "staff_id": "s1", "customer": "Juan Pérez", "customer_phone": "+525520000001", "customer_id": "c1"}
    mark = load("mark", {"status": "no_show", "options": [facts], "appointment": facts})
    assert mark == MarkState(MarkStatus.NO_SHOW, options=[APPOINTMENT], appointment=APPOINTMENT)
    assert load("on_behalf", {"phone": "+525512341234", "name": None, "service_id": None, "day": "2026-01-17",
                              "at": "16:00", "looked_up": True}) == OnBehalfState(
        phone="+525512341234", day=date(2026, 1, 17), at=time(16), looked_up=True)
    assert load("rebook", {"plan_id": "p", "move_ids": [1, 2]}) == RebookState("p", ["1", "2"])
    assert load("hours", {"hours": [{"weekday": 0, "open": "09:00", "close": "18:00"}]}) == HoursState(
        [HoursRow(0, "09:00", "18:00")])
    assert load("asked", {"kind": "schedule", "first": "2026-01-16", "last": "2026-01-16", "figures": [],
                          "staff_id": None, "staff_name": None, "mine": False}) == Asked(
        AskedKind.SCHEDULE, date(2026, 1, 16), date(2026, 1, 16))


@pytest.mark.parametrize("kind, data", [
    ("block", {"version": 99, "day": "2026-01-16"}),  # a version this code does not know
    ("block", {"version": VERSION}),  # the day is missing
    ("block", {"version": VERSION, "day": "el viernes"}),
    ("mark", {"version": VERSION, "status": "borrada"}),
    ("mark", {"status": "no_show", "options": "a1"}),
    ("walk_in", {"version": VERSION, "phone": 5512341234}),
    ("walk_in", {"version": VERSION, "looked_up": "yes"}),
    ("permissions", {"version": VERSION, "staff_id": "p1", "name": "María", "level": "jefa"}),
    ("on_behalf", {"at": "25:00"}),
    ("rebook", {"version": VERSION, "plan_id": None}),
    ("asked", {"kind": "figures"}),
    ("message", []),
    ("nothing_like_it", {}),
])
def test_unknown_or_damaged_rows_are_dropped(kind, data):
    assert load(kind, data) is None


# ---------------------------------------------------------------- through the webhook


async def _row(db) -> FlowSession:
    async with db.session() as s:
        return await s.scalar(select(FlowSession))


async def _rewrite(db, **values) -> None:
    async with db.transaction(write=True) as s:
        row = await s.scalar(select(FlowSession))
        for key, value in values.items():
            setattr(row, key, value)


async def test_the_flow_row_holds_the_typed_state(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+525512345002", shop.number)
    await chat.say("acaba de llegar alguien para corte")
    row = await _row(db)
    assert (row.flow_type, row.state) == ("walk_in", "collecting_customer_phone")
    assert row.collected_data["version"] == VERSION
    assert load("walk_in", row.collected_data).service_id == str(shop.services["corte"].id)


@pytest.mark.parametrize("garbage", [
    {"version": 99, "day": "2026-01-16"},
    {"version": VERSION, "day": 20260116},
    {"day": None, "blocked": "todo"},
    {},
])
async def test_a_damaged_block_row_does_not_crash_the_turn_and_asks_again(rules_app, db, clock, garbage):
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+525512345002", shop.number)
    assert (await chat.say("bloquea la tarde")).startswith("¿De qué hora a qué hora")
    await _rewrite(db, collected_data=garbage)
    replies = await chat.send("de 2 a 3")
    assert SORRY not in replies and replies and all(r.strip() for r in replies)
    # started afresh: nothing blocked from a row nobody can read, and asked again
    assert (await chat.say("bloquea de 2 a 3")).startswith("Listo, bloqueé de las 2:00 PM a las 3:00 PM ✓")
    async with db.session() as s:
        assert len((await s.scalars(select(Availability))).all()) == 1


@pytest.mark.parametrize("flow_type, state", [
    ("mark", "confirming"), ("walk_in", "collecting_name"), ("on_behalf", "confirming"), ("add_staff", "collecting_services"),
    ("rebook", "confirming"), ("service", "confirming"), ("unblock", "selecting_block"), ("asked", "answered"),
    ("move", "confirming"), ("permissions", "confirming"), ("hours", "confirming"), ("message", "confirming"),
])
async def test_an_old_or_garbage_row_of_any_staff_flow_never_crashes_a_turn(rules_app, db, clock, flow_type, state):
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+525512345001", shop.number)
    await chat.say("bloquea la tarde")
    for data in ({"version": 7, "x": 1}, {"status": ["?"], "options": {"a": 1}, "plan_id": 3, "kind": None}, [1, 2]):
        await _rewrite(db, flow_type=flow_type, state=state, collected_data=data)
        replies = await chat.send("sí")
        assert SORRY not in replies, (flow_type, data)
        assert replies and all(r.strip() for r in replies)
    assert await appointments_of(db, shop) == []


async def test_a_walk_in_row_written_before_typed_state_continues(rules_app, db, clock):
    """A conversation open while this ships goes on where it was."""
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+525512345002", shop.number)
    await chat.say("acaba de llegar alguien para corte")
    await _rewrite(db, state="collecting_name",
                   collected_data={"phone": None, "no_phone": True, "service_id": str(shop.services["corte"].id)})
    done = await chat.say("Lupe")
    assert done.startswith("Listo ✓ Registré a Lupe para Corte de cabello ahora"), done
    assert (await _row(db)).collected_data["version"] == VERSION


# ---------------------------------------------------------------- onboarding


def test_onboarding_memories_round_trip_and_read_old_rows():
    from messaging.conversation.rules.onboarding_state import (
        Asking,
        BusinessOnboarding,
        NewService,
        StaffOnboarding,
        TeamMember,
    )

    business = BusinessOnboarding(asking=Asking.TEAM, name="Estética Lupita", business_type="salón",
                                  services=[NewService("Corte", 15000, 45)], hours=[HoursRow(0, "10:00", "20:00")],
                                  staff=[TeamMember("Rosa", "+525511112222")], owner_name="Lupita", organization_id="o1")
    assert BusinessOnboarding.load(json.loads(json.dumps(business.dump()))) == business
    member = StaffOnboarding(name="Pedro", hours=[HoursRow(1, "10:00", "19:00")])
    assert StaffOnboarding.load(json.loads(json.dumps(member.dump()))) == member
    # rows of the untyped onboarding: the same keys
    old = {"asking": "team", "name": "Estética Lupita", "business_type": "salón",
           "services": [{"name": "Corte", "price_cents": 15000, "duration_minutes": 45}],
           "hours": [{"weekday": 0, "open": "10:00", "close": "20:00"}], "staff": [{"name": "Rosa", "phone": "+525511112222"}],
           "owner_name": "Lupita", "organization_id": "o1"}
    assert BusinessOnboarding.load(old) == business
    # unreadable: an empty memory, so the open question is asked again
    assert BusinessOnboarding.load({"version": 5, "name": "x"}) == BusinessOnboarding()
    assert BusinessOnboarding.load({"services": "corte"}) == BusinessOnboarding()
    assert StaffOnboarding.load({"hours": [{"weekday": "lunes"}]}) == StaffOnboarding()


async def test_a_damaged_business_onboarding_row_asks_again_instead_of_crashing(rules_app, db, clock):
    from storage import OnboardingKind, OnboardingSession

    chat = Chat(rules_app, db, "+5215544443333", "+525500000000")
    await chat.say("Hola, me interesa Parlo")
    await chat.say("Estética Lupita")
    async with db.transaction(write=True) as s:
        row = await s.scalar(select(OnboardingSession).where(OnboardingSession.kind == OnboardingKind.BUSINESS))
        row.state, row.collected_data = "collecting_owner_info", {"version": 1, "services": [{"name": 3}]}
    replies = await chat.send("Lupita Gómez")
    assert SORRY not in replies and "\n".join(replies).endswith("¿Cómo se llama tu negocio?")
    assert "¿Qué tipo de negocio es?" in await chat.say("Estética Lupita")


# ---------------------------------------------------------------- any values at all


_TEXT = st.text(max_size=12)


@settings(max_examples=60, deadline=None)
@given(st.one_of(
    st.builds(BlockState, day=st.dates(), reason=st.none() | _TEXT, start=st.none() | st.datetimes(),
              end=st.none() | st.datetimes(), blocked=st.lists(_TEXT, max_size=3), more_from=st.none() | st.datetimes()),
    st.builds(OnBehalfState, phone=st.none() | _TEXT, day=st.none() | st.dates(), at=st.none() | st.times(),
              offered=st.lists(_TEXT, max_size=3)),
    st.builds(MarkState, status=st.sampled_from(MarkStatus), options=st.lists(st.builds(
        Appointment, appointment_id=_TEXT, start=_TEXT, customer=st.none() | _TEXT), max_size=3)),
    st.builds(ServiceState, what=st.sampled_from(ServiceField), duration=st.none() | st.integers(0, 10_000),
              price=st.none() | st.integers(0, 10**9)),
    st.builds(RebookState, plan_id=_TEXT, move_ids=st.lists(_TEXT, max_size=4),
              appointment_ids=st.none() | st.lists(_TEXT, max_size=3)),
    st.builds(Asked, kind=st.sampled_from(AskedKind), first=st.dates(), last=st.dates(),
              figures=st.lists(_TEXT, max_size=3).map(tuple), staff_name=st.none() | _TEXT),
))
def test_any_state_round_trips_exactly(state):
    assert load(type(state).KIND, json.loads(json.dumps(state.dump()))) == state


def test_the_llm_engines_memory_row_is_versioned_and_never_breaks_a_turn():
    from messaging.conversation.llm import MEMORY_VERSION, _Stored
    from messaging.conversation.rules.memory import encode, read

    kept = {"version": MEMORY_VERSION, **encode(_Stored(["2026-01-17T10:00"]))}
    assert read(_Stored, json.loads(json.dumps(kept)), MEMORY_VERSION, upgrade=dict) == _Stored(["2026-01-17T10:00"])
    assert read(_Stored, {"available": ["2026-01-17T10:00"]}, MEMORY_VERSION, upgrade=dict) == _Stored(
        ["2026-01-17T10:00"])  # rows written before the version
    for garbage in ({"available": "2026-01-17T10:00"}, {"version": 9}, [1, 2], "x"):
        assert read(_Stored, garbage, MEMORY_VERSION, upgrade=dict) is None
