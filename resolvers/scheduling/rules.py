"""An organization's booking rules, read from ``Organization.settings`` in one place.

Keys (all optional): ``slot_granularity_minutes`` (15), ``min_notice_minutes`` (0),
``max_days_ahead`` (60), ``buffer_minutes`` (0, clean-up after services that set none).
Bad values fall back to the default rather than break booking for the whole salon.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import solver

MAX_RANGE_DAYS = 90  # the widest window any query may ask for


def _whole(settings: dict[str, Any], key: str, default: int, lo: int, hi: int) -> int:
    value = settings.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        return default
    return value


@dataclass(frozen=True, slots=True)
class BookingRules:
    granularity_minutes: int = 15
    min_notice_minutes: int = 0
    max_days_ahead: int = 60
    buffer_minutes: int = 0

    @classmethod
    def of(cls, organization: Any) -> "BookingRules":
        settings = getattr(organization, "settings", None) or {}
        granularity = _whole(settings, "slot_granularity_minutes", 15, 5, 120)
        if 60 % granularity and granularity % 60:
            granularity = 15  # the grid must stay on the local clock across DST
        return cls(
            granularity_minutes=granularity,
            min_notice_minutes=_whole(settings, "min_notice_minutes", 0, 0, 7 * 24 * 60),
            max_days_ahead=_whole(settings, "max_days_ahead", 60, 0, 365),
            buffer_minutes=_whole(settings, "buffer_minutes", 0, 0, 240),
        )

    def solver_options(self) -> solver.SalonOptions:
        return solver.SalonOptions(
            granularity_minutes=self.granularity_minutes,
            min_notice_minutes=self.min_notice_minutes,
            max_days_ahead=self.max_days_ahead,
            buffer_after_minutes=self.buffer_minutes,
        )
