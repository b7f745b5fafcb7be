"""Child rows grouped by their parent: a conversation's messages, a customer's appointments."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select
from strawberry.dataloader import DataLoader

from resolvers.reads import read_session
from storage import Appointment, Availability, AvailabilityKind, Database, Message


class ChildrenOf(DataLoader[uuid.UUID, list[Any]]):
    def __init__(self, db: Database, model: Any, parent_column: str, order_by: Any,
                 organization_id: uuid.UUID | None, *where: Any):
        self._db, self._model, self._parent = db, model, parent_column
        self._order_by, self._organization_id, self._where = order_by, organization_id, where
        super().__init__(load_fn=self._load)

    async def _load(self, keys: list[uuid.UUID]) -> list[list[Any]]:
        parent = getattr(self._model, self._parent)
        query = select(self._model).where(parent.in_(keys), *self._where).order_by(*self._order_by)
        if self._organization_id is not None:
            query = query.where(self._model.organization_id == self._organization_id)
        grouped: dict[uuid.UUID, list[Any]] = defaultdict(list)
        async with read_session(self._db) as session:
            for row in (await session.scalars(query)).all():
                grouped[getattr(row, self._parent)].append(row)
        return [grouped.get(key, []) for key in keys]


def messages_of_conversation(db: Database, organization_id: uuid.UUID | None) -> ChildrenOf:
    return ChildrenOf(db, Message, "conversation_id", (Message.sequence, Message.created_at, Message.id), organization_id)


def appointments_of_customer(db: Database, organization_id: uuid.UUID | None) -> ChildrenOf:
    return ChildrenOf(db, Appointment, "customer_id", (Appointment.starts_at.desc(), Appointment.id), organization_id)


def closed_days_of_location(db: Database, organization_id: uuid.UUID | None, since: date) -> ChildrenOf:
    """Whole-day closures (``setBusinessHours(closedDays)``) from ``since`` on, so years of past
    closures are not read; the field trims to the salon's own today."""
    return ChildrenOf(db, Availability, "location_id", (Availability.exception_date, Availability.id), organization_id,
                      Availability.staff_id.is_(None), Availability.kind == AvailabilityKind.EXCEPTION,
                      Availability.is_available.is_(False), Availability.start_time.is_(None),
                      Availability.exception_date >= since)


def weekly_hours_of_staff(db: Database, organization_id: uuid.UUID | None) -> ChildrenOf:
    return ChildrenOf(db, Availability, "staff_id", (Availability.day_of_week, Availability.start_time, Availability.id),
                      organization_id,
                      Availability.kind == AvailabilityKind.RECURRING)
