"""Available slots: the solver's ranked listing over a fresh database snapshot.

What is listed is bookable by the same actor: staff get the same relaxed booking window
here as in `book_appointment` (no minimum notice, a year ahead), customers the salon's.
The listing is pure interval arithmetic: up to a month runs inline (a few milliseconds),
longer windows in a worker thread so they never stall the event loop.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from functools import lru_cache

import solver
from resolvers.context import Actor, Context
from resolvers.errors import Problem, ValidationError
from resolvers.permissions import Permission
from resolvers.scheduling.access import (
    SERVICE_NOT_FOUND,
    SPOT_NOT_FOUND,
    STAFF_NOT_FOUND,
    allowed,
    check_range,
    load_appointment,
    load_place,
    organization_id,
    visit_of,
)
from resolvers.scheduling.rules import BookingRules
from resolvers.scheduling.snapshot import Snapshot, load_snapshot
from resolvers.scheduling.types import SlotOption, SlotPreferences, SlotService
from storage import ACTIVE_STATUSES, Appointment, Organization

MAX_GROUP = 10
#: How far past its start a visit's rows can reach (services, buffers): what a window's
#: snapshot reads beyond it, and the occupancy margin around it (a gap shorter than a
#: service is judged against the neighbouring bookings).
VISIT_REACH = timedelta(hours=12)
#: Slot windows up to this long are listed without a worker thread (see `list_slots`).
INLINE_WINDOW = timedelta(days=31)
MAX_SERVICES = 6
MAX_LIMIT = 200


def rules_for(actor: Actor, organization: Organization) -> BookingRules:
    """Staff book whenever the salon is open (walk-ins, phone calls); customers follow the rules."""
    rules = BookingRules.of(organization)
    if actor.is_customer:
        return rules
    return replace(rules, min_notice_minutes=0, max_days_ahead=365)


def check_visit(
    snapshot: Snapshot, service_ids: Sequence[uuid.UUID], staff_id: uuid.UUID | None, spot_id: uuid.UUID | None,
) -> Problem | None:
    """Unknown ids, and a stylist or spot that cannot do one of the services, in Spanish."""
    for service_id in service_ids:
        if service_id not in snapshot.services:
            return SERVICE_NOT_FOUND
    if staff_id is not None:
        member = snapshot.staff.get(staff_id)
        if member is None:
            return STAFF_NOT_FOUND
        does = snapshot.staff_service_ids.get(staff_id, frozenset())
        for service_id in service_ids:
            if service_id not in does:
                return ValidationError(f"{member.name} no hace {snapshot.services[service_id].name}.", field="staffId")
    if spot_id is not None:
        spot = snapshot.spots.get(spot_id)
        if spot is None:
            return SPOT_NOT_FOUND
        hosts = snapshot.spot_service_ids.get(spot_id, frozenset())
        for service_id in service_ids:
            if service_id not in hosts:
                return ValidationError(f"{spot.name} no es para {snapshot.services[service_id].name}.", field="spotId")
    return None


def check_visit_shape(service_ids: Sequence[uuid.UUID], group_size: int) -> ValidationError | None:
    if not service_ids:
        return ValidationError("Elige al menos un servicio.", field="serviceIds")
    if len(service_ids) > MAX_SERVICES:
        return ValidationError(f"Se pueden juntar hasta {MAX_SERVICES} servicios en una cita.", field="serviceIds")
    if len(set(service_ids)) != len(service_ids):
        return ValidationError("Repetiste un servicio; para varias personas usa el tamaño del grupo.", field="serviceIds")
    if not 1 <= group_size <= MAX_GROUP:
        return ValidationError(f"El grupo puede ser de 1 a {MAX_GROUP} personas.", field="groupSize")
    return None


#: The solver names resources by text; a listing repeats the same few ids hundreds of times
#: (every slot of a week), and parsing each again was a sixth of a rule turn's CPU.
_uuid = lru_cache(maxsize=4096)(uuid.UUID)


def slot_option(slot: solver.Slot) -> SlotOption:
    services = tuple(
        SlotService(
            service_id=_uuid(b.service_id), staff_id=_uuid(b.staff_id),
            spot_id=_uuid(b.spot_id) if b.spot_id else None, start=b.start, end=b.end, seat=b.seat,
        )
        for b in slot.assignment.services
    )
    first = services[0]
    return SlotOption(start=slot.start, end=slot.end, staff_id=first.staff_id, spot_id=first.spot_id,
                      score=slot.score, services=services)


def solver_request(
    service_ids: Sequence[uuid.UUID], *, group_size: int, staff_id: uuid.UUID | None, spot_id: uuid.UUID | None,
    start: datetime | None, end: datetime | None, preferences: SlotPreferences | None = None, limit: int | None = None,
) -> solver.BookingRequest:
    prefs = preferences or SlotPreferences()
    return solver.BookingRequest(
        service_ids=tuple(str(s) for s in service_ids),
        group_size=group_size,
        staff_id=str(staff_id) if staff_id else None,
        spot_id=str(spot_id) if spot_id else None,
        window_start=start,
        window_end=end,
        preferences=solver.Preferences(
            day=prefs.day, part_of_day=prefs.part_of_day,
            staff_id=str(prefs.staff_id) if prefs.staff_id else None, limit=limit,
        ),
    )


async def list_slots(snapshot: Snapshot, request: solver.BookingRequest, now: datetime) -> list[SlotOption]:
    """Up to a month is listed inline (about 5 ms of CPU for 30 days of a 10-stylist salon,
    1 ms for a day: less than a trip to a worker thread and back under load); longer
    windows go to a thread so the event loop keeps serving other requests meanwhile."""
    start, end = request.window_start, request.window_end
    if start is not None and end is not None and end - start <= INLINE_WINDOW:
        found = solver.available_slots(snapshot.salon, request, now)
    else:
        found = await asyncio.to_thread(solver.available_slots, snapshot.salon, request, now)
    return [slot_option(s) for s in found]


async def _moving_visit(session, ctx: Context, appointment_id: uuid.UUID) -> list[Appointment] | Problem:
    """The visit a move starts from: the actor's own (customers) and still active."""
    appointment = await load_appointment(session, ctx, appointment_id)
    if not isinstance(appointment, Appointment):
        return appointment
    if appointment.status not in ACTIVE_STATUSES:
        return ValidationError("Esa cita ya no está activa; no se puede cambiar.", field="movingAppointmentId")
    return await visit_of(session, appointment)


async def available_slots(
    ctx: Context,
    service_ids: Sequence[uuid.UUID],
    start: datetime,
    end: datetime,
    *,
    staff_id: uuid.UUID | None = None,
    spot_id: uuid.UUID | None = None,
    preferences: SlotPreferences | None = None,
    limit: int = 20,
    group_size: int = 1,
    location_id: uuid.UUID | None = None,
    moving: uuid.UUID | None = None,
) -> list[SlotOption] | Problem:
    """Bookable visits starting in [start, end), best first; [] when nothing fits.

    ``moving``: an appointment to be moved. Its whole visit does not count as busy (a move
    to a free time the same day is never "ya no tengo espacio" because of itself); with no
    services given, its services are searched; its location and the stylist the customer
    asked for are kept, as :func:`~resolvers.scheduling.booking.reschedule_appointment` keeps them.
    """
    org_id = organization_id(ctx)
    if not isinstance(org_id, uuid.UUID):
        return org_id
    if not ctx.actor.is_customer and (denied := allowed(ctx.actor, Permission.VIEW_SCHEDULE)):
        return denied
    service_ids = tuple(service_ids)
    if not 1 <= limit <= MAX_LIMIT:
        return ValidationError(f"Puedo mostrar de 1 a {MAX_LIMIT} horarios.", field="limit")
    now = ctx.now()
    if end <= now:
        return ValidationError("Ese rango ya pasó; busca a partir de hoy.", field="to")
    async with ctx.db.session() as session:
        visit: list = []
        if moving is not None:
            moved = await _moving_visit(session, ctx, moving)
            if isinstance(moved, Problem):
                return moved
            visit = moved
            service_ids = service_ids or tuple(dict.fromkeys(a.service_type_id for a in visit))
            if group_size == 1:  # a group visit moves as the group
                group_size = max(1, sum(1 for a in visit if a.service_type_id == visit[0].service_type_id))
            location_id = location_id or visit[0].location_id
            if staff_id is None:
                staff_id = next((a.staff_id for a in visit if a.staff_requested), None)
        problem = check_visit_shape(service_ids, group_size) or check_range(start, end)
        if problem:
            return problem
        place = await load_place(session, org_id, location_id, for_write=False)
        if not isinstance(place, tuple):
            return place
        organization, location = place
        snapshot = await load_snapshot(session, organization, location, max(start, now), end + VISIT_REACH,
                                       without_appointments=[a.id for a in visit],
                                       rules=rules_for(ctx.actor, organization), busy_margin=VISIT_REACH)
    problem = check_visit(snapshot, service_ids, staff_id, spot_id)
    if problem:
        return problem
    if preferences and preferences.staff_id is not None and preferences.staff_id not in snapshot.staff:
        return STAFF_NOT_FOUND
    request = solver_request(service_ids, group_size=group_size, staff_id=staff_id, spot_id=spot_id,
                             start=start, end=end, preferences=preferences, limit=limit)
    return await list_slots(snapshot, request, now)
