"""A frozen week, walked in half hours: every reminder and summary goes out once, at the local
time it is due, in Mexico City (no DST) and in Tijuana across the spring-forward Sunday."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from parlo.clock import FrozenClock
from resolvers.scheduling import cancel_appointment, mark_appointment, reschedule_appointment
from storage import AppointmentStatus, DeliveryStatus
from tests.fakes.twilio import FakeTwilio
from tests.notifications.kit import at, book, local_times, messaging_for, notices, org_rows, run_minute
from tests.resolvers.factories import as_staff, context, make_salon

SETTINGS = {"second_reminder": True, "review_requests": True}

EXPECTED = sorted([
    *(("daily_summary", f"{day} 07:00") for day in
      ("Thu 05", "Fri 06", "Sat 07", "Sun 08", "Mon 09", "Tue 10", "Wed 11", "Thu 12")),
    ("appointment_reminder", "Thu 05 10:00"),     # A, Friday 10:00
    ("appointment_reminder_2h", "Fri 06 08:00"),
    ("review_request", "Fri 06 12:00"),           # A completed, ends 10:45, asked an hour later
    ("appointment_reminder", "Fri 06 16:30"),     # B, Saturday 16:30
    ("appointment_reminder_2h", "Sat 07 14:30"),
    ("appointment_reminder", "Sun 08 10:00"),     # C, Monday 10:00: Tijuana's clocks moved that night
    ("appointment_reminder_2h", "Mon 09 08:00"),
    ("no_show_rebook", "Mon 09 11:30"),           # C did not come, marked at 11:00
    ("appointment_reminder", "Mon 09 12:00"),     # D moved from Tuesday 10:00 to 12:00 on Saturday
    ("appointment_reminder_2h", "Tue 10 10:00"),
    ("appointment_reminder_2h", "Wed 11 07:00"),  # F booked Tuesday 15:00 for Wednesday 9:00: no 24 h one
    ("appointment_reminder", "Wed 11 10:00"),     # G, Thursday 10:00, reminded, then moved at 12:00 to
    ("appointment_reminder_2h", "Thu 12 07:00"),  # Thursday 9:00: the move's notice, no second 24 h one
])                                                 # E cancelled on Sunday: nothing


@pytest.mark.slow
async def test_a_week_of_reminders_and_summaries_in_mexico_city_and_tijuana(db):
    clock = FrozenClock(at("America/Mexico_City", 2026, 3, 1, 12))
    salons = {
        "America/Mexico_City": await make_salon(db, clock(), staff_hours=True, settings=SETTINGS),
        "America/Tijuana": await make_salon(db, clock(), staff_hours=True, settings=SETTINGS, timezone="America/Tijuana",
                                            name="Barbería Frontera", phone_prefix="+52664123"),
    }
    events = []
    for zone, salon in salons.items():
        def local(day: int, hour: int, minute: int = 0, zone=zone):
            return at(zone, 2026, 3, day, hour, minute)

        a = await book(db, clock, salon, local(6, 10))
        await book(db, clock, salon, local(7, 16, 30))
        c = await book(db, clock, salon, local(9, 10))
        d = await book(db, clock, salon, local(10, 10))
        e = await book(db, clock, salon, local(11, 16, 30))
        g = await book(db, clock, salon, local(12, 10))
        ctx = context(db, clock, as_staff(salon, salon.ana))
        events += [
            (local(6, 11), lambda ctx=ctx, a=a: mark_appointment(ctx, a.id, AppointmentStatus.COMPLETED)),
            (local(7, 12), lambda ctx=ctx, d=d, to=local(10, 12): reschedule_appointment(ctx, d.id, to)),
            (local(8, 12), lambda ctx=ctx, e=e: cancel_appointment(ctx, e.id)),
            (local(9, 11), lambda ctx=ctx, c=c: mark_appointment(ctx, c.id, AppointmentStatus.NO_SHOW)),
            (local(10, 15), lambda salon=salon, to=local(11, 9): book(db, clock, salon, to)),
            (local(11, 12), lambda ctx=ctx, g=g, to=local(12, 9): reschedule_appointment(ctx, g.id, to)),
        ]
    events.sort(key=lambda event: event[0])
    twilio = FakeTwilio()
    m = messaging_for(db, clock, twilio)

    clock.set(at("America/Mexico_City", 2026, 3, 5, 0))
    end = at("America/Tijuana", 2026, 3, 13, 0)
    while clock() < end:
        while events and events[0][0] <= clock():
            result = await events.pop(0)[1]()
            assert not hasattr(result, "message"), result
        await run_minute(m)
        clock.advance(timedelta(minutes=30))

    rows = await notices(db, "daily_summary", "appointment_reminder", "appointment_reminder_2h", "review_request",
                         "no_show_rebook")
    for zone, salon in salons.items():
        mine = org_rows(rows, salon.org.id)
        assert sorted(local_times(mine, zone)) == EXPECTED, zone
        assert all(r.status is DeliveryStatus.QUEUED and r.attempts == 1 for r in mine)
    assert len(twilio.messages) == len({m.to + m.body for m in twilio.messages}) >= len(rows)

    tijuana = org_rows(rows, salons["America/Tijuana"].org.id)
    summaries_utc = [r.created_at.astimezone(ZoneInfo("UTC")).strftime("%a %H:%M") for r in tijuana
                     if r.template_name == "daily_summary"]
    assert summaries_utc[2:4] == ["Sat 15:00", "Sun 14:00"]  # 7:00 PST, then 7:00 PDT
