"""Checking one concrete assignment against a snapshot, with interval arithmetic only.

The resolvers call this inside the booking transaction, on fresh data, right before they
write `occupancy_for_assignment(...)`: the same pieces are checked that will be stored.
Starts off the booking grid are accepted (staff may book a walk-in at 10:07).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from solver.booking import Assignment, Conflict, Reason
from solver.calendar import Calendars, Horizon, zone_named
from solver.intervals import contains, overlaps
from solver.occupancy import occupancy_for
from solver.plan import booking_window
from solver.salon import ResourceKind, Salon, require_aware


def recheck_assignment(
    salon: Salon, assignment: Assignment, now: datetime, *, enforce_booking_window: bool = True
) -> tuple[Conflict, ...]:
    """Every reason this assignment cannot be written now; empty when it can.

    enforce_booking_window=False skips minimum notice and days ahead (staff booking a walk-in).
    """
    require_aware(now, "now")
    conflicts: list[Conflict] = []
    if not assignment.services:
        return (Conflict(Reason.INCONSISTENT, detail="an assignment needs at least one service"),)
    services = {s.id: s for s in salon.services}
    staff_by_id = {m.id: m for m in salon.staff}
    spots_by_id = {p.id: p for p in salon.spots}

    rows = []
    for booked in assignment.services:
        service = services.get(booked.service_id)
        if service is None:
            conflicts.append(Conflict(Reason.UNKNOWN_SERVICE, booked.service_id))
            continue
        staff = staff_by_id.get(booked.staff_id)
        if staff is None:
            conflicts.append(Conflict(Reason.UNKNOWN_STAFF, service.id, "staff", booked.staff_id))
        elif service.id not in staff.service_ids:
            conflicts.append(Conflict(Reason.NO_QUALIFIED_STAFF, service.id, "staff", staff.id, "does not perform it"))
        hosting = [p.id for p in salon.spots if service.id in p.service_ids]
        if booked.spot_id is None:
            if hosting:
                conflicts.append(Conflict(Reason.NO_COMPATIBLE_SPOT, service.id, "spot", None, "a spot is required"))
        elif booked.spot_id not in spots_by_id:
            conflicts.append(Conflict(Reason.UNKNOWN_SPOT, service.id, "spot", booked.spot_id))
        elif booked.spot_id not in hosting:
            conflicts.append(Conflict(Reason.NO_COMPATIBLE_SPOT, service.id, "spot", booked.spot_id, "does not host it"))
        if booked.start.tzinfo is None or booked.end.tzinfo is None:
            conflicts.append(Conflict(Reason.INCONSISTENT, service.id, detail="times must be timezone-aware"))
            continue
        if booked.end - booked.start != timedelta(minutes=service.duration_minutes):
            conflicts.append(Conflict(Reason.INCONSISTENT, service.id, detail="end does not match the duration"))
        if booked.staff_id in staff_by_id and (booked.spot_id is None or booked.spot_id in spots_by_id):
            rows.extend(occupancy_for(salon, service.id, booked.staff_id, booked.spot_id, booked.start))
    if conflicts or not rows:
        return tuple(conflicts)

    if enforce_booking_window:
        earliest, latest = booking_window(salon, now)
        if assignment.start < earliest or assignment.start >= latest:
            conflicts.append(Conflict(Reason.OUTSIDE_BOOKING_WINDOW, detail="before minimum notice or too far ahead"))

    zone = zone_named(salon.timezone)
    horizon = Horizon.covering(zone, min(r.start for r in rows), max(r.end for r in rows))
    wanted = {(r.resource_kind, r.resource_id) for r in rows}
    cal = Calendars(salon, horizon, wanted)
    seen: dict[tuple[ResourceKind, str], list[tuple[int, int]]] = {}
    for row in rows:
        a, b = horizon.minute_floor(row.start), horizon.minute_ceil(row.end)
        key = (row.resource_kind, row.resource_id)
        if row.resource_kind is ResourceKind.STAFF:
            working = cal.staff_working(staff_by_id[row.resource_id])
        else:
            working = cal.spot_working(spots_by_id[row.resource_id])
        kind = row.resource_kind.value
        if not contains(working, a, b):
            if not contains(cal.business_open, a, b):
                detail = "outside business hours, on a closed day or in a location block"
            else:
                detail = "outside working hours or in a block"
            conflicts.append(Conflict(Reason.OUTSIDE_HOURS, None, kind, row.resource_id, detail))
        if overlaps(cal.busy(row.resource_kind, row.resource_id), a, b):
            conflicts.append(Conflict(Reason.SLOT_TAKEN, None, kind, row.resource_id, "overlaps a stored booking"))
        for c, d in seen.get(key, ()):
            if a < d and c < b:
                conflicts.append(Conflict(Reason.INCONSISTENT, None, kind, row.resource_id, "the visit overlaps itself"))
        seen.setdefault(key, []).append((a, b))
    return tuple(dict.fromkeys(conflicts))

