import uuid
from datetime import datetime

import strawberry

from schema.types.ids import to_id
from schema.types.staff_member import StaffMember
from storage import Availability


@strawberry.type(description="Time taken out of the agenda: one staff member's, or the whole location's when staff is null.")
class Block:
    id: strawberry.ID
    starts_at: datetime
    ends_at: datetime
    reason: str | None
    whole_location: bool
    _staff_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def staff(self, info: strawberry.Info) -> StaffMember | None:
        if self._staff_id is None:
            return None
        row = await info.context.loaders.staff.load(self._staff_id)
        return StaffMember.of(row) if row else None

    @classmethod
    def of(cls, row: Availability) -> "Block":
        return cls(id=to_id(row.id), starts_at=row.starts_at, ends_at=row.ends_at, reason=row.reason,
                   whole_location=row.staff_id is None, _staff_id=row.staff_id)
