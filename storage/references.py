"""What the database no longer does by itself once keys carry the tenant (DESIGN.md, Citus).

* ``ON DELETE SET NULL`` on a composite key ``(x_id, organization_id)`` would null the
  tenant key too (NOT NULL, and Citus refuses it), so those keys say NO ACTION and the ORM
  flush clears the referencing column first, in the same transaction. Conversations name
  their customer and staff member without a key (a central-number conversation names a
  person of another tenant); they are cleared the same way.
* ``whatsapp_numbers``, the routing reference table, follows ``Organization.whatsapp_number``:
  every flush that sets, changes or clears a number writes the route in the same transaction,
  and the route's primary key refuses a number another organization already has.

Both hooks see ORM writes (``session.add``/``delete``, attribute changes); a bulk Core
``update(Organization)`` of the number, or a Core ``delete`` of a referenced row, must do the
same by hand.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Table, delete, event, insert, update
from sqlalchemy.orm import Session, attributes

from storage.base import SET_NULL_ON_DELETE, Base
from storage.ids import new_id
from storage.models.conversations import Conversation
from storage.models.organization import Organization, WhatsAppNumber

#: Columns that name a row of another table without a foreign key, cleared when it goes:
#: (referenced table, referencing table, column).
_LOOSE_REFERENCES = (
    ("customers", Conversation.__table__, "customer_id"),
    ("staff", Conversation.__table__, "staff_id"),
)


def _set_null_references() -> dict[str, list[tuple[Table, str, bool]]]:
    """referenced table name → [(referencing table, column, same tenant?)]."""
    found: dict[str, list[tuple[Table, str, bool]]] = defaultdict(list)
    for table in Base.metadata.tables.values():
        for fk in table.foreign_key_constraints:
            if fk.info.get(SET_NULL_ON_DELETE):
                found[fk.referred_table.name].append((table, fk.column_keys[0], True))
    for referenced, table, column in _LOOSE_REFERENCES:
        found[referenced].append((table, column, False))
    return dict(found)


_SET_NULL = _set_null_references()


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _flush_context, _instances) -> None:
    _clear_references(session)
    _route_numbers(session)


def _clear_references(session: Session) -> None:
    for obj in list(session.deleted):
        table = getattr(type(obj), "__table__", None)
        refs = _SET_NULL.get(table.name) if table is not None else None
        if not refs:
            continue
        org = getattr(obj, "organization_id", None)
        for child, column, same_tenant in refs:
            where = [child.c[column] == obj.id]
            if same_tenant:
                where.append(child.c.organization_id == org)
            session.connection().execute(update(child).where(*where).values({column: None}))


def _route_numbers(session: Session) -> None:
    table = WhatsAppNumber.__table__
    for obj in list(session.deleted):
        if isinstance(obj, Organization):
            session.connection().execute(delete(table).where(table.c.organization_id == obj.id))
    for obj in [*session.new, *session.dirty]:
        if not isinstance(obj, Organization):
            continue
        history = attributes.get_history(obj, "whatsapp_number")
        if obj in session.new:
            added, removed = ([obj.whatsapp_number] if obj.whatsapp_number else []), []
        elif not history.has_changes():
            continue
        else:
            added, removed = [n for n in history.added if n], [n for n in history.deleted if n]
        if obj.id is None:
            obj.id = new_id()  # the route needs it before the INSERT gives it
        connection = session.connection()
        if removed:
            connection.execute(delete(table).where(table.c.number.in_(removed), table.c.organization_id == obj.id))
        for number in added:
            connection.execute(insert(table).values(number=number, organization_id=obj.id))
