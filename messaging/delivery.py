"""Outbox delivery: every OutboundMessage row reaches WhatsApp once, in order, or fails loudly.

Claiming. Due rows are taken in batches with one conditional UPDATE ... RETURNING per batch
(per salon on Citus): ``status='pending' AND next_attempt_at <= now`` → ``sending``,
``claimed_at``, ``attempts + 1``; of two workers only one takes a row, on SQLite and
PostgreSQL alike. A person's due rows are taken together by one worker and sent one after
another, oldest first; a row is not taken while an earlier row to the same recipient is being
sent, waiting for a retry, or due but not in the same claim, so one person's messages leave in
the order they were written (a row scheduled for later, such as a reminder, holds nothing
back). Different people's rows of a batch are sent side by side; each salon's sends are
recorded in one transaction.

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
  a template, whose text is Meta's, the per-person order is the proof: a person's rows went
  out oldest first, and the oldest stuck row takes the oldest message not yet recorded on
  another row), and not already recorded on another row.
  Found: the SID is recorded, nothing is sent. Not found: the row goes back to
  ``pending``. Twilio unreachable: the row waits for the next sweep. So a crash between
  send and record never sends twice.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from sqlalchemy import ColumnElement, and_, bindparam, case, func, or_, select, update

from messaging.inbound import next_sequences, phone_of
from messaging.outbox_claims import (
    ANY_TENANT,
    again_on_conflict,
    claim_batch,
    tenant_groups,
    this_row,
)
from messaging.runtime import Messaging
from messaging.senders import Outgoing, SendFailed, Sent
from messaging.status import TWILIO_STATUSES, moves_forward, status_callback
from messaging.templates import TemplateError, inside_session_window, render
from resolvers.magic_links import redacted, spend_undelivered, wire_variables
from resolvers.outbox import WHATSAPP_PREFIX, whatsapp_address
from storage import (
    ContentType,
    Conversation,
    DeliveryStatus,
    Message,
    MessageDirection,
    Organization,
    OutboundMessage,
    SenderType,
    WhatsAppNumber,
)
from storage.queries import ALL_SALONS, tenant_of_number

log = logging.getLogger("parlo.whatsapp")

@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    #: When the earliest retry is due, so the queue can wake up then.
    next_retry_at: datetime | None = None
    sent_ids: list[uuid.UUID] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Recipient:
    address: str
    last_inbound_at: datetime | None
    #: The tenant of the conversation on the sending number (looked up once per row, also for the history).
    tenant: uuid.UUID | None
    #: That conversation, if there is one (a notification joins its history).
    conversation_id: uuid.UUID | None = None


#: ``phone_of`` parses with phonenumbers (~50 µs); a batch asks it about the same few numbers again and again.
_phone = lru_cache(maxsize=4096)(phone_of)


async def _recipient(m: Messaging, row: OutboundMessage, from_number: str) -> _Recipient:
    """Where WhatsApp will take it, and when this person last wrote (the 24-hour window).

    Use cases address people by their canonical phone (``+52…``); WhatsApp delivers Mexican
    mobiles as ``+521…``. When we have a conversation with the person on this number, the
    message goes to the exact address they write from.
    """
    async with m.db.session() as session:
        business_number = _phone(from_number)
        tenant = await tenant_of_number(session, business_number, m.config.central_number)
        found = (await session.execute(select(Conversation.reply_to, Conversation.last_inbound_at, Conversation.id)
                                       .where(Conversation.organization_id == tenant,
                                              Conversation.business_number == business_number,
                                              Conversation.phone_number == _phone(row.to_number)))).first()
    if found is None:
        return _Recipient(row.to_number, None, tenant)
    return _Recipient(found.reply_to or row.to_number, found.last_inbound_at, tenant, found.id)


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
    from_ = await _sender_number(m, row)
    return _wire(m, row, from_, await _recipient(m, row, from_))


def _wire(m: Messaging, row: OutboundMessage, from_: str, recipient: _Recipient) -> Outgoing:
    """:func:`outgoing_for` once the look-ups are done. Raises TemplateError."""
    to, last_inbound_at = recipient.address, recipient.last_inbound_at
    callback = status_callback(m.config.status_callback_url, row)
    if row.template_name is None:
        return Outgoing(str(row.id), to, from_, row.body or "", status_callback=callback)
    # A sign-in link exists only on the wire: the row names its token row (resolvers/magic_links.py).
    variables = wire_variables(row.template_variables or {}, secret=m.config.resolver.jwt_secret,
                               public_url=m.config.public_url, organization_id=row.organization_id)
    rendered = render(row.template_name, variables, now=m.now())
    if inside_session_window(last_inbound_at, m.now()):
        return Outgoing(str(row.id), to, from_, rendered.body, status_callback=callback)
    sid = m.config.content_sids.get(row.template_name)
    if sid is None and not _is_development(m):
        raise TemplateError(f"no hay Content SID configurado para {row.template_name} (PARLO_TWILIO_CONTENT_SIDS)")
    return Outgoing(str(row.id), to, from_, rendered.body, content_sid=sid or f"dev:{row.template_name}",
                    content_variables=rendered.content_variables, status_callback=callback)


def _is_development(m: Messaging) -> bool:
    from messaging.senders import LogSender

    return isinstance(m.sender, LogSender)


_SENDER_NUMBER = select(Organization.whatsapp_number).where(Organization.id == bindparam("org"))
_TENANTS_OF = select(WhatsAppNumber.number, WhatsAppNumber.organization_id).where(
    WhatsAppNumber.number.in_(bindparam("numbers", expanding=True)))
_CONVERSATIONS_OF = select(Conversation.organization_id, Conversation.business_number, Conversation.phone_number,
                           Conversation.reply_to, Conversation.last_inbound_at, Conversation.id).where(
    Conversation.organization_id.in_(bindparam("tenants", expanding=True)),
    Conversation.business_number.in_(bindparam("businesses", expanding=True)),
    Conversation.phone_number.in_(bindparam("phones", expanding=True)))


def _answers_as_written(row: OutboundMessage) -> bool:
    """A turn's text reply: the turn addressed it to the conversation's ``reply_to`` and from its
    number, a text needs no 24-hour window, and the reply is in the history already, so there
    is nothing to look up (turn replies are most of the outbox)."""
    return (row.kind == "reply" and row.conversation_id is not None and row.template_name is None
            and bool(row.from_number) and row.to_number.startswith(WHATSAPP_PREFIX))


async def _recipients(m: Messaging, rows: list[OutboundMessage]) -> dict[uuid.UUID, tuple[str, _Recipient]]:
    """:func:`_sender_number` and :func:`_recipient` of a whole batch, in one read: a statement per
    salon without a sender number on its rows, one for the routing of every sending number (a
    reference table), and one per salon on Citus (one in all elsewhere) for the conversations.
    A turn's text replies need none of it (:func:`_answers_as_written`)."""
    out: dict[uuid.UUID, tuple[str, _Recipient]] = {
        row.id: (row.from_number, _Recipient(row.to_number, None, None)) for row in rows if _answers_as_written(row)}
    rows = [row for row in rows if row.id not in out]
    if not rows:
        return out
    central = m.config.central_number
    async with m.db.session() as session:
        numbers: dict[uuid.UUID, str | None] = {}
        for org in {row.organization_id for row in rows if not row.from_number and row.organization_id is not None}:
            numbers[org] = await session.scalar(_SENDER_NUMBER, {"org": org})
        senders = {row.id: row.from_number or whatsapp_address(numbers.get(row.organization_id) or central)
                   for row in rows}
        business = {address: _phone(address) for address in set(senders.values())}
        asked = sorted({number for number in business.values() if number != central})
        routed = dict((await session.execute(_TENANTS_OF, {"numbers": asked})).all()) if asked else {}
        tenant_of = {number: (None if number == central else routed.get(number)) for number in business.values()}
        wanted: dict[uuid.UUID | None, tuple[set[str], set[str]]] = {}
        for row in rows:
            number = business[senders[row.id]]
            numbers_, phones = wanted.setdefault(tenant_of[number], (set(), set()))
            numbers_.add(number)
            phones.add(_phone(row.to_number))
        found: dict[tuple[uuid.UUID | None, str, str], tuple] = {}
        for group in await tenant_groups(m.db, wanted):
            for tenant, number, phone, reply_to, last_inbound_at, conversation_id in (await session.execute(
                    _CONVERSATIONS_OF, {"tenants": group,
                                        "businesses": sorted(set().union(*(wanted[t][0] for t in group))),
                                        "phones": sorted(set().union(*(wanted[t][1] for t in group)))})).all():
                found[tenant, number, phone] = (reply_to, last_inbound_at, conversation_id)
    for row in rows:
        number = business[senders[row.id]]
        tenant = tenant_of[number]
        conversation = found.get((tenant, number, _phone(row.to_number)))
        if conversation is None:
            recipient = _Recipient(row.to_number, None, tenant)
        else:
            recipient = _Recipient(conversation[0] or row.to_number, conversation[1], tenant, conversation[2])
        out[row.id] = (senders[row.id], recipient)
    return out


@dataclass(slots=True)
class _Done:
    """A row Twilio took, waiting to be recorded."""

    row: OutboundMessage
    outgoing: Outgoing
    sent: Sent
    recipient: _Recipient


_TABLE = OutboundMessage.__table__
_STATUS = _TABLE.c.status


def _status_in(statuses) -> ColumnElement[bool]:
    """``status IN (...)`` as equalities: an IN list is an expanding parameter, which executemany refuses."""
    return or_(*(_STATUS == status for status in statuses))


_UNSENT = _status_in([DeliveryStatus.SENDING, DeliveryStatus.PENDING])


@lru_cache(maxsize=None)
def _record_statement(told: DeliveryStatus | None):
    """The recording UPDATE for rows whose sender answered ``told``, one parameter set per row
    (asyncpg's executemany), deciding from the row as it is now, without reading it first: a
    status callback may have come in between the send and this (:mod:`messaging.status`).

    A row still ``sending`` becomes ``queued``, or ``told`` when that says more; a row a
    callback already moved keeps its status unless ``told`` moves it further (and the SID is
    this send's). The SID, ``sent_at`` and the body a callback or an earlier write set are kept.
    """
    first = told if told is not None and moves_forward(DeliveryStatus.QUEUED, told) else DeliveryStatus.QUEUED
    sid = bindparam("r_sid", type_=_TABLE.c.provider_message_id.type)
    now = bindparam("r_now", type_=_TABLE.c.updated_at.type)
    whens = [(_UNSENT, first)]
    moves_on = None
    if told is not None:
        moves_on = and_(_status_in([s for s in DeliveryStatus if moves_forward(s, told)]),
                        func.coalesce(_TABLE.c.provider_message_id, sid) == sid)
        whens.append((moves_on, told))
    values = dict(status=case(*whens, else_=_STATUS), provider_message_id=func.coalesce(_TABLE.c.provider_message_id, sid),
                  sent_at=func.coalesce(_TABLE.c.sent_at, now), last_error=None, updated_at=now,
                  # what the customer read (no sign-in token), for the history
                  body=func.coalesce(_TABLE.c.body, bindparam("r_body", type_=_TABLE.c.body.type)))
    delivered = {DeliveryStatus.DELIVERED: now, DeliveryStatus.READ: func.coalesce(_TABLE.c.delivered_at, now)}
    becomes = [(_UNSENT, delivered[first])] if first in delivered else []
    if moves_on is not None and told in delivered:
        becomes.append((moves_on, delivered[told]))
    if becomes:
        values["delivered_at"] = case(*becomes, else_=_TABLE.c.delivered_at)
    return (update(_TABLE)
            .where(_TABLE.c.organization_id == bindparam("r_tenant", type_=_TABLE.c.organization_id.type),
                   _TABLE.c.id == bindparam("r_id"))
            .values(**values))


async def _record_sent(m: Messaging, done: list[_Done]) -> None:
    """Record sent rows in one transaction: the SID and ``queued`` on each row, the message in
    the conversation's history; and when the sender's answer already says more (the log
    sender's ``sent``), that status too: what :func:`messaging.status.record_provider_status`
    would then apply. ``done`` is one of :func:`tenant_groups` (one salon on Citus)."""
    now = m.now()
    by_answer: dict[DeliveryStatus | None, list[dict]] = {}
    for d in done:
        by_answer.setdefault(TWILIO_STATUSES.get(d.sent.status.lower()), []).append({
            "r_tenant": d.row.organization_id, "r_id": d.row.id, "r_sid": d.sent.provider_message_id,
            "r_now": now, "r_body": redacted(d.outgoing.body)})
    for changes in by_answer.values():  # every recorder locks rows in one order
        changes.sort(key=lambda c: (str(c["r_tenant"]), str(c["r_id"])))

    async def record() -> None:
        async with m.db.transaction(write=True) as session:
            for told, changes in by_answer.items():
                await session.execute(_record_statement(told), changes)
            for d in done:
                if (d.row.kind != "reply" or d.row.conversation_id is None) and d.recipient.conversation_id is not None:
                    await _into_history(session, d, now)

    await again_on_conflict(record)


async def _into_history(session, d: _Done, now: datetime) -> None:
    """A notification becomes part of the conversation, so an engine reading the history knows
    what a "sí" answers (a reminder, a waitlist offer, a proposed move). Replies are already there.
    The conversation is the one on the sending number, as :func:`_recipients` found it."""
    tenant = d.recipient.tenant
    # Its place in the conversation's order, the conversation row locked first like every writer's
    # (messaging.inbound.next_sequences); a known message leaves a gap, never a clash.
    reserved = await next_sequences(session, d.recipient.conversation_id, tenant, 1, last_message_at=now)
    if reserved is None:
        return
    known = await session.scalar(select(Message.id).where(Message.organization_id == tenant,
                                                          Message.provider_message_id == d.sent.provider_message_id))
    if known is not None:
        return
    session.add(Message(conversation_id=d.recipient.conversation_id, organization_id=tenant,
                        sequence=reserved[0], direction=MessageDirection.OUTBOUND, sender_type=SenderType.SYSTEM,
                        content_type=ContentType.TEMPLATE if d.row.template_name else ContentType.TEXT,
                        body=redacted(d.outgoing.body), provider_message_id=d.sent.provider_message_id,
                        processed_at=now, created_at=now))


async def _record_failure(m: Messaging, row: OutboundMessage, error: str, *, permanent: bool,
                          report: DeliveryReport) -> datetime | None:
    """Back to ``pending`` with backoff, or ``failed`` for good; returns when it is tried again."""
    now = m.now()
    policy = m.config.delivery
    give_up = permanent or row.attempts >= policy.max_attempts
    retry_at = None if give_up else now + policy.backoff(row.attempts)
    async with m.db.transaction(write=True) as session:
        await session.execute(
            update(OutboundMessage).where(this_row(row), OutboundMessage.status == DeliveryStatus.SENDING)
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


#: Messages on their way to Twilio at once, per batch (each person's still one after another).
SENDS_AT_ONCE = 16


async def send_claimed(m: Messaging, rows: list[OutboundMessage], report: DeliveryReport) -> None:
    """Send claimed rows and record them. Each person's rows go one after another, in order (a
    failure holds the rest back until its retry); different people's go side by side. The
    look-ups are made once for the batch, and each salon's rows are recorded in one transaction."""
    looked_up = await _recipients(m, rows)
    chains: dict[tuple[uuid.UUID | None, str], list[OutboundMessage]] = {}
    for row in rows:
        chains.setdefault((row.organization_id, row.to_number), []).append(row)
    done: list[_Done] = []
    released: list[tuple[OutboundMessage, datetime | None]] = []
    room = asyncio.Semaphore(SENDS_AT_ONCE)

    async def send_chain(chain: list[OutboundMessage]) -> None:
        for i, row in enumerate(chain):
            from_, recipient = looked_up[row.id]
            try:
                outgoing = _wire(m, row, from_, recipient)
            except TemplateError as exc:
                await _record_failure(m, row, str(exc), permanent=True, report=report)
                continue
            try:
                async with room:
                    sent = await m.sender.send(outgoing)
            except SendFailed as exc:
                retry_at = await _record_failure(m, row, exc.detail, permanent=exc.permanent, report=report)
                if retry_at is not None:  # this person's later messages wait behind it
                    released.extend((later, retry_at) for later in chain[i + 1:])
                    return
                continue
            done.append(_Done(row, outgoing, sent, recipient))

    if len(chains) == 1:
        try:
            outcomes: list = [await send_chain(rows)]
        except Exception as exc:  # noqa: BLE001 - raised again once what went out is recorded
            outcomes = [exc]
    else:  # every chain runs to its end, so what went out is recorded even if one chain broke
        outcomes = await asyncio.gather(*(send_chain(chain) for chain in chains.values()), return_exceptions=True)
    by_tenant: dict[uuid.UUID | None, list[_Done]] = {}
    for d in done:
        by_tenant.setdefault(d.row.organization_id, []).append(d)
    for group in await tenant_groups(m.db, by_tenant):
        await _record_sent(m, [d for tenant in group for d in by_tenant[tenant]])
    for d in done:
        report.sent += 1
        report.sent_ids.append(d.row.id)
    if released:
        async with m.db.transaction(write=True) as session:
            for row, until in released:
                await session.execute(
                    update(OutboundMessage).where(this_row(row), OutboundMessage.status == DeliveryStatus.SENDING)
                    .values(status=DeliveryStatus.PENDING, attempts=OutboundMessage.attempts - 1,
                            next_attempt_at=until or row.next_attempt_at, updated_at=m.now())
                    .execution_options(synchronize_session=False))
    for outcome in outcomes:
        if isinstance(outcome, BaseException):  # its rows stay "sending": recover_abandoned settles them
            raise outcome


async def deliver_due(m: Messaging, *, only_to: tuple[str, ...] | None = None) -> DeliveryReport:
    """Send everything due now; returns what happened. Safe to run in many workers at once.

    One sweep across every salon finds the due rows (again only while it comes back full); a
    person's due rows are taken together and sent in order. Then the salons that had rows are
    looked at again (one shard each on Citus, one statement elsewhere) until nothing is left
    there: that finds a person's next row that waited behind one this worker was sending. Rows
    other salons write meanwhile wait for the next tick, which their write asks for. Each
    round's claim, look-ups and records are a statement per salon on Citus, one elsewhere.
    """
    report = DeliveryReport()
    tenants: dict[uuid.UUID | None, None] = {}
    rows, full = await claim_batch(m, limit=None, only_to=only_to, tenants=ANY_TENANT)
    while rows:
        tenants.update(dict.fromkeys(row.organization_id for row in rows))
        await send_claimed(m, rows, report)  # every row ends sent, failed, or pending later: the loops end
        rows, full = await claim_batch(m, limit=None, only_to=only_to, tenants=ANY_TENANT) if full else ([], False)
    while tenants and (rows := (await claim_batch(m, limit=None, only_to=only_to, tenants=list(tenants)))[0]):
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
                    this_row(row), OutboundMessage.status == DeliveryStatus.SENDING)
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
                this_row(row), OutboundMessage.status == DeliveryStatus.SENDING)
                .values(updated_at=now, **values).execution_options(synchronize_session=False))
        log.warning("abandoned message %s %s", row.id, "was already sent" if found else "goes back to the queue")
        recovered += 1
    if recovered:
        await m.queue.outbox_waiting()
    return recovered
