"""Runners for staff: their agenda, blocks, attendance, notes, walk-ins, customers' history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .base import InvalidArguments, ToolContext, ToolResult, _uuid, day_bounds, iso_local, local_day, local_instant
from .customer import cancel_appointment
from .documents import _problem, appointment_facts, appointments, run_operation
from .results import (
    Agenda,
    Appointment,
    AppointmentChanged,
    Appointments,
    Block,
    Blocked,
    Blocks,
    CustomerHistory,
    CustomerRecord,
    DaySchedule,
    Entry,
    LinkSent,
    NextUp,
    Unblocked,
)


def _entry(e: dict[str, Any], tc: ToolContext) -> Entry:
    appointment = appointment_facts(e["appointment"], tc.zone) if e.get("appointment") else None
    if appointment is not None:
        return Entry("appointment", appointment.start, appointment.end, appointment,
                     block_id=e["block"]["id"] if e.get("block") else None, reason=e.get("reason"))
    return Entry(e["kind"].lower(), iso_local(e["startsAt"], tc.zone), iso_local(e["endsAt"], tc.zone),
                 block_id=e["block"]["id"] if e.get("block") else None,
                 reason=e.get("reason") if e.get("block") else None)


async def _schedule(tc: ToolContext, day: date, staff_id: str | None) -> ToolResult[DaySchedule]:
    result = await run_operation(tc, "Schedule", {"date": day.isoformat(), "staffId": staff_id})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    people = tuple(
        Agenda(agenda["staff"]["id"], agenda["staff"]["name"],
               tuple((w["localStart"][:5], w["localEnd"][:5]) for w in agenda["workingHours"]),
               tuple(_entry(e, tc) for e in agenda["entries"]))
        for agenda in result["staff"])
    return ToolResult(True, DaySchedule(result["date"], result["closed"], people))


def _day_arg(tc: ToolContext, args: dict[str, Any]) -> date:
    return local_day(args["date"]) if args.get("date") else tc.local_now().date()


async def my_schedule(tc: ToolContext, args: dict[str, Any]) -> ToolResult[DaySchedule]:
    return await _schedule(tc, _day_arg(tc, args), str(tc.ctx.actor.staff_id))


async def business_schedule(tc: ToolContext, args: dict[str, Any]) -> ToolResult[DaySchedule]:
    return await _schedule(tc, _day_arg(tc, args), None)


async def whats_next(tc: ToolContext, args: dict[str, Any]) -> ToolResult[NextUp]:
    now = tc.local_now()
    result = await _schedule(tc, now.date(), str(tc.ctx.actor.staff_id))
    if not result.ok:
        return result  # type: ignore[return-value] - a problem carries no value
    entries = [e for e in result.value.entries if e.appointment is not None and e.appointment.active
               and datetime.fromisoformat(e.end) > now.replace(tzinfo=None)]
    return ToolResult(True, NextUp(tuple(entries[:2])))


async def find_appointments(tc: ToolContext, args: dict[str, Any]) -> ToolResult[Appointments]:
    """Appointments on a local day (default today): at a local time, or by the customer's name (fuzzy).

    Pending and confirmed ones; with ``include_marked`` also those already completed or
    no-show, so a second marking can say what the appointment already is.
    """
    day = _day_arg(tc, args)
    start, end = day_bounds(day, tc.zone)
    staff_id = _uuid(args["staff_id"], "El empleado") if args.get("staff_id") else None
    statuses = ["PENDING", "CONFIRMED"] + (["COMPLETED", "NO_SHOW"] if args.get("include_marked") else [])
    result = await run_operation(tc, "Appointments", {"from": start.isoformat(), "to": end.isoformat(),
                                                      "staffId": staff_id, "status": statuses})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    found = [appointment_facts(a, tc.zone) for a in result["nodes"]]
    if args.get("time"):
        wanted = str(args["time"])[:5]
        found = [a for a in found if a.start[11:16] == wanted]
    if args.get("customer_name"):
        found = customers_named(found, str(args["customer_name"]))
    return ToolResult(True, Appointments(tuple(found)))


def customers_named(found: list[Any], name: str) -> list[Any]:
    """The appointments whose customer is called ``name`` ("Jorge", "jorge hernandez", "Jorje"), best first."""
    from rapidfuzz import fuzz

    from messaging.spanish import normalize

    wanted = normalize(name)
    scored = []
    for a in found:
        customer = a.customer if isinstance(a, Appointment) else a.get("customer")  # dicts: rules not yet typed
        if not customer:
            continue
        have = normalize(customer)
        # a first name alone ("Jorge") matches "Jorge Hernández"; a typo ("Jorje") still does
        score = max(fuzz.token_set_ratio(wanted, have), max((fuzz.ratio(wanted, w) for w in have.split()), default=0))
        if score >= 80:
            scored.append((score, a))
    if not scored:
        return []
    best = max(score for score, _ in scored)
    return [a for score, a in scored if score >= best - 5]


async def block_time(tc: ToolContext, args: dict[str, Any]) -> ToolResult[Blocked]:
    start, end = local_instant(args.get("start_time"), tc.zone), local_instant(args.get("end_time"), tc.zone)
    if end <= start:
        raise InvalidArguments("La hora de fin debe ser después del inicio.")
    payload = {"start": start.isoformat(), "end": end.isoformat(), "reason": args.get("reason"),
               "staffId": _uuid(args["staff_id"], "El empleado") if args.get("staff_id") else str(tc.ctx.actor.staff_id)}
    result = await run_operation(tc, "BlockTime", {"input": payload})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    block = result["block"]
    return ToolResult(True, Blocked(block["id"], iso_local(block["startsAt"], tc.zone), iso_local(block["endsAt"], tc.zone),
                                    appointments(result["overlapping"], tc.zone).appointments))


async def list_blocks(tc: ToolContext, args: dict[str, Any]) -> ToolResult[Blocks]:
    start, end = day_bounds(_day_arg(tc, args), tc.zone)
    result = await run_operation(tc, "Blocks", {"from": start.isoformat(), "to": end.isoformat(),
                                                "staffId": str(tc.ctx.actor.staff_id)})
    return ToolResult(True, Blocks(tuple(Block(b["id"], iso_local(b["startsAt"], tc.zone), iso_local(b["endsAt"], tc.zone),
                                               b["reason"]) for b in result)))


async def unblock_time(tc: ToolContext, args: dict[str, Any]) -> ToolResult[Unblocked]:
    result = await run_operation(tc, "RemoveBlock", {"id": _uuid(args.get("block_id"), "El bloqueo")})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, Unblocked(result["id"], iso_local(result["startsAt"], tc.zone),
                                      iso_local(result["endsAt"], tc.zone)))


_STATUSES = {"completed": "COMPLETED", "no_show": "NO_SHOW", "cancelled": "CANCELLED"}


async def mark_appointment_status(tc: ToolContext, args: dict[str, Any]) -> ToolResult[AppointmentChanged]:
    status = _STATUSES.get(str(args.get("status")).lower())
    if status is None:
        raise InvalidArguments("El estado debe ser completed, no_show o cancelled.")
    if status == "CANCELLED":
        return await cancel_appointment(tc, {**args, "notify_customer": args.get("notify_customer", True)})
    result = await run_operation(tc, "MarkAppointment", {"id": _uuid(args.get("appointment_id"), "La cita"),
                                                         "status": status})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, AppointmentChanged(appointment_facts(result, tc.zone)))


async def set_appointment_notes(tc: ToolContext, args: dict[str, Any]) -> ToolResult[AppointmentChanged]:
    result = await run_operation(tc, "SetAppointmentNotes", {"id": _uuid(args.get("appointment_id"), "La cita"),
                                                             "notes": args.get("notes")})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, AppointmentChanged(appointment_facts(result, tc.zone), notes=result["notes"] or ""))


async def book_walk_in(tc: ToolContext, args: dict[str, Any]) -> ToolResult[Appointments]:
    service_ids = args.get("service_ids") or [args.get("service_id")]
    payload: dict[str, Any] = {"serviceIds": [_uuid(s, "El servicio") for s in service_ids],
                               "customerPhone": args.get("customer_phone"), "customerName": args.get("customer_name"),
                               "staffId": _uuid(args["staff_id"], "El empleado") if args.get("staff_id") else None}
    result = await run_operation(tc, "BookWalkIn", {"input": payload})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, appointments(result["appointments"], tc.zone))


async def customer_history(tc: ToolContext, args: dict[str, Any]) -> ToolResult[CustomerHistory]:
    search = str(args.get("customer_phone") or args.get("customer_name") or "").strip()
    if not search:
        raise InvalidArguments("Necesito el teléfono o el nombre del cliente.")
    from messaging.spanish import normalize_phone

    phone = normalize_phone(search)
    result = await run_operation(tc, "CustomerHistory", {"search": phone[3:] if phone else search})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, CustomerHistory(tuple(
        CustomerRecord(c["id"], c["name"], c["phone"], c["notes"], appointments(c["appointments"], tc.zone).appointments)
        for c in result["nodes"])))


async def dashboard_link(tc: ToolContext, args: dict[str, Any]) -> ToolResult[LinkSent]:
    result = await run_operation(tc, "RequestMagicLink", {"phone": tc.ctx.actor.phone or tc.phone or ""})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, LinkSent())

