import strawberry

from schema.types.appointment import Appointment
from schema.types.conversation import Conversation
from schema.types.customer import Customer


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")


@strawberry.type
class CustomerConnection:
    nodes: list[Customer]
    page_info: PageInfo


@strawberry.type
class AppointmentConnection:
    nodes: list[Appointment]
    page_info: PageInfo
    total_count: int


@strawberry.type
class ConversationConnection:
    nodes: list[Conversation]
    page_info: PageInfo
