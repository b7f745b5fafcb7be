"""Per-request DataLoaders: each batch is one short session and one query (no N+1)."""

from schema.dataloaders.children import (
    ChildrenOf,
    appointments_of_customer,
    closed_days_of_location,
    messages_of_conversation,
    weekly_hours_of_staff,
)
from schema.dataloaders.organization_counts import CountPerOrganization
from schema.dataloaders.rows_by_id import RowsById
from schema.dataloaders.service_ids import ServiceIdsBy, services_of_spot, services_of_staff

__all__ = [
    "ChildrenOf",
    "CountPerOrganization",
    "RowsById",
    "ServiceIdsBy",
    "appointments_of_customer",
    "closed_days_of_location",
    "messages_of_conversation",
    "services_of_spot",
    "services_of_staff",
    "weekly_hours_of_staff",
]
