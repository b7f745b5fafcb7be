"""How many staff, customers and appointments each organization has (admin lists)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from strawberry.dataloader import DataLoader

from resolvers.reads import read_session
from storage import Database


class CountPerOrganization(DataLoader[uuid.UUID, int]):
    def __init__(self, db: Database, model: Any):
        self._db, self._model = db, model
        super().__init__(load_fn=self._load)

    async def _load(self, keys: list[uuid.UUID]) -> list[int]:
        column = self._model.organization_id
        query = select(column, func.count()).where(column.in_(keys)).group_by(column)
        async with read_session(self._db) as session:
            counts = dict((await session.execute(query)).all())
        return [counts.get(key, 0) for key in keys]
