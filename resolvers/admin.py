"""Parlo's own staff: platform figures, every organization, sign-ups, suspensions, "Entrar como".

Creating an organization is also what the WhatsApp onboarding flow does (as the system
actor, before the organization exists), so it lives here once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from resolvers.auth import ADMIN_SESSION_TTL, issue_staff_token
from resolvers.context import ActorKind, Context
from resolvers.errors import Conflict, NotAuthenticated, NotFound, PermissionDenied, Problem, Suspended
from resolvers.input_checks import clean_name, clean_phone, clean_timezone
from resolvers.magic_links import StaffSession
from resolvers.pagination import Page, page_size, page_window, read_page
from storage import (
    ActivityEvent,
    Appointment,
    Customer,
    Location,
    Message,
    Organization,
    OrganizationStatus,
    PermissionLevel,
    Staff,
    StaffRole,
)

ORGANIZATION_NOT_FOUND = NotFound("No encontré esa organización.")
ADMINS_ONLY = PermissionDenied("Solo el equipo de Parlo puede hacer eso.")


def _admin_problem(ctx: Context) -> Problem | None:
    if ctx.actor.kind is ActorKind.ANONYMOUS:
        return NotAuthenticated()
    return None if ctx.actor.is_admin else ADMINS_ONLY


@dataclass(frozen=True, slots=True)
class PlatformStats:
    organizations: int
    organizations_by_status: dict[str, int]
    appointments: int
    customers: int
    messages: int
    staff: int


@dataclass(frozen=True, slots=True)
class OrganizationDraft:
    name: str
    owner_name: str
    owner_phone: str
    business_type: str | None = None
    timezone: str = "America/Mexico_City"
    location_name: str | None = None
    address: str | None = None
    whatsapp_number: str | None = None
    status: OrganizationStatus = OrganizationStatus.ONBOARDING


@dataclass(frozen=True, slots=True)
class NewOrganization:
    organization: Organization
    owner: Staff
    location: Location


@dataclass(frozen=True, slots=True)
class OrganizationFilter:
    search: str | None = None
    status: OrganizationStatus | None = None
    first: int | None = None
    after: str | None = None
    ids: tuple[uuid.UUID, ...] = field(default_factory=tuple)


def _event(kind: str, summary: str, *, organization_id: uuid.UUID | None, now: datetime,
           subject_id: uuid.UUID | None = None, data: dict | None = None) -> ActivityEvent:
    return ActivityEvent(organization_id=organization_id, kind=kind, summary=summary, subject_id=subject_id,
                         data=data or {}, created_at=now)


async def platform_stats(ctx: Context) -> PlatformStats | Problem:
    if problem := _admin_problem(ctx):
        return problem
    async with ctx.db.session() as session:
        by_status = dict((await session.execute(
            select(Organization.status, func.count()).group_by(Organization.status))).all())
        appointments = await session.scalar(select(func.count()).select_from(Appointment))
        customers = await session.scalar(select(func.count()).select_from(Customer))
        messages = await session.scalar(select(func.count()).select_from(Message))
        staff = await session.scalar(select(func.count()).select_from(Staff))
    return PlatformStats(
        organizations=sum(by_status.values()),
        organizations_by_status={str(status): count for status, count in by_status.items()},
        appointments=appointments or 0, customers=customers or 0, messages=messages or 0, staff=staff or 0,
    )


async def list_organizations(ctx: Context, query: OrganizationFilter) -> Page[Organization] | Problem:
    """Newest first, a page at a time (``first``/``after``, like every list)."""
    if problem := _admin_problem(ctx):
        return problem
    window = page_window(query.first, query.after)
    if isinstance(window, Problem):
        return window
    offset, limit = window
    statement = select(Organization)
    if query.search and query.search.strip():
        statement = statement.where(func.lower(Organization.name).contains(query.search.strip().lower(),
                                                                            autoescape=True))
    if query.status is not None:
        statement = statement.where(Organization.status == query.status)
    if query.ids:
        statement = statement.where(Organization.id.in_(query.ids))
    statement = statement.order_by(Organization.created_at.desc(), Organization.id.desc())
    async with ctx.db.session() as session:
        return await read_page(session, statement, offset, limit)


async def activity(ctx: Context, *, first: int = 50, organization_id: uuid.UUID | None = None) -> list[ActivityEvent] | Problem:
    if problem := _admin_problem(ctx):
        return problem
    size = page_size(first)
    if isinstance(size, Problem):
        return size
    statement = select(ActivityEvent)
    if organization_id is not None:
        statement = statement.where(ActivityEvent.organization_id == organization_id)
    statement = statement.order_by(ActivityEvent.created_at.desc(), ActivityEvent.id.desc()).limit(size)
    async with ctx.db.session() as session:
        return list((await session.scalars(statement)).all())


async def create_organization(ctx: Context, draft: OrganizationDraft) -> NewOrganization | Problem:
    """A business with its primary location and its owner (permission level owner)."""
    actor = ctx.actor
    if not (actor.is_admin or (actor.kind is ActorKind.SYSTEM and actor.organization_id is None)):
        return NotAuthenticated() if actor.kind is ActorKind.ANONYMOUS else ADMINS_ONLY
    name = clean_name(draft.name, field="name", label="el nombre del negocio", max_length=200)
    if isinstance(name, Problem):
        return name
    owner_name = clean_name(draft.owner_name, field="ownerName", label="el nombre del dueño")
    if isinstance(owner_name, Problem):
        return owner_name
    owner_phone = clean_phone(draft.owner_phone, field="ownerPhone")
    if isinstance(owner_phone, Problem):
        return owner_phone
    zone = clean_timezone(draft.timezone)
    if isinstance(zone, Problem):
        return zone
    whatsapp = clean_phone(draft.whatsapp_number, field="whatsappNumber") if draft.whatsapp_number else None
    if isinstance(whatsapp, Problem):
        return whatsapp
    now = ctx.now()
    async with ctx.db.transaction(write=True) as session:
        if whatsapp and await session.scalar(select(Organization.id).where(Organization.whatsapp_number == whatsapp)):
            return Conflict("Ese número de WhatsApp ya es de otro negocio en Parlo.")
        organization = Organization(
            name=name, business_type=(draft.business_type or "").strip()[:60] or None, timezone=zone,
            status=draft.status, whatsapp_number=whatsapp, plan="free", settings={}, created_at=now, updated_at=now,
        )
        session.add(organization)
        await session.flush()
        location = Location(organization_id=organization.id, name=(draft.location_name or "").strip() or name,
                            address=(draft.address or "").strip() or None, is_primary=True, is_active=True,
                            business_hours={}, created_at=now, updated_at=now)
        owner = Staff(organization_id=organization.id, name=owner_name, phone_number=owner_phone,
                      role=StaffRole.OWNER, permission_level=PermissionLevel.OWNER, is_active=True, settings={},
                      created_at=now, updated_at=now)
        owner.services = []
        session.add(location)
        await session.flush()
        owner.location_id = location.id
        session.add(owner)
        session.add(_event("organization_created", f"Nuevo negocio: {name}", organization_id=organization.id,
                           now=now, subject_id=organization.id, data={"owner": owner_name}))
    return NewOrganization(organization=organization, owner=owner, location=location)


async def set_organization_status(ctx: Context, organization_id: uuid.UUID | None,
                                  status: OrganizationStatus) -> Organization | Problem:
    if problem := _admin_problem(ctx):
        return problem
    now = ctx.now()
    async with ctx.db.transaction(write=True) as session:
        organization = await session.get(Organization, organization_id) if organization_id else None
        if organization is None:
            return ORGANIZATION_NOT_FOUND
        previous = organization.status
        organization.status, organization.updated_at = status, now
        session.add(_event("organization_status_changed", f"{organization.name}: {previous} → {status}",
                           organization_id=organization.id, now=now, subject_id=organization.id,
                           data={"from": str(previous), "to": str(status)}))
    return organization


async def impersonate(ctx: Context, organization_id: uuid.UUID | None) -> StaffSession | Problem:
    """A session as the organization's owner, marked as an admin acting on their behalf."""
    if problem := _admin_problem(ctx):
        return problem
    now = ctx.now()
    async with ctx.db.transaction(write=True) as session:
        organization = await session.get(Organization, organization_id) if organization_id else None
        if organization is None:
            return ORGANIZATION_NOT_FOUND
        if organization.status in (OrganizationStatus.SUSPENDED, OrganizationStatus.CHURNED):
            return Suspended("Esta organización está suspendida: reactívala antes de entrar como ella.")
        owner = await session.scalar(
            select(Staff).where(Staff.organization_id == organization.id, Staff.is_active.is_(True),
                                Staff.permission_level == PermissionLevel.OWNER)
            .order_by(Staff.created_at, Staff.id).limit(1))
        if owner is None:
            return NotFound("Esta organización no tiene un dueño activo.")
        session.add(_event("impersonation", f"Un administrador entró como {organization.name}",
                           organization_id=organization.id, now=now, subject_id=owner.id))
    token = issue_staff_token(staff_id=owner.id, organization_id=organization.id, secret=ctx.config.jwt_secret,
                              now=now, ttl=ADMIN_SESSION_TTL, impersonated_by_admin=True,
                              generation=owner.session_generation)
    return StaffSession(token=token, expires_at=now + ADMIN_SESSION_TTL, staff=owner, organization=organization)
