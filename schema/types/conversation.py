from datetime import datetime

import strawberry

from resolvers.phones import display_phone
from schema.types.customer import Customer
from schema.types.enums import ConversationChannel, ConversationStatus
from schema.types.ids import to_id
from schema.types.message import Message
from schema.types.staff_member import StaffMember
from storage import Conversation as ConversationRow


@strawberry.type(description="The thread between one phone and one Parlo number.")
class Conversation:
    id: strawberry.ID
    phone: str
    profile_name: str | None
    channel: ConversationChannel
    status: ConversationStatus
    organization_id: strawberry.ID | None
    last_message_at: datetime | None
    handed_off_until: datetime | None
    created_at: datetime
    _row: strawberry.Private[ConversationRow]

    @strawberry.field(description="For people: 55 1234 5678.")
    def phone_display(self) -> str:
        return display_phone(self.phone)

    @strawberry.field(description="Messages in both directions, oldest first.")
    async def messages(self, info: strawberry.Info, last: int = 200) -> list[Message]:
        rows = await info.context.loaders.messages_of_conversation.load(self._row.id)
        return [Message.of(r) for r in rows[-max(1, min(last, 1000)):]]

    @strawberry.field
    async def customer(self, info: strawberry.Info) -> Customer | None:
        if self._row.customer_id is None:
            return None
        row = await info.context.loaders.customers.load(self._row.customer_id)
        return Customer.of(row) if row else None

    @strawberry.field
    async def staff(self, info: strawberry.Info) -> StaffMember | None:
        if self._row.staff_id is None:
            return None
        row = await info.context.loaders.staff.load(self._row.staff_id)
        return StaffMember.of(row) if row else None

    @classmethod
    def of(cls, row: ConversationRow) -> "Conversation":
        return cls(id=to_id(row.id), phone=row.phone_number,
                   profile_name=row.profile_name, channel=row.channel, status=row.status,
                   organization_id=to_id(row.organization_id) if row.organization_id else None,
                   last_message_at=row.last_message_at, handed_off_until=row.handed_off_until,
                   created_at=row.created_at, _row=row)
