"""The owner's rebooking rules, read from ``Organization.settings`` in one place.

Keys (all optional; a bad value falls back to its default rather than break the feature):

- ``rebooking_shift_window_minutes`` (180): how far, in time of day, an affected
  appointment may move (on its own day or another).
- ``rebooking_days_ahead`` (2): how many days after the disrupted ones an affected
  appointment may go to (0: only its own day).
- ``rebooking_unaffected_moves`` ("accepting"): which unaffected appointments may be nudged,
  on their own day, to let more affected ones stay on theirs: "none", "accepting" (only
  customers who accept moves) or "any".
- ``rebooking_max_unaffected_customers`` (3): the most customers the disruption did not touch
  that one plan may move to make room (0: nobody uninvolved moves).
- ``rebooking_plan_minutes`` (30): how long a plan may be applied after it was made; an older
  plan is refused ("pídeme uno nuevo"), since the agenda has moved on since the owner read it.
- ``rebooking_time_limit_seconds`` (60): a wall-clock safety net only. The search stops after a
  deterministic amount of CP-SAT work (``RebookingPolicy.work_limit``), so the same request on
  the same data gives the same plan however loaded the machine is; the clock only stops a
  search on a machine far slower than expected (the plan then says ``stopped_by="time_limit"``
  and is logged, since it may differ from run to run). Values under 30 s fall back to 60: a
  tight clock is what made larger plans differ run to run under load.
- ``compaction_shift_window_minutes`` (120) and ``compaction_max_moved_share`` (0.2): for
  "compacta la agenda", how far a customer who accepts moves may be moved and which share
  of the day's appointments may move at most.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from solver.rebooking import CompactionPolicy, RebookingPolicy

UNAFFECTED_MOVES = ("none", "accepting", "any")
#: The wall-clock safety net for rebooking and compaction searches (seconds), and the least a
#: setting may make it. The deterministic work budget (0.4 CP-SAT seconds for rebooking, 2 for
#: compaction) ends the search long before; the clock stops it only if something is badly wrong.
GUARD_SECONDS = 60.0
MIN_GUARD_SECONDS = 30.0


def _whole(settings: dict[str, Any], key: str, default: int, lo: int, hi: int) -> int:
    value = settings.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        return default
    return value


def _number(settings: dict[str, Any], key: str, default: float, lo: float, hi: float) -> float:
    value = settings.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
        return default
    return float(value)


@dataclass(frozen=True, slots=True)
class RebookingSettings:
    shift_window_minutes: int = 180
    days_ahead: int = 2
    unaffected_moves: str = "accepting"
    time_limit_seconds: float = GUARD_SECONDS
    max_unaffected_customers: int = 3
    plan_minutes: int = 30
    compaction_shift_window_minutes: int = 120
    compaction_max_moved_share: float = 0.2

    @classmethod
    def of(cls, organization: Any) -> "RebookingSettings":
        settings = getattr(organization, "settings", None) or {}
        unaffected = settings.get("rebooking_unaffected_moves", "accepting")
        return cls(
            shift_window_minutes=_whole(settings, "rebooking_shift_window_minutes", 180, 0, 24 * 60),
            days_ahead=_whole(settings, "rebooking_days_ahead", 2, 0, 7),
            unaffected_moves=unaffected if unaffected in UNAFFECTED_MOVES else "accepting",
            time_limit_seconds=_number(settings, "rebooking_time_limit_seconds", GUARD_SECONDS,
                                       MIN_GUARD_SECONDS, 600.0),
            max_unaffected_customers=_whole(settings, "rebooking_max_unaffected_customers", 3, 0, 100),
            plan_minutes=_whole(settings, "rebooking_plan_minutes", 30, 1, 24 * 60),
            compaction_shift_window_minutes=_whole(settings, "compaction_shift_window_minutes", 120, 0, 24 * 60),
            compaction_max_moved_share=_number(settings, "compaction_max_moved_share", 0.2, 0.0, 1.0),
        )

    @property
    def plan_lifetime(self) -> timedelta:
        return timedelta(minutes=self.plan_minutes)

    def rebooking_policy(self, *, move_to_days: tuple[int, ...], granularity: int) -> RebookingPolicy:
        """"any" is passed as "accepting": the salon builder marks every movable appointment as accepting
        (so appointments already under way are never nudged, whatever the setting)."""
        return RebookingPolicy(
            shift_window_minutes=self.shift_window_minutes,
            move_to_days=move_to_days,
            unaffected_moves="none" if self.unaffected_moves == "none" else "accepting",
            max_unaffected_customers=self.max_unaffected_customers,
            time_limit_seconds=self.time_limit_seconds,
            granularity_minutes=granularity,
        )

    def compaction_policy(self, *, granularity: int) -> CompactionPolicy:
        return CompactionPolicy(
            shift_window_minutes=self.compaction_shift_window_minutes,
            max_moved_share=self.compaction_max_moved_share,
            time_limit_seconds=self.time_limit_seconds,
            granularity_minutes=granularity,
        )
