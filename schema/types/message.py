from datetime import datetime

import strawberry

from schema.types.enums import ContentType, DeliveryStatus, MessageDirection, SenderType
from schema.types.ids import to_id
from storage import Message as MessageRow


@strawberry.type(description="One WhatsApp message, inbound or outbound.")
class Message:
    id: strawberry.ID
    body: str
    direction: MessageDirection
    sender_type: SenderType
    content_type: ContentType
    media_url: str | None
    status: DeliveryStatus | None = strawberry.field(description="Delivery status of outbound messages.")
    created_at: datetime

    @classmethod
    def of(cls, row: MessageRow) -> "Message":
        return cls(id=to_id(row.id), body=row.body, direction=row.direction, sender_type=row.sender_type,
                   content_type=row.content_type, media_url=row.media_url, status=row.status,
                   created_at=row.created_at)
