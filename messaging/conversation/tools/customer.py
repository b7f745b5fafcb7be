"""Runners for customers' own requests (staff use them on a customer's behalf too)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from resolvers.context import ActorKind

from .base import InvalidArguments, ToolContext, ToolResult, _uuid, day_bounds, iso_local, local_day, local_instant
from .documents import _problem, appointment_facts, appointments, run_operation
from .results import AppointmentChanged, Appointments, LastVisit, Slot, Slots

#: The note when the whole window asked for is already over.
PASSED = "Ese día ya pasó."

PART_OF_DAY_HOURS = {"manana": (0, 12), "mediodia": (12, 15), "tarde": (12, 19), "noche": (19, 24)}


@dataclass(frozen=True, slots=True)
class AvailabilityQuery:
    """``check_availability``'s arguments read once, for the tool and for the rule engine's
    direct call (rules/availability.py), so both refuse the same arguments with the same words."""

    service_ids: tuple[str, ...]
    start: datetime
    end: datetime
    staff_id: str | None
    moving: str | None


def availability_query(tc: ToolContext, args: dict[str, Any]) -> AvailabilityQuery | None:
    """The search window in the salon's zone; ``None`` when it has already passed."""
    zone = tc.zone
    moving = _uuid(args["appointment_id"], "La cita") if args.get("appointment_id") else None
    named = args.get("service_ids") or ([args["service_id"]] if args.get("service_id") else [])
    if not named and moving is None:
        raise InvalidArguments("Falta el servicio.")
    service_ids = tuple(_uuid(s, "El servicio") for s in named)
    first = local_day(args.get("date_from"))
    last = local_day(args["date_to"]) if args.get("date_to") else first
    if last < first or (last - first).days > 31:
        raise InvalidArguments("El rango de fechas no es válido (máximo un mes).")
    start, _ = day_bounds(first, zone)
    _, end = day_bounds(last, zone)
    start = max(start, tc.local_now())
    if end <= start:
        return None
    staff_id = _uuid(args["staff_id"], "El empleado") if args.get("staff_id") else None
    return AvailabilityQuery(service_ids, start, end, staff_id, moving)


async def check_availability(tc: ToolContext, args: dict[str, Any]) -> ToolResult[Slots]:
    """Free starts for one visit (one service or several back to back) over local days.

    ``appointment_id``: the search is for moving that appointment — its own time is free, and
    without services its services are searched (the use case decides, so both engines obey it).
    """
    zone = tc.zone
    query = availability_query(tc, args)
    if query is None:
        return ToolResult(True, Slots((), note=PASSED))
    variables = {"serviceIds": list(query.service_ids), "from": query.start.isoformat(), "to": query.end.isoformat(),
                 "limit": 200, "staffId": query.staff_id, "moving": query.moving}
    found = await run_operation(tc, "AvailableSlots", variables)
    if (problem := _problem(found, zone)) is not None:
        return problem
    hours = PART_OF_DAY_HOURS.get(str(args.get("part_of_day") or "").lower().replace("ñ", "n").replace("í", "i"))
    seen: dict[str, Slot] = {}
    for slot in found:
        local = datetime.fromisoformat(slot["start"]).astimezone(zone)
        if hours and not hours[0] <= local.hour < hours[1]:
            continue
        key = iso_local(local, zone)
        if key not in seen:
            seen[key] = Slot(key, slot["staffId"], (slot.get("staff") or {}).get("name"))
    return ToolResult(True, Slots(tuple(seen[k] for k in sorted(seen))))


async def book_appointment(tc: ToolContext, args: dict[str, Any]) -> ToolResult[Appointments]:
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
    return ToolResult(True, appointments(result["appointments"], zone))


async def my_appointments(tc: ToolContext, args: dict[str, Any]) -> ToolResult[Appointments]:
    result = await run_operation(tc, "MyAppointments", {"from": tc.now().isoformat(),
                                                        "status": ["PENDING", "CONFIRMED"]})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, appointments(result["nodes"], tc.zone))


async def cancel_appointment(tc: ToolContext, args: dict[str, Any]) -> ToolResult[AppointmentChanged]:
    notify = tc.ctx.actor.kind is not ActorKind.CUSTOMER and bool(args.get("notify_customer", False))
    result = await run_operation(tc, "CancelAppointment", {"id": _uuid(args.get("appointment_id"), "La cita"),
                                                           "reason": args.get("reason"), "notify": notify})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, AppointmentChanged(appointment_facts(result, tc.zone)))


async def reschedule_appointment(tc: ToolContext, args: dict[str, Any]) -> ToolResult[Appointments]:
    start = local_instant(args.get("new_start_time"), tc.zone)
    notify = tc.ctx.actor.kind is not ActorKind.CUSTOMER
    variables = {"id": _uuid(args.get("appointment_id"), "La cita"), "start": start.isoformat(), "notify": notify}
    if args.get("staff_id"):  # an offered time with another stylist (a re-plan's options)
        variables["staffId"] = _uuid(args.get("staff_id"), "La persona")
    result = await run_operation(tc, "RescheduleAppointment", variables)
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, appointments(result["appointments"], tc.zone))


#: How far back "lo de siempre" looks for the customer's last completed visit.
LAST_VISIT_LOOKBACK = timedelta(days=356)


async def my_last_visit(tc: ToolContext, args: dict[str, Any]) -> ToolResult[LastVisit]:
    """The customer's last completed visit (all its services, in order) and who did it: "lo de siempre"."""
    end = tc.now()
    done: list[dict[str, Any]] = []
    while not done and end > tc.now() - LAST_VISIT_LOOKBACK:  # the listing reads at most 90 days at a time
        start = end - timedelta(days=89)
        result = await run_operation(tc, "MyPastVisits", {"from": start.isoformat(), "to": end.isoformat()})
        if (problem := _problem(result, tc.zone)) is not None:
            return problem
        done, end = sorted(result["nodes"], key=lambda a: a["startsAt"]), start
    if not done:
        return ToolResult(True, LastVisit((), None, None))
    last = done[-1]
    group = last.get("bookingGroupId")
    visit = [a for a in done if group and a.get("bookingGroupId") == group] or [last]
    return ToolResult(True, LastVisit(tuple(a["service"]["id"] for a in visit), (last.get("staff") or {}).get("id"),
                                      iso_local(visit[0]["startsAt"], tc.zone)))
