"""Runners for owners and admins: the team, business hours, services, rebooking."""

from __future__ import annotations

from datetime import time
from typing import Any

from .base import InvalidArguments, ToolContext, ToolResult, _uuid, iso_local, local_day
from .documents import _problem, run_operation
from .results import (
    BusinessHours,
    Move,
    PermissionsChanged,
    Placement,
    RebookingApplied,
    RebookingPlan,
    RefusedMove,
    ServiceUpdated,
    StaffAdded,
    StaffRemoved,
    Unplaceable,
    WeeklyHours,
)

_LEVELS = {"owner": "OWNER", "admin": "ADMIN", "staff": "STAFF", "viewer": "VIEWER"}


async def add_staff(tc: ToolContext, args: dict[str, Any]) -> ToolResult[StaffAdded]:
    level = _LEVELS.get(str(args.get("permission_level") or "staff").lower(), "STAFF")
    payload = {"name": str(args.get("name") or "").strip(), "phone": str(args.get("phone") or ""),
               "permissionLevel": level,
               "serviceIds": [_uuid(s, "El servicio") for s in args.get("service_ids") or []],
               # On WhatsApp the owner names the services and is told the person can start: they
               # work the business's hours (the dashboard's form is where hours are chosen first).
               "sameHoursAsBusiness": True}
    result = await run_operation(tc, "CreateStaffMember", {"input": payload})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, StaffAdded(result["id"], result["name"], result["phone"]))


async def remove_staff(tc: ToolContext, args: dict[str, Any]) -> ToolResult[StaffRemoved]:
    result = await run_operation(tc, "UpdateStaffMember", {"id": _uuid(args.get("staff_id"), "El empleado"),
                                                           "input": {"isActive": False}})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, StaffRemoved(result["id"], result["name"]))


async def change_permissions(tc: ToolContext, args: dict[str, Any]) -> ToolResult[PermissionsChanged]:
    level = _LEVELS.get(str(args.get("permission_level") or "").lower())
    if level is None:
        raise InvalidArguments("El permiso debe ser owner, admin, staff o viewer.")
    result = await run_operation(tc, "UpdateStaffMember", {"id": _uuid(args.get("staff_id"), "El empleado"),
                                                           "input": {"permissionLevel": level}})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, PermissionsChanged(result["id"], result["name"], result["permissionLevel"]))


async def change_business_hours(tc: ToolContext, args: dict[str, Any]) -> ToolResult[BusinessHours]:
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
    return ToolResult(True, BusinessHours(tuple(WeeklyHours(h["weekday"], h["start"], h["end"]) for h in hours)))


async def update_service(tc: ToolContext, args: dict[str, Any]) -> ToolResult[ServiceUpdated]:
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
    return ToolResult(True, ServiceUpdated(result["id"], result["name"], result["durationMinutes"],
                                           result["priceCents"]))


_DISRUPTIONS = {"staff_out": "STAFF_OUT", "compact_day": "COMPACT_DAY"}


async def suggest_rebooking(tc: ToolContext, args: dict[str, Any]) -> ToolResult[RebookingPlan]:
    kind = _DISRUPTIONS.get(str(args.get("kind") or "staff_out").lower())
    if kind is None:
        raise InvalidArguments("kind debe ser staff_out o compact_day.")
    first = local_day(args.get("first_day") or args.get("day") or tc.local_now().date().isoformat())
    last = local_day(args["last_day"]) if args.get("last_day") else first
    payload: dict[str, Any] = {"kind": kind, "writeBlock": bool(args.get("write_block", True)),
                               "reason": args.get("reason")}
    if kind == "STAFF_OUT":
        payload.update(staffId=_uuid(args.get("staff_id"), "El empleado"), firstDay=first.isoformat(),
                       lastDay=last.isoformat())
    else:
        payload.update(day=first.isoformat())
    result = await run_operation(tc, "SuggestRebooking", {"input": payload})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return _plan(tc, result)


async def replan_rebooking(tc: ToolContext, args: dict[str, Any]) -> ToolResult[RebookingPlan]:
    """A fresh plan for the appointments of a plan that could not be moved (or all its pending ones)."""
    ids = args.get("appointment_ids")
    variables: dict[str, Any] = {"planId": str(args.get("plan_id") or "")[:80]}
    if ids:
        variables["appointmentIds"] = [str(i)[:80] for i in ids if i]
    result = await run_operation(tc, "ReplanRebooking", variables)
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return _plan(tc, result)


def _plan(tc: ToolContext, result: dict[str, Any]) -> ToolResult[RebookingPlan]:
    def placed(p: dict[str, Any]) -> Placement:
        return Placement(p["staffName"], iso_local(p["startsAt"], tc.zone))

    return ToolResult(True, RebookingPlan(
        result["id"],
        tuple(Move(m["id"], m["appointmentId"], m["customerName"], m["serviceName"], m["affected"],
                   placed(m["before"]), placed(m["after"])) for m in result["moves"]),
        tuple(Unplaceable(u["appointmentId"], u["customerName"], u["serviceName"], iso_local(u["startsAt"], tc.zone),
                          u["message"]) for u in result["unplaceable"])))


async def apply_rebooking(tc: ToolContext, args: dict[str, Any]) -> ToolResult[RebookingApplied]:
    moves = [str(m)[:80] for m in args.get("move_ids") or [] if m]
    result = await run_operation(tc, "ApplyRebooking", {"planId": str(args.get("plan_id") or "")[:80],
                                                        "moveIds": moves})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, RebookingApplied(
        len(result["applied"]), len(result["refused"]), result["noticesQueued"], result["customersOffered"],
        tuple(RefusedMove(r["moveId"], r["appointmentId"], r["message"]) for r in result["refused"])))

