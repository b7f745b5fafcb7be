"""What one conversation turn sends to the database: a fixed budget of statements (issue 21 §1).

Counted with SQLAlchemy's ``before_cursor_execute`` (transaction control and SQLite pragmas
are not statements). A rule turn used to send ~20: routing re-read the number, the staff
member's level, the organization and the customer; the flow session was read twice; the
flow, the tool traces and the replies were three transactions. These tests pin what a turn
reads and writes, so a statement that creeps back in is seen.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from messaging.conversation.rules import RuleEngine, availability, base as rules_base
from messaging.inbound import InboundMessage, store_inbound
from messaging.processing import process_conversation
from storage import FlowSession, FunctionTrace, Message, MessageDirection, Organization, OutboundMessage, Staff
from tests.conversation.kit import don_carlos
from tests.messaging.whatsapp_kit import CENTRAL, FRIDAY, EchoEngine, wire


@contextmanager
def statements(db):
    sent: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH"):
            sent.append(("tool: " if _in_tool else "") + " ".join(statement.split()))

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)


_in_tool = False


@pytest.fixture(autouse=True)
def _tools_marked(monkeypatch):
    """Statements of the tools' use cases are marked: they are the resolvers' budget, not the turn's."""
    real = rules_base.call_tool

    async def marked(*args, **kwargs):
        global _in_tool
        _in_tool = True
        try:
            return await real(*args, **kwargs)
        finally:
            _in_tool = False

    monkeypatch.setattr(rules_base, "call_tool", marked)
    real_direct = availability.run

    async def marked_direct(*args, **kwargs):  # the rule engine's availability, on the use case itself
        global _in_tool
        _in_tool = True
        try:
            return await real_direct(*args, **kwargs)
        finally:
            _in_tool = False

    monkeypatch.setattr(availability, "run", marked_direct)


def _own(sent: list[str]) -> list[str]:
    return [s for s in sent if not s.startswith("tool: ")]


async def _turn(db, m, shop, sender: str, text: str) -> list[str]:
    stored = await store_inbound(db, InboundMessage(message_sid=f"SM{uuid.uuid4().hex}", from_address=f"whatsapp:{sender}",
                                                    to_address=f"whatsapp:{shop.number}", body=text),
                                 now=m.now(), central_number=CENTRAL)
    with statements(db) as sent:
        assert await process_conversation(m, stored.conversation_id, stored.organization_id) == 1  # as queued
    return sent


class _QuietQueue:
    """Follow-up work (delivering the replies) is not this test's: nothing runs meanwhile."""

    async def conversation_waiting(self, conversation_id, organization_id=None) -> None: ...

    async def outbox_waiting(self, *, at=None) -> None: ...


def _quiet(db, engine):
    m = wire(db, lambda: FRIDAY, engine=engine)
    m.queue = _QuietQueue()
    return m


def _touching(sent: list[str], table: str) -> list[str]:
    return [s for s in sent if f" {table} " in f" {s} " or f" {table}." in s]


def _lock(db) -> int:
    # PostgreSQL leases the conversation: one UPDATE takes it, and reads the first message in the
    # same statement (so that read is not one more), one gives it back. No transaction is held
    # open across the turn, as the advisory lock needed: its BEGIN and COMMIT are gone.
    return 0 if db.is_sqlite else 1


def _record(db) -> int:
    """The record of a turn (conversation row, message marked, replies, outbox rows): one
    statement of data-modifying CTEs on PostgreSQL, four on SQLite."""
    return 4 if db.is_sqlite else 1


def _flow_writes(db) -> int:
    """A rule turn's own writes (its tool traces, its flow): one statement on PostgreSQL (the
    traces as CTEs of the flow's upsert), two on SQLite."""
    return 2 if db.is_sqlite else 1


async def test_a_turn_s_own_plumbing_is_four_statements_on_postgresql(db):
    """Claim, the message, the route, the record (conversation row, message marked, reply,
    outbox row: one statement on PostgreSQL) and the check that nothing else waits: with an
    engine that reads nothing."""
    shop = await don_carlos(db, FRIDAY - timedelta(days=30))
    m = _quiet(db, EchoEngine())
    await _turn(db, m, shop, "+5215511112222", "hola")  # first contact creates the customer
    sent = await _turn(db, m, shop, "+5215511112222", "¿y mañana?")
    assert len(sent) == 3 + _record(db) + _lock(db), "\n".join(sent)
    assert not _touching(sent, "whatsapp_numbers")  # the message's tenant is its conversation's
    # the sender (customer or staff, level included) comes with the route's one statement
    assert not [s for s in sent if s.startswith(("SELECT customers", "SELECT staff", "UPDATE staff"))]


async def test_a_rule_engine_turn_reads_the_flow_once_and_writes_it_with_the_replies(db):
    """The flow row comes with the route's statement; the flow, the tool traces and the replies
    are written in one transaction."""
    shop = await don_carlos(db, FRIDAY - timedelta(days=30))
    m = _quiet(db, RuleEngine())
    await _turn(db, m, shop, "+5215511113333", "Hola, quiero una cita para un corte")
    sent = await _turn(db, m, shop, "+5215511113333", "el lunes en la tarde")
    assert len([s for s in _touching(sent, "flow_sessions") if s.startswith("SELECT")]) == 1, "\n".join(sent)
    assert not _touching(sent, "whatsapp_numbers")
    # the profile comes from the catalog cache at the version routing read: no organization read
    # of its own (the tools' use cases read theirs)
    assert len([s for s in sent if s.startswith("SELECT organizations.id, organizations.name")]) == 1
    # the flow and the tool traces are written in the transaction that records the replies
    async with db.session() as s:
        flow = await s.scalar(select(FlowSession))
        traces = (await s.scalars(select(FunctionTrace))).all()
    assert flow is not None and flow.state and traces
    assert len(_own(sent)) == 3 + _record(db) + _flow_writes(db) + _lock(db), "\n".join(sent)


async def test_a_staff_turn_neither_reads_the_level_again_nor_bumps_the_catalog_version(db):
    """'¿qué tengo hoy?' from the owner: the permission level comes with the route, and the
    staff member's first message is recorded only once (an update of Staff bumps the salon's
    catalog version, which emptied every process's catalog cache after each staff message)."""
    shop = await don_carlos(db, FRIDAY - timedelta(days=30))
    m = _quiet(db, RuleEngine())
    async with db.session() as s:
        version = await s.scalar(select(Organization.catalog_version).where(Organization.id == shop.org.id))
    owner = shop.staff["carlos"].phone_number
    await _turn(db, m, shop, owner, "¿qué tengo hoy?")
    sent = await _turn(db, m, shop, owner, "¿qué tengo hoy?")
    assert not [s for s in sent if s.startswith("SELECT staff.permission_level")], "\n".join(sent)
    assert not [s for s in sent if s.startswith("UPDATE staff") or s.startswith("UPDATE organizations")]
    async with db.session() as s:
        assert await s.scalar(select(Organization.catalog_version).where(Organization.id == shop.org.id)) == version
        replies = (await s.scalars(select(OutboundMessage).where(OutboundMessage.to_number == f"whatsapp:{owner}")
                                   )).all()
        stored = (await s.scalars(select(Message).where(Message.direction == MessageDirection.OUTBOUND))).all()
    assert len(replies) == 2 and len(stored) == 2
    assert len(_own(sent)) == 3 + _record(db) + _flow_writes(db) + _lock(db), "\n".join(sent)


async def test_a_staff_member_s_first_message_is_recorded_once_and_bumps_the_catalog_once(db):
    shop = await don_carlos(db, FRIDAY - timedelta(days=30))
    pedro = shop.staff["pedro"]
    async with db.transaction(write=True) as s:
        member = await s.get(Staff, pedro.id)
        member.first_message_at = None
    async with db.session() as s:
        version = await s.scalar(select(Organization.catalog_version).where(Organization.id == shop.org.id))
    m = _quiet(db, EchoEngine())
    await _turn(db, m, shop, pedro.phone_number, "hola")
    await _turn(db, m, shop, pedro.phone_number, "¿qué tengo hoy?")
    async with db.session() as s:
        written = await s.scalar(select(Staff.first_message_at).where(Staff.id == pedro.id))
        assert await s.scalar(select(Organization.catalog_version).where(Organization.id == shop.org.id)) \
            == version + 1
    assert written == FRIDAY
