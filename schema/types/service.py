from datetime import datetime

import strawberry

from resolvers.service_colours import default_colour
from schema.types.ids import to_id
from storage import ServiceType


@strawberry.type(description="A service on the menu. Prices are in centavos (MXN).")
class Service:
    id: strawberry.ID
    name: str
    description: str | None
    duration_minutes: int
    price_cents: int
    currency: str
    buffer_after_minutes: int
    processing_offset_minutes: int | None
    processing_minutes: int | None
    is_active: bool
    created_at: datetime
    color: str = strawberry.field(description=(
        "\"#RRGGBB\": the service's colour on the dashboard's calendars (the owner's pick, or a default)."))

    @classmethod
    def of(cls, row: ServiceType) -> "Service":
        return cls(id=to_id(row.id), name=row.name, description=row.description,
                   color=row.color or default_colour(row.id),
                   duration_minutes=row.duration_minutes, price_cents=row.price_cents, currency=row.currency,
                   buffer_after_minutes=row.buffer_after_minutes or 0,
                   processing_offset_minutes=row.processing_offset_minutes,
                   processing_minutes=row.processing_minutes, is_active=row.is_active, created_at=row.created_at)
