"""What each staff flow remembers between messages: typed, versioned, JSON in FlowSession.

One dataclass per flow (``block``, ``mark``, ``walk_in`` …; the follow-up question is
:class:`~.asked.Asked`), kept on ``Flow.memory`` during the turn and written to
``FlowSession.collected_data`` by ``rules.base.save_flow`` as ``{"version": N, …}``.
The step a flow waits at is a :class:`Step` (``FlowSession.state``).

Reading never breaks a turn: rows written before typed state (no ``version``: the same
keys, the same JSON shapes) are read by :meth:`StaffState.upgrade`; a row of an unknown
version, or one that does not fit its type, is dropped (:func:`load` returns None), so the
message starts afresh and the person is asked again.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, ClassVar, TypeVar

from ..memory import HoursRow, decode, encode, read  # noqa: F401 - HoursRow, encode: the flows take them from here

VERSION = 1


class Step(enum.StrEnum):
    """Where a staff flow waits (the spec's state names, persisted as ``FlowSession.state``)."""

    TIME_RANGE = "collecting_time_range"
    OUTSIDE_HOURS = "confirming_outside_hours"
    OFFERING_MORE = "offering_more"
    SELECTING_BLOCK = "selecting_block"
    ASKING_TIME = "asking_time"
    SELECTING = "selecting"
    CONFIRMING = "confirming"
    OFFERING_MESSAGE = "offering_message"
    SERVICE = "collecting_service"
    CUSTOMER_PHONE = "collecting_customer_phone"
    NAME = "collecting_name"
    CUSTOMER = "collecting_customer"
    PHONE = "collecting_phone"
    SERVICES = "collecting_services"
    OFFERING_WELCOME = "offering_welcome"
    CONFIRMING_REMOVAL = "confirming_removal"
    NEW_HOURS = "collecting_new_hours"
    SELECTING_SERVICE = "selecting_service"
    NEW_VALUE = "collecting_new_value"
    DATETIME = "collecting_datetime"
    CHOOSING_SLOT = "choosing_slot"
    OFFERING_REPLAN = "offering_replan"
    ANSWERED = "answered"
    CONFIRMED = "confirmed"
    CLOSED = "closed"


class StaffState:
    """Base of every staff flow's memory: ``KIND`` is the flow type (``FlowSession.flow_type``)."""

    KIND: ClassVar[str] = ""
    REGISTRY: ClassVar[dict[str, type[StaffState]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.KIND:
            StaffState.REGISTRY[cls.KIND] = cls  # dataclass(slots=True) re-creates the class: the last one wins

    def dump(self) -> dict[str, Any]:
        return {"version": VERSION, **encode(self)}

    @classmethod
    def upgrade(cls, data: dict[str, Any]) -> dict[str, Any]:
        """A row written before typed state (no ``version``) → this version's keys."""
        return data


S = TypeVar("S", bound=StaffState)


def load(kind: str, data: dict[str, Any] | None) -> StaffState | None:
    """The typed memory of a ``kind`` flow row, or None (unknown kind, version or shape: drop the flow)."""
    cls = StaffState.REGISTRY.get(kind)
    if cls is None:
        return None
    return read(cls, data, VERSION, upgrade=cls.upgrade, what=f"staff flow {kind!r}")


# ---------------------------------------------------------------- the flows' memories


class MarkStatus(enum.StrEnum):
    NO_SHOW = "no_show"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Level(enum.StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    STAFF = "staff"
    VIEWER = "viewer"


class ServiceField(enum.StrEnum):
    DURATION = "duration"
    PRICE = "price"


@dataclass
class Appointment:
    """An appointment as the staff flows show and change it (ISO local start)."""

    appointment_id: str
    start: str
    customer: str | None = None
    customer_phone: str | None = None
    service: str | None = None
    status: str | None = None
    staff_id: str | None = None

    @classmethod
    def of(cls, facts: dict[str, Any]) -> Appointment:
        """From a tool's appointment facts (which carry more than a flow keeps)."""
        return decode(cls, facts)

    def facts(self) -> dict[str, Any]:
        return encode(self)


@dataclass
class Block:
    block_id: str
    start: str  # ISO local
    end: str


@dataclass
class BlockState(StaffState):
    """"Bloquea de 2 a 3": the day, then the span; offered the rest of the day when leaving early."""

    KIND: ClassVar[str] = "block"
    day: date
    reason: str | None = None
    leaving_early: bool = False
    single: bool = False  # one time said ("las 4"), not a range
    start: datetime | None = None  # naive local, waiting for "¿de todos modos?"
    end: datetime | None = None
    blocked: list[str] = field(default_factory=list)  # what was blocked, in words
    offered_more: bool = False
    more_from: datetime | None = None


@dataclass
class UnblockState(StaffState):
    KIND: ClassVar[str] = "unblock"
    blocks: list[Block] = field(default_factory=list)


@dataclass
class MarkState(StaffState):
    """Marking an appointment: the status wanted, the appointments listed, the one chosen."""

    KIND: ClassVar[str] = "mark"
    status: MarkStatus
    options: list[Appointment] = field(default_factory=list)
    appointment: Appointment | None = None


@dataclass
class WalkInState(StaffState):
    KIND: ClassVar[str] = "walk_in"
    phone: str | None = None
    no_phone: bool = False  # "no" to the phone question
    name: str | None = None
    looked_up: bool = False  # the phone's known name was looked for
    service_id: str | None = None
    options: list[str] = field(default_factory=list)  # service ids offered


@dataclass
class HistoryState(StaffState):
    """Waiting for the customer whose history was asked (nothing else to keep)."""

    KIND: ClassVar[str] = "history"


@dataclass
class MessageState(StaffState):
    KIND: ClassVar[str] = "message"
    phone: str
    body: str


@dataclass
class AddStaffState(StaffState):
    KIND: ClassVar[str] = "add_staff"
    phone: str | None = None
    name: str | None = None
    staff_id: str | None = None


@dataclass
class RemoveStaffState(StaffState):
    KIND: ClassVar[str] = "remove_staff"
    staff_id: str
    name: str


@dataclass
class PermissionsState(StaffState):
    KIND: ClassVar[str] = "permissions"
    staff_id: str
    name: str
    level: Level


@dataclass
class HoursState(StaffState):
    KIND: ClassVar[str] = "hours"
    hours: list[HoursRow] = field(default_factory=list)  # the week as it would be


@dataclass
class ServiceState(StaffState):
    KIND: ClassVar[str] = "service"
    what: ServiceField
    service_id: str | None = None
    duration: int | None = None  # minutes
    price: int | None = None  # centavos


@dataclass
class RebookState(StaffState):
    """The stored plan the owner is answering, and the refused moves' appointments to re-plan."""

    KIND: ClassVar[str] = "rebook"
    plan_id: str
    move_ids: list[str] = field(default_factory=list)
    appointment_ids: list[str] | None = None

    @classmethod
    def upgrade(cls, data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "move_ids": [str(m) for m in data.get("move_ids") or []]}


@dataclass
class OnBehalfState(StaffState):
    """A booking for a customer: asks only for what is missing, then confirms."""

    KIND: ClassVar[str] = "on_behalf"
    phone: str | None = None
    name: str | None = None
    service_id: str | None = None
    day: date | None = None
    at: time | None = None
    looked_up: bool = False
    offered: list[str] = field(default_factory=list)  # ISO local starts offered
    start: str | None = None  # the ISO local start waiting for the yes


@dataclass
class MoveState(StaffState):
    KIND: ClassVar[str] = "move"
    appointment_id: str
    start: str  # ISO local, minutes


def kept(t, cls: type[S]) -> S:
    """The open flow's typed memory (``router.handle`` reads it from the row before any flow runs)."""
    memory = t.flow.memory
    if not isinstance(memory, cls):
        raise TypeError(f"flow {t.flow.type!r} keeps {type(memory).__name__}, not {cls.__name__}")
    return memory


def begin(t, memory: StaffState, step: Step):
    """Open a staff flow (whatever was open is over) waiting at ``step`` with ``memory``."""
    flow = t.start(memory.KIND, step)
    flow.memory = memory
    return flow
