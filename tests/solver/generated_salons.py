"""Generated salons for the rebooking bench and the tests that need a realistic, busy salon.

10 staff, 8 spots, three days 9:00-19:00, a full first day and lighter days after it; some
visits are two services back to back for one customer (they move as one unit). Fixed
seeds, so the bench and the tests see the same salons.
"""

from __future__ import annotations

import random
from dataclasses import replace

from solver.rebooking import Appointment, Processing, Salon, SalonDay, Spot, StaffMember, Window

OPEN, CLOSE = 9 * 60, 19 * 60
# service: (duration, processing offset, processing length, kind)
SERVICES = {
    "corte_dama": (45, 0, 0, "hair"),
    "corte_caballero": (30, 0, 0, "hair"),
    "barba": (30, 0, 0, "hair"),
    "peinado": (60, 0, 0, "hair"),
    "tinte": (120, 30, 45, "hair"),
    "keratina": (150, 45, 60, "hair"),
    "manicure": (45, 0, 0, "nails"),
    "pedicure": (60, 0, 0, "nails"),
}
COMMON = {"corte_dama": 4, "corte_caballero": 4, "barba": 3, "manicure": 3, "pedicure": 2, "peinado": 2}  # else 1
HAIR = frozenset(s for s, v in SERVICES.items() if v[3] == "hair")
NAILS = frozenset(s for s, v in SERVICES.items() if v[3] == "nails")


#: The second service a customer books right after the first, when the visit has two.
FOLLOW_UP = {"corte_caballero": "barba", "corte_dama": "manicure", "tinte": "corte_dama", "peinado": "manicure",
             "barba": "corte_caballero", "keratina": "corte_dama", "manicure": "pedicure", "pedicure": "manicure"}


def generated_salon(seed: int, days: int = 3, first_day_load: float = 0.9, later_load: float = 0.55,
                    visit_share: float = 0.0) -> Salon:
    """`visit_share` of the appointments get a second service right after them (same customer, one
    visit); 0 gives exactly the single-appointment salons of the earlier figures."""
    rng = random.Random(seed)
    visits_rng = random.Random(seed + 10_000)
    salon_days = tuple(SalonDay(d, d * 1440, (d + 1) * 1440) for d in range(days))
    staff: list[StaffMember] = []
    for i in range(10):
        if i < 6:
            services = {"corte_dama", "corte_caballero", "peinado"} | set(rng.sample(["tinte", "keratina", "barba"], rng.randint(1, 3)))
        elif i < 8:
            services = {"corte_caballero", "barba", "corte_dama"}
        else:
            services = set(NAILS) | ({"peinado"} if rng.random() < 0.5 else set())
        windows = []
        for day in salon_days:
            start = day.start + rng.choice([OPEN, OPEN, OPEN + 60])
            end = day.start + rng.choice([CLOSE, CLOSE, CLOSE - 60])
            if rng.random() < 0.5:
                lunch = day.start + rng.choice([13 * 60, 14 * 60])
                windows += [Window(start, lunch), Window(lunch + 60, end)]
            else:
                windows.append(Window(start, end))
        staff.append(StaffMember(f"staff{i + 1:02d}", frozenset(services), tuple(windows)))
    spots: list[Spot] = []
    for j in range(8):
        services = HAIR if j < 5 else NAILS if j < 7 else NAILS | {"peinado"}
        windows = tuple(Window(day.start + OPEN, day.start + CLOSE) for day in salon_days)
        spots.append(Spot(f"spot{j + 1}", services, windows))

    appointments: list[Appointment] = []
    staff_busy: dict[str, list[Window]] = {m.id: [] for m in staff}
    spot_busy: dict[str, list[Window]] = {s.id: [] for s in spots}

    def free(busy: list[Window], part: Window) -> bool:
        return all(part.end <= b.start or b.end <= part.start for b in busy)

    def inside(windows: tuple[Window, ...], part: Window) -> bool:
        return any(w.start <= part.start and part.end <= w.end for w in windows)

    for day in salon_days:
        load = first_day_load if day.index == 0 else later_load
        for member in rng.sample(staff, len(staff)):
            day_windows = [w for w in member.windows if day.start <= w.start < day.end]
            for window in day_windows:
                t = window.start
                while t < window.end:
                    if rng.random() > load:
                        t += 15 * rng.randint(1, 3)
                        continue
                    offered = sorted(member.services)
                    service = rng.choices(offered, weights=[COMMON.get(x, 1) for x in offered])[0]
                    duration, offset, length, _ = SERVICES[service]
                    draft = Appointment("x", service, duration, member.id, None, t, day.index, Processing(offset, length) if length else None)
                    parts = draft.staff_busy(t)
                    if not all(inside(member.windows, p) and free(staff_busy[member.id], p) for p in parts):
                        t += 15
                        continue
                    whole = Window(t, t + duration)
                    spot = next((s for s in spots if service in s.services and inside(s.windows, whole) and free(spot_busy[s.id], whole)), None)
                    if spot is None:
                        t += 15
                        continue
                    appointment = replace(
                        draft,
                        id=f"a{len(appointments) + 1:03d}",
                        spot_id=spot.id,
                        staff_chosen=rng.random() < 0.2,
                        accepts_moves=rng.random() < 0.4,
                    )
                    appointments.append(appointment)
                    staff_busy[member.id].extend(parts)
                    spot_busy[spot.id].append(whole)
                    # processing time frees the stylist: sometimes they fill it (not here: keep it simple)
                    t = t + duration
                    if visit_share and visits_rng.random() < visit_share:
                        t = _second_service(appointments, staff, spots, staff_busy, spot_busy, t, day.index,
                                            visits_rng, free, inside)
    return Salon(salon_days, tuple(staff), tuple(spots), tuple(appointments))


def _second_service(appointments, staff, spots, staff_busy, spot_busy, t, day, rng, free, inside) -> int:
    """Book the follow-up service of the last appointment at `t`, for the same customer; the new `t`."""
    first = appointments[-1]
    service = FOLLOW_UP[first.service_id]
    duration, offset, length, _ = SERVICES[service]
    draft = Appointment("x", service, duration, "", None, t, day, Processing(offset, length) if length else None)
    whole = Window(t, t + duration)
    doers = sorted(staff, key=lambda m: (m.id != first.staff_id, rng.random()))
    doer = next((m for m in doers if service in m.services
                 and all(inside(m.windows, p) and free(staff_busy[m.id], p) for p in draft.staff_busy(t))), None)
    spot = next((s for s in spots if service in s.services and inside(s.windows, whole) and free(spot_busy[s.id], whole)), None)
    if doer is None or spot is None:
        return t
    visit = f"v{first.id}"
    appointments[-1] = replace(first, visit_id=visit, customer_id=visit)
    appointments.append(replace(draft, id=f"a{len(appointments) + 1:03d}", staff_id=doer.id, spot_id=spot.id,
                                accepts_moves=first.accepts_moves, visit_id=visit, customer_id=visit))
    staff_busy[doer.id].extend(draft.staff_busy(t))
    spot_busy[spot.id].append(whole)
    return t + duration if doer.id == first.staff_id else t


def stylists_out(salon: Salon, out: int, seed: int) -> Salon:
    """The same salon with `out` of the busiest staff off on day 0 and their appointments affected."""
    rng = random.Random(seed * 7919 + out)
    day0 = salon.days[0]
    busiest = sorted(salon.staff, key=lambda m: (-sum(a.day == 0 and a.staff_id == m.id for a in salon.appointments), rng.random()))
    absent = {m.id for m in rng.sample(busiest[1 : out + 4], out)}
    staff = tuple(
        replace(m, windows=tuple(w for w in m.windows if not (day0.start <= w.start < day0.end))) if m.id in absent else m
        for m in salon.staff
    )
    appointments = tuple(replace(a, affected=a.day == 0 and a.staff_id in absent) for a in salon.appointments)
    # The solver marks nothing itself: a visit is affected when one of its parts is (units_of does that).
    return replace(salon, staff=staff, appointments=appointments)
