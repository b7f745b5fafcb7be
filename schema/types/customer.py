import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers.pagination import page_size
from resolvers.phones import display_phone
from schema.errors import raise_problem
from schema.types.ids import to_id
from storage import Customer as CustomerRow

if TYPE_CHECKING:
    from schema.types.appointment import Appointment


@strawberry.type(description="A client of the business, known by phone; the name is learned later.")
class Customer:
    id: strawberry.ID
    name: str | None
    phone: str
    email: str | None
    notes: str | None
    accepts_moves: bool
    created_at: datetime
    _row_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="For people: 55 1234 5678.")
    def phone_display(self) -> str:
        return display_phone(self.phone)

    @strawberry.field(description="Appointment history, newest first.")
    async def appointments(self, info: strawberry.Info, first: int = 50) -> list[
        Annotated["Appointment", strawberry.lazy("schema.types.appointment")]
    ]:
        from schema.types.appointment import Appointment

        size = raise_problem(page_size(first))
        rows = await info.context.loaders.appointments_of_customer.load(self._row_id)
        return [Appointment.of(r) for r in rows[:size]]

    @classmethod
    def of(cls, row: CustomerRow) -> "Customer":
        return cls(id=to_id(row.id), name=row.name, phone=row.phone_number,
                   email=row.email, notes=row.notes, accepts_moves=bool(row.accepts_moves), created_at=row.created_at,
                   _row_id=row.id)
