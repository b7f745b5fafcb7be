"""Appointments as the customer sees them: a visit (one booking group, one customer) with its facts.

A multi-service visit is several appointment rows; the customer gets one reminder, one
rating request, one invitation for it, keyed on the visit (booking group, else the
appointment) and told with the same raw facts the booking notices carry.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.scheduling.notices import has_phone, visit_facts
from storage import Appointment, AppointmentStatus, Customer, Location, Organization, ServiceType, Staff
from storage.queries import ALL_SALONS

#: Appointments that are still going to happen.
UPCOMING = (AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED)


@dataclass(frozen=True, slots=True)
class Visit:
    key: str
    organization: Organization
    customer: Customer
    appointments: tuple[Appointment, ...]
    facts: dict[str, Any]

    @property
    def starts_at(self) -> datetime:
        return min(a.starts_at for a in self.appointments)

    @property
    def ends_at(self) -> datetime:
        return max(a.ends_at for a in self.appointments)

    @property
    def booked_at(self) -> datetime:
        return min(a.created_at for a in self.appointments)

    @property
    def changed_at(self) -> datetime:
        """When it was last booked or moved (a move sets ``updated_at``)."""
        return max(max(a.created_at, a.updated_at or a.created_at) for a in self.appointments)

    @property
    def first(self) -> Appointment:
        return min(self.appointments, key=lambda a: (a.starts_at, str(a.id)))


def visit_key(appointment: Appointment) -> str:
    return str(appointment.booking_group_id or appointment.id)


async def _by_id(session: AsyncSession, model: Any, ids: Iterable[uuid.UUID | None],
                 organization_ids: set[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """Rows by id, within the appointments' salons: one shard on Citus when they are one salon's;
    a periodic dispatch over many salons reads theirs in one statement (a sweep, marked so)."""
    wanted = list({i for i in ids if i is not None})
    if not wanted:
        return {}
    query = select(model).where(model.organization_id.in_(organization_ids), model.id.in_(wanted))
    if len(organization_ids) > 1:
        query = query.prefix_with(ALL_SALONS)
    return {row.id: row for row in (await session.scalars(query)).all()}


async def with_whole_groups(session: AsyncSession, found: Sequence[Appointment],
                            statuses: Sequence[AppointmentStatus]) -> list[Appointment]:
    """``found`` plus the other appointments of their booking groups (a visit starts with its first)."""
    groups = {a.booking_group_id for a in found if a.booking_group_id is not None}
    if not groups:
        return list(found)
    rows = {a.id: a for a in found}
    salons = {a.organization_id for a in found if a.booking_group_id is not None}
    query = select(Appointment).where(Appointment.organization_id.in_(salons), Appointment.booking_group_id.in_(groups),
                                      Appointment.status.in_(statuses))
    for a in (await session.scalars(query.prefix_with(ALL_SALONS) if len(salons) > 1 else query)).all():
        rows.setdefault(a.id, a)
    return list(rows.values())


async def visits_of(session: AsyncSession, appointments: Sequence[Appointment],
                    organizations: dict[uuid.UUID, Organization]) -> list[Visit]:
    """Group rows into visits and load what their messages say; customers without a phone are left out."""
    grouped: dict[tuple[str, uuid.UUID], list[Appointment]] = defaultdict(list)
    for a in appointments:
        if a.organization_id in organizations:
            grouped[(visit_key(a), a.customer_id)].append(a)
    if not grouped:
        return []
    salons = {a.organization_id for a in appointments}
    customers = await _by_id(session, Customer, (a.customer_id for a in appointments), salons)
    services = await _by_id(session, ServiceType, (a.service_type_id for a in appointments), salons)
    staff = await _by_id(session, Staff, (a.staff_id for a in appointments), salons)
    locations = await _by_id(session, Location, (a.location_id for a in appointments), salons)
    visits = []
    for (key, customer_id), rows in grouped.items():
        customer = customers.get(customer_id)
        if customer is None or not has_phone(customer):
            continue
        organization = organizations[rows[0].organization_id]
        first = min(rows, key=lambda a: (a.starts_at, str(a.id)))
        location = locations.get(first.location_id)
        facts = visit_facts(organization=organization, location=location, customer=customer, appointments=rows,
                            services=services, staff=staff)
        if location is not None and location.address:
            facts["address"] = location.address
        visits.append(Visit(key=key, organization=organization, customer=customer, appointments=tuple(rows),
                            facts=facts))
    return sorted(visits, key=lambda v: (v.starts_at, v.key))
