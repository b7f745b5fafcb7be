"""What each organization chose about its automatic messages, read in one place with defaults.

Keys in ``Organization.settings`` (all optional):

=============================  =======  =====================================================
key                            default  meaning
=============================  =======  =====================================================
reminder_hours_before          24       the first reminder, hours before the visit
second_reminder                false    also remind ``second_reminder_hours_before`` hours before
second_reminder_hours_before   2        the second reminder's lead
daily_summary                  true     send the day's schedule every morning
daily_summary_hour             7        local hour (0-23) of the daily summary
review_requests                false    ask for a 1-5 rating after a completed visit
review_request_delay_minutes   60       how long after the visit ends
no_show_rebook                 true     invite a customer who did not come to book again
notify_admin_ids               []       admins (staff ids) who also get the owner's notices
                                         (read by resolvers.scheduling.notices.notice_recipients)
=============================  =======  =====================================================

A value of the wrong type falls back to the default instead of stopping every message of
the salon: these are read by a periodic job, not by a form that could show an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

KEYS = (
    "reminder_hours_before", "second_reminder", "second_reminder_hours_before", "daily_summary",
    "daily_summary_hour", "review_requests", "review_request_delay_minutes", "no_show_rebook", "notify_admin_ids",
)


def _int(raw: Mapping[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return default
    try:
        number = int(value)
    except ValueError:
        return default
    return number if low <= number <= high else default


def _flag(raw: Mapping[str, Any], key: str, default: bool) -> bool:
    value = raw.get(key)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "sí", "si", "no", "1", "0"):
        return value.strip().lower() in ("true", "sí", "si", "1")
    return default


@dataclass(frozen=True, slots=True)
class NotificationSettings:
    reminder_lead: timedelta = timedelta(hours=24)
    second_reminder: bool = False
    second_reminder_lead: timedelta = timedelta(hours=2)
    daily_summary: bool = True
    daily_summary_hour: int = 7
    review_requests: bool = False
    review_delay: timedelta = timedelta(minutes=60)
    no_show_rebook: bool = True

    @classmethod
    def of(cls, settings: Mapping[str, Any] | None) -> "NotificationSettings":
        raw = settings or {}
        return cls(
            reminder_lead=timedelta(hours=_int(raw, "reminder_hours_before", 24, 1, 24 * 7)),
            second_reminder=_flag(raw, "second_reminder", False),
            second_reminder_lead=timedelta(hours=_int(raw, "second_reminder_hours_before", 2, 1, 23)),
            daily_summary=_flag(raw, "daily_summary", True),
            daily_summary_hour=_int(raw, "daily_summary_hour", 7, 0, 23),
            review_requests=_flag(raw, "review_requests", False),
            review_delay=timedelta(minutes=_int(raw, "review_request_delay_minutes", 60, 0, 24 * 60)),
            no_show_rebook=_flag(raw, "no_show_rebook", True),
        )
