"""Declarative base: UUID keys, UTC timestamps, tenant keys and a naming convention for constraints.

The naming convention matters for migrations: SQLite can only change a constraint by
rebuilding the table, which needs every constraint to have a stable name.

Tenant keys (DESIGN.md, "Beyond one database"): Citus distributes every tenant table by
``organization_id`` and refuses a primary key, unique constraint or foreign key that does
not include it. So a tenant table's primary key is ``(id, organization_id)`` — ``id`` first
so a look-up by id alone keeps its index on one node — and a reference to another tenant
row is the pair ``(x_id, organization_id)`` (:func:`tenant_fk`). Ids stay application
generated UUIDs: nothing to autoincrement on any backend, and every id ever handed out
(GraphQL ids, links) stays the same. The ORM still knows a row by ``id`` alone (UUIDs are
unique on their own), and carries ``organization_id`` into the WHERE of every UPDATE and
DELETE it writes for a salon's row, so those route to one shard; for rows that may belong
to no salon it uses ``id`` alone: write a Core ``update`` that names the tenant where it matters.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, ForeignKeyConstraint, MetaData, Uuid, bindparam, func, util
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

from storage.ids import new_id
from storage.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: The tenant key of a row that belongs to no salon: a conversation on Parlo's central number
#: (onboarding, owners managing from there), a trace or activity line of the platform. Citus
#: cannot store NULL in a distribution column, so the database holds the nil UUID; Python
#: sees ``None``, as before (:class:`TenantKey`).
NO_ORGANIZATION = uuid.UUID(int=0)


class TenantKey(TypeDecorator[uuid.UUID]):
    """``organization_id`` of a table whose rows may belong to no salon: ``None`` ⇄ the nil UUID.

    ``col == None`` (or ``col == x`` with ``x`` None) means "belongs to no salon" and compares
    with the nil UUID, not ``IS NULL`` (no row is NULL). ``.is_(None)`` matches nothing.
    """

    impl = Uuid
    cache_ok = True

    class comparator_factory(TypeDecorator.Comparator):  # noqa: N801 (SQLAlchemy's hook name)
        def __eq__(self, other: Any):  # type: ignore[override]
            return self.expr.op("=")(_tenant_value(other)) if other is None else super().__eq__(other)

        def __ne__(self, other: Any):  # type: ignore[override]
            return self.expr.op("<>")(_tenant_value(other)) if other is None else super().__ne__(other)

    def process_bind_param(self, value: Any, dialect) -> uuid.UUID:
        return NO_ORGANIZATION if value is None else value

    def process_result_value(self, value: Any, dialect) -> uuid.UUID | None:
        return None if value is None or value == NO_ORGANIZATION else value


def _no_organization() -> None:
    return None


def _tenant_value(_none: None):
    return bindparam(None, NO_ORGANIZATION, type_=Uuid())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), uuid.UUID: Uuid()}


class IdMixin:
    """A global row (organizations): its own UUID is its key, and its distribution column."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)


class TimestampsMixin:
    """created_at/updated_at set by the database, so rows written by any process agree."""

    __mapper_args__ = {"eager_defaults": True}  # read them back with RETURNING: no lazy loads in async

    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


def _tenant_mapper_args(cls) -> dict[str, Any]:
    # A row is known by its UUID: session.get(Model, id) keeps working. The UPDATE and DELETE
    # statements the ORM writes for an object name the whole table key, organization_id
    # included, so Citus routes them to the tenant's shard.
    return {"primary_key": [cls.__table__.c.id], "eager_defaults": True}


class TenantMixin:
    """A salon's row: key ``(id, organization_id)``, distributed (Citus) by ``organization_id``."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)

    @declared_attr
    def organization_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True, index=True)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return _tenant_mapper_args(cls)


class OptionalTenantMixin:
    """A messaging or log row that may belong to no salon (:data:`NO_ORGANIZATION`).

    Same keys as :class:`TenantMixin`, but no foreign key to ``organizations``: a central-number
    row has no organization row to point to. Such a row's tenant never changes after insert
    (Citus cannot move a row between shards).
    """

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)

    @declared_attr
    def organization_id(cls) -> Mapped[uuid.UUID | None]:
        # evaluates_none: an ORM insert passes None on to the type (→ the nil UUID) instead of
        # leaving the column out; the callable default does the same when it is not set at all.
        return mapped_column(TenantKey().evaluates_none(), primary_key=True, nullable=False, index=True,
                             default=_no_organization)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return _tenant_mapper_args(cls)

    @classmethod
    def __declare_last__(cls) -> None:
        # The ORM refuses to UPDATE a row whose table-key value is None, and None is what
        # "no salon" reads as. So for these tables it locates rows by id alone (unique by
        # itself); Core updates that name the tenant are what route on Citus.
        table = cls.__table__
        cls.__mapper__._pks_by_table[table] = util.ordered_column_set([table.c.id])


#: ``info`` flag of a tenant foreign key that used to be ``ON DELETE SET NULL``: a composite key
#: cannot be set null (that would null ``organization_id`` too, and Citus refuses it), so the
#: database says NO ACTION and :mod:`storage.references` clears the column before the delete.
SET_NULL_ON_DELETE = "parlo_set_null_on_delete"


def tenant_fk(column: str, target: str, *, ondelete: str | None = None, set_null: bool = False) -> ForeignKeyConstraint:
    """``FOREIGN KEY (column, organization_id) REFERENCES target (id, organization_id)``.

    Named like the single-column key it replaces (``fk_<table>_<column>_<target>``).
    ``set_null=True`` keeps the old ``ON DELETE SET NULL`` behaviour in the application.
    """
    return ForeignKeyConstraint(
        [column, "organization_id"], [f"{target}.id", f"{target}.organization_id"],
        ondelete=None if set_null else ondelete,
        info={SET_NULL_ON_DELETE: True} if set_null else {},
    )
