"""Who is writing, to which number, and therefore which flow answers (spec: Routing Table).

The recipient picks the channel: Parlo's central number (B2B) or a business's number
(that business's customers and staff). The sender's normalised phone picks the actor.
The language model never chooses the actor; this module does, from the phone.

=====  ===============  ==================================  ======================
case   recipient        sender                              route
=====  ===============  ==================================  ======================
1      central          unknown, or onboarding unfinished    BUSINESS_ONBOARDING
2a     central          staff of exactly one business        MANAGEMENT
2b     central          staff of several businesses          REDIRECT (fixed text)
3      business X       staff of X, first message / onboarding STAFF_ONBOARDING
4      business X       staff of X                           MANAGEMENT
5      business X       anyone else                          CUSTOMER (created on first contact)
-      any              organization suspended or churned    SUSPENDED (fixed text)
-      unknown number   -                                    UNKNOWN_NUMBER (no reply)
=====  ===============  ==================================  ======================
"""

from __future__ import annotations

import uuid
from collections import namedtuple
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from sqlalchemy import and_, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from messaging.runtime import read_connection, reading
from messaging.spanish.phones import format_phone
from storage import (
    NO_ORGANIZATION,
    Customer,
    Database,
    FlowSession,
    OnboardingKind,
    OnboardingSession,
    Organization,
    OrganizationStatus,
    PermissionLevel,
    Staff,
)
from storage.ids import new_id
from storage.queries import organization_of_number, salons_of_staff_phone


class RouteKind(str, Enum):
    BUSINESS_ONBOARDING = "business_onboarding"
    MANAGEMENT = "management"
    REDIRECT = "redirect"
    STAFF_ONBOARDING = "staff_onboarding"
    CUSTOMER = "customer"
    SUSPENDED = "suspended"
    UNKNOWN_NUMBER = "unknown_number"


@dataclass(frozen=True, slots=True)
class Route:
    kind: RouteKind
    phone: str
    organization_id: uuid.UUID | None = None
    organization_name: str | None = None
    organization_timezone: str | None = None
    staff_id: uuid.UUID | None = None
    staff_name: str | None = None
    customer_id: uuid.UUID | None = None
    customer_name: str | None = None
    #: For REDIRECT and SUSPENDED: the whole answer, no engine involved.
    fixed_reply: str | None = None
    #: Read with the route (one statement) so a turn need not read them again: the staff
    #: member's permission level and whether they have written before, the customer's
    #: verified name, and the organization's profile columns (:class:`OrganizationFacts`).
    staff_level: PermissionLevel | None = None
    staff_has_written: bool = True
    customer_known: bool = False
    customer_name_verified_at: datetime | None = None
    organization: "OrganizationFacts | None" = None
    #: The conversation's flow row in the routed organization (:class:`FlowRow`), read with the
    #: route when routing was given the conversation (``flow_known``); None: there is none.
    flow: "FlowRow | None" = None
    flow_known: bool = False


#: What a turn needs of its conversation's ``flow_sessions`` row (rules/base.py reads it).
FlowRow = namedtuple("FlowRow", "flow_type state last_active_state collected_data last_message_at")


@dataclass(frozen=True, slots=True)
class OrganizationFacts:
    """The organization's columns a turn's business profile needs, read by routing."""

    business_type: str | None
    whatsapp_number: str | None
    catalog_version: int


_FINISHED_ONBOARDING = ("completed",)


def suspended_notice(name: str) -> str:
    return (f"Hola, gracias por escribir a {name}. Por ahora no estamos recibiendo citas por este medio. "
            "Una disculpa por las molestias.")


def redirect_notice(businesses: list[tuple[str, str | None]]) -> str:
    lines = "\n".join(f"• {name}: {format_phone(number)}" if number else f"• {name}" for name, number in businesses)
    return ("¡Hola! Tu número está registrado en varios negocios, así que para no confundirme escríbele "
            f"directamente al WhatsApp de cada uno:\n{lines}")


async def route_message(db: Database, *, business_number: str, phone: str, central_number: str,
                        now: datetime, tenant: uuid.UUID | None = None,
                        conversation_id: uuid.UUID | None = None) -> Route:
    """Decide the route; creates the customer on first contact (its own short write).

    ``tenant``: the organization the message was stored under (its conversation's), which
    the webhook took from the receiving number when it stored it. Given, the number is not
    looked up again: the message is answered by the salon it was written to. ``conversation_id``:
    the conversation's flow row comes with the route (``Route.flow``), in the same statement.
    """
    if business_number == central_number:
        async with db.session() as session:
            route = await _route_central(session, phone)
    elif tenant is not None and tenant != NO_ORGANIZATION:
        async with read_connection(db) as conn:
            route = await _route_business(conn, business_number=business_number, phone=phone, tenant=tenant,
                                          conversation_id=conversation_id)
    else:
        async with reading(db) as session:
            route = await _route_business(session, business_number=business_number, phone=phone)
    if route.kind is RouteKind.CUSTOMER and route.customer_id is None:
        async with db.transaction(write=True) as session:
            customer = await _customer(session, route.organization_id, phone, now)
        route = replace(route, customer_id=customer.id, customer_name=customer.name, customer_known=True,
                        customer_name_verified_at=customer.name_verified_at)
    return route


#: A business number's sender in one round trip (after the number's organization): the
#: organization, the active staff member with this phone (and their onboarding state), the
#: customer with it. Every turn routes, so this was five statements and three ORM entities
#: per turn. Filtered by the organization throughout: one shard on Citus.
_ORG = bindparam("org_id")
_BUSINESS_SENDER = (
    select(Organization.id, Organization.name, Organization.timezone, Organization.status,
           Organization.business_type, Organization.whatsapp_number, Organization.catalog_version,
           Staff.id.label("staff_id"), Staff.name.label("staff_name"), Staff.first_message_at,
           Staff.permission_level, OnboardingSession.state.label("onboarding"),
           Customer.id.label("customer_id"), Customer.name.label("customer_name"), Customer.name_verified_at,
           FlowSession.flow_type, FlowSession.state.label("flow_state"), FlowSession.last_active_state,
           FlowSession.collected_data, FlowSession.last_message_at.label("flow_last_message_at"))
    .select_from(Organization)
    .outerjoin(Staff, and_(Staff.organization_id == Organization.id, Staff.phone_number == bindparam("phone"),
                           Staff.is_active.is_(True)))
    .outerjoin(OnboardingSession, and_(OnboardingSession.organization_id == Organization.id,
                                       OnboardingSession.staff_id == Staff.id))
    .outerjoin(Customer, and_(Customer.organization_id == Organization.id, Customer.phone_number == bindparam("phone")))
    .outerjoin(FlowSession, and_(FlowSession.organization_id == Organization.id,
                                 FlowSession.conversation_id == bindparam("conv", type_=FlowSession.conversation_id.type)))
    .where(Organization.id == _ORG)
    .limit(1)
)


async def _route_business(session, *, business_number: str, phone: str, tenant: uuid.UUID | None = None,
                          conversation_id: uuid.UUID | None = None) -> Route:
    """``session``: an ORM session or, with ``tenant`` known, a Core connection."""
    org_id = tenant or await organization_of_number(session, business_number)
    row = (await session.execute(_BUSINESS_SENDER, {"org_id": org_id, "phone": phone, "conv": conversation_id})
           ).first() if org_id else None
    return _business_route(row, phone, conversation_id is not None)


def _business_route(row, phone: str, flow_known: bool = False) -> Route:
    if row is None:
        return Route(RouteKind.UNKNOWN_NUMBER, phone)
    flow = None if row.flow_type is None else FlowRow(row.flow_type, row.flow_state, row.last_active_state,
                                                      row.collected_data, row.flow_last_message_at)
    base = dict(phone=phone, organization_id=row.id, organization_name=row.name, organization_timezone=row.timezone,
                organization=OrganizationFacts(row.business_type, row.whatsapp_number, row.catalog_version),
                flow=flow, flow_known=flow_known)
    if row.status in (OrganizationStatus.SUSPENDED, OrganizationStatus.CHURNED):
        return Route(RouteKind.SUSPENDED, fixed_reply=suspended_notice(row.name), **base)
    if row.staff_id is not None:
        onboarding = row.onboarding
        first = row.first_message_at is None or (onboarding is not None and onboarding not in _FINISHED_ONBOARDING)
        return Route(RouteKind.STAFF_ONBOARDING if first else RouteKind.MANAGEMENT,
                     staff_id=row.staff_id, staff_name=row.staff_name, staff_level=row.permission_level,
                     staff_has_written=row.first_message_at is not None, **base)
    return Route(RouteKind.CUSTOMER, customer_id=row.customer_id, customer_name=row.customer_name,
                 customer_known=row.customer_id is not None, customer_name_verified_at=row.name_verified_at, **base)


async def _route_central(session: AsyncSession, phone: str) -> Route:
    """Each look-up on one node (Citus): an unfinished business onboarding belongs to no salon
    yet (a finished one moved to the salon it created); staff are found by phone in the
    ``staff_phones`` reference table, then on each salon's own shard."""
    onboarding = await session.scalar(
        select(OnboardingSession).where(OnboardingSession.organization_id == None,  # noqa: E711 (no salon yet)
                                        OnboardingSession.kind == OnboardingKind.BUSINESS,
                                        OnboardingSession.phone_number == phone)
    )
    if onboarding is not None and onboarding.state not in _FINISHED_ONBOARDING:
        return Route(RouteKind.BUSINESS_ONBOARDING, phone, organization_id=onboarding.organization_id)
    rows = []
    for organization_id, staff_id in await salons_of_staff_phone(session, phone):
        found = (await session.execute(
            select(Staff, Organization).join(Organization, Staff.organization_id == Organization.id)
            .where(Organization.id == organization_id, Staff.organization_id == organization_id,
                   Staff.id == staff_id, Staff.phone_number == phone, Staff.is_active.is_(True),
                   Organization.status != OrganizationStatus.CHURNED)
        )).first()
        if found is not None:
            rows.append(found)
    rows.sort(key=lambda row: row[1].name)
    if not rows:
        return Route(RouteKind.BUSINESS_ONBOARDING, phone)
    if len(rows) > 1:
        return Route(RouteKind.REDIRECT, phone,
                     fixed_reply=redirect_notice([(org.name, org.whatsapp_number) for _, org in rows]))
    staff, org = rows[0]
    base = dict(organization_id=org.id, organization_name=org.name, organization_timezone=org.timezone)
    if org.status is OrganizationStatus.SUSPENDED:
        return Route(RouteKind.SUSPENDED, phone, fixed_reply=suspended_notice(org.name), **base)
    return Route(RouteKind.MANAGEMENT, phone, staff_id=staff.id, staff_name=staff.name,
                 staff_level=staff.permission_level, staff_has_written=staff.first_message_at is not None, **base)


@dataclass(frozen=True, slots=True)
class _NewCustomer:
    id: uuid.UUID
    name: str | None
    name_verified_at: datetime | None


async def _customer(session: AsyncSession, organization_id: uuid.UUID, phone: str, now: datetime) -> Customer:
    """The customer with this phone, created on first contact (race-safe: insert or nothing)."""
    values = dict(id=new_id(), organization_id=organization_id, phone_number=phone, profile_data={},
                  accepts_moves=False, created_at=now, updated_at=now)
    insert = (postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert)(Customer)
    created = (await session.execute(insert.values(**values).on_conflict_do_nothing(
        index_elements=[Customer.organization_id, Customer.phone_number]).returning(Customer.id))).first()
    if created is not None:  # the usual first contact: one statement
        return _NewCustomer(created.id, None, None)
    return (await session.scalars(
        select(Customer).where(Customer.organization_id == organization_id, Customer.phone_number == phone)
        .execution_options(populate_existing=True)
    )).one()
