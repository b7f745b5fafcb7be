"""Rebooking suggestions: when a stylist is out or a chair breaks, the least disruptive plan.

Pure code (stdlib + OR-Tools): resolvers build a `Salon` in integer minutes from the
database, call `suggest_rebooking` (CP-SAT) or `compact_day`, and turn the `Plan` back
into datetimes and messages. `greedy_rebooking` is the baseline the plan never loses to;
`plan_conflicts` re-checks a plan against the salon (tests, and a guard before applying);
`mark_affected` flags the appointments the disruption broke.
"""

from .checks import mark_affected, plan_conflicts
from .compaction import compact_day
from .greedy import greedy_rebooking
from .optimal import suggest_rebooking
from .plan import (
    NO_COMPATIBLE_SPOT,
    NO_QUALIFIED_STAFF,
    NO_TIME_IN_WINDOW,
    PREFERRED_STAFF_UNAVAILABLE,
    SCHEDULE_FULL,
    CompactionPlan,
    Move,
    Placement,
    Plan,
    PlanFigures,
    StaffFreeBlock,
    Unplaceable,
)
from .salon import (
    Appointment,
    CompactionPolicy,
    Processing,
    RebookingPolicy,
    Salon,
    SalonDay,
    Spot,
    StaffMember,
    Weights,
    Window,
)
from .units import Unit, units_of

__all__ = [
    "NO_COMPATIBLE_SPOT",
    "NO_QUALIFIED_STAFF",
    "NO_TIME_IN_WINDOW",
    "PREFERRED_STAFF_UNAVAILABLE",
    "SCHEDULE_FULL",
    "Appointment",
    "CompactionPlan",
    "CompactionPolicy",
    "Move",
    "Placement",
    "Plan",
    "PlanFigures",
    "Processing",
    "RebookingPolicy",
    "Salon",
    "SalonDay",
    "Spot",
    "StaffFreeBlock",
    "StaffMember",
    "Unit",
    "Unplaceable",
    "Weights",
    "Window",
    "compact_day",
    "greedy_rebooking",
    "mark_affected",
    "plan_conflicts",
    "suggest_rebooking",
    "units_of",
]
