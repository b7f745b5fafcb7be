"""The team: who works here, what they do, where they usually sit, and what they may do.

Owners and admins add, edit and deactivate people; only the owner changes permission
levels (spec permission matrix). There is always at least one active owner.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm.attributes import set_committed_value

from resolvers.context import Context
from resolvers.errors import Conflict, NotFound, Problem
from resolvers.input_checks import clean_name, clean_phone, is_referenced, rows_of_organization
from resolvers.permissions import Permission, check
from resolvers.scope import authorize, catalogue_reader
from storage import Appointment, Location, PermissionLevel, ServiceType, Spot, Staff, StaffRole, staff_services

STAFF_NOT_FOUND = NotFound("No encontré a esa persona del equipo.")
LAST_OWNER = Conflict("El negocio necesita al menos un dueño activo.")


@dataclass(frozen=True, slots=True)
class StaffDraft:
    name: str
    phone: str
    permission_level: PermissionLevel = PermissionLevel.STAFF
    service_ids: tuple[uuid.UUID, ...] = ()
    default_spot_id: uuid.UUID | None = None
    location_id: uuid.UUID | None = None
    #: False (the default): the newcomer has no working hours until the owner picks them, so
    #: nobody books them — and no rebooking plan moves appointments to them — before the owner
    #: decided. True: they work whenever the location is open ("igual que el negocio").
    same_hours_as_business: bool = False


#: Staff.settings key: False while a new member waits for the owner to choose their hours.
#: Absent (every member added before this rule) means chosen.
HOURS_CHOSEN = "hours_chosen"


def hours_chosen(member: Staff) -> bool:
    return (member.settings or {}).get(HOURS_CHOSEN, True) is not False


@dataclass(frozen=True, slots=True)
class StaffChanges:
    name: str | None = None
    phone: str | None = None
    permission_level: PermissionLevel | None = None
    service_ids: tuple[uuid.UUID, ...] | None = None
    default_spot_id: uuid.UUID | None = None
    clear_default_spot: bool = False
    is_active: bool | None = None


async def list_staff(ctx: Context, *, include_inactive: bool = False) -> list[Staff] | Problem:
    organization_id = catalogue_reader(ctx)
    if isinstance(organization_id, Problem):
        return organization_id
    include_inactive = include_inactive and not ctx.actor.is_customer
    query = select(Staff).where(Staff.organization_id == organization_id)
    if not include_inactive:
        query = query.where(Staff.is_active.is_(True))
    async with ctx.db.session() as session:
        return list((await session.scalars(query.order_by(Staff.name, Staff.id))).all())


async def _active_owners(session, organization_id: uuid.UUID) -> int:
    return await session.scalar(select(func.count()).select_from(Staff).where(
        Staff.organization_id == organization_id, Staff.is_active.is_(True),
        Staff.permission_level == PermissionLevel.OWNER))


async def _phone_taken(session, organization_id: uuid.UUID, phone: str, other_than: uuid.UUID | None = None) -> bool:
    query = select(Staff.id).where(Staff.organization_id == organization_id, Staff.phone_number == phone)
    if other_than is not None:
        query = query.where(Staff.id != other_than)
    return await session.scalar(query) is not None


async def create_staff(ctx: Context, draft: StaffDraft) -> Staff | Problem:
    organization_id = authorize(ctx, Permission.MANAGE_STAFF)
    if isinstance(organization_id, Problem):
        return organization_id
    if draft.permission_level is not PermissionLevel.STAFF and (denied := check(ctx.actor, Permission.CHANGE_PERMISSIONS)):
        return denied
    name = clean_name(draft.name, field="name", label="el nombre")
    if isinstance(name, Problem):
        return name
    phone = clean_phone(draft.phone)
    if isinstance(phone, Problem):
        return phone
    now = ctx.now()
    async with ctx.db.transaction(write=True) as session:
        if await _phone_taken(session, organization_id, phone):
            return Conflict("Ya hay alguien del equipo con ese número.")
        services = await rows_of_organization(session, ServiceType, draft.service_ids, organization_id,
                                              what="alguno de los servicios")
        if isinstance(services, Problem):
            return services
        if draft.default_spot_id is not None:
            spot = await rows_of_organization(session, Spot, [draft.default_spot_id], organization_id,
                                              what="ese lugar de trabajo")
            if isinstance(spot, Problem):
                return spot
        location_id = draft.location_id
        if location_id is not None:
            found = await rows_of_organization(session, Location, [location_id], organization_id, what="esa sucursal")
            if isinstance(found, Problem):
                return found
        else:
            location_id = await session.scalar(select(Location.id).where(
                Location.organization_id == organization_id)
                .order_by(Location.is_primary.desc(), Location.created_at, Location.id).limit(1))
        member = Staff(
            organization_id=organization_id, location_id=location_id, name=name, phone_number=phone,
            role=StaffRole.OWNER if draft.permission_level is PermissionLevel.OWNER else StaffRole.EMPLOYEE,
            permission_level=draft.permission_level, is_active=True, default_spot_id=draft.default_spot_id,
            settings={} if draft.same_hours_as_business else {HOURS_CHOSEN: False},
            created_at=now, updated_at=now,
        )
        member.services = services
        session.add(member)
    return member


async def update_staff(ctx: Context, staff_id: uuid.UUID, changes: StaffChanges) -> Staff | Problem:
    organization_id = authorize(ctx, Permission.MANAGE_STAFF)
    if isinstance(organization_id, Problem):
        return organization_id
    if changes.permission_level is not None and (denied := check(ctx.actor, Permission.CHANGE_PERMISSIONS)):
        return denied
    name = clean_name(changes.name, field="name", label="el nombre") if changes.name is not None else None
    if isinstance(name, Problem):
        return name
    phone = clean_phone(changes.phone) if changes.phone is not None else None
    if isinstance(phone, Problem):
        return phone
    async with ctx.db.transaction(write=True) as session:
        member = await session.scalar(select(Staff).where(Staff.id == staff_id, Staff.organization_id == organization_id))
        if member is None:
            return STAFF_NOT_FOUND
        await _load_services(session, member)
        if member.permission_level is PermissionLevel.OWNER and \
                (denied := check(ctx.actor, Permission.CHANGE_PERMISSIONS)):
            return denied  # an admin cannot edit or deactivate the owner
        stops_being_owner = member.permission_level is PermissionLevel.OWNER and member.is_active and (
            changes.is_active is False
            or (changes.permission_level is not None and changes.permission_level is not PermissionLevel.OWNER))
        if stops_being_owner and await _active_owners(session, organization_id) <= 1:
            return LAST_OWNER
        ends_sessions = ends_their_sessions(member, changes, phone)
        if phone is not None:
            if await _phone_taken(session, organization_id, phone, other_than=member.id):
                return Conflict("Ya hay alguien del equipo con ese número.")
            member.phone_number = phone
        if changes.service_ids is not None:
            services = await rows_of_organization(session, ServiceType, changes.service_ids, organization_id,
                                                  what="alguno de los servicios")
            if isinstance(services, Problem):
                return services
            member.services = services
        if changes.default_spot_id is not None:
            spot = await rows_of_organization(session, Spot, [changes.default_spot_id], organization_id,
                                              what="ese lugar de trabajo")
            if isinstance(spot, Problem):
                return spot
            member.default_spot_id = changes.default_spot_id
        elif changes.clear_default_spot:
            member.default_spot_id = None
        if name is not None:
            member.name = name
        if changes.permission_level is not None:
            member.permission_level = changes.permission_level
            member.role = StaffRole.OWNER if changes.permission_level is PermissionLevel.OWNER else StaffRole.EMPLOYEE
        if changes.is_active is not None:
            member.is_active = changes.is_active
        if ends_sessions:
            member.session_generation += 1  # two edits at once may both write n+1: old sessions still end
        member.updated_at = ctx.now()
    return member


async def _load_services(session, member: Staff) -> None:
    """``member.services`` read within the salon (``selectinload`` names the staff member by id
    alone, which on Citus asks every shard), set as loaded so a new list is diffed against it."""
    services = (await session.scalars(
        select(ServiceType).join(staff_services, and_(staff_services.c.service_type_id == ServiceType.id,
                                                      staff_services.c.organization_id == ServiceType.organization_id))
        .where(staff_services.c.organization_id == member.organization_id, staff_services.c.staff_id == member.id)
        .order_by(ServiceType.id))).all()
    set_committed_value(member, "services", list(services))


def ends_their_sessions(member: Staff, changes: StaffChanges, phone: str | None) -> bool:
    """A change that should sign the person out everywhere: what they may do, whether they still
    work here, or the phone their sign-in links go to (a lost phone is why one changes it)."""
    return ((changes.permission_level is not None and changes.permission_level is not member.permission_level)
            or (changes.is_active is False and member.is_active)
            or (phone is not None and phone != member.phone_number))


async def delete_staff(ctx: Context, staff_id: uuid.UUID) -> uuid.UUID | Problem:
    """Only someone with no appointments; otherwise deactivate them (history stays)."""
    organization_id = authorize(ctx, Permission.MANAGE_STAFF)
    if isinstance(organization_id, Problem):
        return organization_id
    async with ctx.db.transaction(write=True) as session:
        member = await session.scalar(select(Staff).where(Staff.id == staff_id, Staff.organization_id == organization_id))
        if member is None:
            return STAFF_NOT_FOUND
        if member.permission_level is PermissionLevel.OWNER:
            return Conflict("No puedes borrar al dueño del negocio.")
        if await is_referenced(session, Appointment.staff_id, member.id, organization_id=member.organization_id):
            return Conflict("Esta persona tiene citas registradas: desactívala en lugar de borrarla.")
        await session.delete(member)
    return staff_id
