"""Notifications that time sends: reminders, the daily summary, rating requests, rebook invitations.

The use cases queue what a change causes (confirmation, new booking, cancellation,
reschedule: ``resolvers/scheduling/notices.py``); these dispatchers queue what the clock
causes. Each one computes what is due from the database at an injected ``now``, in each
organization's zone, and writes outbox rows whose ``dedupe_key`` makes a re-run, two
workers or a restart a no-op. ``messaging.delivery`` sends them, with retries.

=======================  ===============  ===============================================
template                 to               when
=======================  ===============  ===============================================
appointment_reminder     customer         ``reminder_hours_before`` (24 h) before the visit,
                                          if booked before that; again at a new start
appointment_reminder_2h  customer         2 h before, when ``second_reminder`` is on
daily_summary            owner (+admins)  ``daily_summary_hour`` (7:00) local, every day
review_request           customer         ``review_request_delay_minutes`` after a completed
                                          visit, when ``review_requests`` is on; daytime
no_show_rebook           customer         15 min after a no-show is marked; daytime
waitlist_offer           next in line     an offer unanswered for 2 h passes on
=======================  ===============  ===============================================

A reminder still waiting in the outbox (a retry) when its visit is cancelled or moved is
withdrawn. Entry point: :func:`dispatch_due` (``parlo/tasks.py`` runs it every minute). Settings:
:class:`NotificationSettings` (``resolvers/notification_settings.py`` lists the keys and defaults).
"""

from messaging.notifications.dispatch import DispatchReport, dispatch_due
from messaging.notifications.policy import DispatchPolicy
from resolvers.notification_settings import NotificationSettings

__all__ = ["DispatchPolicy", "DispatchReport", "NotificationSettings", "dispatch_due"]
