"""Which services each staff member performs / each spot hosts (the association tables)."""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import Table, select
from strawberry.dataloader import DataLoader

from resolvers.reads import read_session
from storage import Database, spot_services
from storage.models.staff import staff_services


class ServiceIdsBy(DataLoader[uuid.UUID, list[uuid.UUID]]):
    def __init__(self, db: Database, table: Table, owner_column: str):
        self._db, self._table, self._owner = db, table, owner_column
        super().__init__(load_fn=self._load)

    async def _load(self, keys: list[uuid.UUID]) -> list[list[uuid.UUID]]:
        owner = self._table.c[self._owner]
        query = select(owner, self._table.c.service_type_id).where(owner.in_(keys))
        found: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        async with read_session(self._db) as session:
            for owner_id, service_id in (await session.execute(query)).all():
                found[owner_id].append(service_id)
        return [found.get(key, []) for key in keys]


def services_of_staff(db: Database) -> ServiceIdsBy:
    return ServiceIdsBy(db, staff_services, "staff_id")


def services_of_spot(db: Database) -> ServiceIdsBy:
    return ServiceIdsBy(db, spot_services, "spot_id")
