"""What the salon sells (services) and where it is done (spots): the owner's menu.

Deactivating hides a row from booking and keeps history intact; deleting is only for rows
nothing refers to (spec 1.4.8, 1.5.7, 5.6.4).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from resolvers.context import Context
from resolvers.errors import Conflict, NotFound, Problem, ValidationError
from resolvers.input_checks import clean_name, is_referenced, optional_text, rows_of_organization, whole_number
from resolvers.permissions import Permission
from resolvers.scope import authorize, catalogue_reader
from resolvers.service_colours import clean_colour, next_free_colour
from storage import Appointment, Location, ServiceType, Spot, Staff

SERVICE_NOT_FOUND = NotFound("No encontré ese servicio.")
SPOT_NOT_FOUND = NotFound("No encontré ese lugar de trabajo.")
MAX_PRICE_CENTS = 10_000_000  # $100,000


@dataclass(frozen=True, slots=True)
class ServiceDraft:
    name: str
    duration_minutes: int
    price_cents: int
    description: str | None = None
    buffer_after_minutes: int = 0
    processing_offset_minutes: int | None = None
    processing_minutes: int | None = None
    color: str | None = None


@dataclass(frozen=True, slots=True)
class ServiceChanges:
    name: str | None = None
    duration_minutes: int | None = None
    price_cents: int | None = None
    description: str | None = None
    buffer_after_minutes: int | None = None
    processing_offset_minutes: int | None = None
    processing_minutes: int | None = None
    clear_processing: bool = False
    is_active: bool | None = None
    color: str | None = None


@dataclass(frozen=True, slots=True)
class SpotDraft:
    name: str
    service_ids: tuple[uuid.UUID, ...] = ()
    location_id: uuid.UUID | None = None
    display_order: int | None = None


@dataclass(frozen=True, slots=True)
class SpotChanges:
    name: str | None = None
    service_ids: tuple[uuid.UUID, ...] | None = None
    display_order: int | None = None
    is_active: bool | None = None


# ---------------------------------------------------------------- services


def _check_service_numbers(duration: int, price: int, buffer: int, offset: int | None,
                           processing: int | None) -> ValidationError | None:
    for problem in (
        whole_number(duration, field="durationMinutes", label="La duración", minimum=5, maximum=720),
        whole_number(price, field="priceCents", label="El precio (en centavos)", minimum=0, maximum=MAX_PRICE_CENTS),
        whole_number(buffer, field="bufferAfterMinutes", label="El tiempo de limpieza", minimum=0, maximum=240),
    ):
        if isinstance(problem, ValidationError):
            return problem
    if (offset is None) != (processing is None):
        return ValidationError("Indica cuándo empieza y cuánto dura el tiempo de espera (por ejemplo, del tinte).",
                               field="processingMinutes")
    if offset is not None and processing is not None and not (0 < offset and 0 < processing
                                                              and offset + processing < duration):
        return ValidationError("El tiempo de espera debe quedar dentro del servicio.", field="processingMinutes")
    return None


async def list_services(ctx: Context, *, include_inactive: bool = False) -> list[ServiceType] | Problem:
    organization_id = catalogue_reader(ctx)
    if isinstance(organization_id, Problem):
        return organization_id
    include_inactive = include_inactive and not ctx.actor.is_customer
    query = select(ServiceType).where(ServiceType.organization_id == organization_id)
    if not include_inactive:
        query = query.where(ServiceType.is_active.is_(True))
    async with ctx.db.session() as session:
        return list((await session.scalars(query.order_by(ServiceType.name, ServiceType.id))).all())


async def create_service(ctx: Context, draft: ServiceDraft) -> ServiceType | Problem:
    organization_id = authorize(ctx, Permission.MANAGE_SERVICES)
    if isinstance(organization_id, Problem):
        return organization_id
    name = clean_name(draft.name, field="name", label="el nombre del servicio")
    if isinstance(name, Problem):
        return name
    problem = _check_service_numbers(draft.duration_minutes, draft.price_cents, draft.buffer_after_minutes,
                                     draft.processing_offset_minutes, draft.processing_minutes)
    if problem:
        return problem
    colour = clean_colour(draft.color) if draft.color is not None else None
    if isinstance(colour, Problem):
        return colour
    now = ctx.now()
    async with ctx.db.transaction(write=True) as session:
        if colour is None:
            used = (await session.scalars(select(ServiceType.color).where(
                ServiceType.organization_id == organization_id))).all()
            colour = next_free_colour(used)
        duplicate = await session.scalar(select(ServiceType.id).where(
            ServiceType.organization_id == organization_id, ServiceType.name == name, ServiceType.is_active.is_(True)))
        if duplicate is not None:
            return Conflict(f"Ya tienes un servicio llamado «{name}».")
        service = ServiceType(
            organization_id=organization_id, name=name, description=optional_text(draft.description),
            duration_minutes=draft.duration_minutes, price_cents=draft.price_cents, currency="MXN",
            buffer_after_minutes=draft.buffer_after_minutes,
            processing_offset_minutes=draft.processing_offset_minutes, processing_minutes=draft.processing_minutes,
            is_active=True, color=colour, settings={}, created_at=now, updated_at=now,
        )
        session.add(service)
    return service


async def update_service(ctx: Context, service_id: uuid.UUID, changes: ServiceChanges) -> ServiceType | Problem:
    """Prices and durations change for future bookings; booked appointments keep theirs."""
    organization_id = authorize(ctx, Permission.MANAGE_SERVICES)
    if isinstance(organization_id, Problem):
        return organization_id
    name = clean_name(changes.name, field="name", label="el nombre del servicio") if changes.name is not None else None
    if isinstance(name, Problem):
        return name
    colour = clean_colour(changes.color) if changes.color is not None else None
    if isinstance(colour, Problem):
        return colour
    async with ctx.db.transaction(write=True) as session:
        service = await session.scalar(select(ServiceType).where(
            ServiceType.id == service_id, ServiceType.organization_id == organization_id))
        if service is None:
            return SERVICE_NOT_FOUND
        duration = changes.duration_minutes if changes.duration_minutes is not None else service.duration_minutes
        price = changes.price_cents if changes.price_cents is not None else service.price_cents
        buffer = changes.buffer_after_minutes if changes.buffer_after_minutes is not None else service.buffer_after_minutes
        if changes.clear_processing:
            offset = processing = None
        else:
            offset = changes.processing_offset_minutes if changes.processing_offset_minutes is not None \
                else service.processing_offset_minutes
            processing = changes.processing_minutes if changes.processing_minutes is not None \
                else service.processing_minutes
        problem = _check_service_numbers(duration, price, buffer, offset, processing)
        if problem:
            return problem
        if name is not None:
            service.name = name
        if changes.description is not None:
            service.description = optional_text(changes.description)
        service.duration_minutes, service.price_cents, service.buffer_after_minutes = duration, price, buffer
        service.processing_offset_minutes, service.processing_minutes = offset, processing
        if changes.is_active is not None:
            service.is_active = changes.is_active
        if colour is not None:
            service.color = colour
        service.updated_at = ctx.now()
    return service


async def delete_service(ctx: Context, service_id: uuid.UUID) -> uuid.UUID | Problem:
    organization_id = authorize(ctx, Permission.MANAGE_SERVICES)
    if isinstance(organization_id, Problem):
        return organization_id
    async with ctx.db.transaction(write=True) as session:
        service = await session.scalar(select(ServiceType).where(
            ServiceType.id == service_id, ServiceType.organization_id == organization_id))
        if service is None:
            return SERVICE_NOT_FOUND
        if await is_referenced(session, Appointment.service_type_id, service.id, organization_id=service.organization_id):
            return Conflict("Este servicio tiene citas registradas: desactívalo en lugar de borrarlo.")
        await session.delete(service)
    return service_id


# ---------------------------------------------------------------- spots


async def list_spots(ctx: Context, *, include_inactive: bool = False,
                     location_id: uuid.UUID | None = None) -> list[Spot] | Problem:
    organization_id = authorize(ctx, Permission.VIEW_SCHEDULE)
    if isinstance(organization_id, Problem):
        return organization_id
    query = select(Spot).where(Spot.organization_id == organization_id)
    if not include_inactive:
        query = query.where(Spot.is_active.is_(True))
    if location_id is not None:
        query = query.where(Spot.location_id == location_id)
    async with ctx.db.session() as session:
        return list((await session.scalars(query.order_by(Spot.display_order, Spot.name, Spot.id))).all())


async def _primary_location(session, organization_id: uuid.UUID) -> Location | None:
    return await session.scalar(
        select(Location).where(Location.organization_id == organization_id, Location.is_active.is_(True))
        .order_by(Location.is_primary.desc(), Location.created_at, Location.id).limit(1)
    )


async def create_spot(ctx: Context, draft: SpotDraft) -> Spot | Problem:
    organization_id = authorize(ctx, Permission.MANAGE_SPOTS)
    if isinstance(organization_id, Problem):
        return organization_id
    name = clean_name(draft.name, field="name", label="el nombre del lugar (silla, mesa, cama)")
    if isinstance(name, Problem):
        return name
    now = ctx.now()
    async with ctx.db.transaction(write=True) as session:
        if draft.location_id is not None:
            found = await rows_of_organization(session, Location, [draft.location_id], organization_id,
                                               what="esa sucursal")
            if isinstance(found, Problem):
                return found
            location = found[0]
        else:
            location = await _primary_location(session, organization_id)
            if location is None:
                return ValidationError("Primero registra una sucursal.", field="locationId")
        services = await rows_of_organization(session, ServiceType, draft.service_ids, organization_id,
                                              what="alguno de los servicios")
        if isinstance(services, Problem):
            return services
        order = draft.display_order
        if order is None:
            order = len((await session.scalars(select(Spot.id).where(Spot.location_id == location.id))).all())
        spot = Spot(organization_id=organization_id, location_id=location.id, name=name, display_order=order,
                    is_active=True, created_at=now, updated_at=now)
        spot.services = services
        session.add(spot)
    return spot


async def update_spot(ctx: Context, spot_id: uuid.UUID, changes: SpotChanges) -> Spot | Problem:
    organization_id = authorize(ctx, Permission.MANAGE_SPOTS)
    if isinstance(organization_id, Problem):
        return organization_id
    name = clean_name(changes.name, field="name", label="el nombre del lugar") if changes.name is not None else None
    if isinstance(name, Problem):
        return name
    async with ctx.db.transaction(write=True) as session:
        spot = await session.scalar(select(Spot).options(selectinload(Spot.services))
                                    .where(Spot.id == spot_id, Spot.organization_id == organization_id))
        if spot is None:
            return SPOT_NOT_FOUND
        if changes.service_ids is not None:
            services = await rows_of_organization(session, ServiceType, changes.service_ids, organization_id,
                                                  what="alguno de los servicios")
            if isinstance(services, Problem):
                return services
            spot.services = services
        if name is not None:
            spot.name = name
        if changes.display_order is not None:
            spot.display_order = changes.display_order
        if changes.is_active is not None:
            spot.is_active = changes.is_active
        spot.updated_at = ctx.now()
    return spot


async def delete_spot(ctx: Context, spot_id: uuid.UUID) -> uuid.UUID | Problem:
    organization_id = authorize(ctx, Permission.MANAGE_SPOTS)
    if isinstance(organization_id, Problem):
        return organization_id
    async with ctx.db.transaction(write=True) as session:
        spot = await session.scalar(select(Spot).where(Spot.id == spot_id, Spot.organization_id == organization_id))
        if spot is None:
            return SPOT_NOT_FOUND
        if await is_referenced(session, Appointment.spot_id, spot.id, organization_id=spot.organization_id):
            return Conflict("Este lugar tiene citas registradas: desactívalo en lugar de borrarlo.")
        if await is_referenced(session, Staff.default_spot_id, spot.id, organization_id=spot.organization_id):
            return Conflict("Este lugar es el lugar fijo de alguien del equipo: cámbialo primero.")
        await session.delete(spot)
    return spot_id
