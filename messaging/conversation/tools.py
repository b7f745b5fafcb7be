"""The tool layer: every action either engine takes, by name, with the sender as the actor.

A :class:`Tool` is a name, a description and a JSON schema (what OpenAI sees), the
audiences that get it, whether it writes, and a runner. Runners execute a named GraphQL
operation in-process (:data:`DOCUMENTS`, through :func:`schema.schema.execute_as`) with
the sender's :class:`~resolvers.context.Context`, so the resolvers' permission checks are
the only ones that count. Where the schema has no operation yet (a customer's own name,
handoff, messaging a customer, stats, onboarding) the runner calls the use case directly
behind the same interface; those are listed in :data:`NOT_IN_SCHEMA_YET`.

Times: tools take and return ISO-8601 *local* times of the business (the model writes
them, the rule engine too); :func:`local_instant` validates them before use.
Results are plain JSON-able dicts (``ToolResult.data``) or a Spanish problem message.
"""

from __future__ import annotations

import enum
import json
import logging
import time as perf
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from resolvers.context import ActorKind, Context
from resolvers.permissions import Permission, allows, check
from storage import FunctionTrace, TraceType

from .profile import BusinessProfile

log = logging.getLogger("parlo.conversation")


class Audience(enum.Enum):
    CUSTOMER = "customer"
    STAFF = "staff"
    BUSINESS_ONBOARDING = "business_onboarding"
    STAFF_ONBOARDING = "staff_onboarding"


@dataclass(frozen=True, slots=True)
class ToolResult:
    ok: bool
    data: dict[str, Any] = field(default_factory=dict)
    #: Spanish, for the person (resolvers' problem messages).
    message: str | None = None
    problem: str | None = None  # the problem's type name (SlotTaken, PermissionDenied…)

    def for_model(self) -> str:
        if self.ok:
            return json.dumps(self.data, ensure_ascii=False, default=str)
        return json.dumps({"error": self.problem or "Error", "message": self.message, **self.data},
                          ensure_ascii=False, default=str)


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


# ---------------------------------------------------------------- GraphQL in-process


@lru_cache(maxsize=1)
def _schema():
    from schema.schema import build_schema

    return build_schema(introspection=False)


_PROBLEM = "__typename ... on Problem { message } ... on SlotTaken { alternatives { start staffId } }"
_APPOINTMENT = ("id startsAt endsAt status localDate localStart priceCents "
                "service { id name durationMinutes priceCents } staff { id name } customer { id name phone }")

#: Every GraphQL operation the tools run, by operation name.
DOCUMENTS: dict[str, str] = {
    "AvailableSlots": """
query AvailableSlots($serviceIds: [ID!]!, $from: DateTime!, $to: DateTime!, $staffId: ID, $limit: Int!) {
  availableSlots(serviceIds: $serviceIds, from: $from, to: $to, staffId: $staffId, limit: $limit) {
    start end staffId staff { name }
  }
}""",
    "BookAppointment": f"""
mutation BookAppointment($input: BookAppointmentInput!) {{
  bookAppointment(input: $input) {{ {_PROBLEM} ... on Booking {{ startsAt appointments {{ {_APPOINTMENT} }} }} }}
}}""",
    "BookWalkIn": f"""
mutation BookWalkIn($input: BookWalkInInput!) {{
  bookWalkIn(input: $input) {{ {_PROBLEM} ... on Booking {{ startsAt appointments {{ {_APPOINTMENT} }} }} }}
}}""",
    "MyAppointments": f"""
query MyAppointments($from: DateTime!, $status: [AppointmentStatus!]) {{
  appointments(from: $from, status: $status, first: 20) {{ nodes {{ {_APPOINTMENT} }} }}
}}""",
    "Appointments": f"""
query Appointments($from: DateTime!, $to: DateTime!, $staffId: ID, $status: [AppointmentStatus!]) {{
  appointments(from: $from, to: $to, staffId: $staffId, status: $status, first: 100) {{ nodes {{ {_APPOINTMENT} }} }}
}}""",
    "CancelAppointment": f"""
mutation CancelAppointment($id: ID!, $reason: String, $notify: Boolean!) {{
  cancelAppointment(id: $id, reason: $reason, notifyCustomer: $notify) {{ {_PROBLEM} ... on Appointment {{ {_APPOINTMENT} }} }}
}}""",
    "RescheduleAppointment": f"""
mutation RescheduleAppointment($id: ID!, $start: DateTime!, $notify: Boolean!) {{
  rescheduleAppointment(id: $id, start: $start, notifyCustomer: $notify) {{
    {_PROBLEM} ... on Booking {{ startsAt appointments {{ {_APPOINTMENT} }} }}
  }}
}}""",
    "MarkAppointment": f"""
mutation MarkAppointment($id: ID!, $status: AppointmentStatus!) {{
  markAppointment(id: $id, status: $status) {{ {_PROBLEM} ... on Appointment {{ {_APPOINTMENT} }} }}
}}""",
    "SetAppointmentNotes": f"""
mutation SetAppointmentNotes($id: ID!, $notes: String) {{
  setAppointmentNotes(id: $id, notes: $notes) {{ {_PROBLEM} ... on Appointment {{ {_APPOINTMENT} notes }} }}
}}""",
    "Schedule": f"""
query Schedule($date: Date!, $staffId: ID) {{
  schedule(date: $date, staffId: $staffId) {{
    {_PROBLEM}
    ... on DaySchedule {{
      date closed
      staff {{
        staff {{ id name }}
        workingHours {{ localStart localEnd }}
        entries {{ kind startsAt endsAt localStart localEnd reason appointment {{ {_APPOINTMENT} }} block {{ id }} }}
      }}
    }}
  }}
}}""",
    "BlockTime": f"""
mutation BlockTime($input: BlockTimeInput!) {{
  blockTime(input: $input) {{
    {_PROBLEM} ... on TimeBlocked {{ block {{ id startsAt endsAt reason }} overlapping {{ {_APPOINTMENT} }} }}
  }}
}}""",
    "Blocks": """
query Blocks($from: DateTime!, $to: DateTime!, $staffId: ID) {
  blocks(from: $from, to: $to, staffId: $staffId) { id startsAt endsAt reason wholeLocation }
}""",
    "RemoveBlock": f"""
mutation RemoveBlock($id: ID!) {{ removeBlock(id: $id) {{ {_PROBLEM} ... on Block {{ id startsAt endsAt }} }} }}""",
    "CustomerHistory": f"""
query CustomerHistory($search: String!) {{
  customers(search: $search, first: 5) {{ nodes {{ id name phone notes appointments(first: 10) {{ {_APPOINTMENT} }} }} }}
}}""",
    "CreateStaffMember": f"""
mutation CreateStaffMember($input: CreateStaffMemberInput!) {{
  createStaffMember(input: $input) {{ {_PROBLEM} ... on StaffMember {{ id name phone permissionLevel }} }}
}}""",
    "UpdateStaffMember": f"""
mutation UpdateStaffMember($id: ID!, $input: UpdateStaffMemberInput!) {{
  updateStaffMember(id: $id, input: $input) {{ {_PROBLEM} ... on StaffMember {{ id name phone permissionLevel isActive }} }}
}}""",
    "SetBusinessHours": f"""
mutation SetBusinessHours($hours: [WeeklyHoursInput!]!) {{
  setBusinessHours(hours: $hours) {{ {_PROBLEM} ... on Location {{ id }} }}
}}""",
    "UpdateService": f"""
mutation UpdateService($id: ID!, $input: UpdateServiceInput!) {{
  updateService(id: $id, input: $input) {{ {_PROBLEM} ... on Service {{ id name durationMinutes priceCents }} }}
}}""",
    "CreateService": f"""
mutation CreateService($input: CreateServiceInput!) {{
  createService(input: $input) {{ {_PROBLEM} ... on Service {{ id name durationMinutes priceCents }} }}
}}""",
    "SuggestRebooking": f"""
mutation SuggestRebooking($input: SuggestRebookingInput!) {{
  suggestRebooking(input: $input) {{
    {_PROBLEM}
    ... on RebookingPlan {{
      id optimal
      moves {{ id appointmentId customerName serviceName affected
               before {{ staffName startsAt }} after {{ staffName startsAt }} }}
      unplaceable {{ appointmentId customerName serviceName startsAt message }}
    }}
  }}
}}""",
    "ApplyRebooking": f"""
mutation ApplyRebooking($planId: ID!, $moveIds: [ID!]!) {{
  applyRebooking(planId: $planId, moveIds: $moveIds) {{
    {_PROBLEM} ... on RebookingApplied {{ noticesQueued applied {{ id }} refused {{ __typename }} }}
  }}
}}""",
    "RequestMagicLink": f"""
mutation RequestMagicLink($phone: String!) {{
  requestMagicLink(phone: $phone) {{ {_PROBLEM} ... on MagicLinkRequested {{ message }} }}
}}""",
}

#: Tools run as use cases until the schema has an operation for them (report to the schema owner).
NOT_IN_SCHEMA_YET = ("update_my_name", "rate_my_visit", "handoff_to_human", "hand_back_conversation", "send_message_to_customer", "get_stats",
                     "send_staff_welcome", "create_business", "finish_staff_onboarding")

_PROBLEM_NAMES = frozenset({"NotFound", "PermissionDenied", "NotAuthenticated", "ValidationError",
                            "OutsideHours", "SlotTaken", "Conflict", "Suspended"})


class OperationFailed(RuntimeError):
    """The operation itself broke (a bug or a malformed document): never shown to a person."""


async def run_operation(tc: ToolContext, name: str, variables: dict[str, Any]) -> Any:
    from schema.schema import execute_as

    result = await execute_as(_schema(), tc.ctx, DOCUMENTS[name], variables, operation_name=name)
    if result.errors:
        raise OperationFailed(f"{name}: {[e.message for e in result.errors]}")
    data = result.data or {}
    return next(iter(data.values())) if len(data) == 1 else data


def _problem(value: Any, zone: ZoneInfo) -> ToolResult | None:
    if isinstance(value, dict) and value.get("__typename") in _PROBLEM_NAMES:
        extra = {}
        if value["__typename"] == "SlotTaken":
            extra["alternatives"] = sorted({iso_local(a["start"], zone) for a in value.get("alternatives") or []})[:5]
        return ToolResult(False, extra, message=value.get("message"), problem=value["__typename"])
    return None


def appointment_facts(a: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    return {
        "appointment_id": a["id"], "start": iso_local(a["startsAt"], zone), "end": iso_local(a["endsAt"], zone),
        "status": a["status"].lower(), "service": (a.get("service") or {}).get("name"),
        "service_id": (a.get("service") or {}).get("id"), "price_cents": a.get("priceCents"),
        "staff": (a.get("staff") or {}).get("name"), "staff_id": (a.get("staff") or {}).get("id"),
        "customer": (a.get("customer") or {}).get("name"), "customer_phone": (a.get("customer") or {}).get("phone"),
        "customer_id": (a.get("customer") or {}).get("id"),
    }


# ---------------------------------------------------------------- runners: customers (and staff on their behalf)


PART_OF_DAY_HOURS = {"manana": (0, 12), "mediodia": (12, 15), "tarde": (12, 19), "noche": (19, 24)}


async def check_availability(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    zone = tc.zone
    service_id = _uuid(args.get("service_id"), "El servicio")
    first = local_day(args.get("date_from"))
    last = local_day(args["date_to"]) if args.get("date_to") else first
    if last < first or (last - first).days > 31:
        raise InvalidArguments("El rango de fechas no es válido (máximo un mes).")
    start, _ = day_bounds(first, zone)
    _, end = day_bounds(last, zone)
    start = max(start, tc.local_now())
    if end <= start:
        return ToolResult(True, {"slots": [], "note": "Ese día ya pasó."})
    variables = {"serviceIds": [service_id], "from": start.isoformat(), "to": end.isoformat(), "limit": 200,
                 "staffId": _uuid(args["staff_id"], "El empleado") if args.get("staff_id") else None}
    found = await run_operation(tc, "AvailableSlots", variables)
    if (problem := _problem(found, zone)) is not None:
        return problem
    hours = PART_OF_DAY_HOURS.get(str(args.get("part_of_day") or "").lower().replace("ñ", "n").replace("í", "i"))
    seen: dict[str, dict[str, Any]] = {}
    for slot in found:
        local = datetime.fromisoformat(slot["start"]).astimezone(zone)
        if hours and not hours[0] <= local.hour < hours[1]:
            continue
        key = iso_local(local, zone)
        seen.setdefault(key, {"start": key, "staff_id": slot["staffId"], "staff": (slot.get("staff") or {}).get("name")})
    return ToolResult(True, {"slots": [seen[k] for k in sorted(seen)]})


async def book_appointment(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    zone = tc.zone
    start = local_instant(args.get("start_time"), zone)
    service_ids = args.get("service_ids") or [args.get("service_id")]
    payload: dict[str, Any] = {"serviceIds": [_uuid(s, "El servicio") for s in service_ids],
                               "start": start.isoformat(), "notifyCustomer": False}
    if args.get("staff_id"):
        payload["staffId"] = _uuid(args["staff_id"], "El empleado")
    if args.get("customer_name"):
        payload["customerName"] = str(args["customer_name"])[:120]
    if tc.ctx.actor.kind is not ActorKind.CUSTOMER:
        payload["customerPhone"] = args.get("customer_phone")
        payload["notifyCustomer"] = True
    result = await run_operation(tc, "BookAppointment", {"input": payload})
    if (problem := _problem(result, zone)) is not None:
        return problem
    return ToolResult(True, {"appointments": [appointment_facts(a, zone) for a in result["appointments"]]})


async def my_appointments(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    result = await run_operation(tc, "MyAppointments", {"from": tc.now().isoformat(),
                                                        "status": ["PENDING", "CONFIRMED"]})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, {"appointments": [appointment_facts(a, tc.zone) for a in result["nodes"]]})


async def cancel_appointment(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    notify = tc.ctx.actor.kind is not ActorKind.CUSTOMER and bool(args.get("notify_customer", False))
    result = await run_operation(tc, "CancelAppointment", {"id": _uuid(args.get("appointment_id"), "La cita"),
                                                           "reason": args.get("reason"), "notify": notify})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, {"appointment": appointment_facts(result, tc.zone)})


async def reschedule_appointment(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    start = local_instant(args.get("new_start_time"), tc.zone)
    notify = tc.ctx.actor.kind is not ActorKind.CUSTOMER
    result = await run_operation(tc, "RescheduleAppointment", {"id": _uuid(args.get("appointment_id"), "La cita"),
                                                               "start": start.isoformat(), "notify": notify})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, {"appointments": [appointment_facts(a, tc.zone) for a in result["appointments"]]})


# ---------------------------------------------------------------- runners: staff


async def _schedule(tc: ToolContext, day: date, staff_id: str | None) -> ToolResult:
    result = await run_operation(tc, "Schedule", {"date": day.isoformat(), "staffId": staff_id})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    people = []
    for agenda in result["staff"]:
        entries = []
        for e in agenda["entries"]:
            item: dict[str, Any] = {"kind": e["kind"].lower(), "start": iso_local(e["startsAt"], tc.zone),
                                    "end": iso_local(e["endsAt"], tc.zone)}
            if e.get("appointment"):
                item.update(appointment_facts(e["appointment"], tc.zone))
                item["kind"] = "appointment"
            if e.get("block"):
                item["block_id"] = e["block"]["id"]
                item["reason"] = e.get("reason")
            entries.append(item)
        people.append({"staff_id": agenda["staff"]["id"], "staff": agenda["staff"]["name"],
                       "working": [[w["localStart"][:5], w["localEnd"][:5]] for w in agenda["workingHours"]],
                       "entries": entries})
    return ToolResult(True, {"date": result["date"], "closed": result["closed"], "staff": people})


def _day_arg(tc: ToolContext, args: dict[str, Any]) -> date:
    return local_day(args["date"]) if args.get("date") else tc.local_now().date()


async def my_schedule(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    return await _schedule(tc, _day_arg(tc, args), str(tc.ctx.actor.staff_id))


async def business_schedule(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    return await _schedule(tc, _day_arg(tc, args), None)


async def whats_next(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    now = tc.local_now()
    result = await _schedule(tc, now.date(), str(tc.ctx.actor.staff_id))
    if not result.ok:
        return result
    entries = [e for p in result.data["staff"] for e in p["entries"]
               if e["kind"] == "appointment" and e["status"] in ("pending", "confirmed")
               and datetime.fromisoformat(e["end"]) > now.replace(tzinfo=None)]
    return ToolResult(True, {"next": entries[:2]})


async def find_appointments(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    """Appointments on a local day (default today), optionally only the one(s) at a local time."""
    day = _day_arg(tc, args)
    start, end = day_bounds(day, tc.zone)
    staff_id = _uuid(args["staff_id"], "El empleado") if args.get("staff_id") else None
    result = await run_operation(tc, "Appointments", {"from": start.isoformat(), "to": end.isoformat(),
                                                      "staffId": staff_id, "status": ["PENDING", "CONFIRMED"]})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    found = [appointment_facts(a, tc.zone) for a in result["nodes"]]
    if args.get("time"):
        wanted = str(args["time"])[:5]
        found = [a for a in found if a["start"][11:16] == wanted]
    return ToolResult(True, {"appointments": found})


async def block_time(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    start, end = local_instant(args.get("start_time"), tc.zone), local_instant(args.get("end_time"), tc.zone)
    if end <= start:
        raise InvalidArguments("La hora de fin debe ser después del inicio.")
    payload = {"start": start.isoformat(), "end": end.isoformat(), "reason": args.get("reason"),
               "staffId": _uuid(args["staff_id"], "El empleado") if args.get("staff_id") else str(tc.ctx.actor.staff_id)}
    result = await run_operation(tc, "BlockTime", {"input": payload})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    block = result["block"]
    return ToolResult(True, {"block_id": block["id"], "start": iso_local(block["startsAt"], tc.zone),
                             "end": iso_local(block["endsAt"], tc.zone),
                             "overlapping": [appointment_facts(a, tc.zone) for a in result["overlapping"]]})


async def list_blocks(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    start, end = day_bounds(_day_arg(tc, args), tc.zone)
    result = await run_operation(tc, "Blocks", {"from": start.isoformat(), "to": end.isoformat(),
                                                "staffId": str(tc.ctx.actor.staff_id)})
    return ToolResult(True, {"blocks": [{"block_id": b["id"], "start": iso_local(b["startsAt"], tc.zone),
                                         "end": iso_local(b["endsAt"], tc.zone), "reason": b["reason"]}
                                        for b in result]})


async def unblock_time(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    result = await run_operation(tc, "RemoveBlock", {"id": _uuid(args.get("block_id"), "El bloqueo")})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, {"block_id": result["id"], "start": iso_local(result["startsAt"], tc.zone),
                             "end": iso_local(result["endsAt"], tc.zone)})


_STATUSES = {"completed": "COMPLETED", "no_show": "NO_SHOW", "cancelled": "CANCELLED"}


async def mark_appointment_status(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    status = _STATUSES.get(str(args.get("status")).lower())
    if status is None:
        raise InvalidArguments("El estado debe ser completed, no_show o cancelled.")
    if status == "CANCELLED":
        return await cancel_appointment(tc, {**args, "notify_customer": args.get("notify_customer", True)})
    result = await run_operation(tc, "MarkAppointment", {"id": _uuid(args.get("appointment_id"), "La cita"),
                                                         "status": status})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, {"appointment": appointment_facts(result, tc.zone)})


async def set_appointment_notes(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    result = await run_operation(tc, "SetAppointmentNotes", {"id": _uuid(args.get("appointment_id"), "La cita"),
                                                             "notes": args.get("notes")})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, {"appointment": appointment_facts(result, tc.zone), "notes": result["notes"]})


async def book_walk_in(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    service_ids = args.get("service_ids") or [args.get("service_id")]
    payload: dict[str, Any] = {"serviceIds": [_uuid(s, "El servicio") for s in service_ids],
                               "customerPhone": args.get("customer_phone"), "customerName": args.get("customer_name"),
                               "staffId": _uuid(args["staff_id"], "El empleado") if args.get("staff_id") else None}
    result = await run_operation(tc, "BookWalkIn", {"input": payload})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, {"appointments": [appointment_facts(a, tc.zone) for a in result["appointments"]]})


async def customer_history(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    search = str(args.get("customer_phone") or args.get("customer_name") or "").strip()
    if not search:
        raise InvalidArguments("Necesito el teléfono o el nombre del cliente.")
    from messaging.spanish import normalize_phone

    phone = normalize_phone(search)
    result = await run_operation(tc, "CustomerHistory", {"search": phone[3:] if phone else search})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, {"customers": [
        {"customer_id": c["id"], "name": c["name"], "phone": c["phone"], "notes": c["notes"],
         "appointments": [appointment_facts(a, tc.zone) for a in c["appointments"]]} for c in result["nodes"]]})


async def dashboard_link(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    result = await run_operation(tc, "RequestMagicLink", {"phone": tc.ctx.actor.phone or tc.phone or ""})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, {"sent": True})


# ---------------------------------------------------------------- runners: owners and admins


_LEVELS = {"owner": "OWNER", "admin": "ADMIN", "staff": "STAFF", "viewer": "VIEWER"}


async def add_staff(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    level = _LEVELS.get(str(args.get("permission_level") or "staff").lower(), "STAFF")
    payload = {"name": str(args.get("name") or "").strip(), "phone": str(args.get("phone") or ""),
               "permissionLevel": level,
               "serviceIds": [_uuid(s, "El servicio") for s in args.get("service_ids") or []]}
    result = await run_operation(tc, "CreateStaffMember", {"input": payload})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, {"staff_id": result["id"], "name": result["name"], "phone": result["phone"]})


async def remove_staff(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    result = await run_operation(tc, "UpdateStaffMember", {"id": _uuid(args.get("staff_id"), "El empleado"),
                                                           "input": {"isActive": False}})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, {"staff_id": result["id"], "name": result["name"]})


async def change_permissions(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    level = _LEVELS.get(str(args.get("permission_level") or "").lower())
    if level is None:
        raise InvalidArguments("El permiso debe ser owner, admin, staff o viewer.")
    result = await run_operation(tc, "UpdateStaffMember", {"id": _uuid(args.get("staff_id"), "El empleado"),
                                                           "input": {"permissionLevel": level}})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, {"staff_id": result["id"], "name": result["name"], "level": result["permissionLevel"]})


async def change_business_hours(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    hours = []
    for row in args.get("hours") or []:
        try:
            weekday, start, end = int(row["weekday"]), time.fromisoformat(row["open"]), time.fromisoformat(row["close"])
        except (KeyError, ValueError, TypeError) as exc:
            raise InvalidArguments("Cada horario necesita weekday (0-6), open y close (HH:MM).") from exc
        hours.append({"weekday": weekday, "start": start.isoformat(), "end": end.isoformat()})
    result = await run_operation(tc, "SetBusinessHours", {"hours": hours})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, {"hours": hours})


async def update_service(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    changes: dict[str, Any] = {}
    if args.get("duration_minutes") is not None:
        changes["durationMinutes"] = int(args["duration_minutes"])
    if args.get("price_cents") is not None:
        changes["priceCents"] = int(args["price_cents"])
    if not changes:
        raise InvalidArguments("Dime la nueva duración o el nuevo precio.")
    result = await run_operation(tc, "UpdateService", {"id": _uuid(args.get("service_id"), "El servicio"),
                                                       "input": changes})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, {"service_id": result["id"], "name": result["name"],
                             "duration_minutes": result["durationMinutes"], "price_cents": result["priceCents"]})


_DISRUPTIONS = {"staff_out": "STAFF_OUT", "compact_day": "COMPACT_DAY"}


async def suggest_rebooking(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    kind = _DISRUPTIONS.get(str(args.get("kind") or "staff_out").lower())
    if kind is None:
        raise InvalidArguments("kind debe ser staff_out o compact_day.")
    first = local_day(args.get("first_day") or args.get("day") or tc.local_now().date().isoformat())
    last = local_day(args["last_day"]) if args.get("last_day") else first
    payload: dict[str, Any] = {"kind": kind, "writeBlock": bool(args.get("write_block", False)),
                               "reason": args.get("reason")}
    if kind == "STAFF_OUT":
        payload.update(staffId=_uuid(args.get("staff_id"), "El empleado"), firstDay=first.isoformat(),
                       lastDay=last.isoformat())
    else:
        payload.update(day=first.isoformat())
    result = await run_operation(tc, "SuggestRebooking", {"input": payload})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, {
        "plan_id": result["id"],
        "moves": [{"move_id": m["id"], "appointment_id": m["appointmentId"], "customer": m["customerName"],
                   "service": m["serviceName"], "affected": m["affected"],
                   "before": {"staff": m["before"]["staffName"], "start": iso_local(m["before"]["startsAt"], tc.zone)},
                   "after": {"staff": m["after"]["staffName"], "start": iso_local(m["after"]["startsAt"], tc.zone)}}
                  for m in result["moves"]],
        "unplaceable": [{"appointment_id": u["appointmentId"], "customer": u["customerName"],
                         "service": u["serviceName"], "start": iso_local(u["startsAt"], tc.zone),
                         "why": u["message"]} for u in result["unplaceable"]],
    })


async def apply_rebooking(tc: ToolContext, args: dict[str, Any]) -> ToolResult:
    moves = [str(m)[:80] for m in args.get("move_ids") or [] if m]
    result = await run_operation(tc, "ApplyRebooking", {"planId": str(args.get("plan_id") or "")[:80],
                                                        "moveIds": moves})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, {"applied": len(result["applied"]), "refused": len(result["refused"]),
                             "notices": result["noticesQueued"]})


# ---------------------------------------------------------------- the registry


def _schema_of(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": False}


_ID = {"type": "string", "description": "UUID"}
_DATE = {"type": "string", "description": "Fecha local AAAA-MM-DD"}
_LOCAL_TIME = {"type": "string", "description": "Fecha y hora local ISO-8601, p. ej. 2026-01-16T16:00"}
_PHONE = {"type": "string", "description": "Teléfono como lo escribieron, p. ej. 55 9876 5432"}

C, S = frozenset({Audience.CUSTOMER}), frozenset({Audience.STAFF})
CS = C | S


def _registry() -> dict[str, Tool]:
    from . import handoff, onboarding_tools

    tools = [
        Tool("check_availability", "Horarios disponibles para un servicio en un día o rango de días. "
             "Nunca ofrezcas un horario que esta herramienta no haya devuelto.",
             _schema_of({"service_id": _ID, "date_from": _DATE, "date_to": _DATE,
                         "part_of_day": {"type": "string", "enum": ["manana", "mediodia", "tarde", "noche"]},
                         "staff_id": _ID}, ("service_id", "date_from")),
             CS, check_availability, operation="AvailableSlots"),
        Tool("book_appointment", "Agenda una cita a una hora que check_availability devolvió. "
             "Solo después de que la persona confirme.",
             _schema_of({"service_id": _ID, "start_time": _LOCAL_TIME, "staff_id": _ID,
                         "customer_name": {"type": "string"}, "customer_phone": _PHONE},
                        ("service_id", "start_time")),
             CS, book_appointment, writes=True, permission=Permission.BOOK, operation="BookAppointment"),
        Tool("get_customer_appointments", "Las próximas citas del cliente que escribe.", _schema_of({}),
             C, my_appointments, operation="MyAppointments"),
        Tool("cancel_appointment", "Cancela una cita (solo después de que la persona confirme).",
             _schema_of({"appointment_id": _ID, "reason": {"type": "string"},
                         "notify_customer": {"type": "boolean"}}, ("appointment_id",)),
             CS, cancel_appointment, writes=True, permission=Permission.CANCEL_APPOINTMENT,
             operation="CancelAppointment"),
        Tool("reschedule_appointment", "Cambia una cita a otra hora que check_availability devolvió.",
             _schema_of({"appointment_id": _ID, "new_start_time": _LOCAL_TIME}, ("appointment_id", "new_start_time")),
             CS, reschedule_appointment, writes=True, permission=Permission.BOOK, operation="RescheduleAppointment"),
        Tool("update_my_name", "Guarda el nombre que el cliente confirmó.",
             _schema_of({"name": {"type": "string"}}, ("name",)), C, handoff.update_my_name, writes=True),
        Tool("rate_my_visit", "Guarda la calificación (1 a 5) y los comentarios que el cliente da de su visita "
             "reciente, cuando contesta la solicitud de calificación.",
             _schema_of({"rating": {"type": "integer", "minimum": 1, "maximum": 5}, "feedback": {"type": "string"}}),
             C, handoff.rate_my_visit, writes=True),
        Tool("handoff_to_human", "Pasa la conversación al dueño cuando no puedes ayudar o la persona lo pide.",
             _schema_of({"reason": {"type": "string"}}, ("reason",)), C, handoff.handoff_to_human, writes=True),
        Tool("get_my_schedule", "La agenda de quien escribe en un día (hoy si no se dice).",
             _schema_of({"date": _DATE}), S, my_schedule, permission=Permission.VIEW_SCHEDULE, operation="Schedule"),
        Tool("get_business_schedule", "La agenda de todo el negocio en un día.",
             _schema_of({"date": _DATE}), S, business_schedule, permission=Permission.VIEW_SCHEDULE,
             operation="Schedule"),
        Tool("whats_next", "La siguiente cita de quien escribe.", _schema_of({}), S, whats_next,
             permission=Permission.VIEW_SCHEDULE, operation="Schedule"),
        Tool("find_appointments", "Citas activas de un día, opcionalmente solo las de una hora (HH:MM).",
             _schema_of({"date": _DATE, "time": {"type": "string", "description": "HH:MM local"},
                         "staff_id": _ID}), S, find_appointments, permission=Permission.VIEW_SCHEDULE,
             operation="Appointments"),
        Tool("block_time", "Bloquea tiempo en la agenda de quien escribe (comida, salir temprano).",
             _schema_of({"start_time": _LOCAL_TIME, "end_time": _LOCAL_TIME, "reason": {"type": "string"},
                         "staff_id": _ID}, ("start_time", "end_time")),
             S, block_time, writes=True, permission=Permission.BLOCK_OWN_TIME, operation="BlockTime"),
        Tool("list_blocks", "Los bloqueos de quien escribe en un día.", _schema_of({"date": _DATE}), S, list_blocks,
             permission=Permission.VIEW_SCHEDULE, operation="Blocks"),
        Tool("unblock_time", "Quita un bloqueo.", _schema_of({"block_id": _ID}, ("block_id",)), S, unblock_time,
             writes=True, permission=Permission.BLOCK_OWN_TIME, operation="RemoveBlock"),
        Tool("mark_appointment_status", "Marca una cita como completed, no_show o cancelled.",
             _schema_of({"appointment_id": _ID, "status": {"type": "string", "enum": list(_STATUSES)},
                         "notify_customer": {"type": "boolean"}}, ("appointment_id", "status")),
             S, mark_appointment_status, writes=True, permission=Permission.MARK_ATTENDANCE,
             operation="MarkAppointment"),
        Tool("set_appointment_notes", "Escribe (reemplaza) las notas de una cita, también de una ya pasada "
             "(\"usó tinte 5.1\"); notas vacías las borran.",
             _schema_of({"appointment_id": _ID, "notes": {"type": "string"}}, ("appointment_id", "notes")),
             S, set_appointment_notes, writes=True, permission=Permission.BOOK, operation="SetAppointmentNotes"),
        Tool("book_walk_in", "Registra a alguien que acaba de llegar, ahora, con quien esté libre.",
             _schema_of({"service_id": _ID, "customer_phone": _PHONE, "customer_name": {"type": "string"},
                         "staff_id": _ID}, ("service_id",)),
             S, book_walk_in, writes=True, permission=Permission.BOOK, operation="BookWalkIn"),
        Tool("get_customer_history", "Historial de citas de un cliente por teléfono o nombre.",
             _schema_of({"customer_phone": _PHONE, "customer_name": {"type": "string"}}), S, customer_history,
             permission=Permission.VIEW_CUSTOMERS, operation="CustomerHistory"),
        Tool("send_message_to_customer", "Manda un WhatsApp a un cliente a nombre del negocio.",
             _schema_of({"customer_phone": _PHONE, "message": {"type": "string"}}, ("customer_phone", "message")),
             S, handoff.send_message_to_customer, writes=True, permission=Permission.MESSAGE_CUSTOMERS),
        Tool("hand_back_conversation", "Devuelve a Parlo una conversación que se pasó al equipo (handoff).",
             _schema_of({"customer_phone": _PHONE}, ("customer_phone",)), S, handoff.hand_back, writes=True,
             permission=Permission.MESSAGE_CUSTOMERS),
        Tool("send_dashboard_link", "Manda por WhatsApp la liga para entrar al panel web.", _schema_of({}), S,
             dashboard_link, writes=True, operation="RequestMagicLink"),
        Tool("add_staff", "Agrega a alguien al equipo.",
             _schema_of({"name": {"type": "string"}, "phone": _PHONE, "service_ids": {"type": "array", "items": _ID},
                         "permission_level": {"type": "string", "enum": list(_LEVELS)}}, ("name", "phone")),
             S, add_staff, writes=True, permission=Permission.MANAGE_STAFF, operation="CreateStaffMember"),
        Tool("send_staff_welcome", "Manda el mensaje de bienvenida a un empleado nuevo.",
             _schema_of({"staff_id": _ID}, ("staff_id",)), S, handoff.send_staff_welcome, writes=True,
             permission=Permission.MANAGE_STAFF),
        Tool("remove_staff", "Da de baja a alguien del equipo.", _schema_of({"staff_id": _ID}, ("staff_id",)), S,
             remove_staff, writes=True, permission=Permission.MANAGE_STAFF, operation="UpdateStaffMember"),
        Tool("change_permissions", "Cambia el nivel de permisos de alguien del equipo.",
             _schema_of({"staff_id": _ID, "permission_level": {"type": "string", "enum": list(_LEVELS)}},
                        ("staff_id", "permission_level")),
             S, change_permissions, writes=True, permission=Permission.CHANGE_PERMISSIONS,
             operation="UpdateStaffMember"),
        Tool("change_business_hours", "Reemplaza el horario semanal del negocio (los días que falten quedan cerrados).",
             _schema_of({"hours": {"type": "array", "items": {"type": "object", "properties": {
                 "weekday": {"type": "integer", "description": "0 = lunes … 6 = domingo"},
                 "open": {"type": "string", "description": "HH:MM"}, "close": {"type": "string"}},
                 "required": ["weekday", "open", "close"]}}}, ("hours",)),
             S, change_business_hours, writes=True, permission=Permission.CHANGE_BUSINESS_HOURS,
             operation="SetBusinessHours"),
        Tool("update_service", "Cambia la duración (minutos) o el precio (centavos) de un servicio.",
             _schema_of({"service_id": _ID, "duration_minutes": {"type": "integer"},
                         "price_cents": {"type": "integer"}}, ("service_id",)),
             S, update_service, writes=True, permission=Permission.MANAGE_SERVICES, operation="UpdateService"),
        Tool("get_stats", "Números del negocio: citas del mes, no-shows, clientes nuevos.", _schema_of({}), S,
             handoff.stats, permission=Permission.VIEW_STATS),
        Tool("suggest_rebooking", "Propone cómo reacomodar citas cuando alguien del equipo falta (staff_out) o "
             "para compactar un día (compact_day). No cambia nada hasta apply_rebooking.",
             _schema_of({"kind": {"type": "string", "enum": list(_DISRUPTIONS)}, "staff_id": _ID,
                         "first_day": _DATE, "last_day": _DATE, "day": _DATE, "reason": {"type": "string"},
                         "write_block": {"type": "boolean"}}, ("kind",)),
             S, suggest_rebooking, permission=Permission.REBOOK, operation="SuggestRebooking"),
        Tool("apply_rebooking", "Aplica los movimientos de un plan (solo después de que la persona confirme); "
             "avisa a cada cliente.",
             _schema_of({"plan_id": _ID, "move_ids": {"type": "array", "items": _ID}}, ("plan_id", "move_ids")),
             S, apply_rebooking, writes=True, permission=Permission.REBOOK, operation="ApplyRebooking"),
        *onboarding_tools.TOOLS,
    ]
    return {t.name: t for t in tools}


@lru_cache(maxsize=1)
def registry() -> dict[str, Tool]:
    return _registry()


def audience_of(ctx: Context, route_kind: str) -> Audience | None:
    if route_kind == "business_onboarding":
        return Audience.BUSINESS_ONBOARDING
    if route_kind == "staff_onboarding":
        return Audience.STAFF_ONBOARDING
    if ctx.actor.kind is ActorKind.CUSTOMER:
        return Audience.CUSTOMER
    if ctx.actor.kind is ActorKind.STAFF:
        return Audience.STAFF
    return None


def tools_for(ctx: Context, route_kind: str) -> list[Tool]:
    """The tools this sender gets: decided by who they are (route and actor), never by a model."""
    audience = audience_of(ctx, route_kind)
    if audience is None:
        return []
    return [t for t in registry().values() if audience in t.audiences
            and (t.permission is None or audience is not Audience.STAFF or allows(ctx.actor, t.permission))]


# ---------------------------------------------------------------- execution, traced


async def call_tool(tc: ToolContext, name: str, args: dict[str, Any], *, route_kind: str,
                    sequence: int = 0) -> ToolResult:
    """Run a tool the sender is allowed to have; every call leaves a FunctionTrace row."""
    started = perf.perf_counter()
    allowed = {t.name: t for t in tools_for(tc.ctx, route_kind)}
    tool = allowed.get(name)
    error: str | None = None
    try:
        if tool is None:
            known = registry().get(name)
            refusal = check(tc.ctx.actor, known.permission) if known is not None and known.permission else None
            result = ToolResult(False, message=refusal.message if refusal else "Eso no lo puedo hacer desde aquí.",
                                problem="PermissionDenied")
        else:
            result = await tool.run(tc, args or {})
    except InvalidArguments as exc:
        result = ToolResult(False, message=str(exc), problem="ValidationError")
    except Exception as exc:  # noqa: BLE001 - traced, then the engine answers without it
        log.exception("tool %s failed", name)
        error = f"{type(exc).__name__}: {exc}"
        result = ToolResult(False, message="No pude completar eso en este momento.", problem="InternalError")
    await _trace(tc, name, args, result, (perf.perf_counter() - started) * 1000, error, sequence)
    return result


async def _trace(tc: ToolContext, name: str, args: dict[str, Any], result: ToolResult, ms: float,
                 error: str | None, sequence: int) -> None:
    try:
        row = FunctionTrace(
            correlation_id=tc.ctx.correlation_id[:64], sequence_number=sequence, function_name=name,
            trace_type=TraceType.AI_TOOL, phone_number=tc.phone,
            organization_id=tc.profile.organization_id if tc.profile else tc.ctx.actor.organization_id,
            input_summary=json.loads(json.dumps(args or {}, default=str)),
            output_summary=json.loads(json.dumps({"ok": result.ok, "problem": result.problem,
                                                  "message": result.message}, default=str)),
            duration_ms=ms, is_error=error is not None or not result.ok, error_message=error or result.message,
            created_at=tc.ctx.now())
        if tc.traces is not None:
            tc.traces.append(row)
            return
        async with tc.ctx.db.transaction(write=True) as session:
            session.add(row)
    except Exception:  # noqa: BLE001 - a trace must never break a conversation
        log.exception("could not trace tool %s", name)
