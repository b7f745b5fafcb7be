"""Booking, walk-ins, rescheduling, cancelling and marking attendance."""

from __future__ import annotations

import uuid
from datetime import datetime

from resolvers.context import Context
from resolvers.errors import Problem
from resolvers.scheduling.types import BookedAppointments, BookingRequest, WalkInRequest
from storage import Appointment, AppointmentStatus


async def book_appointment(ctx: Context, request: BookingRequest) -> BookedAppointments | Problem:
    raise NotImplementedError


async def book_walk_in(ctx: Context, request: WalkInRequest) -> BookedAppointments | Problem:
    raise NotImplementedError


async def reschedule_appointment(
    ctx: Context,
    appointment_id: uuid.UUID,
    start: datetime,
    *,
    staff_id: uuid.UUID | None = None,
    spot_id: uuid.UUID | None = None,
    notify_customer: bool = True,
) -> BookedAppointments | Problem:
    raise NotImplementedError


async def cancel_appointment(
    ctx: Context, appointment_id: uuid.UUID, *, reason: str | None = None, notify_customer: bool = False
) -> Appointment | Problem:
    raise NotImplementedError


async def mark_appointment(ctx: Context, appointment_id: uuid.UUID, status: AppointmentStatus) -> Appointment | Problem:
    raise NotImplementedError
