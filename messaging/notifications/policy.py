"""How late a notification may still go out, and when non-urgent messages wait for the morning."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta


@dataclass(frozen=True, slots=True)
class DispatchPolicy:
    #: A reminder not written by its due time (worker down) is still written this long after,
    #: at most a quarter of its lead (24 h → 4 h late at most; 2 h → 30 min).
    reminder_catch_up: timedelta = timedelta(hours=4)
    #: The daily summary still goes out this long after its hour; later it would be noise.
    summary_catch_up: timedelta = timedelta(hours=3)
    #: Rating requests and rebook invitations are for visits of the last two days only.
    follow_up_window: timedelta = timedelta(hours=48)
    #: After a no-show is marked, the staff member's own message (if any) goes first.
    no_show_grace: timedelta = timedelta(minutes=15)
    #: Non-urgent messages (ratings, invitations) only between these local hours.
    day_starts: time = time(9, 0)
    day_ends: time = time(21, 0)
    #: The summary lists this many appointments; the rest are counted.
    summary_lines: int = 25

    def catch_up_for(self, lead: timedelta) -> timedelta:
        return min(self.reminder_catch_up, lead / 4)

    def daytime(self, local: time) -> bool:
        return self.day_starts <= local < self.day_ends
