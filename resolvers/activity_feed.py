"""The admin activity feed as Spanish sentences: who did what, to whom, and when.

Events store a kind and facts (``ActivityEvent.data``); the sentence is written when the feed
is read, so every row — old ones included — reads the same way, in the organization's zone,
with the shared es-MX wording ("miércoles 2 de diciembre, 2:30 PM", "1 cita movida"):

- "Un administrador de Parlo suspendió Estética Luna el miércoles 2 de diciembre, 2:30 PM."
- "Juan Pérez no llegó a su cita de Corte de cabello del viernes 16 de enero, 11:00 AM."

Visit events name the customer and the visit's time; the few events whose facts hold only an
appointment id (completed, no-show, notes) look those up in one query for the whole page.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from resolvers.context import Context
from storage import ActivityEvent, Appointment, Customer, Organization, ServiceType, Staff
from wording import format_date, format_time, mid_sentence

ADMIN = "Un administrador de Parlo"
#: What an owner's status change does, as a verb with its object.
STATUS_VERBS = {
    "suspended": "suspendió {org}",
    "active": "activó {org}",
    "churned": "dio de baja {org}",
    "onboarding": "regresó {org} a configuración",
}
#: Events whose facts name only the appointment.
NEED_APPOINTMENT = {"appointment_completed", "appointment_no_show", "appointment_notes_changed"}
DEFAULT_ZONE = "America/Mexico_City"


def when(instant: datetime, zone: ZoneInfo) -> str:
    """ "viernes 16 de enero, 11:00 AM" in the organization's zone."""
    local = instant.astimezone(zone)
    return f"{format_date(local.date())}, {format_time(local.time())}"


def count(amount: int, one: str, many: str) -> str:
    return f"{amount} {one if amount == 1 else many}"


def _instant(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


async def sentences(ctx: Context, events: Sequence[ActivityEvent]) -> dict[uuid.UUID, str]:
    """One sentence per event, by id; two queries for the whole page whatever its length."""
    org_ids = {e.organization_id for e in events if e.organization_id is not None}
    appointment_ids = set()
    staff_ids = set()
    for event in events:
        data = event.data or {}
        if event.kind in NEED_APPOINTMENT and data.get("appointment_id"):
            try:
                appointment_ids.add(uuid.UUID(str(data["appointment_id"])))
            except ValueError:
                pass
        if event.kind == "time_blocked" and data.get("staff_id"):
            try:
                staff_ids.add(uuid.UUID(str(data["staff_id"])))
            except ValueError:
                pass
    organizations: dict[uuid.UUID, tuple[str, str]] = {}
    visits: dict[uuid.UUID, tuple[datetime, str | None, str]] = {}
    staff_names: dict[uuid.UUID, str] = {}
    async with ctx.db.session() as session:
        if org_ids:
            for org_id, name, zone in await session.execute(
                    select(Organization.id, Organization.name, Organization.timezone)
                    .where(Organization.id.in_(org_ids))):
                organizations[org_id] = (name, zone)
        if appointment_ids:
            for appointment_id, starts_at, customer, service in await session.execute(
                    select(Appointment.id, Appointment.starts_at, Customer.name, ServiceType.name)
                    .join(Customer, (Customer.id == Appointment.customer_id)
                          & (Customer.organization_id == Appointment.organization_id))
                    .join(ServiceType, (ServiceType.id == Appointment.service_type_id)
                          & (ServiceType.organization_id == Appointment.organization_id))
                    # the events' salons: one shard for a salon's feed (the admin's spans its salons)
                    .where(Appointment.organization_id.in_(org_ids), Appointment.id.in_(appointment_ids))):
                visits[appointment_id] = (starts_at, customer, service)
        if staff_ids:
            for staff_id, name in await session.execute(select(Staff.id, Staff.name).where(
                    Staff.organization_id.in_(org_ids), Staff.id.in_(staff_ids))):
                staff_names[staff_id] = name
    return {e.id: sentence(e, organizations.get(e.organization_id), visits, staff_names) for e in events}


def sentence(event: ActivityEvent, organization: tuple[str, str] | None,
             visits: dict[uuid.UUID, tuple[datetime, str | None, str]], staff_names: dict[uuid.UUID, str]) -> str:
    data: dict[str, Any] = dict(event.data or {})
    org_name, zone_name = organization or (data.get("organization_name") or "un negocio", DEFAULT_ZONE)
    zone = ZoneInfo(data.get("timezone") or zone_name or DEFAULT_ZONE)
    at = when(event.created_at, zone)
    kind = event.kind
    customer = data.get("customer_name") or "Un cliente"
    service = mid_sentence(data.get("service_name") or "su servicio")
    with_staff = f" con {data['staff_name']}" if data.get("staff_name") else ""
    start = _instant(data.get("start"))
    visit_time = when(start, zone) if start else at
    actor = data.get("actor")
    by = {"customer": customer, "admin": ADMIN, "system": "Parlo"}.get(actor, org_name)

    if kind == "organization_status_changed":
        verb = STATUS_VERBS.get(str(data.get("to")), "cambió el estado de {org}").format(org=org_name)
        return f"{ADMIN} {verb} el {at}."
    if kind == "organization_created":
        return f"Se registró {org_name} el {at}."
    if kind == "impersonation":
        return f"{ADMIN} entró al panel de {org_name} el {at}."
    if kind == "appointment_booked":
        if actor == "customer":
            return f"{customer} agendó {service}{with_staff} para el {visit_time}."
        return f"{by} agendó a {customer}: {service}{with_staff}, el {visit_time}."
    if kind == "appointment_rescheduled":
        if actor == "customer":
            return f"{customer} movió su cita de {service}{with_staff} al {visit_time}."
        return f"{by} movió la cita de {customer} ({service}{with_staff}) al {visit_time}."
    if kind == "appointment_cancelled":
        if actor == "customer":
            return f"{customer} canceló su cita de {service}{with_staff} del {visit_time}."
        return f"{by} canceló la cita de {customer} ({service}{with_staff}) del {visit_time}."
    if kind in NEED_APPOINTMENT:
        visit = visits.get(_uuid(data.get("appointment_id")))
        if visit is None:
            return f"{event.summary} ({at})."
        starts_at, name, service_name = visit
        who, what, moment = name or "Un cliente", mid_sentence(service_name), when(starts_at, zone)
        if kind == "appointment_completed":
            return f"{who} vino a su cita de {what} del {moment}."
        if kind == "appointment_no_show":
            return f"{who} no llegó a su cita de {what} del {moment}."
        changed = "borró" if "borradas" in (event.summary or "") else "actualizó"
        return f"{org_name} {changed} las notas de la cita de {who} ({what}, {moment})."
    if kind == "time_blocked":
        who = staff_names.get(_uuid(data.get("staff_id"))) if data.get("staff_id") else None
        end = _instant(data.get("end"))
        span = (f"el {when(start, zone)} a {format_time(end.astimezone(zone).time())}"
                if start and end else f"el {at}")
        whose = f"el horario de {who}" if who else "el horario de todo el negocio"
        reason = f" ({data['reason']})" if data.get("reason") else ""
        return f"{org_name} bloqueó {whose} {span}{reason}."
    if kind == "business_hours_changed":
        return f"{org_name} cambió su horario de atención el {at}."
    if kind == "rebooking_applied":
        moved = len(data.get("moves") or [])
        refused = len(data.get("refused") or [])
        extra = f"; {count(refused, 'no se pudo mover', 'no se pudieron mover')}" if refused else ""
        return f"{by} aplicó un plan de reorganización el {at}: {count(moved, 'cita movida', 'citas movidas')}{extra}."
    if kind == "rebooking_suggested":
        moves = int(data.get("moves") or 0)
        unplaced = int(data.get("unplaceable") or 0)
        left = f"; {count(unplaced, 'quedó', 'quedaron')} sin lugar" if unplaced else ""
        return f"Parlo propuso a {org_name} reorganizar {count(moves, 'cita', 'citas')} el {at}{left}."
    if kind == "waitlist_joined":
        # "Lista de espera: Juan Pérez, Corte, 2026-01-16" (the facts keep ids; the summary the names)
        parts = (event.summary or "").partition(": ")[2].split(", ")
        who = parts[0] if len(parts) >= 3 and parts[0] != "Cliente" else "Un cliente"
        what = f" de {mid_sentence(parts[1])}" if len(parts) >= 3 else ""
        day = _date(data.get("date"))
        for_day = f" para el {day}" if day else ""
        return f"{who} se anotó en la lista de espera{what}{for_day} el {at}."
    if kind == "waitlist_offered":
        # "Espacio ofrecido a Juan Pérez de la lista de espera"
        who = (event.summary or "").removeprefix("Espacio ofrecido a ").partition(" de la lista de espera")[0]
        who = who if who and who != "Cliente" and who != event.summary else "alguien"
        return f"Parlo le ofreció un espacio libre a {who}, de la lista de espera de {org_name}, el {at}."
    return f"{event.summary} ({at})."


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _date(text: Any) -> str | None:
    try:
        return format_date(datetime.fromisoformat(text).date()) if isinstance(text, str) else None
    except ValueError:
        return None
