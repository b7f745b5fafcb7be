"""WhatsApp threads as staff (their organization) and platform admins (everyone) read them."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from resolvers.context import Context
from resolvers.errors import NotFound, Problem
from resolvers.pagination import Page, page_of, page_window, read_page
from resolvers.permissions import Permission
from resolvers.phones import InvalidPhone, normalise_phone
from resolvers.scope import authorize
from storage import Conversation, ConversationStatus

CONVERSATION_NOT_FOUND = NotFound("No encontré esa conversación.")


def _visible(ctx: Context) -> uuid.UUID | None | Problem:
    """None means every organization (platform admins); otherwise the one organization."""
    if ctx.actor.is_admin:
        return None
    return authorize(ctx, Permission.VIEW_CUSTOMERS)


async def list_conversations(ctx: Context, *, phone: str | None = None, status: ConversationStatus | None = None,
                             organization_id: uuid.UUID | None = None, first: int | None = None,
                             after: str | None = None) -> Page[Conversation] | Problem:
    """Newest first. ``organization_id`` filters for admins; staff always get their own."""
    scope = _visible(ctx)
    if isinstance(scope, Problem):
        return scope
    window = page_window(first, after)
    if isinstance(window, Problem):
        return window
    offset, limit = window
    query = select(Conversation)
    if scope is not None:
        query = query.where(Conversation.organization_id == scope)
    elif organization_id is not None:
        query = query.where(Conversation.organization_id == organization_id)
    if phone:
        try:
            query = query.where(Conversation.phone_number == normalise_phone(phone))
        except InvalidPhone:
            return page_of([], offset, limit, 0)
    if status is not None:
        query = query.where(Conversation.status == status)
    query = query.order_by(Conversation.last_message_at.desc().nulls_last(), Conversation.id)
    async with ctx.db.session() as session:
        return await read_page(session, query, offset, limit)


async def get_conversation(ctx: Context, conversation_id: uuid.UUID | None) -> Conversation | Problem:
    scope = _visible(ctx)
    if isinstance(scope, Problem):
        return scope
    query = select(Conversation).where(Conversation.id == conversation_id)
    if scope is not None:
        query = query.where(Conversation.organization_id == scope)
    async with ctx.db.session() as session:
        conversation = await session.scalar(query)
    return conversation if conversation is not None else CONVERSATION_NOT_FOUND
