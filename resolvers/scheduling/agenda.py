"""Reading the schedule: one day's agenda per staff member, and appointment listings."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from resolvers.context import Context
from resolvers.errors import Problem
from resolvers.scheduling.types import AppointmentPage, DaySchedule
from storage import Appointment, AppointmentStatus


async def day_schedule(
    ctx: Context, day: date, *, staff_id: uuid.UUID | None = None, location_id: uuid.UUID | None = None
) -> DaySchedule | Problem:
    raise NotImplementedError


async def list_appointments(
    ctx: Context,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    staff_id: uuid.UUID | None = None,
    service_id: uuid.UUID | None = None,
    status: AppointmentStatus | Sequence[AppointmentStatus] | None = None,
    customer_id: uuid.UUID | None = None,
    first: int = 50,
    after: str | None = None,
) -> AppointmentPage | Problem:
    raise NotImplementedError


async def get_appointment(ctx: Context, appointment_id: uuid.UUID) -> Appointment | Problem:
    raise NotImplementedError
