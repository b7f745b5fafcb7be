"""Rebooking suggestions: when a stylist is out or a chair breaks, the best plan in one answer.

Use cases (``async def name(ctx, ...) -> Result | Problem``; owners and admins only, via
``Permission.REBOOK``, except the waitlist; ids of another organization are ``NotFound``):

- ``suggest_rebooking(ctx, disruption, *, location_id=None)`` → ``PlanResult``: builds the
  optimiser's salon from the database with the disruption taken out (``salon_model``),
  solves (CP-SAT, ``solver.rebooking``; compaction for ``CompactDay``), stores a
  ``RebookingPlan`` and answers with datetimes, names and Spanish reasons.
  Disruptions: ``StaffOut(staff_id, first_day, last_day, write_block, reason)``,
  ``StaffBlockOver(block_id)``, ``SpotOut(spot_id, first_day, last_day)``,
  ``ShortenedHours(day, opens_at, closes_at, write_block, reason)``, ``CompactDay(day)``.
- ``apply_rebooking(ctx, plan_id, move_ids)`` → ``ApplyResult``: the *stored* plan's chosen
  moves (a visit's moves together) in one write transaction, appointments locked and
  re-checked on fresh data; refused ones are reported, not applied; the outage goes on the
  calendar once (suggesting writes nothing); one ``appointment_moved_proposal`` notice per
  visit. A plan older than ``rebooking_plan_minutes`` (30) is refused as expired.
- ``replan_rebooking(ctx, plan_id, appointment_ids=None)`` → ``PlanResult``: a fresh plan for
  the same disruption, just for those appointments (default: the affected ones not moved).
- ``get_rebooking_plan(ctx, plan_id)`` → ``PlanResult``.
- ``appointments_needing_new_time(ctx, *, first=50)`` → the visits a plan left behind that
  are still waiting (not moved, not cancelled), soonest first: the dashboard's list.
- ``join_waitlist(ctx, service_id, day, *, customer_phone, customer_name)`` → ``WaitlistEntry``.
- Offering freed time to the waitlist (``waitlist_offer`` notice, entry → offered) happens
  inside the cancel's own transaction, so it lives with cancelling:
  ``resolvers.scheduling.waitlist_offers.offer_freed_slot``.
- ``accept_waitlist_offer(ctx, entry_id)`` → ``BookedAppointments``: the customer's "sí" to
  an offer books that time (``SlotTaken`` with alternatives if it went meanwhile).
- ``decline_waitlist_offer(ctx, entry_id)`` → ``WaitlistEntry``: the customer's "no"; the entry
  leaves the line and the time goes to the next customer waiting. ``my_waitlist_offer(ctx)``:
  the offer standing for the customer writing, if any (what a bare "sí"/"no" answers).
- ``pass_on_stale_offers(ctx, *, older_than=OFFER_TIMEOUT)`` → expired count: a periodic job
  (system actor) passes unanswered offers (2 h) on to the next customer waiting.

The owner's rules (shift window, days ahead, who may be nudged, time limit, compaction)
come from ``Organization.settings`` with defaults in ``policy.RebookingSettings``.
"""

from resolvers.rebooking.apply import apply_rebooking
from resolvers.rebooking.disruptions import (
    CompactDay,
    Disruption,
    DisruptionKind,
    ShortenedHours,
    SpotOut,
    StaffBlockOver,
    StaffOut,
)
from resolvers.rebooking.plans import get_rebooking_plan
from resolvers.rebooking.policy import RebookingSettings
from resolvers.rebooking.replan import replan_rebooking
from resolvers.rebooking.suggest import suggest_rebooking
from resolvers.rebooking.types import (
    ApplyResult,
    DisruptionFacts,
    FreeBlockChange,
    PlacementAt,
    PlanFiguresOut,
    PlannedMove,
    PlanResult,
    RefusedMove,
    UnplaceableAppointment,
)
from resolvers.rebooking.waiting import appointments_needing_new_time
from resolvers.rebooking.waitlist import (
    OFFER_TIMEOUT,
    accept_waitlist_offer,
    decline_waitlist_offer,
    join_waitlist,
    my_waitlist_offer,
    pass_on_stale_offers,
)

__all__ = [
    "OFFER_TIMEOUT",
    "ApplyResult",
    "CompactDay",
    "Disruption",
    "DisruptionFacts",
    "DisruptionKind",
    "FreeBlockChange",
    "PlacementAt",
    "PlanFiguresOut",
    "PlanResult",
    "PlannedMove",
    "RebookingSettings",
    "RefusedMove",
    "ShortenedHours",
    "SpotOut",
    "StaffBlockOver",
    "StaffOut",
    "UnplaceableAppointment",
    "accept_waitlist_offer",
    "apply_rebooking",
    "appointments_needing_new_time",
    "decline_waitlist_offer",
    "get_rebooking_plan",
    "join_waitlist",
    "my_waitlist_offer",
    "pass_on_stale_offers",
    "replan_rebooking",
    "suggest_rebooking",
]
