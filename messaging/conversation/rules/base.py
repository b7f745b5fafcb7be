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
from typing import Any

from sqlalchemy import select

from storage import FlowSession
from wording import WEEKDAYS, at_time, day_reference, format_price, format_time, hour_words

from ..profile import BusinessProfile, CustomerInfo
from ..tools import ToolContext, ToolResult, call_tool

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
        self._calls += 1
        return await call_tool(self.tc, tool, {k: v for k, v in args.items() if v is not None},
                               route_kind=self.route_kind, sequence=self._calls)

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


async def load_flow(db, conversation_id: uuid.UUID, now: datetime) -> tuple[Flow | None, Flow | None]:
    """(the open flow, the abandoned one to maybe resume)."""
    async with db.session() as session:
        row = await session.scalar(select(FlowSession).where(FlowSession.conversation_id == conversation_id))
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


async def flush_traces(db, traces: list) -> None:
    """Tool traces kept during the turn, in one write (best effort: a trace never breaks a turn)."""
    if not traces:
        return
    pending, traces[:] = list(traces), []
    try:
        async with db.transaction(write=True) as session:
            session.add_all(pending)
    except Exception:  # noqa: BLE001
        import logging

        logging.getLogger("parlo.conversation").exception("could not store %d tool traces", len(pending))


async def save_flow(db, conversation_id: uuid.UUID, flow: Flow | None, *, organization_id, customer_id, staff_id,
                    now: datetime, abandoned: Flow | None = None, traces: list | None = None) -> None:
    async with db.transaction(write=True) as session:
        if traces:
            session.add_all(traces)
            traces.clear()
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
