from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from resolvers.magic_links import redacted, redacted_variables
from schema.types.enums import DeliveryStatus
from schema.types.ids import to_id
from storage import OutboundMessage as OutboundMessageRow


@strawberry.type(description="A WhatsApp message Parlo queued (the outbox): what, to whom, and how its delivery "
                             "went. FAILED means every retry was used, or Twilio refused it for good (lastError).")
class OutboundMessage:
    id: strawberry.ID
    organization_id: strawberry.ID | None
    appointment_id: strawberry.ID | None
    kind: str = strawberry.field(description="notification kind, e.g. appointment_reminder, daily_summary, reply")
    template_name: str | None
    to_number: str = strawberry.field(description="whatsapp:+52… as queued")
    status: DeliveryStatus
    attempts: int
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime | None = strawberry.field(description="when it is (re)tried; PENDING rows only")
    sent_at: datetime | None
    delivered_at: datetime | None
    body: str | None = strawberry.field(description="the text sent (templates: filled in once sent); sign-in "
                                                     "links are shown redacted")
    variables: JSON = strawberry.field(description="the raw facts a template is written from (sign-in links "
                                                   "redacted)")

    @classmethod
    def of(cls, row: OutboundMessageRow) -> "OutboundMessage":
        return cls(id=to_id(row.id), organization_id=to_id(row.organization_id) if row.organization_id else None,
                   appointment_id=to_id(row.appointment_id) if row.appointment_id else None, kind=row.kind,
                   template_name=row.template_name, to_number=row.to_number, status=row.status,
                   attempts=row.attempts, last_error=row.last_error, created_at=row.created_at,
                   next_attempt_at=row.next_attempt_at if row.status == "pending" else None, sent_at=row.sent_at,
                   delivered_at=row.delivered_at, body=redacted(row.body),
                   variables=redacted_variables(row.template_variables or {}))
