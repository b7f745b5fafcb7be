import uuid
from datetime import date, datetime

import strawberry

from schema.types.ids import to_id
from storage import Location as LocationRow
from wording import WEEKDAYS


@strawberry.type(description="An open range in local wall-clock time, 'HH:MM'.")
class OpenRange:
    opens: str
    closes: str


@strawberry.type
class BusinessDay:
    weekday: int = strawberry.field(description="0 = Monday … 6 = Sunday.")
    name: str = strawberry.field(description="Spanish weekday name.")
    closed: bool
    ranges: list[OpenRange]


@strawberry.type
class Location:
    id: strawberry.ID
    name: str
    address: str | None
    is_primary: bool
    is_active: bool
    created_at: datetime
    _hours: strawberry.Private[dict]
    _row_id: strawberry.Private[uuid.UUID]
    _organization_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="Weekly business hours in the organization's local time, Monday first.")
    def business_hours(self) -> list[BusinessDay]:
        days = []
        for weekday in range(7):
            ranges = [OpenRange(opens=r[0], closes=r[1]) for r in (self._hours.get(str(weekday)) or [])]
            days.append(BusinessDay(weekday=weekday, name=WEEKDAYS[weekday], closed=not ranges, ranges=ranges))
        return days

    @strawberry.field(description="Dated closures (holidays, days off for the whole salon) from today on, in "
                                  "local dates; setBusinessHours(closedDays) replaces them.")
    async def closed_days(self, info: strawberry.Info) -> list[date]:
        rows = await info.context.loaders.closed_days_of_location.load(self._row_id)
        zone = await info.context.zone_of(self._organization_id)
        today = info.context.use_case.now().astimezone(zone).date()
        return [row.exception_date for row in rows if row.exception_date >= today]

    @classmethod
    def of(cls, row: LocationRow) -> "Location":
        return cls(id=to_id(row.id), name=row.name, address=row.address, is_primary=row.is_primary,
                   is_active=row.is_active, created_at=row.created_at, _hours=dict(row.business_hours or {}),
                   _row_id=row.id, _organization_id=row.organization_id)
