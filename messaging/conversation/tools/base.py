"""What every tool is: a name, a JSON schema, the audiences that get it, and a runner.

Times: tools take and return ISO-8601 *local* times of the business (the model writes
them, the rule engine too); :func:`local_instant` validates them before use.
A result is a typed value (``ToolResult.value``, one of :mod:`.results`) or a Spanish
problem message; :meth:`ToolResult.for_model` is the one conversion to what the model reads.
"""

from __future__ import annotations

import enum
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from resolvers.context import Context
from resolvers.permissions import Permission

from ..profile import BusinessProfile
from .results import Facts, LocalTime

F = TypeVar("F", bound=Facts)


class Audience(enum.Enum):
    CUSTOMER = "customer"
    STAFF = "staff"
    BUSINESS_ONBOARDING = "business_onboarding"
    STAFF_ONBOARDING = "staff_onboarding"


@dataclass(frozen=True, slots=True)
class ToolResult(Generic[F]):
    """A runner's answer: ``value`` (typed, when ``ok``) or ``message``/``problem`` (when not)."""

    ok: bool
    value: F | None = None
    #: Spanish, for the person (resolvers' problem messages).
    message: str | None = None
    problem: str | None = None  # the problem's type name (SlotTaken, PermissionDenied…)
    #: SlotTaken / OffGrid: other free starts the use case found (local times), at most five.
    alternatives: tuple[LocalTime, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        """What the model reads: the value's facts, or the error, its message and any alternatives."""
        if self.ok:
            return self.value.to_json() if self.value is not None else {}
        out: dict[str, Any] = {"error": self.problem or "Error", "message": self.message}
        if self.alternatives is not None:
            out["alternatives"] = list(self.alternatives)
        return out

    def for_model(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, default=str)


@dataclass(frozen=True, slots=True)
class ToolContext:
    """What a tool runs with: the sender's use-case context and the business they wrote to."""

    ctx: Context
    profile: BusinessProfile | None
    conversation_id: uuid.UUID | None = None
    phone: str | None = None  # the sender's E.164 phone
    business_number: str | None = None
    #: When a list: traces wait here and the engine stores them with its own write (one commit per turn).
    traces: list | None = None

    @property
    def zone(self) -> ZoneInfo:
        return self.profile.zone if self.profile else ZoneInfo("America/Mexico_City")

    def now(self) -> datetime:
        return self.ctx.now()

    def local_now(self) -> datetime:
        return self.ctx.now().astimezone(self.zone)


Runner = Callable[[ToolContext, dict[str, Any]], Awaitable[ToolResult]]


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    description: str
    parameters: dict[str, Any]
    audiences: frozenset[Audience]
    run: Runner
    writes: bool = False
    #: For staff: the permission it needs (offered only when the level allows it; resolvers enforce).
    permission: Permission | None = None
    #: The GraphQL operation it executes (None: a use case, see NOT_IN_SCHEMA_YET).
    operation: str | None = None

    def openai_schema(self) -> dict[str, Any]:
        return {"type": "function", "function": {"name": self.name, "description": self.description,
                                                 "parameters": self.parameters}}


class InvalidArguments(ValueError):
    """The caller (usually the model) gave arguments we cannot use; the message is Spanish."""


# ---------------------------------------------------------------- time validation


def local_instant(value: Any, zone: ZoneInfo) -> datetime:
    """An ISO-8601 local time ("2026-01-16T16:00", with or without offset) as an aware datetime."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidArguments("Falta la fecha y hora.")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidArguments(f"No entendí la fecha y hora {value!r}; usa ISO-8601, p. ej. 2026-01-16T16:00.") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    if not 2000 <= parsed.year <= 2100:
        raise InvalidArguments("Esa fecha no es válida.")
    return parsed.astimezone(zone)


def local_day(value: Any) -> date:
    if not isinstance(value, str):
        raise InvalidArguments("Falta la fecha.")
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise InvalidArguments(f"No entendí la fecha {value!r}; usa AAAA-MM-DD.") from exc


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), zone)
    return start, datetime.combine(day + timedelta(days=1), time(0), zone)


def iso_local(value: str | datetime, zone: ZoneInfo) -> str:
    instant = datetime.fromisoformat(value) if isinstance(value, str) else value
    return instant.astimezone(zone).replace(tzinfo=None).isoformat(timespec="minutes")


def _uuid(value: Any, label: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, TypeError) as exc:
        raise InvalidArguments(f"{label} no es un identificador válido.") from exc



# ---------------------------------------------------------------- JSON schema pieces


def _schema_of(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": False}


_ID = {"type": "string", "description": "UUID"}
_DATE = {"type": "string", "description": "Fecha local AAAA-MM-DD"}
_LOCAL_TIME = {"type": "string", "description": "Fecha y hora local ISO-8601, p. ej. 2026-01-16T16:00"}
_PHONE = {"type": "string", "description": "Teléfono como lo escribieron, p. ej. 55 9876 5432"}

C, S = frozenset({Audience.CUSTOMER}), frozenset({Audience.STAFF})
CS = C | S
