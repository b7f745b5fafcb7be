"""Minimal valid rows for storage tests; each test changes one thing to break a rule."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage import Appointment, Customer, Location, Organization, ServiceType, Spot, Staff
from storage.ids import new_id


async def salon(session, *, now: datetime):
    org = Organization(name="Estética Lupita", timezone="America/Mexico_City", settings={})
    session.add(org)
    await session.flush()
    location = Location(organization_id=org.id, name="Centro", is_primary=True, business_hours={})
    service = ServiceType(organization_id=org.id, name="Corte", duration_minutes=45, price_cents=15000)
    session.add_all([location, service])
    await session.flush()
    staff = Staff(organization_id=org.id, name="Pedro", phone_number="+525512340001")
    spot = Spot(organization_id=org.id, location_id=location.id, name="Silla 1")
    customer = Customer(organization_id=org.id, phone_number="+525598765432")
    session.add_all([staff, spot, customer])
    await session.flush()
    return org, location, service, staff, spot, customer


def appointment(org, location, service, staff, spot, customer, start: datetime, minutes: int = 45) -> Appointment:
    return Appointment(
        id=new_id(), organization_id=org.id, location_id=location.id, customer_id=customer.id,
        service_type_id=service.id, staff_id=staff.id, spot_id=spot.id,
        starts_at=start, ends_at=start + timedelta(minutes=minutes), price_cents=service.price_cents,
    )
