"""A salon's book with weeks of history, and its figures counted the plain way.

``write_book`` stores a seeded mix of visits (every status, three staff, returning and new
customers, several per hour at times) straight into the tables; ``count_figures`` counts a
period from the list it returned, without the resolver's code, so tests compare the two.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from storage.ids import new_id
from storage import Appointment, AppointmentSource, AppointmentStatus, Customer, Database
from tests.resolvers.factories import Salon

STATUSES = (AppointmentStatus.COMPLETED,) * 5 + (AppointmentStatus.CONFIRMED,) * 3 + (
    AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW, AppointmentStatus.PENDING)


@dataclass(frozen=True)
class Visit:
    id: uuid.UUID
    start: datetime  # UTC
    staff_id: uuid.UUID
    customer_id: uuid.UUID
    customer_name: str
    status: AppointmentStatus
    price_cents: int


async def write_book(db: Database, salon: Salon, now: datetime, *, seed: int = 7, days_back: int = 45,
                     days_ahead: int = 21, customers: int = 14) -> list[Visit]:
    """Visits from ``days_back`` days ago to ``days_ahead`` days ahead (local days, Monday–Saturday)."""
    return await write_visits(db, organization_id=salon.org.id, location_id=salon.location.id,
                              zone=ZoneInfo(salon.org.timezone), staff_ids=[salon.ana.id, salon.beto.id, salon.vero.id],
                              services=[(s.id, s.duration_minutes, s.price_cents)
                                        for s in (salon.corte, salon.barba, salon.tinte)],
                              now=now, seed=seed, days_back=days_back, days_ahead=days_ahead, customers=customers)


async def write_visits(db: Database, *, organization_id: uuid.UUID, location_id: uuid.UUID, zone: ZoneInfo,
                       staff_ids: list[uuid.UUID], services: list[tuple[uuid.UUID, int, int]], now: datetime,
                       seed: int = 7, days_back: int = 45, days_ahead: int = 21, customers: int = 14,
                       opening: int = 10, closing: int = 19) -> list[Visit]:
    """Any salon's book: ``services`` are (id, minutes, price in centavos); visits start opening..closing-1."""
    rng = random.Random(seed)
    today = now.astimezone(zone).date()
    names = ["Jorge Hernández", "María López", "Lucía Pérez", "Raúl Gómez", "Sofía Ramírez", "Diego Torres",
             "Paola Díaz", "Iván Cruz", "Elena Ruiz", "Hugo Flores", "Carmen Vega", "Tomás Ríos", "Rosa Mora",
             "Luis Castro", "Alma Reyes", "Pablo Soto"][:customers]
    visits: list[Visit] = []
    async with db.transaction(write=True) as s:
        rows = [Customer(id=new_id(), organization_id=organization_id, phone_number=f"+52558{i:07d}", name=name,
                         created_at=now - timedelta(days=days_back + 5), updated_at=now) for i, name in enumerate(names)]
        s.add_all(rows)
        await s.flush()
        for offset in range(-days_back, days_ahead + 1):
            day = today + timedelta(days=offset)
            if day.weekday() == 6:
                continue
            for _ in range(rng.randint(0, 6)):
                start_local = datetime.combine(day, time(rng.randint(opening, closing - 1), rng.choice((0, 15, 30, 45))), zone)
                start = start_local.astimezone(timezone.utc)
                service_id, minutes, price = rng.choice(services)
                status = rng.choice(STATUSES) if start < now else rng.choice(
                    (AppointmentStatus.CONFIRMED, AppointmentStatus.CONFIRMED, AppointmentStatus.PENDING,
                     AppointmentStatus.CANCELLED))
                # customers keep arriving: a few at first, everyone by the end (new customers in every month)
                known = max(3, len(rows) * (offset + days_back + 1) // (days_back + days_ahead + 1))
                customer = rng.choice(rows[:known])
                member = rng.choice(staff_ids)
                visit = Visit(new_id(), start, member, customer.id, customer.name, status, price)
                visits.append(visit)
                s.add(Appointment(id=visit.id, organization_id=organization_id, location_id=location_id,
                                  customer_id=customer.id, service_type_id=service_id, staff_id=member,
                                  starts_at=start, ends_at=start + timedelta(minutes=minutes),
                                  status=status, source=AppointmentSource.WHATSAPP, price_cents=price,
                                  created_at=now, updated_at=now))
    return visits


def count_figures(visits: list[Visit], first: date, last: date, zone: ZoneInfo,
                  staff_id: uuid.UUID | None = None) -> dict:
    """The period's figures counted one visit at a time (local days first..last, inclusive)."""
    def local_day(v: Visit) -> date:
        return v.start.astimezone(zone).date()

    inside = [v for v in visits if first <= local_day(v) <= last and (staff_id is None or v.staff_id == staff_id)]
    booked = [v for v in inside if v.status is not AppointmentStatus.CANCELLED]
    first_visit: dict[uuid.UUID, Visit] = {}
    for v in sorted((v for v in visits if v.status is not AppointmentStatus.CANCELLED), key=lambda v: v.start):
        first_visit.setdefault(v.customer_id, v)
    new = {v.customer_id for v in booked if first_visit[v.customer_id].start == v.start
           and first_visit[v.customer_id].start.astimezone(zone).date() >= first}
    days = Counter(local_day(v) for v in booked)
    hours = Counter(v.start.astimezone(zone).hour for v in booked)
    top_day = max(days.values(), default=0)
    top_hour = max(hours.values(), default=0)
    return {
        "appointments": len(booked),
        "completed": sum(v.status is AppointmentStatus.COMPLETED for v in inside),
        "cancelled": sum(v.status is AppointmentStatus.CANCELLED for v in inside),
        "no_shows": sum(v.status is AppointmentStatus.NO_SHOW for v in inside),
        "revenue_cents": sum(v.price_cents for v in inside if v.status is AppointmentStatus.COMPLETED),
        "expected_revenue_cents": sum(v.price_cents for v in inside if v.status in (
            AppointmentStatus.COMPLETED, AppointmentStatus.CONFIRMED, AppointmentStatus.PENDING)),
        "new_customers": len(new),
        "busiest_day": min((d for d, n in days.items() if n == top_day), default=None),
        "busiest_hour": min((h for h, n in hours.items() if n == top_hour), default=None),
    }
