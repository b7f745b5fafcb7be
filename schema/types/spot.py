import uuid

import strawberry

from schema.types.ids import to_id
from schema.types.location import Location
from schema.types.service import Service
from storage import Spot as SpotRow


@strawberry.type(description="A chair, table or bed; it hosts only its services.")
class Spot:
    id: strawberry.ID
    name: str
    display_order: int
    is_active: bool
    _row_id: strawberry.Private[uuid.UUID]
    _location_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def location(self, info: strawberry.Info) -> Location | None:
        row = await info.context.loaders.locations.load(self._location_id)
        return Location.of(row) if row else None

    @strawberry.field
    async def services(self, info: strawberry.Info) -> list[Service]:
        ids = await info.context.loaders.services_of_spot.load(self._row_id)
        rows = await info.context.loaders.services.load_many(ids)
        return sorted((Service.of(r) for r in rows if r is not None), key=lambda s: (s.name, s.id))

    @classmethod
    def of(cls, row: SpotRow) -> "Spot":
        return cls(id=to_id(row.id), name=row.name, display_order=row.display_order, is_active=row.is_active,
                   _row_id=row.id, _location_id=row.location_id)
