"""Parlo's scheduling solver: pure functions from a salon snapshot to bookable times.

Build a `Salon` (zone, options, business hours, staff, spots, services, blocks and the
occupancy already stored) and a `BookingRequest` (services in order, group size, optional
stylist/spot/window, `Preferences`), then:

- `available_slots(salon, request, now)` -> ranked `Slot`s, each with the `Assignment` it
  would use (interval arithmetic on the booking grid: exact, milliseconds, no CP-SAT);
  `explain_no_slots(...)` says why the list is empty;
- `assign_booking(salon, request, now)` -> the best `Assignment` (CP-SAT chooses among the
  starts the listing says could win), or a `NoAssignment` whose `Reason` says why
  (closed, fully_booked, no_qualified_staff, outside_booking_window, ...);
- `recheck_assignment(salon, assignment, now)` -> `Conflict`s (empty = still bookable);
  call it in the booking transaction on fresh data;
- `Calendars(salon, Horizon(zone, first_day, days))` -> each resource's working and free
  time in minutes over a horizon (what the day agenda shows as working hours and gaps);
- `occupancy_for_assignment(salon, assignment)` / `occupancy_for(...)` -> the `Occupancy`
  rows to store: the single definition of who is busy when (stylist free during processing,
  spot busy throughout, buffer after both).

A visit's services run back to back (each starts when the previous one's buffer ends) and
a group's seats start together. Nothing here reads the clock, a database or the network:
`now` is always passed in. Times in and out are timezone-aware (UTC out); weekly rules are
local to the salon's zone (`solver.calendar` documents DST). Ranking: `solver.ranking`.
OR-Tools is imported only when `assign_booking` first needs it.
"""

from solver.assignment import assign_booking
from solver.booking import (
    PART_OF_DAY_MINUTES,
    Assignment,
    BookedService,
    BookingRequest,
    Conflict,
    NoAssignment,
    PartOfDay,
    Preferences,
    Reason,
    Slot,
    StepOptions,
)
from solver.calendar import Calendars, Horizon
from solver.occupancy import occupancy_for, occupancy_for_assignment
from solver.recheck import recheck_assignment
from solver.salon import (
    Block,
    DatedException,
    ExceptionKind,
    Occupancy,
    Processing,
    ResourceKind,
    Salon,
    SalonOptions,
    Service,
    Spot,
    Staff,
    WeeklyHours,
)
from solver.slots import available_slots, explain_no_slots

__all__ = [
    "PART_OF_DAY_MINUTES",
    "Assignment",
    "Block",
    "Calendars",
    "BookedService",
    "BookingRequest",
    "Conflict",
    "DatedException",
    "ExceptionKind",
    "Horizon",
    "NoAssignment",
    "Occupancy",
    "PartOfDay",
    "Preferences",
    "Processing",
    "Reason",
    "ResourceKind",
    "Salon",
    "SalonOptions",
    "Service",
    "Slot",
    "Spot",
    "Staff",
    "StepOptions",
    "WeeklyHours",
    "assign_booking",
    "available_slots",
    "explain_no_slots",
    "occupancy_for",
    "occupancy_for_assignment",
    "recheck_assignment",
]
