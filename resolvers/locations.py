"""The business's places. Business hours are changed with ``setBusinessHours`` (scheduling)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from resolvers.context import Context
from resolvers.errors import Conflict, NotFound, Problem
from resolvers.input_checks import clean_name, is_referenced, optional_text
from resolvers.permissions import Permission
from resolvers.scope import authorize, catalogue_reader
from storage import Appointment, Location, Spot

LOCATION_NOT_FOUND = NotFound("No encontré esa sucursal.")


@dataclass(frozen=True, slots=True)
class LocationDraft:
    name: str
    address: str | None = None


@dataclass(frozen=True, slots=True)
class LocationChanges:
    name: str | None = None
    address: str | None = None
    is_active: bool | None = None


async def list_locations(ctx: Context, *, include_inactive: bool = False) -> list[Location] | Problem:
    organization_id = catalogue_reader(ctx)
    if isinstance(organization_id, Problem):
        return organization_id
    include_inactive = include_inactive and not ctx.actor.is_customer
    query = select(Location).where(Location.organization_id == organization_id)
    if not include_inactive:
        query = query.where(Location.is_active.is_(True))
    async with ctx.db.session() as session:
        query = query.order_by(Location.is_primary.desc(), Location.name, Location.id)
        return list((await session.scalars(query)).all())


async def create_location(ctx: Context, draft: LocationDraft) -> Location | Problem:
    organization_id = authorize(ctx, Permission.MANAGE_LOCATIONS)
    if isinstance(organization_id, Problem):
        return organization_id
    name = clean_name(draft.name, field="name", label="el nombre de la sucursal", max_length=200)
    if isinstance(name, Problem):
        return name
    now = ctx.now()
    async with ctx.db.transaction(write=True) as session:
        has_primary = await session.scalar(
            select(func.count()).select_from(Location)
            .where(Location.organization_id == organization_id, Location.is_primary.is_(True))
        )
        location = Location(organization_id=organization_id, name=name, address=optional_text(draft.address),
                            is_primary=not has_primary, is_active=True, business_hours={},
                            created_at=now, updated_at=now)
        session.add(location)
    return location


async def _location(session, ctx_org: uuid.UUID, location_id: uuid.UUID) -> Location | None:
    return await session.scalar(
        select(Location).where(Location.id == location_id, Location.organization_id == ctx_org)
    )


async def update_location(ctx: Context, location_id: uuid.UUID, changes: LocationChanges) -> Location | Problem:
    organization_id = authorize(ctx, Permission.MANAGE_LOCATIONS)
    if isinstance(organization_id, Problem):
        return organization_id
    name = clean_name(changes.name, field="name", label="el nombre de la sucursal", max_length=200) \
        if changes.name is not None else None
    if isinstance(name, Problem):
        return name
    async with ctx.db.transaction(write=True) as session:
        location = await _location(session, organization_id, location_id)
        if location is None:
            return LOCATION_NOT_FOUND
        if changes.is_active is False and location.is_primary:
            return Conflict("No puedes desactivar la sucursal principal.")
        if name is not None:
            location.name = name
        if changes.address is not None:
            location.address = optional_text(changes.address)
        if changes.is_active is not None:
            location.is_active = changes.is_active
        location.updated_at = ctx.now()
    return location


async def delete_location(ctx: Context, location_id: uuid.UUID) -> uuid.UUID | Problem:
    """Only a location nothing refers to, and never the only one (spec 5.6.3)."""
    organization_id = authorize(ctx, Permission.MANAGE_LOCATIONS)
    if isinstance(organization_id, Problem):
        return organization_id
    async with ctx.db.transaction(write=True) as session:
        location = await _location(session, organization_id, location_id)
        if location is None:
            return LOCATION_NOT_FOUND
        count = await session.scalar(
            select(func.count()).select_from(Location).where(Location.organization_id == organization_id)
        )
        if count <= 1:
            return Conflict("No puedes borrar la única sucursal del negocio.")
        if location.is_primary:
            return Conflict("No puedes borrar la sucursal principal.")
        if await is_referenced(session, Appointment.location_id, location.id, organization_id=location.organization_id) or \
                await is_referenced(session, Spot.location_id, location.id, organization_id=location.organization_id):
            return Conflict("Esta sucursal tiene citas o lugares registrados: desactívala en lugar de borrarla.")
        await session.delete(location)
    return location_id
