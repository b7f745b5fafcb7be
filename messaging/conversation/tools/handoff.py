"""Tools the GraphQL schema has no operation for yet, run as use cases with the same rules.

- ``update_my_name``: a customer confirms their own name (``updateCustomer`` refuses customers).
- ``handoff_to_human``: the owner gets the customer's phone and question (outbox), and the
  conversation goes quiet (``HANDED_OFF``) until staff hand it back or 24 hours pass.
- ``send_message_to_customer``: staff write to a customer of *their* business (outbox).
- ``send_staff_welcome``: the welcome template to a newly added staff member.
- ``stats``: this month's figures for owners and admins.
- ``answer_waitlist_offer``: the customer's "sí" or "no" to the offer standing for them
  ("se liberó un lugar … ¿lo quieres?"), through ``accept_waitlist_offer`` /
  ``decline_waitlist_offer``, as the rule engine answers it.

Each checks the actor itself (customer → own row; staff → the permission matrix) exactly
as a resolver would; move them into resolvers/ + schema/ when those operations exist.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from resolvers.context import ActorKind
from resolvers.errors import Problem
from resolvers.outbox import enqueue
from resolvers.permissions import Permission, check
from resolvers.phones import InvalidPhone, normalise_phone
from resolvers.rebooking import accept_waitlist_offer, decline_waitlist_offer, my_waitlist_offer
from resolvers.reviews import rate_recent_visit
from storage import (
    Conversation,
    ConversationStatus,
    Customer,
    Organization,
    Staff,
)

from .base import InvalidArguments, ToolContext, ToolResult, iso_local
from .results import Appointment, HandedBack, HandedOff, MessageSent, NameSaved, Rated, WaitlistAnswered

#: How long Parlo stays quiet after a handoff unless staff hand the conversation back.
HANDOFF_QUIET = timedelta(hours=24)
MAX_MESSAGE = 1000


async def update_my_name(tc: ToolContext, args: dict[str, Any]) -> ToolResult[NameSaved]:
    actor = tc.ctx.actor
    if actor.kind is not ActorKind.CUSTOMER:
        return ToolResult(False, message="Solo el cliente puede cambiar su propio nombre.", problem="PermissionDenied")
    name = " ".join(str(args.get("name") or "").split())[:120]
    if len(name) < 2:
        raise InvalidArguments("¿Me repites tu nombre?")
    now = tc.now()
    async with tc.ctx.db.transaction(write=True) as session:
        await session.execute(update(Customer).where(Customer.id == actor.customer_id,
                                                     Customer.organization_id == actor.organization_id)
                              .values(name=name, name_verified_at=now, updated_at=now))
    return ToolResult(True, NameSaved(name))


async def rate_my_visit(tc: ToolContext, args: dict[str, Any]) -> ToolResult[Rated]:
    """The customer's answer to the review request: a 1–5 rating and, optionally, words."""
    raw = args.get("rating")
    if raw is not None and (isinstance(raw, bool) or not isinstance(raw, int)):
        raise InvalidArguments("La calificación va del 1 al 5.")
    result = await rate_recent_visit(tc.ctx, raw, feedback=args.get("feedback"))
    if isinstance(result, Problem):
        return ToolResult(False, message=result.message, problem=result.code)
    return ToolResult(True, Rated(str(result.appointment_id), result.rating, result.feedback))


NO_OFFER = "No tienes ningún lugar ofrecido de la lista de espera ahora mismo."


async def answer_waitlist_offer(tc: ToolContext, args: dict[str, Any]) -> ToolResult[WaitlistAnswered]:
    """The customer's answer to the waitlist offer standing for them: accept books the offered time
    (re-checked: someone may have taken it, then SlotTaken with alternatives), decline passes it on."""
    actor = tc.ctx.actor
    if actor.kind is not ActorKind.CUSTOMER:
        return ToolResult(False, message="Solo el cliente puede contestar su lugar ofrecido.",
                          problem="PermissionDenied")
    accept = args.get("accept")
    if not isinstance(accept, bool):
        raise InvalidArguments("Dime si el cliente quiere el lugar (accept: true) o no (accept: false).")
    entry = await my_waitlist_offer(tc.ctx)
    if entry is None:
        return ToolResult(False, message=NO_OFFER, problem="NotFound")
    if not accept:
        declined = await decline_waitlist_offer(tc.ctx, entry.id)
        if isinstance(declined, Problem):
            return ToolResult(False, message=declined.message, problem=declined.code)
        return ToolResult(True, WaitlistAnswered(False))
    booked = await accept_waitlist_offer(tc.ctx, entry.id)
    if isinstance(booked, Problem):
        alternatives = getattr(booked, "alternatives", None)
        return ToolResult(False, message=booked.message, problem=booked.code, alternatives=tuple(
            sorted({iso_local(a.start, tc.zone) for a in alternatives})[:5]) if alternatives is not None else None)
    customer = booked.customer
    return ToolResult(True, WaitlistAnswered(True, tuple(_booked_facts(tc, a, customer) for a in booked.appointments)))


def _booked_facts(tc: ToolContext, a: Any, customer: Customer | None) -> Appointment:
    """A booked storage row as the model reads appointments (names from the business profile)."""
    service = tc.profile.service(a.service_type_id) if tc.profile else None
    staff = tc.profile.member(a.staff_id) if tc.profile and a.staff_id else None
    return Appointment(
        appointment_id=str(a.id), start=iso_local(a.starts_at, tc.zone), end=iso_local(a.ends_at, tc.zone),
        status=a.status.value.lower(), service=service.name if service else None, service_id=str(a.service_type_id),
        price_cents=a.price_cents, staff=staff.name if staff else None,
        staff_id=str(a.staff_id) if a.staff_id else None, customer=customer.name if customer else None,
        customer_phone=customer.phone_number if customer else None,
        customer_id=str(customer.id) if customer else None)


async def handoff_to_human(tc: ToolContext, args: dict[str, Any]) -> ToolResult[HandedOff]:
    actor = tc.ctx.actor
    if actor.kind is not ActorKind.CUSTOMER or tc.profile is None:
        return ToolResult(False, message="Solo para conversaciones con clientes.", problem="PermissionDenied")
    owner = tc.profile.owner
    reason = " ".join(str(args.get("reason") or "").split())[:500] or "quiere hablar con alguien del equipo"
    now = tc.now()
    async with tc.ctx.db.transaction(write=True) as session:
        customer = await session.scalar(select(Customer).where(Customer.id == actor.customer_id,
                                                               Customer.organization_id == actor.organization_id))
        if owner is not None:
            # A template, not free text: the owner may not have written to Parlo in 24 hours.
            enqueue(session, now=now, to=owner.phone, organization_id=actor.organization_id, kind="handoff",
                    template_name="handoff_request", from_number=tc.profile.whatsapp_number,
                    variables={"customer_name": customer.name if customer else None, "reason": reason,
                               "customer_phone": actor.phone or (customer.phone_number if customer else None),
                               "business_name": tc.profile.name})
        if tc.conversation_id is not None:
            await session.execute(update(Conversation).where(Conversation.id == tc.conversation_id)
                                  .values(status=ConversationStatus.HANDED_OFF,
                                          handed_off_until=now + HANDOFF_QUIET, updated_at=now))
    await tc.ctx.outbox_written()
    return ToolResult(True, HandedOff(owner.name if owner else None, (now + HANDOFF_QUIET).isoformat()))


async def send_message_to_customer(tc: ToolContext, args: dict[str, Any]) -> ToolResult[MessageSent]:
    if denied := check(tc.ctx.actor, Permission.MESSAGE_CUSTOMERS):
        return ToolResult(False, message=denied.message, problem=type(denied).__name__)
    try:
        phone = normalise_phone(str(args.get("customer_phone") or ""))
    except InvalidPhone as exc:
        raise InvalidArguments(str(exc)) from exc
    text = str(args.get("message") or "").strip()[:MAX_MESSAGE]
    if not text:
        raise InvalidArguments("¿Qué le digo?")
    org_id = tc.ctx.actor.organization_id
    now = tc.now()
    async with tc.ctx.db.transaction(write=True) as session:
        customer = await session.scalar(select(Customer).where(Customer.organization_id == org_id,
                                                               Customer.phone_number == phone))
        if customer is None:
            return ToolResult(False, message="No encontré a ese cliente en tu negocio.", problem="NotFound")
        number = await session.scalar(select(Organization.whatsapp_number).where(Organization.id == org_id))
        enqueue(session, now=now, to=phone, organization_id=org_id, kind="staff_message", body=text,
                from_number=number)
    await tc.ctx.outbox_written()
    return ToolResult(True, MessageSent(customer.name or phone, text))


async def send_staff_welcome(tc: ToolContext, args: dict[str, Any]) -> ToolResult[MessageSent]:
    if denied := check(tc.ctx.actor, Permission.MANAGE_STAFF):
        return ToolResult(False, message=denied.message, problem=type(denied).__name__)
    org_id = tc.ctx.actor.organization_id
    now = tc.now()
    async with tc.ctx.db.transaction(write=True) as session:
        staff = await session.scalar(select(Staff).where(Staff.organization_id == org_id,
                                                         Staff.id == _as_uuid(args.get("staff_id"))))
        if staff is None:
            return ToolResult(False, message="No encontré a esa persona en tu equipo.", problem="NotFound")
        org = await session.get(Organization, org_id)
        enqueue(session, now=now, to=staff.phone_number, organization_id=org_id, kind="employee_welcome",
                template_name="employee_welcome",
                variables={"business_name": org.name, "staff_name": staff.name.split()[0],
                           "business_number": org.whatsapp_number},
                from_number=org.whatsapp_number, dedupe_key=f"welcome:{staff.id}")
    await tc.ctx.outbox_written()
    return ToolResult(True, MessageSent(staff.name))


def _as_uuid(value: Any):
    import uuid

    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError) as exc:
        raise InvalidArguments("Ese empleado no es válido.") from exc


async def hand_back(tc: ToolContext, args: dict[str, Any]) -> ToolResult[HandedBack]:
    """Staff are done with a handed-off customer: Parlo answers them again."""
    if denied := check(tc.ctx.actor, Permission.MESSAGE_CUSTOMERS):
        return ToolResult(False, message=denied.message, problem=type(denied).__name__)
    try:
        phone = normalise_phone(str(args.get("customer_phone") or ""))
    except InvalidPhone as exc:
        raise InvalidArguments(str(exc)) from exc
    now = tc.now()
    async with tc.ctx.db.transaction(write=True) as session:
        changed = await session.execute(
            update(Conversation).where(Conversation.organization_id == tc.ctx.actor.organization_id,
                                       Conversation.phone_number == phone,
                                       Conversation.status == ConversationStatus.HANDED_OFF)
            .values(status=ConversationStatus.ACTIVE, handed_off_until=None, updated_at=now))
    if changed.rowcount == 0:
        return ToolResult(False, message="No tengo ninguna conversación pendiente con ese número.", problem="NotFound")
    return ToolResult(True, HandedBack(phone))
