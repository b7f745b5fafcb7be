"""Scheduling use cases: slots, booking, walk-ins, moves, cancellations, blocks, hours, agenda.

Every function is ``async def name(ctx: Context, ...) -> Result | Problem``: expected
failures come back as values from ``resolvers.errors`` with a Spanish ``message``
(``NotFound``, ``PermissionDenied``, ``ValidationError(field)``, ``OutsideHours``,
``SlotTaken(alternatives=tuple[SlotOption, ...])``, ``NotAuthenticated``).

Scope: the actor's organization (``ctx.actor.organization_id``). A platform admin acts on
an organization through ``ctx.acting_as(Actor.staff(..., impersonated_by_admin=True))`` or
``Actor.system(org_id)``. Ids from another organization are ``NotFound``. Customers see and
change only their own appointments. Times in: aware datetimes (any zone); out: UTC on
storage rows and slots, the organization's zone in ``DaySchedule``.

Results: storage rows (``Appointment``, ``Availability``, ``Location``, ``Staff``,
``Customer``) where the caller wants columns; our dataclasses in ``types`` otherwise.
Schedule writes commit appointment + occupancy + outbox rows in one transaction and then
call ``ctx.outbox_written()``; the templates and their variables are listed in ``notices``.
A lost race is ``SlotTaken`` whose ``alternatives`` are ``SlotOption`` values, nearest first
by time. Past the free plan's monthly bookings, booking goes on: ``BookedAppointments.usage``
and ``.plan_warning`` (Spanish, for the owner) say so, and the owner gets one WhatsApp a month.
A walk-in without phone gets its own customer row whose phone starts with ``sin-tel-``
(``has_phone(customer)`` tells; show "sin teléfono").

- ``available_slots(ctx, service_ids, start, end, *, staff_id, spot_id, preferences, limit, group_size, location_id)``
  → ``list[SlotOption]`` ranked best first.
- ``book_appointment(ctx, BookingRequest)`` → ``BookedAppointments`` (``SlotTaken`` with alternatives on a race).
- ``book_walk_in(ctx, WalkInRequest)`` → ``BookedAppointments`` starting now, with whoever is free.
- ``reschedule_appointment(ctx, appointment_id, start, *, staff_id, spot_id, notify_customer)``
  → ``BookedAppointments`` (the whole visit moves).
- ``cancel_appointment(ctx, appointment_id, *, reason, notify_customer)`` → ``Appointment``.
- ``mark_appointment(ctx, appointment_id, status)`` → ``Appointment`` (completed / no_show / cancelled).
- ``set_appointment_notes(ctx, appointment_id, notes)`` → ``Appointment`` (the salon's notes; blank clears).
- ``block_time(ctx, start, end, *, staff_id=None (whole location), reason, location_id)`` → ``BlockedTime``.
- ``remove_block(ctx, block_id)`` → the removed ``Availability``; ``list_blocks(ctx, start, end, *, staff_id)``.
- ``set_recurring_availability(ctx, staff_id, [WeeklyRange])`` → ``list[Availability]`` (replaces the week).
- ``set_business_hours(ctx, [WeeklyRange], *, closed_days, location_id)`` → ``Location``.
- ``day_schedule(ctx, day, *, staff_id, location_id)`` → ``DaySchedule`` (local time, free gaps).
- ``list_appointments(ctx, *, start, end, staff_id, service_id, status, customer_id, first, after)`` → ``AppointmentPage``.
- ``get_appointment(ctx, appointment_id)`` → ``Appointment``.
- ``usage(ctx)`` → ``PlanUsage`` (free plan: bookings this month vs ``ctx.config.free_monthly_bookings``).
- ``BookingRules.of(organization)``: slot granularity, notice, days ahead, buffer from ``Organization.settings``.
"""

from resolvers.scheduling.agenda import day_schedule, get_appointment, list_appointments
from resolvers.scheduling.appointment_notes import set_appointment_notes
from resolvers.scheduling.blocks import (
    block_time,
    list_blocks,
    remove_block,
    set_business_hours,
    set_recurring_availability,
)
from resolvers.scheduling.booking import (
    book_appointment,
    book_walk_in,
    cancel_appointment,
    mark_appointment,
    reschedule_appointment,
)
from resolvers.scheduling.notices import has_phone
from resolvers.scheduling.rules import BookingRules
from resolvers.scheduling.slots import available_slots
from resolvers.scheduling.types import (
    AgendaItem,
    AgendaItemKind,
    AppointmentPage,
    BlockedTime,
    BookedAppointments,
    BookingRequest,
    DaySchedule,
    PartOfDay,
    PlanUsage,
    SlotOption,
    SlotPreferences,
    SlotService,
    StaffDay,
    TimeRange,
    WalkInRequest,
    WeeklyRange,
)
from resolvers.scheduling.usage import usage

__all__ = [
    "AgendaItem",
    "AgendaItemKind",
    "AppointmentPage",
    "BlockedTime",
    "BookedAppointments",
    "BookingRequest",
    "BookingRules",
    "DaySchedule",
    "PartOfDay",
    "PlanUsage",
    "SlotOption",
    "SlotPreferences",
    "SlotService",
    "StaffDay",
    "TimeRange",
    "WalkInRequest",
    "WeeklyRange",
    "available_slots",
    "block_time",
    "book_appointment",
    "book_walk_in",
    "cancel_appointment",
    "day_schedule",
    "get_appointment",
    "has_phone",
    "list_appointments",
    "list_blocks",
    "mark_appointment",
    "remove_block",
    "reschedule_appointment",
    "set_appointment_notes",
    "set_business_hours",
    "set_recurring_availability",
    "usage",
]
