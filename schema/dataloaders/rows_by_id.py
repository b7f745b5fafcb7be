"""Rows of one model by id, for the fields that point at them (appointment → customer, …).

One batch = one short session and one ``select … where id in (…)``. The loader only sees
the actor's organization (admins see all), so even a stray id cannot leak another tenant's row.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from strawberry.dataloader import DataLoader

from resolvers.reads import read_session
from storage import Database


class RowsById(DataLoader[uuid.UUID, Any]):
    def __init__(self, db: Database, model: Any, organization_id: uuid.UUID | None, *, tenant_column: str = "organization_id"):
        self._db, self._model, self._organization_id = db, model, organization_id
        self._tenant_column = tenant_column
        super().__init__(load_fn=self._load)

    async def _load(self, keys: list[uuid.UUID]) -> list[Any]:
        model = self._model
        query = select(model).where(model.id.in_(keys))
        if self._organization_id is not None:
            query = query.where(getattr(model, self._tenant_column) == self._organization_id)
        async with read_session(self._db) as session:
            rows = {row.id: row for row in (await session.scalars(query)).all()}
        return [rows.get(key) for key in keys]
