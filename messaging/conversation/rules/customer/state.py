"""What a customer conversation remembers between messages: typed, versioned, JSON in FlowSession.

One :class:`Memory` per open flow, stored in ``FlowSession.collected_data``. Each message's
frame is merged into it (the service from a price question, the day of the last offer,
"no, mejor a las 6" replacing only the time), so a flow asks only for what is still missing.

Rows written by older code, or damaged ones, never break a turn: :meth:`Memory.load` keeps
what it can read and drops the rest (an unknown version starts empty). The abandonment
window (``rules.base.ABANDON_AFTER``) archives a stale flow before it is read here.
"""

from __future__ import annotations

import enum
import logging
from copy import deepcopy
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time
from typing import Any

from messaging.spanish import ClockBound, DayConstraint, Lean, PartOfDay, TimeConstraint

log = logging.getLogger("parlo.conversation")

VERSION = 2


class Step(enum.StrEnum):
    """Where a customer flow stands (the spec's state names, persisted as ``FlowSession.state``)."""

    SERVICE = "collecting_service"
    DAY = "collecting_datetime"
    NEW_DAY = "collecting_new_datetime"
    CHOOSING = "choosing_slot"
    CONFIRMING = "confirming_summary"
    NAME = "collecting_personal_info"
    WHICH = "identifying_booking"
    CANCELLING = "confirming_cancellation"
    SATISFACTION = "checking_satisfaction"
    FEEDBACK = "collecting_feedback"
    OFFERED_BOOKING = "offered_booking"
    OFFERED_HANDOFF = "offered_handoff"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    CLOSED = "closed"
    SUBMITTED = "submitted"


@dataclass
class Memory:
    """Everything a customer flow keeps (empty = not known yet)."""

    services: list[str] = field(default_factory=list)  # the visit's services, in order
    candidates: list[str] = field(default_factory=list)  # services we asked the customer to choose among
    staff_id: str | None = None
    when: TimeConstraint = field(default_factory=TimeConstraint)
    offered: list[str] = field(default_factory=list)  # ISO local starts offered, in order
    available: list[str] = field(default_factory=list)  # every fitting start of the days shown
    day: str | None = None  # the day the offers are for
    chosen: str | None = None  # a start waiting for the customer's yes
    name: str | None = None  # the name given with a confirmation, written with the booking
    appointment_id: str | None = None  # the appointment being moved or cancelled
    old_start: str | None = None
    options: list[dict[str, Any]] = field(default_factory=list)  # appointments listed for "¿cuál?"
    request: str | None = None  # the message that waits for "¿cuál cita?" to be answered
    booked: str | None = None
    booked_services: list[str] = field(default_factory=list)
    known_name: str | None = None
    rated_appointment: str | None = None
    tries: int = 0

    # ---- persistence
    def dump(self) -> dict[str, Any]:
        """The row's JSON: ``asdict``'s, without its deep copy of ``when`` (replaced by its own
        JSON at once) — about 4% of a rule turn's CPU (py-spy) went to copying what was thrown away."""
        data: dict[str, Any] = {}
        for name in _FIELDS:
            value = getattr(self, name)
            if name == "when":
                value = constraint_to_json(value)
            elif isinstance(value, list):  # lists of text, or of plain dicts (options)
                value = [deepcopy(item) if isinstance(item, (dict, list)) else item for item in value]
            data[name] = value
        data["version"] = VERSION
        return data

    @classmethod
    def load(cls, data: dict[str, Any] | None) -> Memory:
        data = dict(data or {})
        try:
            if data.get("version") != VERSION:
                data = _from_version_1(data)
            known = {f.name for f in fields(cls)}
            values = {k: v for k, v in data.items() if k in known and k != "when"}
            memory = cls(**values)
            memory.when = constraint_from_json(data.get("when"))
            return memory
        except Exception:  # noqa: BLE001 - a damaged row is forgotten, never a crashed turn
            log.warning("customer flow memory unreadable; starting afresh", exc_info=True)
            return cls()


def _from_version_1(data: dict[str, Any]) -> dict[str, Any]:
    """The untyped dict of the first rule engine: keep what means the same."""
    old = dict(data)
    new: dict[str, Any] = {}
    if old.get("service_id"):
        new["services"] = [str(old["service_id"])]
    for key in ("staff_id", "offered", "available", "day", "chosen", "appointment_id", "old_start", "booked",
                "known_name", "tries", "candidates"):
        if old.get(key) is not None:
            new[key] = old[key]
    if old.get("appointment_id") and old.get("options") is None:
        pass
    if isinstance(old.get("appointments"), dict):
        new["options"] = [a for a in old["appointments"].values() if isinstance(a, dict)]
    if old.get("appointment_id") and "rated_appointment" not in new and "old_start" not in old:
        new["rated_appointment"] = old["appointment_id"]
    if old.get("day"):
        day = date.fromisoformat(old["day"])
        new["when"] = constraint_to_json(TimeConstraint(days=DayConstraint.on(day)))
    return new


# ---------------------------------------------------------------- TimeConstraint ⇄ JSON


def _t(value: time) -> str:
    return value.strftime("%H:%M")


def _bound(bound: ClockBound | None) -> list | None:
    return [_t(bound.time), bound.inclusive] if bound is not None else None


def constraint_to_json(when: TimeConstraint) -> dict[str, Any]:
    days = when.days
    return {
        "days": None if days is None else {
            "first": days.first.isoformat() if days.first else None,
            "last": days.last.isoformat() if days.last else None,
            "weekdays": sorted(days.weekdays) if days.weekdays is not None else None,
            "only": sorted(d.isoformat() for d in days.only) if days.only is not None else None,
        },
        "not_before": when.not_before.isoformat() if when.not_before else None,
        "part_of_day": when.part_of_day.value if when.part_of_day else None,
        "times": [_t(x) for x in when.times],
        "around": when.around,
        "after": _bound(when.after),
        "before": _bound(when.before),
        "lean": when.lean.value if when.lean else None,
    }


def constraint_from_json(data: dict[str, Any] | None) -> TimeConstraint:
    if not data:
        return TimeConstraint()
    days = data.get("days")

    def day(value):
        return date.fromisoformat(value) if value else None

    def bound(value):
        return ClockBound(time.fromisoformat(value[0]), bool(value[1])) if value else None

    return TimeConstraint(
        days=None if not days else DayConstraint(
            day(days.get("first")), day(days.get("last")),
            frozenset(days["weekdays"]) if days.get("weekdays") is not None else None,
            frozenset(date.fromisoformat(d) for d in days["only"]) if days.get("only") is not None else None),
        not_before=datetime.fromisoformat(data["not_before"]) if data.get("not_before") else None,
        part_of_day=PartOfDay(data["part_of_day"]) if data.get("part_of_day") else None,
        times=tuple(time.fromisoformat(x) for x in data.get("times") or ()),
        around=bool(data.get("around")),
        after=bound(data.get("after")),
        before=bound(data.get("before")),
        lean=Lean(data["lean"]) if data.get("lean") else None,
    )


#: Memory's fields in declaration order (``dump`` keeps asdict's key order).
_FIELDS = tuple(f.name for f in fields(Memory))
