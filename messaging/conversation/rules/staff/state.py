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
import logging
import types
import typing
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime, time
from typing import Any, ClassVar, TypeVar

log = logging.getLogger("parlo.conversation")

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
    try:
        data = dict(data or {})
        version = data.pop("version", 0)
        if version == 0:
            data = cls.upgrade(data)
        elif version != VERSION:
            raise ValueError(f"unknown version {version!r}")
        return decode(cls, data)
    except Exception:  # noqa: BLE001 - a damaged row is forgotten, never a crashed turn
        log.warning("staff flow %r memory unreadable; starting afresh", kind, exc_info=True)
        return None


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
class HoursRow:
    weekday: int  # 0 = Monday
    open: str  # "HH:MM"
    close: str


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


# ---------------------------------------------------------------- dataclass ⇄ JSON


def encode(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot keep {type(value).__name__} in a flow")


_HINTS: dict[type, dict[str, Any]] = {}


def decode(cls: type, data: Any) -> Any:
    """``data`` read as a ``cls`` dataclass; keys it does not know are ignored, wrong types raise."""
    if not isinstance(data, dict):
        raise TypeError(f"{cls.__name__}: expected an object, got {type(data).__name__}")
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    values = {f.name: _value(hints[f.name], data[f.name]) for f in fields(cls) if f.init and f.name in data}
    return cls(**values)


def _value(tp: Any, value: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _value(inner, value)
    if origin in (list, tuple):
        if not isinstance(value, list):
            raise TypeError(f"expected a list, got {type(value).__name__}")
        (inner, *_) = typing.get_args(tp)
        items = [_value(inner, v) for v in value]
        return items if origin is list else tuple(items)
    if origin is dict:
        if not isinstance(value, dict):
            raise TypeError("expected an object")
        return dict(value)
    if tp is Any:
        return value
    if is_dataclass(tp):
        return decode(tp, value)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(value)
    if tp is datetime:
        return datetime.fromisoformat(_str(value))
    if tp is date:
        return date.fromisoformat(_str(value))
    if tp is time:
        return time.fromisoformat(_str(value))
    if tp is bool:
        if not isinstance(value, bool):
            raise TypeError("expected true or false")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("expected an integer")
        return value
    if tp is str:
        return _str(value)
    raise TypeError(f"cannot read {tp!r}")


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


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
