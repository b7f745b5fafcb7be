"""``Organization.settings``: every setting with the value in force (the owner's choice or the default)."""

from enum import Enum

import strawberry

from resolvers.organization_settings import EffectiveSettings


@strawberry.enum(description="Which appointments that a disruption did not touch a rebooking plan may nudge.")
class RebookingUnaffectedMoves(Enum):
    NONE = "none"
    ACCEPTING = "accepting"
    ANY = "any"


@strawberry.type(description="Every setting with the value Parlo uses now: what the owner set, else the default. "
                             "Change them with updateOrganization(input: {settings: {…}}).")
class OrganizationSettings:
    slot_granularity_minutes: int = strawberry.field(description="Minutes between bookable starts (default 15).")
    min_notice_minutes: int = strawberry.field(description="Customers book at least this long ahead (default 0).")
    max_days_ahead: int = strawberry.field(description="Customers book at most this many days ahead (default 60).")
    buffer_minutes: int = strawberry.field(description="Clean-up after services that set none (default 0).")
    welcome_message: str | None
    cancellation_policy: str | None
    reminder_hours_before: int = strawberry.field(description="The reminder, hours before the visit (default 24).")
    second_reminder: bool = strawberry.field(description="Also a second reminder (default false).")
    second_reminder_hours_before: int = strawberry.field(description="The second reminder's lead (default 2).")
    daily_summary: bool = strawberry.field(description="The day's schedule every morning (default true).")
    daily_summary_hour: int = strawberry.field(description="Local hour of the daily summary, 0-23 (default 7).")
    review_requests: bool = strawberry.field(description="Ask for a 1-5 rating after a visit (default false).")
    review_request_delay_minutes: int = strawberry.field(description="How long after the visit (default 60).")
    no_show_rebook: bool = strawberry.field(description="Invite who did not come to book again (default true).")
    notify_admin_ids: list[strawberry.ID] = strawberry.field(
        description="Admins who also get the owner's notices (default none).")
    rebooking_shift_window_minutes: int = strawberry.field(
        description="How far in time of day a rebooking may move an appointment (default 180).")
    rebooking_days_ahead: int = strawberry.field(
        description="Days after the disrupted one a rebooking may move to (default 2).")
    rebooking_unaffected_moves: RebookingUnaffectedMoves = strawberry.field(
        description="Which untouched appointments a rebooking may nudge (default ACCEPTING).")
    rebooking_time_limit_seconds: float = strawberry.field(
        description="The optimiser's wall-clock safety net, 30-600 (default 60); plans are bounded by a "
                    "deterministic work budget, so the same request gives the same plan.")
    rebooking_max_unaffected_customers: int = strawberry.field(
        description="The most customers the disruption did not touch one plan may move (default 3).")
    rebooking_plan_minutes: int = strawberry.field(
        description="How long a plan may be applied after it was made (default 30).")
    compaction_shift_window_minutes: int = strawberry.field(
        description="How far \"compacta la agenda\" may move a customer who accepts moves (default 120).")
    compaction_max_moved_share: float = strawberry.field(
        description="The largest share of a day's appointments compaction may move (default 0.2).")

    @classmethod
    def of(cls, value: EffectiveSettings) -> "OrganizationSettings":
        booking, notices, rebooking = value.booking, value.notifications, value.rebooking
        return cls(
            slot_granularity_minutes=booking.granularity_minutes, min_notice_minutes=booking.min_notice_minutes,
            max_days_ahead=booking.max_days_ahead, buffer_minutes=booking.buffer_minutes,
            welcome_message=value.welcome_message, cancellation_policy=value.cancellation_policy,
            reminder_hours_before=int(notices.reminder_lead.total_seconds() // 3600),
            second_reminder=notices.second_reminder,
            second_reminder_hours_before=int(notices.second_reminder_lead.total_seconds() // 3600),
            daily_summary=notices.daily_summary, daily_summary_hour=notices.daily_summary_hour,
            review_requests=notices.review_requests,
            review_request_delay_minutes=int(notices.review_delay.total_seconds() // 60),
            no_show_rebook=notices.no_show_rebook, notify_admin_ids=[strawberry.ID(i) for i in value.notify_admin_ids],
            rebooking_shift_window_minutes=rebooking.shift_window_minutes, rebooking_days_ahead=rebooking.days_ahead,
            rebooking_unaffected_moves=RebookingUnaffectedMoves(rebooking.unaffected_moves),
            rebooking_time_limit_seconds=rebooking.time_limit_seconds,
            rebooking_max_unaffected_customers=rebooking.max_unaffected_customers,
            rebooking_plan_minutes=rebooking.plan_minutes,
            compaction_shift_window_minutes=rebooking.compaction_shift_window_minutes,
            compaction_max_moved_share=rebooking.compaction_max_moved_share,
        )
