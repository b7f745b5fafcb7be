"""``Organization.catalog_version`` moves with every write of a salon's services, staff, spots or locations.

Every booking and slot search needs the salon's catalog (services, staff and what each does,
spots and what each hosts): three queries and a few dozen ORM rows, a third of a booking's
CPU, for data that changes a few times a month. ``resolvers.scheduling.snapshot`` keeps it
per process and re-reads it when the organization's version (read anyway, with the
organization) differs from the cached one. That is only safe if *every* write bumps the
version in the write's own transaction, whichever process makes it, so the bump lives here,
under the ORM:

* a flush that inserts, changes or deletes a ``ServiceType``, ``Staff``, ``Spot`` or ``Location`` (their
  service links are collections of those, so changing them dirties the owner);
* an ORM-enabled bulk ``update(Staff)…``/``delete(Spot)…`` executed through a session: the
  organizations of the rows it targets are bumped first.

Readers: ``resolvers.scheduling.snapshot.load_catalog`` (bookings, slot searches) and
``messaging.conversation.profile.load_profile`` (every conversation turn).

A Core statement on the bare tables (``staff.__table__``) or raw SQL bypasses both; none of
the application's writes do that (migrations run before any process caches).
"""

from __future__ import annotations

from sqlalchemy import event, select, update
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression, BindParameter, BooleanClauseList, ColumnElement

from storage.models.catalog import ServiceType, Spot
from storage.models.organization import Location, Organization
from storage.models.staff import Staff

CATALOG = (ServiceType, Staff, Spot, Location)
_organizations = Organization.__table__


_WRITTEN = "parlo_catalog_written"


def catalog_written(session: Session) -> bool:
    """Whether this session wrote a catalog: its own reads must then not come from a cache."""
    return bool(session.info.get(_WRITTEN))


def _bump(session: Session, organization_ids) -> None:
    session.info[_WRITTEN] = True
    session.connection().execute(
        update(_organizations).where(_organizations.c.id.in_(organization_ids))
        .values(catalog_version=_organizations.c.catalog_version + 1))


@event.listens_for(Session, "before_flush")
def _catalog_flushed(session: Session, _flush_context, _instances) -> None:
    changed = {obj.organization_id for obj in session.new if isinstance(obj, CATALOG)}
    changed |= {obj.organization_id for obj in session.deleted if isinstance(obj, CATALOG)}
    changed |= {obj.organization_id for obj in session.dirty
                if isinstance(obj, CATALOG) and session.is_modified(obj)}
    changed.discard(None)
    if changed:
        _bump(session, sorted(changed, key=str))  # a fixed order: two flushes never lock in opposite orders


@event.listens_for(Session, "do_orm_execute")
def _catalog_bulk_write(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    entity = mapper.class_ if mapper is not None else None
    if entity not in CATALOG:
        return
    state.session.info[_WRITTEN] = True
    where = state.statement.whereclause
    targets = select(entity.organization_id).distinct()
    if where is not None:
        targets = targets.where(where)
    bump = update(_organizations).where(_organizations.c.id.in_(targets))
    pinned = _pinned_tenant(where, entity.organization_id.expression)
    if pinned is not None:
        # The statement names its salon: say so to the bump too, so Citus sends it to that one
        # shard (through the sub-select alone it cannot tell, and asks every shard).
        bump = bump.where(_organizations.c.id == pinned)
    state.session.connection().execute(bump.values(catalog_version=_organizations.c.catalog_version + 1))


def _pinned_tenant(where, column):
    """The value a WHERE clause sets ``organization_id`` to (``… AND organization_id = :x AND …``), if any."""
    if where is None:
        return None
    conjuncts = where.clauses if isinstance(where, BooleanClauseList) and where.operator is operators.and_ else [where]
    for clause in conjuncts:
        if isinstance(clause, BinaryExpression) and clause.operator is operators.eq:
            for side, other in ((clause.left, clause.right), (clause.right, clause.left)):
                if isinstance(side, ColumnElement) and side.compare(column) and isinstance(other, BindParameter):
                    return other
    return None
