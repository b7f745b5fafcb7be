"""One pass of every dispatcher: what is due at ``now``, written once as outbox rows.

Run every minute by Huey (``parlo.notifications``), by any number of workers at once:
the dispatchers write in one transaction, with keys that make a re-run, a concurrent
run or a run after a crash a no-op. Delivery is the outbox's business.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from messaging.notifications.follow_ups import dispatch_no_show_invitations, dispatch_review_requests
from messaging.notifications.policy import DispatchPolicy
from messaging.notifications.reminders import dispatch_reminders, withdraw_stale_reminders
from messaging.notifications.summaries import dispatch_summaries
from resolvers.context import Actor, Context, ResolverConfig
from resolvers.rebooking import pass_on_stale_offers
from storage import Database, Organization, OrganizationStatus, is_unique_violation
from storage.queries import ALL_SALONS

log = logging.getLogger("parlo.notifications")

#: Organizations whose customers still hear from Parlo.
MESSAGING = (OrganizationStatus.ACTIVE, OrganizationStatus.ONBOARDING)

Dispatcher = Callable[..., Awaitable[list[str]]]

DISPATCHERS: tuple[tuple[str, Dispatcher], ...] = (
    ("reminders", dispatch_reminders),
    ("summaries", dispatch_summaries),
    ("review_requests", dispatch_review_requests),
    ("no_show_invitations", dispatch_no_show_invitations),
)


@dataclass
class DispatchReport:
    written: dict[str, list[str]] = field(default_factory=dict)
    #: Keys of reminders taken out of the outbox because their visit was cancelled or moved.
    withdrawn: list[str] = field(default_factory=list)
    waitlist_offers_passed: int = 0

    @property
    def total(self) -> int:
        return sum(len(keys) for keys in self.written.values())


async def _organizations(session: AsyncSession) -> dict[uuid.UUID, Organization]:
    # The minute's work is over every salon: this look-up and each dispatcher's are sweeps.
    rows = (await session.scalars(select(Organization).prefix_with(ALL_SALONS)
                                  .where(Organization.status.in_(MESSAGING)))).all()
    return {o.id: o for o in rows}


async def dispatch_due(db: Database, *, now: datetime, config: ResolverConfig,
                       policy: DispatchPolicy = DispatchPolicy(),
                       outbox_written: Callable[[], Awaitable[None]] | None = None) -> DispatchReport:
    """Write every notification due at ``now`` and pass on stale waitlist offers.

    ``outbox_written`` is called once if anything was written, so delivery starts at once.
    """
    report = DispatchReport()
    try:
        # One transaction for all of them: one write lock a minute, and a crash leaves nothing
        # half-written (the next run writes it all).
        async with db.transaction(write=True) as session:
            organizations = await _organizations(session)
            report.withdrawn = await withdraw_stale_reminders(session, now=now)
            for name, dispatcher in DISPATCHERS:
                report.written[name] = await dispatcher(session, now=now, organizations=organizations, policy=policy)
    except DBAPIError as exc:
        if not is_unique_violation(exc):
            raise
        # Another worker wrote the same rows between our check and insert on a key other than
        # dedupe_key; its rows stand and the next run finds them.
        log.info("another worker dispatched at the same time")
        report.written = {}
    ctx = Context(db=db, now=lambda: now, actor=Actor.system(None), config=config, outbox_notifier=outbox_written)
    report.waitlist_offers_passed = await pass_on_stale_offers(ctx)
    if report.total and outbox_written is not None:
        await outbox_written()
    return report
