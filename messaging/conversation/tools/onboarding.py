"""Onboarding tools: a new business on the central number, a staff member's first messages.

``create_business`` runs with ``Actor.system(None)`` (the only actor that may create an
organization besides a platform admin), then as ``Actor.system(org)`` through the same
GraphQL operations the dashboard uses (createService, setBusinessHours, updateStaffMember).
``save_my_profile`` lets a new staff member set their own name and weekly hours.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from sqlalchemy import update

from resolvers.admin import OrganizationDraft, create_organization
from resolvers.context import Actor, ActorKind
from resolvers.errors import Problem
from storage import Staff

from .base import Audience, InvalidArguments, Tool, ToolContext, ToolResult, _schema_of
from .documents import DOCUMENTS, _problem, _schema, run_operation
from .results import BusinessCreated, NameSaved


def _hours(rows: Any) -> list[dict[str, Any]]:
    hours = []
    for row in rows or []:
        try:
            hours.append({"weekday": int(row["weekday"]), "start": time.fromisoformat(row["open"]).isoformat(),
                          "end": time.fromisoformat(row["close"]).isoformat()})
        except (KeyError, ValueError, TypeError) as exc:
            raise InvalidArguments("Cada horario necesita weekday (0-6), open y close (HH:MM).") from exc
    return hours


async def create_business(tc: ToolContext, args: dict[str, Any]) -> ToolResult[BusinessCreated]:
    if tc.ctx.actor.kind is not ActorKind.SYSTEM or tc.ctx.actor.organization_id is not None:
        return ToolResult(False, message="Ese negocio ya está dado de alta.", problem="Conflict")
    services = args.get("services") or []
    if not services:
        raise InvalidArguments("Necesito al menos un servicio.")
    created = await create_organization(tc.ctx, OrganizationDraft(
        name=str(args.get("name") or ""), owner_name=str(args.get("owner_name") or ""),
        owner_phone=tc.phone or "", business_type=args.get("business_type")))
    if isinstance(created, Problem):
        return ToolResult(False, message=created.message, problem=type(created).__name__)
    org = created.organization
    as_org = ToolContext(tc.ctx.acting_as(Actor.system(org.id)), None, tc.conversation_id, tc.phone)
    service_ids = []
    for s in services:
        result = await run_operation(as_org, "CreateService", {"input": {
            "name": str(s.get("name") or "").strip()[:120], "durationMinutes": int(s.get("duration_minutes") or 30),
            "priceCents": int(s.get("price_cents") or 0)}})
        if (problem := _problem(result, as_org.zone)) is not None:
            return problem
        service_ids.append(result["id"])
    if args.get("hours"):
        result = await run_operation(as_org, "SetBusinessHours", {"hours": _hours(args["hours"])})
        if (problem := _problem(result, as_org.zone)) is not None:
            return problem
    await run_operation(as_org, "UpdateStaffMember", {"id": str(created.owner.id),
                                                      "input": {"serviceIds": service_ids}})
    added, skipped = [], []
    for person in args.get("staff") or []:
        result = await run_operation(as_org, "CreateStaffMember", {"input": {
            "name": str(person.get("name") or "").strip()[:120], "phone": str(person.get("phone") or ""),
            "permissionLevel": "STAFF", "serviceIds": service_ids, "sameHoursAsBusiness": True}})
        (skipped if _problem(result, as_org.zone) is not None else added).append(person.get("name"))
    return ToolResult(True, BusinessCreated(str(org.id), str(created.owner.id), len(service_ids), tuple(added),
                                            tuple(skipped)))


async def save_my_profile(tc: ToolContext, args: dict[str, Any]) -> ToolResult[NameSaved]:
    actor = tc.ctx.actor
    if actor.kind is not ActorKind.STAFF:
        return ToolResult(False, message="Solo para el equipo.", problem="PermissionDenied")
    now = tc.now()
    name = " ".join(str(args.get("name") or "").split())[:120]
    if name:
        async with tc.ctx.db.transaction(write=True) as session:
            await session.execute(update(Staff).where(Staff.id == actor.staff_id,
                                                      Staff.organization_id == actor.organization_id)
                                  .values(name=name, updated_at=now))
    if args.get("hours"):
        from schema.schema import execute_as

        result = await execute_as(_schema(), tc.ctx, DOCUMENTS["SetRecurringAvailability"],
                                  {"staffId": str(actor.staff_id), "hours": _hours(args["hours"])},
                                  operation_name="SetRecurringAvailability")
        value = (result.data or {}).get("setRecurringAvailability") or {}
        if result.errors or value.get("__typename") in ("PermissionDenied", "ValidationError", "NotFound"):
            return ToolResult(False, message=value.get("message") or "No pude guardar tu horario.",
                              problem=value.get("__typename") or "InternalError")
    return ToolResult(True, NameSaved(name or None))


_SERVICE = {"type": "object", "properties": {"name": {"type": "string"}, "duration_minutes": {"type": "integer"},
                                             "price_cents": {"type": "integer"}}, "required": ["name"]}
_HOURS = {"type": "array", "items": {"type": "object", "properties": {
    "weekday": {"type": "integer"}, "open": {"type": "string"}, "close": {"type": "string"}},
    "required": ["weekday", "open", "close"]}}

TOOLS = [
    Tool("create_business", "Da de alta el negocio cuando ya tienes nombre, tipo, dueño, servicios y horario.",
         _schema_of({"name": {"type": "string"}, "business_type": {"type": "string"},
                     "owner_name": {"type": "string"}, "services": {"type": "array", "items": _SERVICE},
                     "hours": _HOURS, "staff": {"type": "array", "items": {"type": "object", "properties": {
                         "name": {"type": "string"}, "phone": {"type": "string"}}, "required": ["name", "phone"]}}},
                    ("name", "owner_name", "services")),
         frozenset({Audience.BUSINESS_ONBOARDING}), create_business, writes=True),
    Tool("save_my_profile", "Guarda el nombre y el horario semanal del empleado nuevo.",
         _schema_of({"name": {"type": "string"}, "hours": _HOURS}),
         frozenset({Audience.STAFF_ONBOARDING}), save_my_profile, writes=True),
]
