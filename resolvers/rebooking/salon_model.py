"""From the database snapshot to the rebooking optimiser's `Salon`, in integer minutes.

Minute 0 is local midnight of the first day in play (the calendars' `Horizon`), so each
solver day is one local day, 23 or 25 hours long around a DST change. Stylists' and chairs'
windows are their working time *after* the disruption, from now on (nothing moves into
the past). Appointments keep their stored shape: the stylist is busy except during
processing, the chair throughout, clean-up included (exactly `solver.occupancy_for`).

Which appointments may move:
- affected: at this location, the disruption takes time they use, they no longer fit, and
  they have not begun. The appointments of one booking group (corte + barba, two people
  booked together) are one visit: the optimiser moves them as a unit, same day, same order,
  the same gaps (``visit_id``); a visit already under way (or partly elsewhere) cannot move
  whole, so what is left of it is planned part by part;
- nudgeable (the optimiser decides whether to): not begun, at this location, and the
  customer accepts moves (or the owner's setting says any may move);
- everything else is pinned where it is (its time stays taken).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import solver
import solver.rebooking as rb
from solver.calendar import Calendars, Horizon
from solver.occupancy import buffer_after
from resolvers.rebooking.disruptions import TimeTaken
from resolvers.scheduling.snapshot import Snapshot
from storage import Appointment, Customer


@dataclass(frozen=True, slots=True)
class SalonModel:
    """The optimiser's salon plus what turns its answer back into rows and words."""

    salon: rb.Salon
    horizon: Horizon
    appointments: dict[str, Appointment]
    customers: dict[uuid.UUID, Customer]
    disrupted_days: tuple[int, ...]  # solver day indexes of the disrupted local days

    def instant(self, minute: int) -> datetime:
        return self.horizon.instant(minute)

    def day_index(self, day: date) -> int:
        return (day - self.horizon.first_day).days

    def visit_of(self, row: Appointment) -> uuid.UUID | None:
        """The booking group the optimiser moved this appointment with (None: it moved alone)."""
        shape = self._shapes.get(str(row.id))
        return uuid.UUID(shape.visit_id) if shape is not None and shape.visit_id else None

    @property
    def _shapes(self) -> dict[str, rb.Appointment]:
        return {a.id: a for a in self.salon.appointments}

    def only_affecting(self, appointment_ids: set[str]) -> "SalonModel":
        """The same salon with only these affected appointments (or their visits) to place; the
        other affected ones stay where they are, out of the plan."""
        keep = {a.visit_id for a in self.salon.appointments if a.id in appointment_ids and a.visit_id}
        shapes = tuple(a if not a.affected or a.id in appointment_ids or (a.visit_id and a.visit_id in keep)
                       else replace(a, affected=False, accepts_moves=False) for a in self.salon.appointments)
        return replace(self, salon=replace(self.salon, appointments=shapes))


def _windows(intervals, floor: int) -> tuple[rb.Window, ...]:
    return tuple(rb.Window(max(a, floor), b) for a, b in intervals if b > max(a, floor))


def _fits(shape: rb.Appointment, staff: dict[str, rb.StaffMember], spots: dict[str, rb.Spot]) -> bool:
    member = staff.get(shape.staff_id)
    if member is None:
        return False
    if not all(any(w.start <= part.start and part.end <= w.end for w in member.windows)
               for part in shape.staff_busy(shape.start)):
        return False
    if shape.spot_id is None:
        return True
    spot = spots.get(shape.spot_id)
    return spot is not None and any(w.start <= shape.start and shape.end <= w.end for w in spot.windows)


def build_salon_model(
    snapshot: Snapshot,
    taken: TimeTaken,
    rows: list[Appointment],
    customers: dict[uuid.UUID, Customer],
    *,
    first_day: date,
    last_day: date,
    now: datetime,
    everyone_may_move: bool,
) -> SalonModel:
    """The rebooking salon for local days ``first_day``..``last_day`` with ``taken`` out of the calendar."""
    horizon = Horizon(snapshot.zone, first_day, (last_day - first_day).days + 1)
    disrupted = taken.applied_to(snapshot.salon)
    calendars = Calendars(disrupted, horizon, resources=set())
    now_minute = math.ceil((now - horizon.origin).total_seconds() / 60)

    # A stable order (the optimiser breaks ties by it): the same salon gives the same plan.
    def staff_order(m: solver.Staff):
        row = snapshot.staff[uuid.UUID(m.id)]
        return row.name, m.id

    def spot_order(p: solver.Spot):
        row = snapshot.spots[uuid.UUID(p.id)]
        return row.display_order, row.name, p.id

    staff = tuple(
        rb.StaffMember(m.id, frozenset(m.service_ids), _windows(calendars.staff_working(m), now_minute))
        for m in sorted(disrupted.staff, key=staff_order)
    )
    spots = tuple(
        rb.Spot(p.id, frozenset(p.service_ids), _windows(calendars.spot_working(p), now_minute))
        for p in sorted(disrupted.spots, key=spot_order)
    )
    staff_by_id = {m.id: m for m in staff}
    spots_by_id = {p.id: p for p in spots}
    days = tuple(rb.SalonDay(i, horizon.day_starts[i], horizon.day_starts[i + 1]) for i in range(horizon.days))
    services = {s.id: s for s in disrupted.services}

    # A visit moves whole; one under way, partly elsewhere or with a retired service cannot.
    group_sizes: dict[uuid.UUID, int] = {}
    pinned_groups: set[uuid.UUID] = set()
    for row in rows:
        if row.booking_group_id is not None:
            group_sizes[row.booking_group_id] = group_sizes.get(row.booking_group_id, 0) + 1
            if (row.starts_at < now or row.location_id != snapshot.location.id or row.staff_id is None
                    or str(row.service_type_id) not in services):
                pinned_groups.add(row.booking_group_id)

    shapes = []
    by_id: dict[str, Appointment] = {}
    for row in sorted(rows, key=lambda r: (r.starts_at, str(r.id))):
        start = horizon.minute_floor(row.starts_at)
        day = horizon.day_index(start)
        if not 0 <= day < horizon.days or row.staff_id is None:
            continue
        service = services.get(str(row.service_type_id))
        begun = row.starts_at < now
        if service is not None:
            duration = service.duration_minutes + buffer_after(service, disrupted)
            processing = (rb.Processing(service.processing.offset_minutes, service.processing.length_minutes)
                          if service.processing else None)
        else:  # a service since retired: its time stays taken, it does not move
            duration = max(1, math.ceil((row.ends_at - row.starts_at).total_seconds() / 60))
            processing = None
        customer = customers.get(row.customer_id)
        group = row.booking_group_id
        visit = group if group_sizes.get(group, 0) > 1 and group not in pinned_groups else None
        here = row.location_id == snapshot.location.id  # elsewhere: its stylist's time stays taken, nothing more
        movable = service is not None and not begun and here
        shape = rb.Appointment(
            id=str(row.id), service_id=str(row.service_type_id), duration=duration, staff_id=str(row.staff_id),
            spot_id=str(row.spot_id) if row.spot_id else None, start=start, day=day, processing=processing,
            staff_chosen=bool(row.staff_requested),
            accepts_moves=movable and (everyone_may_move or bool(customer and customer.accepts_moves)),
            visit_id=str(visit) if visit is not None else None, customer_id=str(row.customer_id),
        )
        end = row.starts_at + timedelta(minutes=duration)
        affected = (movable
                    and taken.touches(shape.staff_id, shape.spot_id, row.starts_at, end)
                    and not _fits(shape, staff_by_id, spots_by_id))
        if affected:
            shape = replace(shape, affected=True)
        shapes.append(shape)
        by_id[shape.id] = row

    disrupted_days = tuple((d - first_day).days for d in taken.days if first_day <= d <= last_day)
    salon = rb.Salon(days=days, staff=staff, spots=spots, appointments=tuple(shapes))
    return SalonModel(salon, horizon, by_id, customers, disrupted_days)
