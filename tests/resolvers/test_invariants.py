"""A day of random bookings, moves and cancellations keeps the schedule's invariants."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from resolvers.errors import Problem
from resolvers.scheduling import (
    BookedAppointments,
    BookingRequest,
    book_appointment,
    cancel_appointment,
    reschedule_appointment,
)
from storage import ACTIVE_STATUSES, Appointment, Occupancy
from tests.resolvers.factories import as_staff, context, make_salon

CDMX = ZoneInfo("America/Mexico_City")


async def test_random_changes_keep_occupancy_equal_to_the_active_appointments(db, clock):
    salon = await make_salon(db, clock())
    ctx = context(db, clock, as_staff(salon, salon.ana))
    rng = random.Random(11)
    services = [salon.corte, salon.barba, salon.tinte]
    staff = [None, salon.ana, salon.beto, salon.vero]
    booked: list[Appointment] = []
    answers = defaultdict(int)
    for step in range(40):
        action = rng.random()
        if action < 0.6 or not booked:
            start = datetime(2026, 1, 17, rng.randrange(9, 19), rng.choice((0, 15, 30, 45)), tzinfo=CDMX)
            chosen = rng.sample(services, rng.choice((1, 1, 2)))
            member = rng.choice(staff)
            result = await book_appointment(ctx, BookingRequest(
                tuple(s.id for s in chosen), start, f"+5255987654{step:02d}", staff_id=member.id if member else None))
            if isinstance(result, BookedAppointments):
                booked.append(result.appointments[0])
        elif action < 0.8:
            target = rng.choice(booked)
            result = await reschedule_appointment(ctx, target.id, target.starts_at + timedelta(minutes=rng.choice(
                (-60, -30, 30, 60, 90))))
        else:
            target = booked.pop(rng.randrange(len(booked)))
            result = await cancel_appointment(ctx, target.id)
        answers[type(result).__name__] += 1
        assert isinstance(result, (BookedAppointments, Appointment, Problem)), result
        if isinstance(result, Problem):
            assert result.message and result.message[0].isupper()

    assert answers["BookedAppointments"] >= 10 and answers["SlotTaken"] + answers["OutsideHours"] >= 1, answers
    async with db.session() as s:
        appointments = {a.id: a for a in await s.scalars(select(Appointment))}
        occupancy = list(await s.scalars(select(Occupancy)))
    by_appointment = defaultdict(list)
    for row in occupancy:
        by_appointment[row.appointment_id].append(row)
    for appointment in appointments.values():
        rows = by_appointment.get(appointment.id, [])
        if appointment.status not in ACTIVE_STATUSES:
            assert rows == []
            continue
        local_start, local_end = appointment.starts_at.astimezone(CDMX), appointment.ends_at.astimezone(CDMX)
        assert local_start.date() == local_end.date() and 9 <= local_start.hour and local_end.hour * 60 + \
            local_end.minute <= 19 * 60
        spot_rows = [r for r in rows if r.spot_id]
        staff_rows = [r for r in rows if r.staff_id]
        assert [(r.spot_id, r.starts_at, r.ends_at) for r in spot_rows] == [
            (appointment.spot_id, appointment.starts_at, appointment.ends_at)]
        assert all(r.staff_id == appointment.staff_id for r in staff_rows) and staff_rows
        assert min(r.starts_at for r in staff_rows) == appointment.starts_at
        assert max(r.ends_at for r in staff_rows) == appointment.ends_at
    per_resource = defaultdict(list)
    for row in occupancy:
        per_resource[row.staff_id or row.spot_id].append((row.starts_at, row.ends_at))
    for intervals in per_resource.values():
        intervals.sort()
        assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(intervals, intervals[1:]))
