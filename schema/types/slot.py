import uuid
from datetime import datetime

import strawberry

from resolvers.scheduling import SlotOption, SlotService
from schema.types.ids import to_id
from schema.types.service import Service
from schema.types.spot import Spot
from schema.types.staff_member import StaffMember


async def _staff(info: strawberry.Info, staff_id: uuid.UUID | None) -> StaffMember | None:
    row = await info.context.loaders.staff.load(staff_id) if staff_id else None
    return StaffMember.of(row) if row else None


async def _spot(info: strawberry.Info, spot_id: uuid.UUID | None) -> Spot | None:
    row = await info.context.loaders.spots.load(spot_id) if spot_id else None
    return Spot.of(row) if row else None


@strawberry.type(description="One service of a slot on concrete resources.")
class SlotPiece:
    start: datetime
    end: datetime
    seat: int
    _value: strawberry.Private[SlotService]

    @strawberry.field
    async def service(self, info: strawberry.Info) -> Service | None:
        row = await info.context.loaders.services.load(self._value.service_id)
        return Service.of(row) if row else None

    @strawberry.field
    async def staff(self, info: strawberry.Info) -> StaffMember | None:
        return await _staff(info, self._value.staff_id)

    @strawberry.field
    async def spot(self, info: strawberry.Info) -> Spot | None:
        return await _spot(info, self._value.spot_id)


@strawberry.type(description="A bookable start, with who and where; higher score is better.")
class Slot:
    start: datetime
    end: datetime
    score: int
    staff_id: strawberry.ID
    spot_id: strawberry.ID | None
    _value: strawberry.Private[SlotOption]

    @strawberry.field
    async def staff(self, info: strawberry.Info) -> StaffMember | None:
        return await _staff(info, self._value.staff_id)

    @strawberry.field
    async def spot(self, info: strawberry.Info) -> Spot | None:
        return await _spot(info, self._value.spot_id)

    @strawberry.field
    def services(self) -> list[SlotPiece]:
        return [SlotPiece(start=p.start, end=p.end, seat=p.seat, _value=p) for p in self._value.services]

    @classmethod
    def of(cls, value: SlotOption) -> "Slot":
        return cls(start=value.start, end=value.end, score=value.score, staff_id=to_id(value.staff_id),
                   spot_id=to_id(value.spot_id) if value.spot_id else None, _value=value)
