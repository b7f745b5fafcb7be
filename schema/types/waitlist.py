import uuid
from datetime import date, datetime

import strawberry

from schema.types.ids import to_id
from schema.types.service import Service
from storage import WaitlistEntry as WaitlistRow, WaitlistStatus as _WaitlistStatus

WaitlistStatus = strawberry.enum(_WaitlistStatus, name="WaitlistStatus")


@strawberry.type(description="A customer waiting for a freed slot of a service on a day.")
class WaitlistEntry:
    id: strawberry.ID
    desired_date: date
    status: WaitlistStatus
    offered_at: datetime | None
    _service_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def service(self, info: strawberry.Info) -> Service | None:
        row = await info.context.loaders.services.load(self._service_id)
        return Service.of(row) if row else None

    @classmethod
    def of(cls, row: WaitlistRow) -> "WaitlistEntry":
        return cls(id=to_id(row.id), desired_date=row.desired_date, status=row.status, offered_at=row.offered_at,
                   _service_id=row.service_type_id)
