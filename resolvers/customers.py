"""The salon's clients: find them, read their history, keep their name and notes.

A customer actor (someone writing on WhatsApp) sees only themselves.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from resolvers.context import Context
from resolvers.errors import Conflict, NotFound, PermissionDenied, Problem
from resolvers.input_checks import clean_name, clean_phone, is_referenced, optional_text
from resolvers.pagination import Page, page_of, page_window, read_page
from resolvers.permissions import Permission
from resolvers.scope import authorize, organization_of
from storage import Appointment, Customer

CUSTOMER_NOT_FOUND = NotFound("No encontré a ese cliente.")


@dataclass(frozen=True, slots=True)
class CustomerDraft:
    phone: str
    name: str | None = None
    notes: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class CustomerChanges:
    name: str | None = None
    notes: str | None = None
    email: str | None = None
    accepts_moves: bool | None = None


def _search_filter(search: str):
    term = search.strip().lower()
    digits = re.sub(r"\D", "", term)
    conditions = [func.lower(Customer.name).contains(term, autoescape=True)]
    if len(digits) >= 3:
        conditions.append(Customer.phone_number.contains(digits, autoescape=True))
    return or_(*conditions)


async def list_customers(ctx: Context, *, search: str | None = None, first: int | None = None,
                         after: str | None = None) -> Page[Customer] | Problem:
    window = page_window(first, after)
    if isinstance(window, Problem):
        return window
    offset, limit = window
    if ctx.actor.is_customer:
        own = await get_customer(ctx, ctx.actor.customer_id)
        mine = [own] if isinstance(own, Customer) else []
        return page_of(mine if offset == 0 else [], offset, limit, len(mine))
    organization_id = authorize(ctx, Permission.VIEW_CUSTOMERS)
    if isinstance(organization_id, Problem):
        return organization_id
    query = select(Customer).where(Customer.organization_id == organization_id)
    if search and search.strip():
        query = query.where(_search_filter(search))
    query = query.order_by(Customer.name.is_(None), func.lower(Customer.name), Customer.id)
    async with ctx.db.session() as session:
        return await read_page(session, query, offset, limit)


async def get_customer(ctx: Context, customer_id: uuid.UUID | None) -> Customer | Problem:
    organization_id = organization_of(ctx.actor)
    if isinstance(organization_id, Problem):
        return organization_id
    if ctx.actor.is_customer:
        if customer_id != ctx.actor.customer_id:
            return CUSTOMER_NOT_FOUND
    else:
        organization_id = authorize(ctx, Permission.VIEW_CUSTOMERS)
        if isinstance(organization_id, Problem):
            return organization_id
    async with ctx.db.session() as session:
        customer = await session.scalar(select(Customer).where(
            Customer.id == customer_id, Customer.organization_id == organization_id))
    return customer if customer is not None else CUSTOMER_NOT_FOUND


async def create_customer(ctx: Context, draft: CustomerDraft) -> Customer | Problem:
    organization_id = authorize(ctx, Permission.EDIT_CUSTOMERS)
    if isinstance(organization_id, Problem):
        return organization_id
    phone = clean_phone(draft.phone)
    if isinstance(phone, Problem):
        return phone
    name = clean_name(draft.name, field="name", label="el nombre") if draft.name else None
    if isinstance(name, Problem):
        return name
    now = ctx.now()
    async with ctx.db.transaction(write=True) as session:
        existing = await session.scalar(select(Customer.id).where(
            Customer.organization_id == organization_id, Customer.phone_number == phone))
        if existing is not None:
            return Conflict("Ya tienes un cliente con ese número.")
        customer = Customer(organization_id=organization_id, phone_number=phone, name=name,
                            name_verified_at=now if name else None, notes=optional_text(draft.notes),
                            email=optional_text(draft.email, max_length=254), profile_data={},
                            created_at=now, updated_at=now)
        session.add(customer)
    return customer


async def update_customer(ctx: Context, customer_id: uuid.UUID, changes: CustomerChanges) -> Customer | Problem:
    if ctx.actor.is_customer:
        return PermissionDenied()
    organization_id = authorize(ctx, Permission.EDIT_CUSTOMERS)
    if isinstance(organization_id, Problem):
        return organization_id
    name = clean_name(changes.name, field="name", label="el nombre") if changes.name is not None else None
    if isinstance(name, Problem):
        return name
    now = ctx.now()
    async with ctx.db.transaction(write=True) as session:
        customer = await session.scalar(select(Customer).where(
            Customer.id == customer_id, Customer.organization_id == organization_id))
        if customer is None:
            return CUSTOMER_NOT_FOUND
        if name is not None:
            customer.name, customer.name_verified_at = name, now
        if changes.notes is not None:
            customer.notes = optional_text(changes.notes)
        if changes.email is not None:
            customer.email = optional_text(changes.email, max_length=254)
        if changes.accepts_moves is not None:
            customer.accepts_moves = changes.accepts_moves
        customer.updated_at = now
    return customer


async def delete_customer(ctx: Context, customer_id: uuid.UUID) -> uuid.UUID | Problem:
    organization_id = authorize(ctx, Permission.EDIT_CUSTOMERS)
    if isinstance(organization_id, Problem):
        return organization_id
    async with ctx.db.transaction(write=True) as session:
        customer = await session.scalar(select(Customer).where(
            Customer.id == customer_id, Customer.organization_id == organization_id))
        if customer is None:
            return CUSTOMER_NOT_FOUND
        if await is_referenced(session, Appointment.customer_id, customer.id, organization_id=customer.organization_id):
            return Conflict("Este cliente tiene citas registradas: no se puede borrar.")
        await session.delete(customer)
    return customer_id
