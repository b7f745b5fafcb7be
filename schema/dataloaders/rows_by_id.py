"""Rows of one model by id, for the fields that point at them (appointment → customer, …).

One batch = one short session and one ``select … where id in (…)``. The loader only sees
the actor's organization (admins see all), so even a stray id cannot leak another tenant's row.

``shaped`` is for fields that point at a row: when a parent resolver already read the rows
and primed the loader (the day schedule reads its appointments' customers, services and
spots in the same query), the field answers synchronously. An ``async`` resolver would cost
a coroutine, a future and, once graphql-core gathers siblings, a task per field: ~200 of
them on a busy day's agenda, a third of the request.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import select
from strawberry.dataloader import DataLoader

from resolvers.reads import read_session
from storage import Database

T = TypeVar("T")


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

    def shaped(self, key: uuid.UUID, shape: Callable[[Any], T]) -> T | None | Awaitable[T | None]:
        """``shape(row)`` now if this request already holds the row, else an awaitable of it.

        Resolvers may return either: graphql-core awaits what is awaitable.
        """
        future = self.cache_map.get(key)
        if future is not None and future.done() and not future.cancelled() and future.exception() is None:
            row = future.result()
            return shape(row) if row is not None else None
        return self._shaped_later(key, shape)

    async def _shaped_later(self, key: uuid.UUID, shape: Callable[[Any], T]) -> T | None:
        row = await self.load(key)
        return shape(row) if row is not None else None
