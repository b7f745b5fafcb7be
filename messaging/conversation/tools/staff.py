"""Runners for staff: their agenda, blocks, attendance, notes, walk-ins, customers' history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .base import InvalidArguments, ToolContext, ToolResult, _uuid, day_bounds, iso_local, local_day, local_instant
from .customer import cancel_appointment
from .documents import _problem, appointment_facts, run_operation


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
        found = [a for a in found if a["start"][11:16] == wanted]
    if args.get("customer_name"):
        found = customers_named(found, str(args["customer_name"]))
    return ToolResult(True, {"appointments": found})


def customers_named(found: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """The appointments whose customer is called ``name`` ("Jorge", "jorge hernandez", "Jorje"), best first."""
    from rapidfuzz import fuzz

    from messaging.spanish import normalize

    wanted = normalize(name)
    scored = []
    for a in found:
        if not a.get("customer"):
            continue
        have = normalize(a["customer"])
        # a first name alone ("Jorge") matches "Jorge Hernández"; a typo ("Jorje") still does
        score = max(fuzz.token_set_ratio(wanted, have), max((fuzz.ratio(wanted, w) for w in have.split()), default=0))
        if score >= 80:
            scored.append((score, a))
    if not scored:
        return []
    best = max(score for score, _ in scored)
    return [a for score, a in scored if score >= best - 5]


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

