"""Every WhatsApp notification a schedule change causes, queued in the change's transaction.

Rows carry raw facts only (ids, names, ISO-8601 UTC instants, the organization's IANA
zone, centavos); ``messaging/`` renders the Spanish text at delivery. Templates:

| template                   | to                      | when                                        |
|----------------------------|-------------------------|---------------------------------------------|
| ``appointment_confirmation`` | customer              | a visit is booked (unless the caller opts out) |
| ``new_booking``            | owners and admins       | a visit is booked (not to the one who booked)  |
| ``appointment_rescheduled`` | customer               | staff moved the visit                         |
| ``appointment_cancelled``  | customer                | cancelled, and the canceller asked to notify  |
| ``customer_cancelled``     | owners and admins       | the customer cancelled                        |
| ``customer_rescheduled``   | owners and admins       | the customer moved their visit (old and new time) |
| ``plan_limit_reached``     | the owner               | the free plan's monthly bookings are passed (once a month) |

Visit variables: ``appointment_id`` (first), ``appointment_ids``, ``booking_group_id``,
``service_name`` (first), ``service_names``, ``staff_name`` (first), ``staff_names``,
``start``/``end`` (ISO UTC), ``timezone``, ``price_cents`` (visit total), ``customer_name``,
``customer_phone``, ``organization_name``, ``location_name``, ``group_size``, ``source``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.outbox import enqueue
from storage import (
    ActivityEvent,
    Appointment,
    Customer,
    Location,
    Organization,
    PermissionLevel,
    ServiceType,
    Staff,
)
from storage.ids import new_id

#: A walk-in without a phone gets its own customer row whose "phone" is this prefix plus a
#: random suffix (the column is required and unique per organization); never messaged.
NO_PHONE_PREFIX = "sin-tel-"


def no_phone_placeholder() -> str:
    return NO_PHONE_PREFIX + uuid.uuid4().hex[:12]


def has_phone(customer: Customer) -> bool:
    return not customer.phone_number.startswith(NO_PHONE_PREFIX)


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def visit_facts(
    *,
    organization: Organization,
    location: Location | None,
    customer: Customer,
    appointments: Sequence[Appointment],
    services: dict[uuid.UUID, ServiceType],
    staff: dict[uuid.UUID, Staff],
) -> dict[str, Any]:
    ordered = sorted(appointments, key=lambda a: (a.starts_at, str(a.staff_id)))
    service_names = [services[a.service_type_id].name if a.service_type_id in services else "" for a in ordered]
    staff_names = [staff[a.staff_id].name if a.staff_id in staff else "" for a in ordered]
    first = ordered[0]
    return {
        "appointment_id": str(first.id),
        "appointment_ids": [str(a.id) for a in ordered],
        "booking_group_id": str(first.booking_group_id) if first.booking_group_id else None,
        "service_name": service_names[0],
        "service_names": list(dict.fromkeys(service_names)),
        "staff_name": staff_names[0],
        "staff_names": list(dict.fromkeys(staff_names)),
        "start": _iso(min(a.starts_at for a in ordered)),
        "end": _iso(max(a.ends_at for a in ordered)),
        "timezone": organization.timezone,
        "price_cents": sum(a.price_cents for a in ordered),
        "customer_name": customer.name,
        "customer_phone": customer.phone_number if has_phone(customer) else None,
        "organization_name": organization.name,
        "location_name": location.name if location is not None else None,
        "group_size": sum(1 for a in ordered if a.service_type_id == first.service_type_id),
        "source": str(first.source),
    }


async def managers(session: AsyncSession, organization_id: uuid.UUID,
                   known_staff: Iterable[Staff] = ()) -> list[Staff]:
    """Active owners and admins: who hears about bookings and cancellations.

    ``known_staff`` (a snapshot's) saves the query when an owner is among them.
    """
    known = [m for m in known_staff if m.is_active and m.permission_level in (PermissionLevel.OWNER,
                                                                                PermissionLevel.ADMIN)]
    if any(m.permission_level is PermissionLevel.OWNER for m in known):
        return sorted(known, key=lambda m: (m.permission_level is not PermissionLevel.OWNER, m.created_at, str(m.id)))
    rows = await session.scalars(
        select(Staff)
        .where(
            Staff.organization_id == organization_id,
            Staff.is_active,
            Staff.permission_level.in_((PermissionLevel.OWNER, PermissionLevel.ADMIN)),
        )
        .order_by(Staff.permission_level.desc(), Staff.created_at, Staff.id)
    )
    return list(rows)


async def notice_recipients(session: AsyncSession, organization: Organization,
                            known_staff: Iterable[Staff] = ()) -> list[Staff]:
    """Who hears the owner's notices (bookings, cancellations, the daily summary): the owners,
    and the admins the owner listed in ``settings["notify_admin_ids"]`` (spec: admins opt in)."""
    chosen = {str(i) for i in (organization.settings or {}).get("notify_admin_ids") or ()}
    return [m for m in await managers(session, organization.id, known_staff)
            if m.permission_level is PermissionLevel.OWNER or str(m.id) in chosen]


def _to_customer(
    session: AsyncSession, *, now: datetime, customer: Customer, organization: Organization,
    template: str, facts: dict[str, Any], dedupe: str,
) -> None:
    if not has_phone(customer):
        return
    enqueue(
        session, now=now, to=customer.phone_number, organization_id=organization.id, kind="notification",
        template_name=template, variables=facts, dedupe_key=dedupe,
        appointment_id=uuid.UUID(facts["appointment_id"]), from_number=organization.whatsapp_number,
    )


def _to_managers(
    session: AsyncSession, *, now: datetime, organization: Organization, recipients: Sequence[Staff],
    template: str, facts: dict[str, Any], dedupe: str, except_staff_id: uuid.UUID | None,
) -> None:
    for member in recipients:
        if member.id == except_staff_id:
            continue
        enqueue(
            session, now=now, to=member.phone_number, organization_id=organization.id, kind="notification",
            template_name=template, variables={**facts, "recipient_staff_id": str(member.id)},
            dedupe_key=f"{dedupe}:{member.id}", appointment_id=uuid.UUID(facts["appointment_id"]),
            from_number=organization.whatsapp_number,
        )


async def visit_booked(
    session: AsyncSession, *, now: datetime, organization: Organization, customer: Customer,
    facts: dict[str, Any], notify_customer: bool, booked_by_staff_id: uuid.UUID | None,
    known_staff: Iterable[Staff] = (),
) -> None:
    key = facts["appointment_id"]
    if notify_customer:
        _to_customer(session, now=now, customer=customer, organization=organization,
                     template="appointment_confirmation", facts=facts, dedupe=f"appointment_confirmation:{key}")
    _to_managers(session, now=now, organization=organization, recipients=await notice_recipients(session, organization, known_staff),
                 template="new_booking", facts=facts, dedupe=f"new_booking:{key}", except_staff_id=booked_by_staff_id)


def visit_rescheduled(
    session: AsyncSession, *, now: datetime, organization: Organization, customer: Customer,
    facts: dict[str, Any], previous_start: datetime,
) -> None:
    """Every move is its own notice: a visit moved there, away and back again is told each time
    (a key made of the new start alone collided on the way back and aborted the move)."""
    facts = {**facts, "previous_start": _iso(previous_start)}
    move = uuid.uuid4().hex[:12]
    _to_customer(session, now=now, customer=customer, organization=organization, template="appointment_rescheduled",
                 facts=facts, dedupe=f"appointment_rescheduled:{facts['appointment_id']}:{facts['start']}:{move}")


async def customer_rescheduled(
    session: AsyncSession, *, now: datetime, organization: Organization, facts: dict[str, Any],
    previous_start: datetime, known_staff: Iterable[Staff] = (),
) -> None:
    """The owner hears about a customer's move as about a booking or a cancel: old and new time.
    Every move is its own notice (see :func:`visit_rescheduled`)."""
    facts = {**facts, "previous_start": _iso(previous_start)}
    move = uuid.uuid4().hex[:12]
    _to_managers(session, now=now, organization=organization,
                 recipients=await notice_recipients(session, organization, known_staff),
                 template="customer_rescheduled", facts=facts,
                 dedupe=f"customer_rescheduled:{facts['appointment_id']}:{move}", except_staff_id=None)


async def appointment_cancelled(
    session: AsyncSession, *, now: datetime, organization: Organization, customer: Customer,
    facts: dict[str, Any], reason: str | None, notify_customer: bool, by_customer: bool,
) -> None:
    facts = {**facts, "reason": reason}
    key = facts["appointment_id"]
    if notify_customer and not by_customer:
        _to_customer(session, now=now, customer=customer, organization=organization,
                     template="appointment_cancelled", facts=facts, dedupe=f"appointment_cancelled:{key}")
    if by_customer:
        _to_managers(session, now=now, organization=organization,
                     recipients=await notice_recipients(session, organization), template="customer_cancelled",
                     facts=facts, dedupe=f"customer_cancelled:{key}", except_staff_id=None)


async def plan_limit_reached(
    session: AsyncSession, *, now: datetime, organization: Organization, month: str, used: int, limit: int,
) -> None:
    """One warning per organization and month; a concurrent duplicate is dropped, not an error."""
    dedupe = f"plan_limit:{organization.id}:{month}"
    owners = await managers(session, organization.id)
    owner = next((m for m in owners if m.permission_level is PermissionLevel.OWNER), owners[0] if owners else None)
    if owner is None:
        return
    try:
        async with session.begin_nested():
            enqueue(
                session, now=now, to=owner.phone_number, organization_id=organization.id, kind="notification",
                template_name="plan_limit_reached", dedupe_key=dedupe, from_number=None,
                variables={"organization_name": organization.name, "month": month, "bookings_used": used,
                           "limit": limit, "plan": organization.plan, "timezone": organization.timezone},
            )
            await session.flush()
    except IntegrityError:
        pass  # already queued this month


def activity(
    session: AsyncSession, *, now: datetime, organization: Organization, kind: str, summary: str,
    subject_id: uuid.UUID | None, data: dict[str, Any],
) -> None:
    session.add(ActivityEvent(id=new_id(), organization_id=organization.id, kind=kind, summary=summary,
                              subject_id=subject_id, data=data, created_at=now))
