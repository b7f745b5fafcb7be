import strawberry

from resolvers import conversations, customers
from resolvers.errors import Problem
from schema.errors import as_graphql, raise_problem
from schema.queries.results import ConversationResult, CustomerResult
from schema.types.conversation import Conversation
from schema.types.customer import Customer
from schema.types.enums import ConversationStatus
from schema.types.ids import from_id, optional_id
from schema.types.pages import ConversationConnection, CustomerConnection, page_info


@strawberry.type
class PeopleQueries:
    @strawberry.field(description="Customers by name or phone, alphabetically.")
    async def customers(self, info: strawberry.Info, search: str | None = None, first: int = 50,
                        after: str | None = None) -> CustomerConnection:
        page = raise_problem(await customers.list_customers(info.context.use_case, search=search, first=first,
                                                            after=after))
        return CustomerConnection(nodes=[Customer.of(r) for r in page.items], page_info=page_info(page),
                                  total_count=page.total_count)

    @strawberry.field(description="One customer, with appointment history.")
    async def customer(self, info: strawberry.Info, id: strawberry.ID) -> CustomerResult:
        value = await customers.get_customer(info.context.use_case, from_id(id))
        return as_graphql(value, CustomerResult) if isinstance(value, Problem) else Customer.of(value)

    @strawberry.field(description="WhatsApp conversations, newest first. Admins see every organization (filter with organizationId).")
    async def conversations(self, info: strawberry.Info, phone: str | None = None,
                            status: ConversationStatus | None = None, organization_id: strawberry.ID | None = None,
                            first: int = 50, after: str | None = None) -> ConversationConnection:
        page = raise_problem(await conversations.list_conversations(
            info.context.use_case, phone=phone, status=status, organization_id=optional_id(organization_id),
            first=first, after=after))
        return ConversationConnection(nodes=[Conversation.of(r) for r in page.items], page_info=page_info(page),
                                      total_count=page.total_count)

    @strawberry.field(description="One conversation with its messages in both directions.")
    async def conversation(self, info: strawberry.Info, id: strawberry.ID) -> ConversationResult:
        value = await conversations.get_conversation(info.context.use_case, from_id(id))
        return as_graphql(value, ConversationResult) if isinstance(value, Problem) else Conversation.of(value)
