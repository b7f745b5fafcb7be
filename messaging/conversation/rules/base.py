"""What every flow of the rule engine shares: the turn, the flow state, tool calls, wording.

A flow is ``(flow_type, state, data)`` persisted in the conversation's ``FlowSession``
row (one per conversation). States use the spec's names (``collecting_service``,
``confirming_summary``…); ``None`` means no flow is open. After
:data:`ABANDON_AFTER` without messages an open flow is *abandoned*: its state is kept in
``last_active_state`` and the next message either resumes it or starts something new.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from messaging.runtime import read_connection
from storage import FlowSession, FunctionTrace
from storage.ids import new_id
from wording import WEEKDAYS, at_time, day_reference, format_price, format_time, hour_words

from ..profile import BusinessProfile, CustomerInfo
from ..tools import ToolContext, ToolResult, call_tool
from ..tools.registry import offer_for

ABANDON_AFTER = timedelta(minutes=30)
#: A follow-up question ("¿te gustaría agendar?") is not worth resuming hours later.
NOT_RESUMED = frozenset({"inquiry", "asked"})  # "asked": a staff question kept for "¿y mañana?"
#: Flows the salon opened with a message (a re-plan's offered times): the customer answers
#: whenever they read it, so they are never "abandoned" by the clock.
WAIT_FOR_THE_CUSTOMER = frozenset({"new_time"})
TERMINAL = frozenset({"confirmed", "completed", "cancelled", "closed", "abandoned", "done"})


@dataclass
class Flow:
    """A flow as persisted: ``data`` is the row's JSON; ``memory``, when a flow family keeps a typed
    state (rules/staff/state.py), is what gets written back instead (its ``dump()``)."""

    type: str
    state: str
    data: dict[str, Any] = field(default_factory=dict)
    memory: Any = None


@dataclass
class TurnState:
    """One turn for the rule engine: the words, who wrote them, the open flow, the tools."""

    text: str
    tc: ToolContext
    route_kind: str
    profile: BusinessProfile | None
    now: datetime
    customer: CustomerInfo | None = None
    staff_id: uuid.UUID | None = None
    staff_name: str | None = None
    flow: Flow | None = None
    #: What the engine read of the flow's row (``save_flow`` writes without reading it again).
    stored_flow: "StoredFlow | None" = None
    resumed: bool = False
    replies: list[str] = field(default_factory=list)
    #: The customer flows' reading of this message and their typed memory (rules/customer/state.py).
    frame: Any = None
    memory: Any = None
    _calls: int = 0

    @property
    def local_now(self) -> datetime:
        return self.now.astimezone(self.profile.zone) if self.profile else self.now

    @property
    def today(self) -> date:
        return self.local_now.date()

    def say(self, *texts: str) -> None:
        self.replies.extend(t for t in texts if t)

    def start(self, flow_type: str, state: str, **data: Any) -> Flow:
        self.flow = Flow(flow_type, state, dict(data))
        return self.flow

    def finish(self, state: str = "completed") -> None:
        if self.flow is not None:
            self.flow.state = state

    async def call(self, tool: str, /, **args: Any) -> ToolResult:
        from . import availability

        self._calls += 1
        args = {k: v for k, v in args.items() if v is not None}
        if (tool in availability.DIRECT and self.tc.traces is not None
                and tool in offer_for(self.tc.ctx, self.route_kind).by_name):
            return await availability.run(self.tc, tool, args, sequence=self._calls)  # the use case, no GraphQL
        return await call_tool(self.tc, tool, args, route_kind=self.route_kind, sequence=self._calls)

    # ---- wording helpers
    def day_words(self, day: date) -> str:
        """'hoy viernes', 'mañana sábado', 'el lunes 19 de enero'."""
        return day_reference(day, self.today)

    def part_of_day_farewell(self) -> str:
        hour = self.local_now.hour
        return "buen día" if hour < 12 else "buena tarde" if hour < 19 else "buena noche"

    def first_name(self, name: str | None) -> str | None:
        return name.split()[0] if name else None


def numbered(text: str, count: int) -> int | None:
    """A bare number answering a numbered list ("2", "la 2", "el 2") is a position, not a time."""
    import re

    m = re.fullmatch(r"\s*(?:(?:la|el|opci[oó]n|n[uú]mero)\s+)?(\d{1,2})\s*[.)]?\s*", text.lower())
    if m and 1 <= int(m.group(1)) <= count:
        return int(m.group(1)) - 1
    return None


def week_lines(words_by_day: list[str]) -> list[str]:
    """Seven day texts (Monday first) → 'Lunes a sábado: …', 'Domingo: cerrado'."""
    names = WEEKDAYS
    groups: list[list[int]] = []
    for weekday in range(7):
        if groups and words_by_day[groups[-1][-1]] == words_by_day[weekday]:
            groups[-1].append(weekday)
        else:
            groups.append([weekday])
    lines = []
    for days in groups:
        first, last = names[days[0]], names[days[-1]]
        label = first.capitalize() if len(days) == 1 else \
            f"{first.capitalize()} {'y' if len(days) == 2 else 'a'} {last}"
        lines.append(f"{label}: {words_by_day[days[0]]}")
    return lines


def local(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def hhmm(iso: str) -> str:
    return format_time(local(iso).time())


def at_hhmm(iso: str) -> str:
    """'a las 3:00 PM', 'a la 1:00 PM' for an ISO local time."""
    return at_time(local(iso).time())


def money(cents: int | None) -> str:
    return format_price(cents or 0)


def time_words(t: time) -> str:
    """'las 4', 'la 1', 'las 4:30' — how Mexicans say a time in a sentence."""
    return hour_words(t)


# ---------------------------------------------------------------- persistence


@dataclass(frozen=True, slots=True)
class StoredFlow:
    """What :func:`read_flow` saw of the conversation's flow row: :func:`save_flow` writes
    from it without reading the row again."""

    organization_id: uuid.UUID | None
    exists: bool


async def load_flow(db, conversation_id: uuid.UUID, now: datetime) -> tuple[Flow | None, Flow | None]:
    """(the open flow, the abandoned one to maybe resume)."""
    async with db.session() as session:
        row = await session.scalar(select(FlowSession).where(FlowSession.conversation_id == conversation_id))
    return _flows(row, now)


_FLOW_ROW = (select(FlowSession.flow_type, FlowSession.state, FlowSession.last_active_state,
                    FlowSession.collected_data, FlowSession.last_message_at)
             .where(FlowSession.organization_id == bindparam("org"), FlowSession.conversation_id == bindparam("conv")))


async def read_flow(db, conversation_id: uuid.UUID, organization_id: uuid.UUID, now: datetime
                    ) -> tuple[Flow | None, Flow | None, StoredFlow]:
    """:func:`load_flow` for a turn that knows the flow's organization (one shard on Citus):
    one Core read, and what it saw, for :func:`save_flow`."""
    async with read_connection(db) as conn:
        row = (await conn.execute(_FLOW_ROW, {"org": organization_id, "conv": conversation_id})).first()
    return (*_flows(row, now), StoredFlow(organization_id, row is not None))


def flows_of_route(route, organization_id: uuid.UUID, now: datetime
                   ) -> tuple[Flow | None, Flow | None, StoredFlow] | None:
    """:func:`read_flow`'s answer from the row routing read with the route (None: it did not)."""
    if not route.flow_known or route.organization_id != organization_id:
        return None
    return (*_flows(route.flow, now), StoredFlow(organization_id, route.flow is not None))


def _flows(row, now: datetime) -> tuple[Flow | None, Flow | None]:
    if row is None or row.flow_type == "llm":  # the LLM engine's memory, not a rule flow
        return None, None
    data = row.collected_data if isinstance(row.collected_data, dict) else {}  # JSON of any shape: never a crash
    if row.state == "abandoned" and row.last_active_state:
        return None, Flow(row.flow_type, row.last_active_state, dict(data))
    if row.state in TERMINAL:
        return None, None
    if (row.last_message_at is not None and now - row.last_message_at > ABANDON_AFTER
            and row.flow_type not in WAIT_FOR_THE_CUSTOMER):
        if row.flow_type in NOT_RESUMED:
            return None, None
        return None, Flow(row.flow_type, row.state, dict(data))
    return Flow(row.flow_type, row.state, dict(data)), None


_TRACES = FunctionTrace.__table__
_TRACE_COLUMNS = tuple((prop.key, prop.columns[0].name) for prop in FunctionTrace.__mapper__.column_attrs
                       if prop.key != "id")


def trace_rows(traces: list) -> list[dict]:
    """The traces the tools kept (transient ``FunctionTrace`` objects) as rows for one Core
    INSERT: the ORM's unit of work cost more CPU than the rest of the turn's writes."""
    rows = []
    for trace in traces:
        row = {"id": trace.id or new_id()}
        for key, name in _TRACE_COLUMNS:
            row[name] = getattr(trace, key)
        rows.append(row)
    return rows


async def insert_traces(session, traces: list) -> None:
    if traces:
        rows, traces[:] = trace_rows(traces), []
        await session.execute(_TRACES.insert(), rows)


async def flush_traces(db, traces: list) -> None:
    """Tool traces kept during the turn, in one write (best effort: a trace never breaks a turn)."""
    if not traces:
        return
    pending = list(traces)
    try:
        async with db.transaction(write=True) as session:
            await insert_traces(session, traces)
    except Exception:  # noqa: BLE001
        import logging

        logging.getLogger("parlo.conversation").exception("could not store %d tool traces", len(pending))


async def save_flow(db, conversation_id: uuid.UUID, flow: Flow | None, *, organization_id, customer_id, staff_id,
                    now: datetime, abandoned: Flow | None = None, traces: list | None = None,
                    stored: StoredFlow | None = None) -> None:
    if stored is None or stored.organization_id != organization_id:
        # Nothing read for this organization: the writes below need no read (an upsert on
        # (conversation, organization), or an UPDATE that closes whatever row there is), and
        # naming the organization keeps them on one shard (Citus).
        stored = StoredFlow(organization_id, True) if organization_id is not None else None
    if stored is not None:
        async with db.transaction(write=True) as session:
            await write_flow(session, conversation_id, flow, stored, customer_id=customer_id, staff_id=staff_id,
                             now=now, abandoned=abandoned, traces=traces)
        return
    async with db.transaction(write=True) as session:
        if traces:
            await insert_traces(session, traces)
        row = await session.scalar(select(FlowSession).where(FlowSession.conversation_id == conversation_id))
        if flow is None and abandoned is not None:
            flow, state, last = abandoned, "abandoned", abandoned.state
        elif flow is None:
            if row is None:
                return
            row.state, row.last_message_at, row.updated_at = "done" if row.state not in TERMINAL else row.state, now, now
            return
        else:
            state, last = flow.state, (flow.state if flow.state not in TERMINAL else None)
        if row is None:
            row = FlowSession(conversation_id=conversation_id, organization_id=organization_id,
                              customer_id=customer_id, staff_id=staff_id, created_at=now, flow_type=str(flow.type),
                              state=str(state))
            session.add(row)
        row.flow_type, row.state = str(flow.type), str(state)  # a StrEnum step is stored as its plain value
        if last:
            row.last_active_state = str(last)
        row.collected_data = flow.memory.dump() if flow.memory is not None else dict(flow.data)
        row.last_message_at = now
        row.updated_at = now


_FLOWS = FlowSession.__table__
#: Built once: building an upsert (its ``excluded`` alias above all) cost more CPU than running it.
_UPSERTS: dict[str, Any] = {}
_CLOSE = (update(_FLOWS)
          .where(_FLOWS.c.organization_id == bindparam("org"), _FLOWS.c.conversation_id == bindparam("conv"))
          .values(state=case((_FLOWS.c.state.in_(sorted(TERMINAL)), _FLOWS.c.state), else_="done"),
                  last_message_at=bindparam("now"), updated_at=bindparam("now")))


def _upsert(dialect: str):
    statement = _UPSERTS.get(dialect)
    if statement is None:
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_FLOWS)
        excluded = insert.excluded
        statement = _UPSERTS[dialect] = insert.on_conflict_do_update(
            index_elements=[_FLOWS.c.conversation_id, _FLOWS.c.organization_id],
            set_={"flow_type": excluded.flow_type, "state": excluded.state,
                  "last_active_state": func.coalesce(excluded.last_active_state, _FLOWS.c.last_active_state),
                  "collected_data": excluded.collected_data, "last_message_at": excluded.last_message_at,
                  "updated_at": excluded.updated_at})
    return statement


async def write_flow(session, conversation_id: uuid.UUID, flow: Flow | None, stored: StoredFlow, *, customer_id,
                     staff_id, now: datetime, abandoned: Flow | None = None, traces: list | None = None) -> None:
    """:func:`save_flow`'s writes in the caller's transaction, without reading the row again:
    one upsert on (conversation, organization), the key every writer of flows uses, or one
    UPDATE closing it; plus one INSERT of the turn's tool traces."""
    dialect = session.dialect if hasattr(session, "dialect") else session.bind.dialect  # a connection or a session
    traces = traces or []
    if flow is None and abandoned is not None:
        flow, state, last = abandoned, "abandoned", abandoned.state
    elif flow is None:
        await insert_traces(session, traces)
        if stored.exists:
            await session.execute(_CLOSE, {"org": stored.organization_id, "conv": conversation_id, "now": now})
        return
    else:
        state, last = flow.state, (flow.state if flow.state not in TERMINAL else None)
    values = {
        "id": new_id(), "conversation_id": conversation_id, "organization_id": stored.organization_id,
        "customer_id": customer_id, "staff_id": staff_id, "flow_type": str(flow.type), "state": str(state),
        "last_active_state": str(last) if last else None,  # a StrEnum step is stored as its plain value
        "collected_data": flow.memory.dump() if flow.memory is not None else dict(flow.data),
        "last_message_at": now, "created_at": now, "updated_at": now}
    rows = trace_rows(traces)
    if dialect.name == "postgresql" and rows and all(row["organization_id"] == stored.organization_id for row in rows):
        # One statement: the traces' INSERT as a CTE of the flow's upsert (one salon: one shard on Citus).
        traces[:] = []
        params = {f"f_{key}": value for key, value in values.items()}
        for n, row in enumerate(rows):
            params.update({f"t{n}_{key}": value for key, value in row.items()})
        await session.execute(_flow_with_traces(tuple(tuple(row) for row in rows)), params)
        return
    await insert_traces(session, traces)
    await session.execute(_upsert(dialect.name), values)


@lru_cache(maxsize=32)
def _flow_with_traces(shape: tuple[tuple[str, ...], ...]):
    """The flow's upsert with one INSERT CTE per trace row, built once per shape with bind
    parameters (``f_<column>``, ``t<n>_<column>``): compiling it anew would cost more than the
    round trip it saves."""
    insert = postgresql.insert(_FLOWS).values({column.name: bindparam(f"f_{column.name}", type_=column.type)
                                               for column in _FLOWS.c if column.name in _FLOW_VALUES})
    excluded = insert.excluded
    upsert = insert.on_conflict_do_update(
        index_elements=[_FLOWS.c.conversation_id, _FLOWS.c.organization_id],
        set_={"flow_type": excluded.flow_type, "state": excluded.state,
              "last_active_state": func.coalesce(excluded.last_active_state, _FLOWS.c.last_active_state),
              "collected_data": excluded.collected_data, "last_message_at": excluded.last_message_at,
              "updated_at": excluded.updated_at})
    ctes = [postgresql.insert(_TRACES).values({name: bindparam(f"t{n}_{name}", type_=_TRACES.c[name].type)
                                               for name in columns}).cte(f"trace_{n}")
            for n, columns in enumerate(shape)]
    return upsert.add_cte(*ctes)


_FLOW_VALUES = frozenset({"id", "conversation_id", "organization_id", "customer_id", "staff_id", "flow_type", "state",
                          "last_active_state", "collected_data", "last_message_at", "created_at", "updated_at"})
