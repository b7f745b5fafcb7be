"""What an LLM turn sends to the database besides the turn's plumbing (issue 21 §1).

The offered-times memory comes with the route's statement (no flow read of its own); the
tools' traces and the memory are written in the transaction that records the replies (no
transaction of their own), the memory only when it says something new; a turn whose answer
is not used still leaves its traces.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from messaging.conversation.build import build_engine
from storage import FlowSession, FunctionTrace, Message, MessageDirection
from tests.conversation.fake_openai import BASE_URL, FakeOpenAI, call, fail, text
from tests.conversation.kit import don_carlos
from tests.messaging.test_turn_statements import _quiet, _turn
from tests.messaging.whatsapp_kit import FRIDAY

SENDER = "+5215511114444"


def _engine(fake: FakeOpenAI):
    return build_engine("sk-test", BASE_URL, "gpt-4.1", http_client=fake.http_client(), max_retries=0)


async def _count(db, model) -> int:
    async with db.session() as s:
        return await s.scalar(select(func.count()).select_from(model))


def _flow(sent: list[str]) -> list[str]:
    """Statements of the engine's own on flow_sessions (routing's joined read is not one)."""
    return [s for s in sent if s.startswith(("SELECT flow_sessions", "INSERT INTO flow_sessions", "UPDATE flow_sessions"))]


def _after_record(sent: list[str], table: str) -> bool:
    """Are the table's writes made after the turn's record began (its conversation UPDATE)?"""
    record = next(i for i, s in enumerate(sent)  # on PostgreSQL the record is one statement of CTEs
                  if s.startswith(("UPDATE conversations", "WITH conversation AS ( UPDATE conversations")))
    writes = [i for i, s in enumerate(sent) if s.startswith(("INSERT", "UPDATE")) and f" {table} " in f" {s} "]
    return bool(writes) and min(writes) > record


async def test_a_talking_turn_reads_no_flow_and_writes_its_trace_with_the_replies(db):
    shop = await don_carlos(db, FRIDAY - timedelta(days=30))
    fake = FakeOpenAI().then(text("¡Hola! ¿En qué te ayudo?"), text("¡Claro! ¿Qué día te gustaría?"))
    m = _quiet(db, _engine(fake))
    await _turn(db, m, shop, SENDER, "hola")
    sent = await _turn(db, m, shop, SENDER, "quiero un corte")
    assert not _flow(sent), "\n".join(sent)  # nothing offered: no memory to keep, none read
    assert _after_record(sent, "function_traces"), "\n".join(sent)  # get_customer_appointments, for the prompt
    assert await _count(db, FunctionTrace) == 2
    # the history (read as two columns, by the salon's tenant) is the conversation so far, in order
    assert [(m["role"], m["content"]) for m in fake.requests[-1]["messages"][1:]] == [
        ("user", "hola"), ("assistant", "¡Hola! ¿En qué te ayudo?"), ("user", "quiero un corte")]
    assert [s for s in sent if s.startswith("SELECT messages.direction, messages.body")][0].count("organization_id")


async def test_offered_times_are_kept_with_the_replies_and_read_back_with_the_route(db):
    shop = await don_carlos(db, FRIDAY - timedelta(days=30))
    corte = str(shop.services["corte"].id)
    fake = FakeOpenAI().then(
        call("check_availability", {"service_id": corte, "date_from": "2026-01-17"}),
        text("Mañana tengo a las 4:00 PM."),
        call("book_appointment", {"service_id": corte, "start_time": "2026-01-17T16:00"}),
        text("Listo ✓ Quedó tu cita mañana a las 4:00 PM."))
    m = _quiet(db, _engine(fake))
    sent = await _turn(db, m, shop, SENDER, "un corte mañana")
    assert _after_record(sent, "flow_sessions") and _after_record(sent, "function_traces"), "\n".join(sent)
    async with db.session() as s:
        flow = await s.scalar(select(FlowSession))
    assert flow.flow_type == "llm" and "2026-01-17T16:00" in flow.collected_data["available"]
    sent = await _turn(db, m, shop, SENDER, "a las 4")  # the memory came with the route: the booking is allowed
    assert not _flow(sent), "\n".join(sent)  # read with the route; the booking offered nothing new
    assert "Ese horario no salió" not in str(fake.requests[-1]["messages"][-1])
    assert fake.requests[-1]["messages"][-1]["role"] == "tool"


async def test_a_turn_the_model_failed_still_stores_its_traces(db):
    shop = await don_carlos(db, FRIDAY - timedelta(days=30))
    fake = FakeOpenAI().then(fail(500))
    m = _quiet(db, _engine(fake))
    sent = await _turn(db, m, shop, SENDER, "hola")
    assert _after_record(sent, "function_traces"), "\n".join(sent)
    async with db.session() as s:
        names = (await s.scalars(select(FunctionTrace.function_name))).all()
    assert "get_customer_appointments" in names


def test_building_an_engine_builds_the_tools_schema_so_no_turn_pays_for_it():
    """A worker builds its engine before it says it is ready: the first turn must not import
    and build the GraphQL schema (seconds of CPU with the event loop standing still)."""
    from messaging.conversation.tools import _schema

    _schema.cache_clear()
    build_engine(None)  # the rules alone use the same tools
    assert _schema.cache_info().currsize == 1
    _schema.cache_clear()
    build_engine("sk-test", BASE_URL)
    assert _schema.cache_info().currsize == 1


async def test_a_central_number_turn_keeps_its_memory_on_its_own_and_records_the_reply(db):
    """Routing reads no flow for the central number: the memory is found and written through
    the ORM in a transaction of its own, and the turn's record (a Core connection) still holds
    the traces."""
    from messaging.inbound import InboundMessage, store_inbound
    from messaging.processing import process_conversation
    from tests.messaging.whatsapp_kit import CENTRAL

    shop = await don_carlos(db, FRIDAY - timedelta(days=30))
    owner = shop.staff["carlos"]
    fake = FakeOpenAI().then(
        call("check_availability", {"service_id": str(shop.services["corte"].id), "date_from": "2026-01-17"}),
        text("Mañana hay lugar a las 4:00 PM."))
    m = _quiet(db, _engine(fake))
    stored = await store_inbound(db, InboundMessage(message_sid="SMcentral1", from_address=f"whatsapp:{owner.phone_number}",
                                                    to_address=f"whatsapp:{CENTRAL}", body="¿hay lugar mañana?"),
                                 now=m.now(), central_number=CENTRAL)
    assert await process_conversation(m, stored.conversation_id) == 1
    async with db.session() as s:
        flow = await s.scalar(select(FlowSession).where(FlowSession.conversation_id == stored.conversation_id))
        replies = (await s.scalars(select(Message.body).where(Message.conversation_id == stored.conversation_id,
                                                              Message.direction == MessageDirection.OUTBOUND))).all()
    assert replies == ["Mañana hay lugar a las 4:00 PM."]
    assert flow is not None and flow.flow_type == "llm" and flow.collected_data["available"]
    assert await _count(db, FunctionTrace) == 1  # check_availability, with the reply
