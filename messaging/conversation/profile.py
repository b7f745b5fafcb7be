"""What both engines know about the business and the sender before answering a turn.

One short read per turn, scoped to the routed organization: services with prices and
durations, the primary location's hours, the team, the owner (for handoffs), and the
customer or staff member writing. It feeds the LLM's system prompt and the rule engine's
wording; every *action* still goes through the tools, with the sender as actor.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select

from messaging.runtime import reading
from storage import Customer, Location, Organization, PermissionLevel, ServiceType, Staff, StaffRole

#: A name confirmed within this window is trusted without asking again (spec: Returning Customer Behavior).
NAME_TRUST = timedelta(days=90)


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    id: uuid.UUID
    name: str
    duration_minutes: int
    price_cents: int


@dataclass(frozen=True, slots=True)
class StaffInfo:
    id: uuid.UUID
    name: str
    phone: str
    level: PermissionLevel
    is_owner: bool


@dataclass(frozen=True, slots=True)
class CustomerInfo:
    id: uuid.UUID
    phone: str
    name: str | None
    name_verified_at: datetime | None

    def name_is_trusted(self, now: datetime) -> bool:
        return bool(self.name and self.name_verified_at and now - self.name_verified_at <= NAME_TRUST)


@dataclass(frozen=True, slots=True)
class BusinessProfile:
    organization_id: uuid.UUID
    name: str
    business_type: str | None
    timezone: str
    whatsapp_number: str | None
    address: str | None
    #: weekday (0 = Monday) → [(open, close)] local; a missing weekday is closed.
    hours: dict[int, tuple[tuple[time, time], ...]]
    services: tuple[ServiceInfo, ...]
    team: tuple[StaffInfo, ...]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def service(self, service_id: uuid.UUID | str | None) -> ServiceInfo | None:
        return next((s for s in self.services if str(s.id) == str(service_id)), None)

    def member(self, staff_id: uuid.UUID | str | None) -> StaffInfo | None:
        return next((m for m in self.team if str(m.id) == str(staff_id)), None)

    @property
    def owner(self) -> StaffInfo | None:
        return next((m for m in self.team if m.is_owner), None) or \
            next((m for m in self.team if m.level is PermissionLevel.OWNER), None)

    def local_today(self, now: datetime) -> date:
        return now.astimezone(self.zone).date()


def _clock(text: str) -> time:
    hours, minutes = text.split(":")[:2]
    return time(0, 0) if hours == "24" else time(int(hours), int(minutes))


#: Per process, per organization: the profile's catalog part (location, services, team) as of
#: ``Organization.catalog_version``, which every write of services, staff, spots or locations
#: bumps in its own transaction (storage/catalog_version.py). Every turn reads the profile;
#: the catalog part was three of its four queries and most of its CPU.
_CATALOG_PARTS: OrderedDict[uuid.UUID, tuple] = OrderedDict()
CATALOG_PARTS_SIZE = 4096
_ORGANIZATION = select(Organization.id, Organization.name, Organization.business_type, Organization.timezone,
                       Organization.whatsapp_number, Organization.catalog_version
                       ).where(Organization.id == bindparam("org_id"))


async def load_profile(db, organization_id: uuid.UUID) -> BusinessProfile | None:
    async with reading(db) as session:
        org = (await session.execute(_ORGANIZATION, {"org_id": organization_id})).first()
        if org is None:
            return None
        parts = _cached_parts(organization_id, org.catalog_version)
        if parts is None:
            parts = _keep_parts(organization_id, org.catalog_version, await _catalog_parts(session, organization_id))
    return _profile(org.id, org.name, org.business_type, org.timezone, org.whatsapp_number, parts)


async def profile_of_route(db, route) -> BusinessProfile | None:
    """The profile of the routed organization, from what routing read with the route
    (``Route.organization``: name, zone, catalog version…) and the per-process catalog cache:
    no statement at all when the catalog is cached at that version. Routes built without those
    facts (tests, the central number) read it as :func:`load_profile` does."""
    facts = route.organization
    if route.organization_id is None:
        return None
    if facts is None:
        return await load_profile(db, route.organization_id)
    parts = _cached_parts(route.organization_id, facts.catalog_version)
    if parts is None:
        async with reading(db) as session:
            # Read after the version routing saw: at worst these parts are newer than it, and the
            # next turn (seeing a newer version) reads them again; never older parts under a newer one.
            parts = _keep_parts(route.organization_id, facts.catalog_version,
                                await _catalog_parts(session, route.organization_id))
    return _profile(route.organization_id, route.organization_name, facts.business_type,
                    route.organization_timezone, facts.whatsapp_number, parts)


def customer_of_route(route) -> CustomerInfo | None:
    """The sender as a customer, from what routing read (None when routing did not read it)."""
    if not route.customer_known or route.customer_id is None:
        return None
    return CustomerInfo(route.customer_id, route.phone, route.customer_name, route.customer_name_verified_at)


def _cached_parts(organization_id: uuid.UUID, version: int) -> tuple | None:
    parts = _CATALOG_PARTS.get(organization_id)
    if parts is None or parts[0] != version:
        return None
    _CATALOG_PARTS.move_to_end(organization_id)
    return parts


def _keep_parts(organization_id: uuid.UUID, version: int, read: tuple) -> tuple:
    parts = (version, *read)
    _CATALOG_PARTS[organization_id] = parts
    while len(_CATALOG_PARTS) > CATALOG_PARTS_SIZE:
        _CATALOG_PARTS.popitem(last=False)
    return parts


def _profile(organization_id, name, business_type, timezone, whatsapp_number, parts: tuple) -> BusinessProfile:
    _, address, hours, services, team = parts
    return BusinessProfile(
        organization_id=organization_id, name=name, business_type=business_type, timezone=timezone,
        whatsapp_number=whatsapp_number, address=address, hours=hours, services=services, team=team,
    )


async def _catalog_parts(session, organization_id: uuid.UUID) -> tuple:
    location = await session.scalar(
        select(Location).where(Location.organization_id == organization_id, Location.is_active.is_(True))
        .order_by(Location.is_primary.desc(), Location.name, Location.id).limit(1))
    services = (await session.scalars(
        select(ServiceType).where(ServiceType.organization_id == organization_id, ServiceType.is_active.is_(True))
        .order_by(ServiceType.created_at, ServiceType.name, ServiceType.id))).all()
    team = (await session.scalars(
        select(Staff).where(Staff.organization_id == organization_id, Staff.is_active.is_(True))
        .order_by(Staff.name, Staff.id))).all()
    hours: dict[int, tuple[tuple[time, time], ...]] = {}
    for weekday, ranges in ((location.business_hours if location else None) or {}).items():
        if ranges:
            hours[int(weekday)] = tuple((_clock(a), _clock(b)) for a, b in ranges)
    return (location.address if location else None, hours,
            tuple(ServiceInfo(s.id, s.name, s.duration_minutes, s.price_cents) for s in services),
            tuple(StaffInfo(m.id, m.name, m.phone_number, m.permission_level, m.role is StaffRole.OWNER)
                  for m in team))


async def load_customer(db, organization_id: uuid.UUID, customer_id: uuid.UUID | None) -> CustomerInfo | None:
    if customer_id is None:
        return None
    async with db.session() as session:
        row = await session.scalar(select(Customer).where(Customer.id == customer_id,
                                                          Customer.organization_id == organization_id))
    return CustomerInfo(row.id, row.phone_number, row.name, row.name_verified_at) if row else None
