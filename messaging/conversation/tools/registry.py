"""Which tools a sender gets, and running one: permission first, a trace for every call.

The list of tools is decided by who the sender is (route and actor), never by a model.
"""

from __future__ import annotations

import json
import logging
import time as perf
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson

from resolvers.context import Actor, ActorKind, Context
from resolvers.permissions import Permission, allows, check
from storage import FunctionTrace, PermissionLevel, TraceType

from . import handoff, onboarding
from .base import (
    _DATE,
    _ID,
    _LOCAL_TIME,
    _PHONE,
    CS,
    Audience,
    C,
    InvalidArguments,
    S,
    Tool,
    ToolContext,
    ToolResult,
    _schema_of,
)
from .customer import (
    book_appointment,
    cancel_appointment,
    check_availability,
    my_appointments,
    my_last_visit,
    reschedule_appointment,
)
from .figures import get_stats
from .owners import (
    _DISRUPTIONS,
    _LEVELS,
    add_staff,
    apply_rebooking,
    change_business_hours,
    change_permissions,
    remove_staff,
    replan_rebooking,
    suggest_rebooking,
    update_service,
)
from .staff import (
    _STATUSES,
    block_time,
    book_walk_in,
    business_schedule,
    customer_history,
    dashboard_link,
    find_appointments,
    list_blocks,
    mark_appointment_status,
    my_schedule,
    set_appointment_notes,
    unblock_time,
    whats_next,
)

log = logging.getLogger("parlo.conversation")


def _registry() -> dict[str, Tool]:
    tools = [
        Tool("check_availability", "Horarios disponibles para un servicio (o varios seguidos en una visita, "
             "service_ids) en un día o rango de días. Para cambiar una cita pasa su appointment_id: su propio "
             "horario cuenta como libre. Nunca ofrezcas un horario que esta herramienta no haya devuelto.",
             _schema_of({"service_id": _ID, "service_ids": {"type": "array", "items": _ID},
                         "appointment_id": _ID, "date_from": _DATE, "date_to": _DATE,
                         "part_of_day": {"type": "string", "enum": ["manana", "mediodia", "tarde", "noche"]},
                         "staff_id": _ID}, ("date_from",)),
             CS, check_availability, operation="AvailableSlots"),
        Tool("book_appointment", "Agenda una cita a una hora que check_availability devolvió; con varios "
             "servicios en la misma visita, service_ids (en orden). Solo después de que la persona confirme.",
             _schema_of({"service_id": _ID, "service_ids": {"type": "array", "items": _ID},
                         "start_time": _LOCAL_TIME, "staff_id": _ID,
                         "customer_name": {"type": "string"}, "customer_phone": _PHONE},
                        ("start_time",)),
             CS, book_appointment, writes=True, permission=Permission.BOOK, operation="BookAppointment"),
        Tool("get_customer_appointments", "Las próximas citas del cliente que escribe.", _schema_of({}),
             C, my_appointments, operation="MyAppointments"),
        Tool("get_my_last_visit", "La última visita completada del cliente (servicios y estilista), para "
             "«lo de siempre» o «lo mismo que la otra vez».", _schema_of({}), C, my_last_visit,
             operation="MyPastVisits"),
        Tool("cancel_appointment", "Cancela una cita (solo después de que la persona confirme).",
             _schema_of({"appointment_id": _ID, "reason": {"type": "string"},
                         "notify_customer": {"type": "boolean"}}, ("appointment_id",)),
             CS, cancel_appointment, writes=True, permission=Permission.CANCEL_APPOINTMENT,
             operation="CancelAppointment"),
        Tool("reschedule_appointment", "Mueve una cita (con todos sus servicios) a otra hora. La cita que se mueve "
             "no cuenta como ocupada: su propio horario y los que se le enciman sirven. Si no hay espacio, devuelve "
             "alternativas. Solo después de que la persona confirme la hora vieja y la nueva.",
             _schema_of({"appointment_id": _ID, "new_start_time": _LOCAL_TIME, "staff_id": _ID},
                        ("appointment_id", "new_start_time")),
             CS, reschedule_appointment, writes=True, permission=Permission.BOOK, operation="RescheduleAppointment"),
        Tool("answer_waitlist_offer", "Contesta el lugar que se le ofreció al cliente de la lista de espera "
             "(«se liberó un lugar … ¿lo quieres?»): accept true lo agenda, false lo pasa al siguiente en la lista. "
             "Solo cuando el cliente contesta esa oferta; si el lugar ya se ocupó, devuelve alternativas.",
             _schema_of({"accept": {"type": "boolean"}}, ("accept",)), C, handoff.answer_waitlist_offer,
             writes=True, permission=Permission.BOOK),
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
        Tool("find_appointments", "Citas de un día (hoy si no se dice): las de una hora (HH:MM) o las de un "
             "cliente por nombre (aproximado: «Jorge» encuentra a Jorge Hernández). Si hay dos, pregunta cuál. "
             "include_marked: también las ya completadas o no-show (para decir cómo están marcadas).",
             _schema_of({"date": _DATE, "time": {"type": "string", "description": "HH:MM local"},
                         "customer_name": {"type": "string"}, "include_marked": {"type": "boolean"},
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
        Tool("get_stats", "Números de un periodo (días locales first_day a last_day, inclusive): citas (sin "
             "canceladas), completadas, canceladas, no-shows, ventas (precio de las completadas), ventas esperadas, "
             "clientes nuevos, día y hora más llenos, y por persona. Sin staff_id: el negocio (dueño/admin) o la "
             "propia persona (empleados). «Esta semana» es lunes a domingo; «este mes» del 1 al último día. "
             "Responde con el número primero.",
             _schema_of({"first_day": _DATE, "last_day": _DATE, "staff_id": _ID}, ("first_day",)), S,
             get_stats, operation="DayFigures"),
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
        Tool("replan_rebooking", "Arma un plan nuevo para las citas de un plan que ya no se pudieron mover (o que "
             "venció); no cambia nada hasta apply_rebooking.",
             _schema_of({"plan_id": _ID, "appointment_ids": {"type": "array", "items": _ID}}, ("plan_id",)),
             S, replan_rebooking, permission=Permission.REBOOK, operation="ReplanRebooking"),
        *onboarding.TOOLS,
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


@dataclass(frozen=True, slots=True, eq=False)
class Offer:
    """The tools one kind of sender gets, with their OpenAI definitions built once per process."""

    tools: tuple[Tool, ...]
    by_name: dict[str, Tool]
    #: ``tools=`` of a chat completion: shared by every turn, never to be mutated.
    openai: list[dict[str, Any]]
    #: The same, serialised once: the engine splices it into each request body (``orjson.Fragment``).
    openai_json: bytes = b"[]"


@lru_cache(maxsize=64)
def _offer(audience: Audience | None, kind: ActorKind, level: PermissionLevel | None) -> Offer:
    if audience is None:
        return Offer((), {}, [])
    actor = Actor(kind=kind, permission_level=level)  # what allows() reads: the kind and the level
    tools = tuple(t for t in registry().values() if audience in t.audiences
                  and (t.permission is None or audience is not Audience.STAFF or allows(actor, t.permission)))
    definitions = [t.openai_schema() for t in tools]
    return Offer(tools, {t.name: t for t in tools}, definitions, orjson.dumps(definitions))


def offer_for(ctx: Context, route_kind: str) -> Offer:
    """The tools this sender gets: decided by who they are (route and actor), never by a model."""
    return _offer(audience_of(ctx, route_kind), ctx.actor.kind, ctx.actor.permission_level)


def tools_for(ctx: Context, route_kind: str) -> list[Tool]:
    return list(offer_for(ctx, route_kind).tools)


# ---------------------------------------------------------------- execution, traced


async def call_tool(tc: ToolContext, name: str, args: dict[str, Any], *, route_kind: str,
                    sequence: int = 0) -> ToolResult:
    """Run a tool the sender is allowed to have; every call leaves a FunctionTrace row."""
    started = perf.perf_counter()
    tool = offer_for(tc.ctx, route_kind).by_name.get(name)
    error: str | None = None
    try:
        if tool is None:
            known = registry().get(name)
            refusal = check(tc.ctx.actor, known.permission) if known is not None and known.permission else None
            result = ToolResult(False, message=refusal.message if refusal else "Eso no lo puedo hacer desde aquí.",
                                problem="PermissionDenied")
        else:
            result = await tool.run(tc, args or {})
    except Exception as exc:  # noqa: BLE001 - traced, then the engine answers without it
        result, error = failed_call(name, exc)
    await _trace(tc, name, args, result, (perf.perf_counter() - started) * 1000, error, sequence)
    return result


def failed_call(name: str, exc: Exception) -> tuple[ToolResult, str | None]:
    """What a tool that raised answers, and the error its trace keeps: refused arguments are a
    ValidationError the model can correct (no error traced); anything else is logged and an
    InternalError. Call it inside the ``except`` block (it logs the exception being handled)."""
    if isinstance(exc, InvalidArguments):
        return ToolResult(False, message=str(exc), problem="ValidationError"), None
    log.exception("tool %s failed", name)
    return (ToolResult(False, message="No pude completar eso en este momento.", problem="InternalError"),
            f"{type(exc).__name__}: {exc}")


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
