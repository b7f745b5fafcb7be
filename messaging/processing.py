"""Answering a conversation: its unprocessed messages, one at a time, in arrival order.

``process_conversation`` is what the queue runs after the webhook stored a message. Only
one worker holds a conversation (:class:`messaging.runtime.ConversationClaims`); a second
worker skips it, and the holder re-checks after letting go, so a message that arrives
at that moment is never left behind. The periodic sweep (:func:`waiting_conversations`)
catches anything a crash left unprocessed.

Each turn: route the sender, ask the engine (outside any transaction: it may call use
cases, which open their own), then in ONE transaction write the replies to the outbox,
record them in the conversation, and mark the inbound message processed. A crash before
that commit means the turn runs again; after it, the replies exist exactly once.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import namedtuple
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, case, func, select, update

from messaging.engine import Reply, Turn
from messaging.routing import Route, RouteKind, route_message
from messaging.runtime import Messaging, read_connection, reading, write_connection
from messaging.voice import CANNOT_LISTEN, NOT_AUDIO, NOT_AUDIO_NOTHING_ELSE, NotHeard, understood
from messaging.webhook_input import MAX_BODY
from resolvers import log_context
from resolvers.context import Actor, Context
from resolvers.outbox import outbox_values
from storage import (
    ContentType,
    Conversation,
    ConversationStatus,
    Message,
    MessageDirection,
    Organization,
    OutboundMessage,
    PermissionLevel,
    SenderType,
    Staff,
)
from storage.ids import new_id

log = logging.getLogger("parlo.whatsapp")

#: A message with nothing to read or hear (a location, a sticker, an empty body).
MEDIA_NOTICE = "Por ahora solo leo mensajes de texto y escucho notas de voz 🙏 ¿Me lo puedes escribir?"
#: Of a turn's budget, what a voice note may not use: the answer to it still has to be written.
VOICE_RESERVE = 3.0
TROUBLE_NOTICE = "Perdón, tuve un problema para contestarte. ¿Me lo puedes repetir en un momento?"


#: What a turn reads of its message and conversation: columns, not ORM objects, with a
#: statement built once (a worker reads these for every turn, and once more to see whether
#: anything came in meanwhile).
_MESSAGES, _CONVERSATIONS = Message.__table__, Conversation.__table__
_MESSAGE_COLUMNS = ("id", "organization_id", "content_type", "body", "created_at", "media_url", "media_content_type",
                    "sequence")
_CONVERSATION_COLUMNS = ("id", "organization_id", "business_number", "phone_number", "status", "handed_off_until",
                         "profile_name")
PendingMessage = namedtuple("PendingMessage", _MESSAGE_COLUMNS)
PendingConversation = namedtuple("PendingConversation", _CONVERSATION_COLUMNS)
_UNPROCESSED = (_MESSAGES.c.conversation_id == bindparam("conv"),
                _MESSAGES.c.direction == MessageDirection.INBOUND, _MESSAGES.c.processed_at.is_(None))
#: With the conversation's organization known (the queue carries it), every statement names it:
#: one shard on Citus. Without it (a ring queued before the queue carried it, SQLite's central
#: number), the conversation's id alone.
_OF_TENANT = (_MESSAGES.c.organization_id == bindparam("org"),)


def _next_pending_statement(*where):
    return (
        select(*(_MESSAGES.c[name] for name in _MESSAGE_COLUMNS),
               *(_CONVERSATIONS.c[name] for name in _CONVERSATION_COLUMNS))
        .select_from(_MESSAGES.join(_CONVERSATIONS, (_MESSAGES.c.conversation_id == _CONVERSATIONS.c.id)
                                    & (_MESSAGES.c.organization_id == _CONVERSATIONS.c.organization_id)))
        .where(*_UNPROCESSED, *where).order_by(_MESSAGES.c.sequence, _MESSAGES.c.created_at).limit(1)
    )


_NEXT_PENDING = {False: _next_pending_statement(), True: _next_pending_statement(*_OF_TENANT)}
_ANY_PENDING = {False: select(_MESSAGES.c.id).where(*_UNPROCESSED).limit(1),
                True: select(_MESSAGES.c.id).where(*_UNPROCESSED, *_OF_TENANT).limit(1)}


@dataclass(frozen=True, slots=True)
class _Pending:
    message: tuple  # PendingMessage
    conversation: tuple  # PendingConversation


async def _next_pending(m: Messaging, conversation_id: uuid.UUID, organization_id: uuid.UUID | None) -> _Pending | None:
    async with read_connection(m.db) as conn:
        row = (await conn.execute(_NEXT_PENDING[organization_id is not None],
                                  {"conv": conversation_id, "org": organization_id})).first()
    return _pending(row)


def _pending(row) -> _Pending | None:
    if row is None:
        return None
    split = len(_MESSAGE_COLUMNS)
    return _Pending(PendingMessage._make(row[:split]), PendingConversation._make(row[split:]))


async def _anything_pending(m: Messaging, conversation_id: uuid.UUID, organization_id: uuid.UUID | None) -> bool:
    async with read_connection(m.db) as conn:
        return (await conn.execute(_ANY_PENDING[organization_id is not None],
                                   {"conv": conversation_id, "org": organization_id})).first() is not None


async def process_conversation(m: Messaging, conversation_id: uuid.UUID,
                               organization_id: uuid.UUID | None = None) -> int:
    """Handle every waiting message of the conversation, in order. Returns how many.

    ``organization_id``: the conversation's (what the queue carries with it), so each read
    names its tenant; None (a ring from before the queue carried it) reads by the id alone,
    and then by the tenant the first message's row names."""
    handled = 0
    while True:
        # On PostgreSQL with the salon known, the first message is read in the claim's statement.
        async with m.claims.hold(conversation_id, organization_id, read=_NEXT_PENDING[True]) as claim:
            if not claim:
                return handled  # another worker has it, and will re-check before letting go
            if organization_id is None:  # the claim read the row: its tenant, when a salon's
                organization_id = m.claims.tenant_of(conversation_id)
            pending = _pending(claim.row) if claim.read_with_it else await _next_pending(
                m, conversation_id, organization_id)
            while pending is not None:
                if not await m.claims.keep(conversation_id):  # a long run: the lease renewed half-way
                    return handled  # it ran out and another worker took over: that one answers the rest
                if organization_id is None and pending.conversation.organization_id is not None:
                    organization_id = pending.conversation.organization_id
                try:
                    place = await _take_turn(m, pending)
                except Exception:
                    if m.now() - pending.message.created_at < m.config.give_up_after:
                        raise  # the queue and the sweep will try again
                    # A message that has failed for this long would block the conversation forever.
                    log.exception("giving up on message %s; the sender is asked to repeat it", pending.message.id)
                    place = await _give_up(m, pending)
                if place is not None:
                    handled += 1
                    if place == pending.message.sequence:
                        # Nothing took a place in the conversation after this message (the webhook
                        # takes one for every message it stores, under the row lock the turn's
                        # record took): nothing newer waits. Anything arriving from now on is
                        # seen by the check after letting go of the conversation.
                        break
                pending = await _next_pending(m, conversation_id, organization_id)
        if not await _anything_pending(m, conversation_id, organization_id):
            return handled


async def waiting_conversations(m: Messaging, *, older_than: timedelta | None = None) -> list[uuid.UUID]:
    """Conversations with an inbound message nobody processed (crash, lost queue task)."""
    return [conversation_id for conversation_id, _ in await waiting_turns(m, older_than=older_than)]


async def waiting_turns(m: Messaging, *, older_than: timedelta | None = None
                        ) -> list[tuple[uuid.UUID, uuid.UUID | None]]:
    """:func:`waiting_conversations` with each one's organization, for the queue to carry (the
    sweep's own look-up spans every tenant: on Citus, the one multi-shard statement here)."""
    cutoff = m.now() - (older_than if older_than is not None else m.config.stale_inbound)
    async with reading(m.db) as session:
        return [(row[0], row[1]) for row in (await session.execute(
            select(Message.conversation_id, Message.organization_id)
            .where(Message.direction == MessageDirection.INBOUND, Message.processed_at.is_(None),
                   Message.created_at <= cutoff)
            .group_by(Message.conversation_id, Message.organization_id)
        )).all()]


def _actor(route: Route, level: PermissionLevel | None) -> Actor:
    if route.kind is RouteKind.CUSTOMER and route.customer_id and route.organization_id:
        return Actor.customer(organization_id=route.organization_id, customer_id=route.customer_id, phone=route.phone)
    if route.staff_id and route.organization_id and level is not None:
        return Actor.staff(organization_id=route.organization_id, staff_id=route.staff_id, level=level,
                           phone=route.phone)
    if route.kind is RouteKind.BUSINESS_ONBOARDING:
        return Actor.system(route.organization_id)
    return Actor.anonymous()


async def _take_turn(m: Messaging, pending: _Pending) -> int | None:
    """Answer one message. Returns the conversation's last place before this turn's replies
    (None: another worker had already answered it)."""
    message, conversation = pending.message, pending.conversation
    now = m.now()
    route = await route_message(m.db, business_number=conversation.business_number,
                                phone=conversation.phone_number, central_number=m.config.central_number, now=now,
                                tenant=conversation.organization_id, conversation_id=conversation.id)
    log_context.bind_organization(route.organization_id)  # this turn's log lines name the salon
    level = route.staff_level  # read with the route

    replies: list[Reply] = []
    writes: list = []  # the engine's own writes, committed with the replies
    quiet = conversation.status is ConversationStatus.HANDED_OFF and (
        conversation.handed_off_until is None or conversation.handed_off_until > now)
    if route.kind is RouteKind.UNKNOWN_NUMBER:
        log.warning("message to %s, a number no organization has; not answered", conversation.business_number)
    elif route.fixed_reply:
        replies = [Reply(route.fixed_reply)]
    elif quiet:
        log.info("conversation %s is with staff; Parlo stays quiet", conversation.id)
    else:
        deadline = asyncio.get_running_loop().time() + m.config.turn_budget
        text, heard = message.body.strip(), False
        if message.content_type is ContentType.AUDIO:
            text, notice = await _listen(m, message, conversation, deadline)
            heard = bool(text)
            if notice:
                replies.append(Reply(notice))
        elif message.content_type is not ContentType.TEXT:
            replies.append(Reply(NOT_AUDIO if text else NOT_AUDIO_NOTHING_ELSE))  # a photo: its caption is answered
        elif not text:
            replies.append(Reply(MEDIA_NOTICE))  # bodiless (a location, a sticker)
        if text:
            context = Context(db=m.db, now=m.clock, actor=_actor(route, level), config=m.config.resolver,
                              correlation_id=str(message.id), outbox_notifier=m.queue.outbox_waiting)
            turn = Turn(conversation_id=conversation.id, message_id=message.id, text=text,
                        received_at=message.created_at, route=route, context=context,
                        profile_name=conversation.profile_name, deadline=deadline, spoken=heard, writes=writes)
            try:
                answered = await m.engine.respond(turn)
            except Exception:  # noqa: BLE001 - a broken turn must not block the conversation
                log.exception("the conversation engine failed on message %s", message.id)
                answered = [Reply(TROUBLE_NOTICE)]
                writes.clear()
            if heard and answered:  # the person sees what Parlo heard before what it did about it
                answered[0] = Reply(f"{understood(text)}\n\n{answered[0].body}")
            replies.extend(answered)

    recorded = await _record_turn(m, message, conversation, route, replies, writes)
    if recorded is not None and route.kind is RouteKind.BUSINESS_ONBOARDING and m.numbers is not None:
        from messaging.numbers import provision_finished_onboardings

        try:  # a business that just finished onboarding gets its number now, not at the next sweep
            if await provision_finished_onboardings(m.db, m.numbers, now=m.now(),
                                                    central_number=m.config.central_number):
                await m.queue.outbox_waiting()
        except Exception:  # noqa: BLE001 - the sweep tries again
            log.exception("provisioning after onboarding failed; the sweep will retry")
    return recorded


async def _listen(m: Messaging, message, conversation, deadline: float) -> tuple[str, str | None]:
    """A voice note's text (heard now, or stored by an earlier try of this turn), or what to answer instead."""
    if message.body.strip():
        return message.body.strip(), None
    if m.voice is None:
        return "", CANNOT_LISTEN
    left = deadline - asyncio.get_running_loop().time() - VOICE_RESERVE
    heard = await m.voice.hear(message.media_url, message.media_content_type, within=left)
    if isinstance(heard, NotHeard):
        log.info("voice note %s not heard (%s); the sender is asked to write", message.id, heard.reason)
        return "", heard.reply
    text = heard.text[:MAX_BODY]
    async with m.db.transaction(write=True) as session:  # heard once: a retried turn reads it back
        await session.execute(update(Message).where(
            Message.organization_id == conversation.organization_id, Message.id == message.id,
            Message.conversation_id == conversation.id).values(body=text))
    return text, None


async def _give_up(m: Messaging, pending: _Pending) -> int | None:
    conversation = pending.conversation
    route = Route(RouteKind.CUSTOMER, conversation.phone_number, organization_id=conversation.organization_id)
    return await _record_turn(m, pending.message, conversation, route, [Reply(TROUBLE_NOTICE)])


class _AlreadyAnswered(Exception):
    """Another worker recorded this turn first: roll back, write nothing."""


_OUTBOX, _STAFF, _ORGANIZATIONS = OutboundMessage.__table__, Staff.__table__, Organization.__table__
#: messaging.inbound.next_sequences for a turn, built once: places for the replies, and the
#: conversation's row brought up to date (the sender, the last inbound instant, kept monotonic).
_RECEIVED = bindparam("received", type_=_CONVERSATIONS.c.last_inbound_at.type)
_TAKE_PLACES = (
    update(_CONVERSATIONS)
    .where(_CONVERSATIONS.c.organization_id == bindparam("org"), _CONVERSATIONS.c.id == bindparam("conv"))
    .values(last_sequence=_CONVERSATIONS.c.last_sequence + bindparam("count"),
            last_message_at=bindparam("now"), updated_at=bindparam("now"),
            last_inbound_at=case((_CONVERSATIONS.c.last_inbound_at.is_(None)
                                  | (_CONVERSATIONS.c.last_inbound_at < _RECEIVED), _RECEIVED),
                                 else_=_CONVERSATIONS.c.last_inbound_at),
            customer_id=func.coalesce(bindparam("customer", type_=_CONVERSATIONS.c.customer_id.type),
                                      _CONVERSATIONS.c.customer_id),
            staff_id=func.coalesce(bindparam("staff", type_=_CONVERSATIONS.c.staff_id.type), _CONVERSATIONS.c.staff_id))
    .returning(_CONVERSATIONS.c.last_sequence, _CONVERSATIONS.c.reply_to)
)
_MARK = (update(_MESSAGES)
         .where(_MESSAGES.c.organization_id == bindparam("org"), _MESSAGES.c.id == bindparam("message"),
                _MESSAGES.c.processed_at.is_(None))
         .values(processed_at=bindparam("now"), sender_type=bindparam("sender_type")))


#: :func:`_record_turn` on PostgreSQL: the conversation's row (places for the replies), the
#: message marked answered, and the replies in the conversation and the outbox in ONE statement
#: (data-modifying CTEs; four round trips and their per-statement CPU before). ``marked`` runs
#: after ``conversation`` (it reads it): the row lock the webhook also takes comes first, as
#: before. The replies are written only when the message was still unanswered; otherwise the
#: caller rolls the conversation's update back. Every table is filtered by, or written with,
#: the one tenant ``$1``: on Citus the statement routes to that salon's shard.
_RECORD_SQL = """
WITH conversation AS (
    UPDATE conversations AS c
       SET last_sequence = c.last_sequence + $3, last_message_at = $4, updated_at = $4,
           last_inbound_at = CASE WHEN c.last_inbound_at IS NULL OR c.last_inbound_at < $5 THEN $5
                                  ELSE c.last_inbound_at END,
           customer_id = COALESCE($6, c.customer_id), staff_id = COALESCE($7, c.staff_id)
     WHERE c.organization_id = $1 AND c.id = $2
    RETURNING c.last_sequence, c.reply_to
), marked AS (
    UPDATE messages AS m SET processed_at = $4, sender_type = $9
     WHERE m.organization_id = $1 AND m.id = $8 AND m.processed_at IS NULL AND EXISTS (SELECT FROM conversation)
    RETURNING m.id
), reply AS (
    SELECT r.body, r.message_id, r.outbox_id, r.at, r.n
      FROM unnest($10::text[], $11::uuid[], $12::uuid[], $13::timestamptz[])
           WITH ORDINALITY AS r(body, message_id, outbox_id, at, n)
     WHERE EXISTS (SELECT FROM marked)
), stored AS (
    INSERT INTO messages (id, conversation_id, organization_id, sequence, direction, sender_type, content_type,
                          body, processed_at, created_at)
    SELECT reply.message_id, $2, $1, conversation.last_sequence - $3 + reply.n, 'outbound', 'ai', 'text',
           reply.body, $4, reply.at
      FROM conversation, reply
), queued AS (
    INSERT INTO outbound_messages (id, organization_id, conversation_id, to_number, from_number, kind, body,
                                   template_variables, status, attempts, next_attempt_at, created_at, updated_at)
    SELECT reply.outbox_id, $1, $2,
           CASE WHEN starts_with(conversation.reply_to, 'whatsapp:') THEN conversation.reply_to
                ELSE 'whatsapp:' || conversation.reply_to END,
           $14, 'reply', reply.body, '{}', 'pending', 0, $4, reply.at, reply.at
      FROM conversation, reply
)
SELECT conversation.last_sequence, EXISTS (SELECT FROM marked) FROM conversation
"""


async def _record_in_one(session, message, conversation, route: Route, replies: list[Reply],
                         now) -> int:
    """:data:`_RECORD_SQL`: the conversation's last place after the replies (``_AlreadyAnswered``
    when the message was answered meanwhile)."""
    count = len(replies)
    at = [now + timedelta(microseconds=index) for index in range(count)]  # keeps the replies of one turn in order
    from_number = conversation.business_number
    last, marked = (await session.exec_driver_sql(_RECORD_SQL, (
        conversation.organization_id, conversation.id, count, now, message.created_at, route.customer_id,
        route.staff_id, message.id, (SenderType.STAFF if route.staff_id else SenderType.CUSTOMER).value,
        [reply.body for reply in replies], [new_id() for _ in replies], [new_id() for _ in replies], at,
        from_number if from_number.startswith("whatsapp:") else f"whatsapp:{from_number}",
    ))).one()
    if not marked:
        raise _AlreadyAnswered
    return last


async def _record_turn(m: Messaging, message, conversation, route: Route, replies: list[Reply],
                       writes: list = ()) -> int | None:
    """Store the turn in one transaction: the conversation's row (places for the replies), the
    message marked answered, the replies in the conversation and the outbox, and the engine's
    own writes. Core statements on the tables: the ORM's unit of work cost a third of a rule
    turn's CPU here. Returns the conversation's last place before the replies (None: someone
    else recorded this turn first, and nothing was written)."""
    now = m.now()
    # Every row of the turn is in the conversation's tenant (Citus: one shard), including a
    # central-number turn that acts on a salon: that salon is the route's, not the rows'.
    tenant = conversation.organization_id
    try:
        async with write_connection(m.db) as session:
            if m.db.dialect == "postgresql" and tenant is not None and route.organization_id == tenant:
                first = await _record_in_one(session, message, conversation, route, replies, now) - len(replies) + 1
            else:
                first = await _record_apart(session, message, conversation, route, replies, now, tenant)
            for write in writes:
                await write(session)
            if (route.staff_id and not route.staff_has_written
                    and conversation.business_number != m.config.central_number):
                # Staff onboarding starts with the first message to the business's own number. A
                # write of Staff bumps the salon's catalog version (storage/catalog_version.py: the
                # ORM does it; on this Core connection, the statement beside it), so only then:
                # once per person, not after every staff message, which emptied every process's
                # catalog cache for the salon.
                written = await session.execute(
                    update(_STAFF).where(_STAFF.c.organization_id == route.organization_id,
                                         _STAFF.c.id == route.staff_id, _STAFF.c.first_message_at.is_(None))
                    .values(first_message_at=message.created_at, updated_at=now))
                if written.rowcount:
                    await session.execute(update(_ORGANIZATIONS).where(_ORGANIZATIONS.c.id == route.organization_id)
                                          .values(catalog_version=_ORGANIZATIONS.c.catalog_version + 1))
    except _AlreadyAnswered:
        return None  # someone else finished this turn first: nothing written
    if replies:
        await m.queue.outbox_waiting()
    return first - 1


async def _record_apart(session, message, conversation, route: Route, replies: list[Reply], now, tenant) -> int:
    """The record's statements one by one (SQLite; a central-number turn whose replies belong
    to another salon than its rows): the conversation's first place for the replies."""
    # The conversation row first (one UPDATE … RETURNING: places for the replies, where to
    # send them), then the message: the webhook locks the same row before it inserts, so a
    # redelivery racing this turn waits here instead of deadlocking on the message row.
    last, reply_to = (await session.execute(_TAKE_PLACES, {
        "org": tenant, "conv": conversation.id, "count": len(replies), "now": now,
        "received": message.created_at, "customer": route.customer_id, "staff": route.staff_id})).one()
    first = last - len(replies) + 1
    marked = await session.execute(_MARK, {
        "org": tenant, "message": message.id, "now": now,
        "sender_type": SenderType.STAFF if route.staff_id else SenderType.CUSTOMER})
    if marked.rowcount != 1:
        raise _AlreadyAnswered
    if replies:
        stored, queued = [], []
        for index, reply in enumerate(replies):
            at = now + timedelta(microseconds=index)  # keeps the replies of one turn in order
            queued.append(outbox_values(now=at, to=reply_to, organization_id=route.organization_id,
                                        body=reply.body, conversation_id=conversation.id,
                                        from_number=conversation.business_number, send_after=now))
            stored.append(dict(
                id=new_id(), conversation_id=conversation.id, organization_id=tenant,
                sequence=first + index, direction=MessageDirection.OUTBOUND, sender_type=SenderType.AI,
                content_type=ContentType.TEXT, body=reply.body, media_url=None, media_content_type=None,
                provider_message_id=None, status=None, processed_at=now, created_at=at))
        await session.execute(_MESSAGES.insert(), stored)
        await session.execute(_OUTBOX.insert(), queued)
    return first
