import uuid

import strawberry
from sqlalchemy import select

from resolvers.errors import PermissionDenied
from resolvers.pagination import page_size
from resolvers.reads import read_session
from schema.errors import raise_problem
from schema.types.ids import optional_id
from schema.types.outbound_message import OutboundMessage
from storage import DeliveryStatus, OutboundMessage as OutboundMessageRow, PermissionLevel

NOT_ALLOWED = PermissionDenied("Solo el dueño, un administrador del negocio o un administrador de Parlo pueden ver "
                               "los mensajes que fallaron.")


def _scope(actor, organization_id: uuid.UUID | None) -> uuid.UUID | None | PermissionDenied:
    """Platform admins: any organization (or all); owners and admins: their own only."""
    if actor.is_admin:
        return organization_id
    if actor.is_staff and actor.permission_level in (PermissionLevel.OWNER, PermissionLevel.ADMIN):
        return actor.organization_id
    return NOT_ALLOWED


@strawberry.type
class NotificationQueries:
    @strawberry.field(description="Owners, admins and Parlo admins: WhatsApp messages that failed for good, newest "
                                  "first (a business's own; Parlo admins may pass organizationId or see all).")
    async def failed_messages(self, info: strawberry.Info, first: int = 50,
                              organization_id: strawberry.ID | None = None) -> list[OutboundMessage]:
        scope = raise_problem(_scope(info.context.use_case.actor, optional_id(organization_id)))
        size = raise_problem(page_size(first))
        query = (select(OutboundMessageRow).where(OutboundMessageRow.status == DeliveryStatus.FAILED)
                 .order_by(OutboundMessageRow.updated_at.desc(), OutboundMessageRow.id)
                 .limit(size))
        if scope is not None:
            query = query.where(OutboundMessageRow.organization_id == scope)
        async with read_session(info.context.use_case.db) as session:
            rows = (await session.scalars(query)).all()
        return [OutboundMessage.of(r) for r in rows]
