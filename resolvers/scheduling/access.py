"""Who may touch what, and the input checks every scheduling use case shares.

Ids are always looked up *within the actor's organization*: an id from another tenant is
indistinguishable from one that does not exist (NotFound, never PermissionDenied).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.context import Actor, ActorKind, Context
from resolvers.errors import NotAuthenticated, NotFound, Problem, Suspended, ValidationError
from resolvers.permissions import Permission, check
from resolvers.phones import InvalidPhone, normalise_phone
from resolvers.scheduling.rules import MAX_RANGE_DAYS
from storage import ACTIVE_STATUSES, Appointment, Customer, Location, Organization, OrganizationStatus
from storage.queries import get_in

NO_ORGANIZATION = ValidationError("Primero elige un negocio.", field="organizationId")
APPOINTMENT_NOT_FOUND = NotFound("No encontré esa cita.")
SERVICE_NOT_FOUND = NotFound("No encontré ese servicio.")
STAFF_NOT_FOUND = NotFound("No encontré a esa persona del equipo.")
SPOT_NOT_FOUND = NotFound("No encontré ese lugar.")
LOCATION_NOT_FOUND = NotFound("No encontré esa sucursal.")
BLOCK_NOT_FOUND = NotFound("No encontré ese bloqueo.")


def organization_id(ctx: Context) -> uuid.UUID | Problem:
    actor = ctx.actor
    if actor.kind is ActorKind.ANONYMOUS:
        return NotAuthenticated()
    if actor.organization_id is None:
        return NO_ORGANIZATION
    return actor.organization_id


def allowed(actor: Actor, permission: Permission) -> Problem | None:
    """The matrix for staff; customers have no management permissions."""
    return check(actor, permission)


def owns(actor: Actor, appointment: Appointment) -> bool:
    """Whether a customer actor may see this appointment (staff/system/admin always may)."""
    return not actor.is_customer or appointment.customer_id == actor.customer_id


async def load_organization(session: AsyncSession, org_id: uuid.UUID, *, for_write: bool) -> Organization | Problem:
    org = await session.get(Organization, org_id)
    if org is None:
        return NotFound("No encontré ese negocio.")
    if for_write and org.status is OrganizationStatus.SUSPENDED:
        return Suspended()
    return org


async def load_location(session: AsyncSession, org_id: uuid.UUID, location_id: uuid.UUID | None) -> Location | Problem:
    """The given location of this organization, or its primary (else its oldest active) one."""
    if location_id is not None:
        location = await get_in(session, Location, org_id, location_id)
        if location is None or location.organization_id != org_id:
            return LOCATION_NOT_FOUND
        return location
    locations = (
        await session.scalars(
            select(Location)
            .where(Location.organization_id == org_id, Location.is_active)
            .order_by(Location.is_primary.desc(), Location.created_at, Location.id)
            .limit(1)
        )
    ).all()
    if not locations:
        return ValidationError("Tu negocio todavía no tiene sucursal con horario.", field="locationId")
    return locations[0]


# Built once (bind parameters): see snapshot.py on what building a statement costs.
_PLACE_GIVEN = (select(Organization, Location)
                .outerjoin(Location, and_(Location.organization_id == Organization.id,
                                          Location.id == bindparam("location_id")))
                .where(Organization.id == bindparam("org_id")).limit(1))
_PLACE_PRIMARY = (select(Organization, Location)
                  .outerjoin(Location, and_(Location.organization_id == Organization.id, Location.is_active))
                  .where(Organization.id == bindparam("org_id"))
                  .order_by(Location.is_primary.desc(), Location.created_at, Location.id).limit(1))


_CUSTOMER_ON = {
    "phone": and_(Customer.organization_id == Organization.id, Customer.phone_number == bindparam("phone")),
    "id": and_(Customer.organization_id == Organization.id, Customer.id == bindparam("customer_id")),
}


@cache
def _place_and_customer(location_given: bool, customer_by: str):
    """The place statement with the customer (by phone or by id) outer-joined: 0 or 1 row each."""
    base = _PLACE_GIVEN if location_given else _PLACE_PRIMARY
    return base.add_columns(Customer).outerjoin(Customer, _CUSTOMER_ON[customer_by])


async def load_place(
    session: AsyncSession, org_id: uuid.UUID, location_id: uuid.UUID | None, *, for_write: bool
) -> tuple[Organization, Location] | Problem:
    """`load_organization` then `load_location`, with the same answers, in one round trip.

    The location is outer-joined, so a missing organization and a missing location are
    still told apart (the organization's problem first, as before).
    """
    params = {"org_id": org_id}
    if location_id is not None:
        params["location_id"] = location_id
    row = (await session.execute(_PLACE_GIVEN if location_id is not None else _PLACE_PRIMARY, params)).first()
    return _place(row, location_id, for_write=for_write)


async def load_place_and_customer(
    session: AsyncSession, org_id: uuid.UUID, location_id: uuid.UUID | None, *, for_write: bool,
    phone: str | None = None, customer_id: uuid.UUID | None = None,
) -> tuple[Organization, Location, Customer | None] | Problem:
    """`load_place` plus the organization's customer with this phone (or id), still one round
    trip: a booking needs all three, and None means "no such customer (yet)"."""
    params: dict = {"org_id": org_id}
    if location_id is not None:
        params["location_id"] = location_id
    if customer_id is not None:
        params["customer_id"] = customer_id
    else:
        params["phone"] = phone
    query = _place_and_customer(location_id is not None, "id" if customer_id is not None else "phone")
    row = (await session.execute(query, params)).first()
    place = _place(row[:2] if row is not None else None, location_id, for_write=for_write)
    if not isinstance(place, tuple):
        return place
    return (*place, row[2])


def _place(row, location_id: uuid.UUID | None, *, for_write: bool) -> tuple[Organization, Location] | Problem:
    if row is None:
        return NotFound("No encontré ese negocio.")
    organization, location = row
    if for_write and organization.status is OrganizationStatus.SUSPENDED:
        return Suspended()
    if location is None:
        if location_id is not None:
            return LOCATION_NOT_FOUND
        return ValidationError("Tu negocio todavía no tiene sucursal con horario.", field="locationId")
    return organization, location


async def load_appointment(session: AsyncSession, ctx: Context, appointment_id: uuid.UUID) -> Appointment | Problem:
    org_id = ctx.actor.organization_id
    appointment = None if org_id is None else await session.scalar(  # by tenant and id: one shard on Citus
        select(Appointment).where(Appointment.organization_id == org_id, Appointment.id == appointment_id))
    if appointment is None:
        return APPOINTMENT_NOT_FOUND
    if not owns(ctx.actor, appointment):
        return APPOINTMENT_NOT_FOUND
    return appointment


async def visit_of(session: AsyncSession, appointment: Appointment) -> list[Appointment]:
    """The appointment and the other active ones of its booking group: a visit moves as one."""
    if appointment.booking_group_id is None:
        return [appointment]
    rows = await session.scalars(
        select(Appointment).where(
            Appointment.organization_id == appointment.organization_id,
            Appointment.booking_group_id == appointment.booking_group_id,
            Appointment.status.in_(ACTIVE_STATUSES),
        )
    )
    return sorted(rows, key=lambda a: (a.starts_at, str(a.id)))


async def lock_appointments(session: AsyncSession, org_id: uuid.UUID,
                            appointment_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Appointment]:
    """The organization's appointments with these ids, locked until the transaction ends, as they are now.

    Every change to an appointment (cancel, move, mark, notes, a re-plan) reads it through
    here, then checks its status: of two changes racing for one appointment, the second waits
    for the first to commit and then sees what it did (a cancelled visit is not moved into a
    "ghost" that holds its old stylist's time forever). PostgreSQL: ``SELECT … FOR UPDATE``,
    in id order so two lockers of several rows cannot deadlock. SQLite: the write
    transaction (``BEGIN IMMEDIATE``) already holds the whole database; the read is fresh.
    ``populate_existing`` drops whatever the session had read before the lock.
    """
    ids = sorted(set(appointment_ids), key=str)
    if not ids:
        return {}
    query = (select(Appointment).where(Appointment.organization_id == org_id, Appointment.id.in_(ids))
             .order_by(Appointment.id).execution_options(populate_existing=True))
    if session.bind.dialect.name == "postgresql":
        query = query.with_for_update()
    return {a.id: a for a in await session.scalars(query)}


async def lock_appointment(session: AsyncSession, ctx: Context, appointment_id: uuid.UUID) -> Appointment | Problem:
    """:func:`load_appointment` with the row locked (see :func:`lock_appointments`)."""
    org_id = ctx.actor.organization_id
    if org_id is None:
        return APPOINTMENT_NOT_FOUND
    appointment = (await lock_appointments(session, org_id, [appointment_id])).get(appointment_id)
    if appointment is None or not owns(ctx.actor, appointment):
        return APPOINTMENT_NOT_FOUND
    return appointment


def check_instant(value: datetime, field: str) -> ValidationError | None:
    if value.tzinfo is None or value.utcoffset() is None:
        return ValidationError("La hora necesita zona horaria (por ejemplo -06:00).", field=field)
    return None


def check_range(start: datetime, end: datetime, *, start_field: str = "from", end_field: str = "to",
                max_days: int = MAX_RANGE_DAYS) -> ValidationError | None:
    problem = check_instant(start, start_field) or check_instant(end, end_field)
    if problem:
        return problem
    if end <= start:
        return ValidationError("El final tiene que ser después del inicio.", field=end_field)
    if end - start > timedelta(days=max_days):
        return ValidationError(f"El rango es demasiado largo: máximo {max_days} días.", field=end_field)
    return None


def phone_or_problem(raw: str, field: str = "customerPhone") -> str | ValidationError:
    try:
        return normalise_phone(raw)
    except InvalidPhone as exc:
        return ValidationError(str(exc), field=field)
