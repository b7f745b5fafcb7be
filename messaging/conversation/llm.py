"""The LLM engine: OpenAI chat completions with tool calling over the shared tool layer.

Per turn: the system prompt (business, now, the sender), the last messages of the
conversation, the new text; then up to ``max_iterations`` rounds of tool calls. The
tools offered are those of the sender (:func:`.tools.offer_for`, built once per process), never chosen by the
model; every call is traced. Guards the model cannot talk its way around:

- ``parallel_tool_calls`` is off, and at most one *write* runs per round;
- ``book_appointment`` / ``reschedule_appointment`` only accept a start that
  ``check_availability`` returned in this conversation (kept in the flow session);
- times are ISO-8601 local, validated by the tools (:func:`.tools.local_instant`).

Anything unexpected (API error, timeout, too many rounds, no text) raises
:class:`LLMUnavailable`; :mod:`.fallback` then answers with the rule engine. So does a
final text that :mod:`.truth` refuses: a claimed booking, move or cancellation no tool
made this turn, or a reply that is not Spanish — it is never sent.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import bindparam, select

from messaging.engine import Reply, Turn
from messaging.routing import RouteKind
from messaging.runtime import read_connection, reading
from storage import FlowSession, Message, MessageDirection

from . import prompts
from .profile import customer_of_route, load_customer, profile_of_route
from .rules.base import Flow, StoredFlow, insert_traces, write_flow
from .rules.memory import encode, read
from .tools import Tool, ToolContext, ToolResult, call_tool, offer_for
from .truth import check_reply, done_tools

log = logging.getLogger("parlo.conversation")

HISTORY_MESSAGES = 16
BOOKING_TOOLS = {"book_appointment": "start_time", "reschedule_appointment": "new_start_time"}
MEMORY_FLOW = "llm"


class LLMUnavailable(RuntimeError):
    """The model could not give an answer this turn. ``writes`` lists what it already changed.

    ``outage``: OpenAI itself failed (an API error, no answer), which the circuit breaker
    counts; False when OpenAI answered but the answer could not be used (an untrue reply,
    too many rounds), which says nothing about OpenAI being down.
    """

    def __init__(self, message: str, writes: list[tuple[str, ToolResult]] | None = None, *,
                 outage: bool = True) -> None:
        super().__init__(message)
        self.writes = writes or []
        self.outage = outage


@dataclass
class TurnLedger:
    """What the tools did in this turn, kept by the caller: a turn cut short by its deadline
    still tells the fallback what was already changed."""

    writes: list[tuple[str, ToolResult]] = field(default_factory=list)
    succeeded: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    #: Event-loop time the OpenAI request under way was sent; None between requests. A turn
    #: cut by its deadline blames OpenAI only if OpenAI had it (:mod:`.fallback`), not when
    #: our own work (a busy loop, the database) ate the time.
    model_since: float | None = None
    #: The tools' traces (FunctionTrace rows) not stored yet: they go with the turn's write
    #: (:meth:`LLMEngine.keep`), or with the fallback's when the model's answer is not used.
    traces: list = field(default_factory=list)


@dataclass
class _Memory:
    """Times check_availability returned in this conversation (the only ones that may be booked)."""

    available: set[str] = field(default_factory=set)
    #: What routing saw of the flow row (None: it was read here, and is written through the ORM).
    stored: StoredFlow | None = None
    #: The times the row holds now; None: the row is not the LLM's (none, or a rule flow's).
    kept: frozenset[str] | None = None

    @property
    def changed(self) -> bool:
        """Must the row be written? Yes when it holds other times, or is a rule flow's (the
        model took the conversation over: the rule flow ends); not when nothing is to be kept
        and there is no row."""
        if self.kept is None:
            return bool(self.available) or (self.stored is None or self.stored.exists)
        return self.kept != self.available


MEMORY_VERSION = 1


@dataclass
class _Stored:
    """:class:`_Memory` as the FlowSession row keeps it (typed, versioned: rules/memory.py)."""

    available: list[str] = field(default_factory=list)


class LLMEngine:
    """One turn of the model with the sender's tools.

    ``client`` is an ``openai.AsyncOpenAI``; requests go through its ``post`` with a body
    serialised here (:meth:`_complete`). The tool definitions are built and serialised once
    per process (:func:`.tools.offer_for`): through ``tools=`` the library walked every schema
    against its TypedDicts on every request (~2 ms of CPU per round for an owner's 28 tools),
    and through ``create`` it did the same with every message (``bench/llm_tools.py``).
    """

    def __init__(self, client: Any, model: str, *, max_iterations: int = 6, request_timeout: float = 20.0,
                 max_tokens: int = 1024, temperature: float = 0.3) -> None:
        self.client = client
        self.model = model
        self.max_iterations = max_iterations
        self.request_timeout = request_timeout
        self.max_tokens = max_tokens
        self.temperature = temperature

    async def aclose(self) -> None:
        """Close the client's connection pool (an aiohttp session: on the loop that used it)."""
        await self.client.close()

    async def respond(self, turn: Turn, ledger: TurnLedger | None = None) -> list[Reply]:
        return [Reply(text) for text in await self.answer(turn, ledger)]

    async def answer(self, turn: Turn, ledger: TurnLedger | None = None) -> list[str]:
        route = turn.route
        ctx = turn.context
        now = ctx.now()
        profile = await profile_of_route(ctx.db, route)  # no statement when routing read the catalog's version
        if profile is None and route.kind is not RouteKind.BUSINESS_ONBOARDING:
            return []
        ledger = ledger if ledger is not None else TurnLedger()
        tc = ToolContext(ctx, profile, turn.conversation_id, route.phone, profile.whatsapp_number if profile else None,
                         traces=ledger.traces)
        route_kind = route.kind.value
        offer = offer_for(ctx, route_kind)
        system = await self._system_prompt(turn, tc, profile, now)
        messages: list[dict[str, Any]] = [{"role": "system", "content": system},
                                          *await _history(ctx.db, turn), {"role": "user", "content": turn.text}]
        memory = await _load_memory(ctx.db, turn, profile)
        writes = ledger.writes
        by_name = offer.by_name
        sequence = 0
        for _ in range(self.max_iterations):
            ledger.model_since = asyncio.get_running_loop().time()
            try:
                message = await self._complete(messages, offer)
            except Exception as exc:  # noqa: BLE001 - any API failure means: fall back
                ledger.model_since = None
                raise LLMUnavailable(_failure(exc), writes) from exc
            ledger.model_since = None  # (left set when the deadline cancels the request)
            if message is None:
                raise LLMUnavailable("no choices", writes)
            calls = message.calls
            if not calls:
                text = (message.content or "").strip()
                if not text:
                    raise LLMUnavailable("empty answer", writes)
                untrue = check_reply(text, done_tools(ledger.succeeded))
                if untrue is not None:
                    log.warning("LLM reply not sent on message %s (%s): %r", turn.message_id, untrue.reason,
                                text[:200])
                    raise LLMUnavailable(f"reply not sent: {untrue.reason}", writes, outage=False)
                await keep(turn, ledger.traces, memory, now)
                return [text]
            messages.append({"role": "assistant", "content": message.content or None, "tool_calls": [
                {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                for c in calls]})
            wrote = False
            for call in calls:
                sequence += 1
                tool = by_name.get(call.name)
                result = await self._run(tc, tool, call, route_kind, sequence, memory, wrote)
                if tool is not None and result.ok:
                    ledger.succeeded.append((tool.name, _arguments(call)))
                    if tool.writes:
                        writes.append((tool.name, result))
                wrote = wrote or bool(tool and tool.writes)
                messages.append({"role": "tool", "tool_call_id": call.id, "content": result.for_model()})
        raise LLMUnavailable("too many tool rounds", writes, outage=False)

    async def _complete(self, messages: list[dict[str, Any]], offer) -> _Answer | None:
        """One chat completion: the body serialised here (orjson, the tool definitions spliced in
        as serialised once per process) and sent with the client's low-level ``post``, the
        answer read from the bytes. ``chat.completions.create`` walks every message against
        the library's TypedDicts and builds pydantic models of the answer: ~3-4 ms of CPU a
        round that buys nothing here (``bench/llm_tools.py``). Retries, timeouts, headers and
        API errors stay the client's.
        """
        body: dict[str, Any] = {"model": self.model, "messages": messages, "max_tokens": self.max_tokens,
                                "temperature": self.temperature}
        if offer.tools:
            body.update(tools=orjson.Fragment(offer.openai_json), tool_choice="auto", parallel_tool_calls=False)
        raw = await self.client.post("/chat/completions", cast_to=bytes, content=orjson.dumps(body),
                                     options={"timeout": self.request_timeout})
        return _answer(orjson.loads(raw))

    async def _run(self, tc: ToolContext, tool: Tool | None, call: _Call, route_kind: str, sequence: int,
                   memory: _Memory, wrote: bool) -> ToolResult:
        name = call.name
        try:
            args = json.loads(call.arguments)
            if not isinstance(args, dict):
                raise ValueError("arguments must be an object")
        except ValueError:
            return ToolResult(False, message="Los argumentos no son JSON válido.", problem="ValidationError")
        if tool is not None and tool.writes and wrote:
            return ToolResult(False, message="Una acción a la vez: espera el resultado de la anterior.",
                              problem="ValidationError")
        if name in BOOKING_TOOLS:
            start = str(args.get(BOOKING_TOOLS[name]) or "")[:16]
            if start not in memory.available:
                return ToolResult(False, message="Ese horario no salió en check_availability. Consulta la "
                                                 "disponibilidad y ofrece solo esas horas.", problem="ValidationError")
        result = await call_tool(tc, name, args, route_kind=route_kind, sequence=sequence)
        if name == "check_availability" and result.ok:
            memory.available.update(s.start[:16] for s in result.value.slots)
        if not result.ok and result.alternatives:
            memory.available.update(a[:16] for a in result.alternatives)
        return result

    async def _system_prompt(self, turn: Turn, tc: ToolContext, profile, now) -> str:
        route = turn.route
        if route.kind is RouteKind.BUSINESS_ONBOARDING:
            return prompts.onboarding_prompt(now)
        member = profile.member(route.staff_id) if route.staff_id else None
        if route.kind is RouteKind.STAFF_ONBOARDING:
            return prompts.staff_onboarding_prompt(profile, member, now)
        if route.kind is RouteKind.CUSTOMER:
            customer = customer_of_route(route) or await load_customer(tc.ctx.db, profile.organization_id,
                                                                        route.customer_id)
            upcoming = await call_tool(tc, "get_customer_appointments", {}, route_kind=route.kind.value)
            return prompts.customer_prompt(profile, customer, upcoming.value.appointments if upcoming.ok else (), now)
        return prompts.staff_prompt(profile, member, now)


def _failure(exc: BaseException) -> str:
    """What failed, for the log: the library's error and, under it, the transport's. Over
    aiohttp a refused connection reaches openai as a connect timeout (``APITimeoutError``);
    the cause tells the two apart."""
    root = exc
    while root.__cause__ is not None:
        root = root.__cause__
    told = f"{type(exc).__name__}: {exc}"
    return told if root is exc else f"{told} ({type(root).__name__}: {root})"


@dataclass(frozen=True, slots=True)
class _Call:
    """A tool call the model asked for (``arguments``: the JSON text it wrote, ``{}`` when none)."""

    id: str
    name: str
    arguments: str


@dataclass(frozen=True, slots=True)
class _Answer:
    content: str | None
    calls: list[_Call]


def _answer(data: Any) -> _Answer | None:
    """The first choice's message of a chat completion; None without one. Anything malformed
    raises (ValueError, KeyError, TypeError…): the turn then falls back like on an API error."""
    choices = data.get("choices") if isinstance(data, dict) else None
    if not choices:
        return None
    message = choices[0]["message"]
    calls = [_Call(str(c["id"]), str(c["function"]["name"]), c["function"].get("arguments") or "{}")
             for c in message.get("tool_calls") or ()]
    content = message.get("content")
    return _Answer(content if isinstance(content, str) else None, calls)


def _arguments(call: _Call) -> dict[str, Any]:
    try:
        args = json.loads(call.arguments)
    except ValueError:
        return {}
    return args if isinstance(args, dict) else {}


def _history_statement(by_tenant: bool):
    conditions = [Message.conversation_id == bindparam("conv"), Message.id != bindparam("message"),
                  Message.processed_at.is_not(None)]
    if by_tenant:
        conditions.insert(0, Message.organization_id == bindparam("org"))
    return (select(Message.direction, Message.body).where(*conditions)
            .order_by(Message.sequence.desc(), Message.created_at.desc()).limit(HISTORY_MESSAGES))


#: Built once (a Core statement, two columns): ORM entities of 16 messages cost more CPU than the read.
#: With the tenant when routing knows the conversation is the routed salon's: one shard on Citus.
_HISTORY = {True: _history_statement(True), False: _history_statement(False)}


async def _history(db, turn: Turn) -> list[dict[str, Any]]:
    route = turn.route
    by_tenant = route.flow_known and route.organization_id is not None  # the conversation is the salon's
    async with read_connection(db) as conn:  # one statement: no BEGIN/ROLLBACK around it
        rows = (await conn.execute(_HISTORY[by_tenant], {"org": route.organization_id, "conv": turn.conversation_id,
                                                        "message": turn.message_id})).all()
    return [{"role": "user" if direction is MessageDirection.INBOUND else "assistant", "content": body}
            for direction, body in reversed(rows) if body]


async def _load_memory(db, turn: Turn, profile) -> _Memory:
    """The offered times, from the flow row routing read with the route (no statement), or read."""
    route = turn.route
    if route.flow_known and profile is not None and route.organization_id == profile.organization_id:
        return _remembered(route.flow, StoredFlow(route.organization_id, route.flow is not None))
    async with reading(db) as session:
        row = await session.scalar(select(FlowSession).where(FlowSession.conversation_id == turn.conversation_id))
    return _remembered(row, None)


def _remembered(row, stored: StoredFlow | None) -> _Memory:
    if row is None or row.flow_type != MEMORY_FLOW:
        return _Memory(stored=stored)
    # an older row is read as it is; an unreadable one is forgotten (times are offered again), never a crash
    data = read(_Stored, row.collected_data, MEMORY_VERSION, upgrade=dict, what="LLM") or _Stored()
    return _Memory(set(data.available), stored=stored, kept=frozenset(data.available))


async def keep(turn: Turn, traces: list, memory: _Memory | None = None, now=None) -> None:
    """The turn's tool traces and (when it changed) the offered-times memory, written in the
    transaction that records the replies (``turn.writes``): nothing of their own to commit.
    Without ``turn.writes`` (an engine used on its own) in one transaction of their own.

    The memory row is written only when it says something new: a conversation the model keeps
    talking in without offering times sends no flow statement. ``memory=None``: traces only (a
    turn whose answer is not used: the fallback calls this).
    """
    pending = list(traces)
    traces.clear()
    route = turn.route
    flow = None
    if memory is not None and memory.changed:
        flow = Flow(MEMORY_FLOW, "talking", {"version": MEMORY_VERSION,
                                              **encode(_Stored(sorted(memory.available)[-200:]))})
    stored = memory.stored if memory is not None else None
    if flow is not None and stored is None:
        # Routing did not read the flow (a central-number turn): the ORM finds the row by the
        # conversation alone, in a transaction of its own (``turn.writes`` run on a Core connection).
        async with turn.context.db.transaction(write=True) as session:
            await _save_memory(session, turn, flow.data, now)
        flow = None
    if not pending and flow is None:
        return

    async def write(session) -> None:
        await insert_traces(session, pending)
        if flow is not None:
            await write_flow(session, turn.conversation_id, flow, stored, customer_id=route.customer_id,
                             staff_id=route.staff_id, now=now)

    if turn.writes is not None:
        turn.writes.append(write)
        return
    async with turn.context.db.transaction(write=True) as session:
        await write(session)


async def _save_memory(session, turn: Turn, data: dict[str, Any], now) -> None:
    """The memory row through the ORM, for a turn routing did not read the flow with."""
    route = turn.route
    row = await session.scalar(select(FlowSession).where(FlowSession.conversation_id == turn.conversation_id))
    if row is None:
        row = FlowSession(conversation_id=turn.conversation_id, organization_id=route.organization_id,
                          customer_id=route.customer_id, staff_id=route.staff_id, created_at=now,
                          flow_type=MEMORY_FLOW, state="talking")
        session.add(row)
    row.flow_type, row.state = MEMORY_FLOW, "talking"
    row.collected_data = data
    row.last_message_at, row.updated_at = now, now
