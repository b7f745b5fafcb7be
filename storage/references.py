"""What the database no longer does by itself once keys carry the tenant (DESIGN.md, Citus).

* ``ON DELETE SET NULL`` on a composite key ``(x_id, organization_id)`` would null the
  tenant key too (NOT NULL, and Citus refuses it), so those keys say NO ACTION and the ORM
  flush clears the referencing column first, in the same transaction. Conversations name
  their customer and staff member without a key (a central-number conversation names a
  person of another tenant); they are cleared the same way, in the person's salon and in
  the no-salon tenant (the two places such a conversation can be).
* ``whatsapp_numbers``, the routing reference table, follows ``Organization.whatsapp_number``:
  every flush that sets, changes or clears a number writes the route in the same transaction,
  and the route's primary key refuses a number another organization already has.
* ``staff_phones``, the reference table that answers "who has this phone" (storage.queries),
  follows ``Staff.phone_number``: a staff member added, given another phone or deleted, and a
  salon deleted (its staff go by cascade), write the look-up in the same transaction.

These hooks see ORM writes (``session.add``/``delete``, attribute changes); a bulk Core
``update(Organization)`` of the number, ``update(Staff)`` of a phone, or a Core ``delete`` of a
referenced row or a staff member, must do the same by hand.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Table, delete, event, insert, update
from sqlalchemy.orm import Session, attributes

from storage.base import SET_NULL_ON_DELETE, Base
from storage.ids import new_id
from storage.models.conversations import Conversation
from storage.models.organization import Organization, WhatsAppNumber
from storage.models.staff import Staff, StaffPhone

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
    _staff_phones(session)


def _clear_references(session: Session) -> None:
    for obj in list(session.deleted):
        table = getattr(type(obj), "__table__", None)
        refs = _SET_NULL.get(table.name) if table is not None else None
        if not refs:
            continue
        org = getattr(obj, "organization_id", None)
        for child, column, same_tenant in refs:
            # A loose reference lives in the row's salon or in no salon (the central number):
            # one statement for each, each on one shard (Citus), never a search of every shard.
            for tenant in (org,) if same_tenant else dict.fromkeys((org, None)):
                session.connection().execute(update(child).where(child.c.organization_id == tenant,
                                                                 child.c[column] == obj.id).values({column: None}))


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


def _was(obj, name: str):
    """An attribute's value as the database has it (before this flush's change), or None."""
    history = attributes.get_history(obj, name)
    old = [v for v in (*history.deleted, *history.unchanged) if v is not None]
    return old[0] if old else None


def _staff_phones(session: Session) -> None:
    """Deletes first, then inserts: a phone that moves between two people in one flush works."""
    table = StaffPhone.__table__
    gone: list[tuple[str, object, object]] = []
    came: list[tuple[str, object, object]] = []
    salons_gone = [obj.id for obj in session.deleted if isinstance(obj, Organization) and obj.id is not None]
    for obj in session.deleted:
        if isinstance(obj, Staff) and obj.organization_id not in salons_gone:
            gone.append((_was(obj, "phone_number"), _was(obj, "organization_id"), obj.id))
    for obj in [*session.new, *session.dirty]:
        if not isinstance(obj, Staff):
            continue
        if obj in session.new:
            if obj.id is None:
                obj.id = new_id()  # the look-up needs it before the INSERT gives it
            came.append((obj.phone_number, obj.organization_id, obj.id))
            continue
        phone, salon = attributes.get_history(obj, "phone_number"), attributes.get_history(obj, "organization_id")
        if not (phone.has_changes() or salon.has_changes()):
            continue
        gone.append((_was(obj, "phone_number"), _was(obj, "organization_id"), obj.id))
        came.append((obj.phone_number, obj.organization_id, obj.id))
    if not (salons_gone or gone or came):
        return
    connection = session.connection()
    if salons_gone:
        connection.execute(delete(table).where(table.c.organization_id.in_(salons_gone)))
    for phone, salon, staff_id in gone:
        where = [table.c.staff_id == staff_id] if phone is None or salon is None else \
            [table.c.phone_number == phone, table.c.organization_id == salon, table.c.staff_id == staff_id]
        connection.execute(delete(table).where(*where))
    rows = [dict(phone_number=phone, organization_id=salon, staff_id=staff_id)
            for phone, salon, staff_id in came if phone and salon is not None]
    if rows:
        connection.execute(insert(table), rows)
