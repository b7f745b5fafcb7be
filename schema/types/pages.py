"""Connections: every paged list answers ``nodes``, ``pageInfo`` and ``totalCount`` (see resolvers.pagination)."""

import strawberry

from schema.types.appointment import Appointment
from schema.types.conversation import Conversation
from schema.types.customer import Customer
from schema.types.organization import Organization


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")


@strawberry.type
class CustomerConnection:
    nodes: list[Customer]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Every customer the filters match, on all pages.")


@strawberry.type
class AppointmentConnection:
    nodes: list[Appointment]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Every appointment the filters match, on all pages.")


@strawberry.type
class ConversationConnection:
    nodes: list[Conversation]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Every conversation the filters match, on all pages.")


@strawberry.type
class OrganizationConnection:
    nodes: list[Organization]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Every organization the filters match, on all pages.")


def page_info(page) -> PageInfo:
    return PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor)
