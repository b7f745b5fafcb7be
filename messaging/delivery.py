"""Outbox delivery: every OutboundMessage row reaches WhatsApp once, in order, or fails loudly.

Claiming. A row is taken with one conditional UPDATE (``status='pending' AND
next_attempt_at <= now`` → ``sending``, ``claimed_at``, ``attempts + 1``): of two workers
only one gets rowcount 1, on SQLite and PostgreSQL alike. A row is not claimable while an
earlier row to the same recipient is due, being sent, or waiting for a retry, so one
person's messages leave in the order they were written (a row scheduled for later, such
as a reminder, holds nothing back).

Retrying. 429, 5xx, timeouts and connection errors put the row back to ``pending`` with
exponential backoff (:class:`messaging.runtime.DeliveryPolicy`); after ``max_attempts``,
or on any other 4xx (bad number, template rejected) or a template we cannot render, the
row is ``failed`` with the reason in ``last_error``. Nothing is retried forever.

Idempotency across crashes. Twilio's Messages API has no idempotency key, so the row id
itself is the handle, twice over:

* every message carries ``StatusCallback=…/webhooks/twilio/status?outbox=<row id>``; the
  first callback of a message whose worker died after Twilio took it records the SID on
  its row (:mod:`messaging.status`), and the row counts as sent;
* a row left in ``sending`` past the lease (the worker died between claim and record) is
  not re-sent blindly: :func:`recover_abandoned` first asks Twilio for a message to the
  same recipient, from the same number, created since the claim, with the same text (for
  a template, whose text is Meta's, the per-person order is the proof: no later row to
  that person can have been sent meanwhile), and not already recorded on another row.
  Found: the SID is recorded, nothing is sent. Not found: the row goes back to
  ``pending``. Twilio unreachable: the row waits for the next sweep. So a crash between
  send and record never sends twice.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, bindparam, exists, select, update
from sqlalchemy.orm import aliased

from messaging.inbound import next_sequences, phone_of
from messaging.runtime import Messaging
from messaging.senders import Outgoing, SendFailed, Sent
from messaging.status import TWILIO_STATUSES, moves_forward, status_callback
from messaging.templates import TemplateError, inside_session_window, render
from resolvers.magic_links import redacted, spend_undelivered, wire_variables
from resolvers.outbox import whatsapp_address
from storage import (
    ContentType,
    Conversation,
    DeliveryStatus,
    Message,
    MessageDirection,
    Organization,
    OutboundMessage,
    SenderType,
)
from storage.queries import ALL_SALONS, tenant_of_number

log = logging.getLogger("parlo.whatsapp")

#: ``claim_due(tenant=...)`` default: the sweep across every salon.
ANY_TENANT = object()


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    #: When the earliest retry is due, so the queue can wake up then.
    next_retry_at: datetime | None = None
    sent_ids: list[uuid.UUID] = field(default_factory=list)


def _claimable(now):
    earlier = aliased(OutboundMessage)
    blocking = exists().where(
        # Order is kept per recipient within a tenant (a salon's thread, or Parlo's central one):
        # the tenant key in the correlation also lets Citus run this on each shard.
        earlier.organization_id == OutboundMessage.organization_id,
        earlier.to_number == OutboundMessage.to_number,
        earlier.id != OutboundMessage.id,
        (earlier.created_at < OutboundMessage.created_at)
        | and_(earlier.created_at == OutboundMessage.created_at, earlier.id < OutboundMessage.id),
        (earlier.status == DeliveryStatus.SENDING)
        | and_(earlier.status == DeliveryStatus.PENDING, (earlier.next_attempt_at <= now) | (earlier.attempts > 0)),
    )
    return and_(OutboundMessage.status == DeliveryStatus.PENDING, OutboundMessage.next_attempt_at <= now, ~blocking)


# Built once: an alias and this condition cost ~1 ms of CPU to build, each time, per statement.
_NOW = bindparam("claim_now", type_=OutboundMessage.next_attempt_at.type)
_CLAIMABLE = _claimable(_NOW)
_CANDIDATES = (select(OutboundMessage.id, OutboundMessage.organization_id).where(_CLAIMABLE)
               .order_by(OutboundMessage.created_at, OutboundMessage.id))
#: The due rows of every salon: on Citus the one statement of a tick that reads every shard.
_SWEEP = _CANDIDATES.prefix_with(ALL_SALONS)
#: The due rows of one salon (one shard).
_OF_TENANT = _CANDIDATES.where(OutboundMessage.organization_id == bindparam("claim_tenant"))
#: One row taken, and read back in the same statement.
_CLAIM = (update(OutboundMessage)
          .where(OutboundMessage.organization_id == bindparam("claim_tenant"),
                 OutboundMessage.id == bindparam("claim_row"), _CLAIMABLE)
          .values(status=DeliveryStatus.SENDING, claimed_at=_NOW, attempts=OutboundMessage.attempts + 1,
                  updated_at=_NOW)
          .returning(OutboundMessage)
          .execution_options(synchronize_session=False))


def _this(row: OutboundMessage):
    """One outbox row by its whole key: on Citus the statement goes to the salon's shard only."""
    return and_(OutboundMessage.organization_id == row.organization_id, OutboundMessage.id == row.id)


async def claim_due(m: Messaging, *, limit: int | None = None, only_to: tuple[str, ...] | None = None,
                    tenant: uuid.UUID | None | object = ANY_TENANT) -> list[OutboundMessage]:
    """Take due rows for this worker, oldest first. Each is claimed by exactly one worker.

    ``only_to`` limits the worker to some addresses (``parlo chat`` delivers its own messages only).
    ``tenant`` limits it to one salon (``None``: Parlo's own rows); by default the look-up is the
    sweep across every salon. Each claim, and everything after it, names the row's salon.
    """
    return (await _claim(m, limit=limit, only_to=only_to, tenant=tenant))[0]


async def _claim(m: Messaging, *, limit: int | None, only_to: tuple[str, ...] | None,
                 tenant: uuid.UUID | None | object) -> tuple[list[OutboundMessage], bool]:
    """The claimed rows, and whether the look-up came back full (more may be due)."""
    now = m.now()
    limit = limit or m.config.delivery.batch_size
    params: dict = {"claim_now": now}
    if tenant is ANY_TENANT:
        query = _SWEEP
    else:
        query, params["claim_tenant"] = _OF_TENANT, tenant
    if only_to is not None:
        query = query.where(OutboundMessage.to_number.in_(only_to))
    async with m.db.session() as session:
        candidates = (await session.execute(query.limit(limit), params)).all()
    if not candidates:
        return [], False
    claimed: list[OutboundMessage] = []
    async with m.db.transaction(write=True) as session:
        for row_id, row_tenant in candidates:
            taken = await session.scalar(_CLAIM, {"claim_now": now, "claim_tenant": row_tenant, "claim_row": row_id})
            if taken is not None:
                claimed.append(taken)
    return claimed, len(candidates) >= limit


@dataclass(frozen=True, slots=True)
class _Recipient:
    address: str
    last_inbound_at: datetime | None
    #: The tenant of the conversation on the sending number (looked up once per row, also for the history).
    tenant: uuid.UUID | None


async def _recipient(m: Messaging, row: OutboundMessage, from_number: str) -> _Recipient:
    """Where WhatsApp will take it, and when this person last wrote (the 24-hour window).

    Use cases address people by their canonical phone (``+52…``); WhatsApp delivers Mexican
    mobiles as ``+521…``. When we have a conversation with the person on this number, the
    message goes to the exact address they write from.
    """
    async with m.db.session() as session:
        business_number = phone_of(from_number)
        tenant = await tenant_of_number(session, business_number, m.config.central_number)
        found = (await session.execute(select(Conversation.reply_to, Conversation.last_inbound_at).where(
            Conversation.organization_id == tenant, Conversation.business_number == business_number,
            Conversation.phone_number == phone_of(row.to_number)))).first()
    if found is None:
        return _Recipient(row.to_number, None, tenant)
    return _Recipient(found.reply_to or row.to_number, found.last_inbound_at, tenant)


async def _sender_number(m: Messaging, row: OutboundMessage) -> str:
    if row.from_number:
        return row.from_number
    if row.organization_id is not None:
        async with m.db.session() as session:
            number = await session.scalar(select(Organization.whatsapp_number)
                                          .where(Organization.id == row.organization_id))
        if number:
            return whatsapp_address(number)
    return whatsapp_address(m.config.central_number)


async def outgoing_for(m: Messaging, row: OutboundMessage) -> Outgoing:
    """The wire form of a row: session text, or template SID + variables outside the window."""
    return (await _outgoing(m, row))[0]


async def _outgoing(m: Messaging, row: OutboundMessage) -> tuple[Outgoing, uuid.UUID | None]:
    """:func:`outgoing_for`, and the tenant of the recipient's conversation on the sending number."""
    from_ = await _sender_number(m, row)
    recipient = await _recipient(m, row, from_)
    to, last_inbound_at = recipient.address, recipient.last_inbound_at
    callback = status_callback(m.config.status_callback_url, row)
    if row.template_name is None:
        return Outgoing(str(row.id), to, from_, row.body or "", status_callback=callback), recipient.tenant
    # A sign-in link exists only on the wire: the row names its token row (resolvers/magic_links.py).
    variables = wire_variables(row.template_variables or {}, secret=m.config.resolver.jwt_secret,
                               public_url=m.config.public_url, organization_id=row.organization_id)
    rendered = render(row.template_name, variables, now=m.now())
    if inside_session_window(last_inbound_at, m.now()):
        return Outgoing(str(row.id), to, from_, rendered.body, status_callback=callback), recipient.tenant
    sid = m.config.content_sids.get(row.template_name)
    if sid is None and not _is_development(m):
        raise TemplateError(f"no hay Content SID configurado para {row.template_name} (PARLO_TWILIO_CONTENT_SIDS)")
    return Outgoing(str(row.id), to, from_, rendered.body, content_sid=sid or f"dev:{row.template_name}",
                    content_variables=rendered.content_variables, status_callback=callback), recipient.tenant


def _is_development(m: Messaging) -> bool:
    from messaging.senders import LogSender

    return isinstance(m.sender, LogSender)


async def _record_sent(m: Messaging, row: OutboundMessage, outgoing: Outgoing, sent: Sent,
                       tenant: uuid.UUID | None) -> None:
    """The SID and ``queued`` on the row, the message in the conversation's history; and when
    the sender's answer already says more (the log sender's ``sent``), that status too, in the
    same transaction: what :func:`messaging.status.record_provider_status` would then apply."""
    now = m.now()
    told = TWILIO_STATUSES.get(sent.status.lower())
    async with m.db.transaction(write=True) as session:
        fresh = (await session.execute(
            select(OutboundMessage.status, OutboundMessage.provider_message_id, OutboundMessage.sent_at,
                   OutboundMessage.delivered_at, OutboundMessage.body).where(_this(row)))).first()
        if fresh is None:
            return
        sid = fresh.provider_message_id or sent.provider_message_id
        status = DeliveryStatus.QUEUED if fresh.status in (DeliveryStatus.SENDING, DeliveryStatus.PENDING) \
            else fresh.status
        delivered_at = fresh.delivered_at
        if told is not None and sid == sent.provider_message_id and moves_forward(status, told):
            status = told
            if told is DeliveryStatus.DELIVERED or (told is DeliveryStatus.READ and delivered_at is None):
                delivered_at = now
        # Core, naming the salon: the ORM locates a row that may belong to no salon by id alone.
        await session.execute(
            update(OutboundMessage).where(_this(row))
            .values(provider_message_id=sid, status=status, delivered_at=delivered_at, sent_at=fresh.sent_at or now,
                    last_error=None, updated_at=now,
                    # what the customer read (no sign-in token), for the history
                    body=fresh.body if fresh.body is not None else redacted(outgoing.body))
            .execution_options(synchronize_session=False))
        if row.kind != "reply" or row.conversation_id is None:
            await _into_history(m, session, row, outgoing, sent, now, tenant)


async def _into_history(m: Messaging, session, row: OutboundMessage, outgoing: Outgoing, sent: Sent,
                        now: datetime, tenant: uuid.UUID | None) -> None:
    """A notification becomes part of the conversation, so an engine reading the history knows
    what a "sí" answers (a reminder, a waitlist offer, a proposed move). Replies are already there.
    ``tenant``: of the sending number, as :func:`_recipient` found it."""
    business_number = phone_of(outgoing.from_)
    conversation = await session.scalar(select(Conversation).where(
        Conversation.organization_id == tenant, Conversation.business_number == business_number,
        Conversation.phone_number == phone_of(outgoing.to)))
    if conversation is None:
        return
    # Its place in the conversation's order, the conversation row locked first like every writer's
    # (messaging.inbound.next_sequences); a known message leaves a gap, never a clash.
    sequence, _ = await next_sequences(session, conversation.id, tenant, 1)
    known = await session.scalar(select(Message.id).where(Message.organization_id == tenant,
                                                          Message.provider_message_id == sent.provider_message_id))
    if known is not None:
        return
    session.add(Message(conversation_id=conversation.id, organization_id=tenant,
                        sequence=sequence, direction=MessageDirection.OUTBOUND, sender_type=SenderType.SYSTEM,
                        content_type=ContentType.TEMPLATE if row.template_name else ContentType.TEXT,
                        body=redacted(outgoing.body), provider_message_id=sent.provider_message_id, processed_at=now,
                        created_at=now))
    await session.execute(update(Conversation).where(Conversation.organization_id == tenant,
                                                     Conversation.id == conversation.id)
                          .values(last_message_at=now).execution_options(synchronize_session=False))


async def _record_failure(m: Messaging, row: OutboundMessage, error: str, *, permanent: bool,
                          report: DeliveryReport) -> datetime | None:
    """Back to ``pending`` with backoff, or ``failed`` for good; returns when it is tried again."""
    now = m.now()
    policy = m.config.delivery
    give_up = permanent or row.attempts >= policy.max_attempts
    retry_at = None if give_up else now + policy.backoff(row.attempts)
    async with m.db.transaction(write=True) as session:
        await session.execute(
            update(OutboundMessage).where(_this(row), OutboundMessage.status == DeliveryStatus.SENDING)
            .values(status=DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING, last_error=error[:2000],
                    next_attempt_at=retry_at if retry_at else OutboundMessage.next_attempt_at, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if give_up:
            await spend_undelivered(session, row.template_variables, now, organization_id=row.organization_id)
    if give_up:
        report.failed += 1
        log.error("WhatsApp message %s to %s failed for good: %s", row.id, row.to_number, error)
    else:
        report.retrying += 1
        report.next_retry_at = min(filter(None, [report.next_retry_at, retry_at]))
        log.warning("WhatsApp message %s to %s will be retried at %s: %s", row.id, row.to_number, retry_at, error)
    return retry_at


async def _release(m: Messaging, rows: list[OutboundMessage], until: datetime | None) -> None:
    """Give back claimed rows that must wait behind an earlier row to the same person."""
    async with m.db.transaction(write=True) as session:
        for row in rows:
            await session.execute(
                update(OutboundMessage).where(_this(row), OutboundMessage.status == DeliveryStatus.SENDING)
                .values(status=DeliveryStatus.PENDING, attempts=OutboundMessage.attempts - 1,
                        next_attempt_at=until or row.next_attempt_at, updated_at=m.now())
                .execution_options(synchronize_session=False)
            )


async def send_claimed(m: Messaging, rows: list[OutboundMessage], report: DeliveryReport) -> None:
    held_back: dict[str, datetime | None] = {}
    released: list[tuple[OutboundMessage, datetime | None]] = []
    for row in rows:
        if row.to_number in held_back:
            released.append((row, held_back[row.to_number]))
            continue
        try:
            outgoing, tenant = await _outgoing(m, row)
        except TemplateError as exc:
            await _record_failure(m, row, str(exc), permanent=True, report=report)
            continue
        try:
            sent = await m.sender.send(outgoing)
        except SendFailed as exc:
            retry_at = await _record_failure(m, row, exc.detail, permanent=exc.permanent, report=report)
            if retry_at is not None:
                held_back[row.to_number] = retry_at  # this person's later messages wait behind it
            continue
        await _record_sent(m, row, outgoing, sent, tenant)
        report.sent += 1
        report.sent_ids.append(row.id)
    for row, until in released:
        await _release(m, [row], until)


async def deliver_due(m: Messaging, *, only_to: tuple[str, ...] | None = None) -> DeliveryReport:
    """Send everything due now; returns what happened. Safe to run in many workers at once.

    One sweep across every salon finds the due rows (again only while it comes back full).
    Sending a row can make the next row to the same person due; that row is in the same
    salon, so each salon that had rows is then swept alone (one shard) until nothing is left
    there. Rows another salon writes meanwhile wait for the next tick, which their write asks for.
    """
    report = DeliveryReport()
    tenants: dict[uuid.UUID | None, None] = {}
    rows, full = await _claim(m, limit=None, only_to=only_to, tenant=ANY_TENANT)
    while rows:
        tenants.update(dict.fromkeys(row.organization_id for row in rows))
        await send_claimed(m, rows, report)  # every row ends sent, failed, or pending later: the loops end
        rows, full = await _claim(m, limit=None, only_to=only_to, tenant=ANY_TENANT) if full else ([], False)
    for tenant in tenants:
        while rows := await claim_due(m, only_to=only_to, tenant=tenant):
            await send_claimed(m, rows, report)
    if report.next_retry_at is not None:
        await m.queue.outbox_waiting(at=report.next_retry_at)
    return report


async def recover_abandoned(m: Messaging) -> int:
    """Rows stuck in ``sending`` past the lease: record them if Twilio has them, else re-queue."""
    now = m.now()
    cutoff = now - m.config.delivery.lease
    async with m.db.session() as session:
        stuck = (await session.scalars(
            select(OutboundMessage).prefix_with(ALL_SALONS).where(OutboundMessage.status == DeliveryStatus.SENDING,
                                          OutboundMessage.claimed_at <= cutoff)
            .order_by(OutboundMessage.created_at, OutboundMessage.id)
        )).all()
    recovered = 0
    for row in stuck:
        if row.provider_message_id is not None:  # a status callback told us already
            async with m.db.transaction(write=True) as session:
                await session.execute(update(OutboundMessage).where(
                    _this(row), OutboundMessage.status == DeliveryStatus.SENDING)
                    .values(status=DeliveryStatus.QUEUED, sent_at=row.claimed_at, updated_at=now)
                    .execution_options(synchronize_session=False))
            recovered += 1
            continue
        try:
            outgoing = await outgoing_for(m, row)
            candidates = await m.sender.find_sent(outgoing, since=row.claimed_at or row.created_at)
        except TemplateError as exc:
            await _record_failure(m, row, str(exc), permanent=True, report=DeliveryReport())
            continue
        except SendFailed as exc:
            log.warning("cannot check Twilio for abandoned message %s yet: %s", row.id, exc.detail)
            continue
        async with m.db.transaction(write=True) as session:
            # A message from this row's sender number is recorded, if at all, on a row of the same salon.
            taken = set((await session.scalars(select(OutboundMessage.provider_message_id).where(
                OutboundMessage.organization_id == row.organization_id,
                OutboundMessage.provider_message_id.in_(candidates)))).all()) if candidates else set()
            found = next((sid for sid in candidates if sid not in taken), None)
            values = dict(status=DeliveryStatus.QUEUED, provider_message_id=found, sent_at=row.claimed_at,
                          body=row.body or redacted(outgoing.body)) if found else dict(status=DeliveryStatus.PENDING,
                                                                              next_attempt_at=now)
            await session.execute(update(OutboundMessage).where(
                _this(row), OutboundMessage.status == DeliveryStatus.SENDING)
                .values(updated_at=now, **values).execution_options(synchronize_session=False))
        log.warning("abandoned message %s %s", row.id, "was already sent" if found else "goes back to the queue")
        recovered += 1
    if recovered:
        await m.queue.outbox_waiting()
    return recovered
