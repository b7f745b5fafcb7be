"""Tenant keys: every key of a salon's row includes ``organization_id`` (so Citus can distribute).

Citus distributes each tenant table by ``organization_id`` and refuses a primary key, unique
or exclusion constraint, or foreign key that does not include it. This revision, on a
populated database, in place:

* primary keys become ``(id, organization_id)`` (association tables gain ``organization_id``,
  filled from their staff member or spot, and add it to their key);
* foreign keys between tenant rows become ``(x_id, organization_id) → (id, organization_id)``;
  the ``ON DELETE SET NULL`` ones become NO ACTION, the application clearing the column
  (``storage.references``); a conversation's customer/staff and an outbox row's or flow's
  conversation lose their key (on the central number they cross tenants);
* unique constraints add ``organization_id``; the exclusion constraints add
  ``organization_id WITH =``;
* rows of no salon (central-number conversations, platform traces; NULL until now) get the
  nil UUID, ``storage.base.NO_ORGANIZATION``: a distribution column cannot be NULL. Those
  tables lose their key to ``organizations``. Central-number conversations go to that
  tenant (they belonged to whichever salon their owner managed), and every message moves to
  its conversation's tenant;
* ``organizations.whatsapp_number`` stops being unique; the new reference table
  ``whatsapp_numbers`` (number → organization) holds the routing and the uniqueness.

Written by hand from the lists below; on SQLite each table is rebuilt once (batch mode), on
PostgreSQL the keys are dropped and re-added in dependency order.

Revision ID: 0005
Revises: 0004
"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

NO_ORGANIZATION = uuid.UUID(int=0)

#: Tables whose rows always had an organization.
TENANT = (
    "locations", "service_types", "spots", "staff", "availability", "customers", "waitlist_entries",
    "appointments", "occupancy", "appointment_reviews", "rebooking_plans", "auth_tokens",
)
#: Tables whose rows may belong to no salon (NULL until now, the nil UUID from now on).
OPTIONAL = (
    "conversations", "messages", "flow_sessions", "onboarding_sessions", "outbound_messages",
    "function_traces", "activity_events",
)
#: Association tables: (table, owner column, owner table).
ASSOCIATIONS = (("spot_services", "spot_id", "spots"), ("staff_services", "staff_id", "staff"))
ASSOCIATION_KEYS = {"spot_services": ["spot_id", "service_type_id"], "staff_services": ["staff_id", "service_type_id"]}

NO_ACTION = "NO ACTION"
DROP = None
#: (table, column, referenced table, old ON DELETE, new ON DELETE or DROP)
FOREIGN_KEYS = (
    ("spots", "location_id", "locations", "CASCADE", "CASCADE"),
    ("waitlist_entries", "customer_id", "customers", "CASCADE", "CASCADE"),
    ("waitlist_entries", "service_type_id", "service_types", "CASCADE", "CASCADE"),
    ("spot_services", "service_type_id", "service_types", "CASCADE", "CASCADE"),
    ("spot_services", "spot_id", "spots", "CASCADE", "CASCADE"),
    ("staff", "default_spot_id", "spots", "SET NULL", NO_ACTION),
    ("staff", "location_id", "locations", "SET NULL", NO_ACTION),
    ("appointments", "created_by_staff_id", "staff", "SET NULL", NO_ACTION),
    ("appointments", "customer_id", "customers", "RESTRICT", "RESTRICT"),
    ("appointments", "location_id", "locations", "CASCADE", "CASCADE"),
    ("appointments", "service_type_id", "service_types", "RESTRICT", "RESTRICT"),
    ("appointments", "spot_id", "spots", "RESTRICT", "RESTRICT"),
    ("appointments", "staff_id", "staff", "RESTRICT", "RESTRICT"),
    ("auth_tokens", "staff_id", "staff", "CASCADE", "CASCADE"),
    ("availability", "location_id", "locations", "CASCADE", "CASCADE"),
    ("availability", "staff_id", "staff", "CASCADE", "CASCADE"),
    ("conversations", "customer_id", "customers", "SET NULL", DROP),
    ("conversations", "staff_id", "staff", "SET NULL", DROP),
    ("onboarding_sessions", "staff_id", "staff", "CASCADE", "CASCADE"),
    ("rebooking_plans", "requested_by_staff_id", "staff", "SET NULL", NO_ACTION),
    ("staff_services", "service_type_id", "service_types", "CASCADE", "CASCADE"),
    ("staff_services", "staff_id", "staff", "CASCADE", "CASCADE"),
    ("appointment_reviews", "appointment_id", "appointments", "CASCADE", "CASCADE"),
    ("flow_sessions", "conversation_id", "conversations", "CASCADE", DROP),
    ("flow_sessions", "customer_id", "customers", "CASCADE", "CASCADE"),
    ("flow_sessions", "staff_id", "staff", "CASCADE", "CASCADE"),
    ("messages", "conversation_id", "conversations", "CASCADE", "CASCADE"),
    ("occupancy", "appointment_id", "appointments", "CASCADE", "CASCADE"),
    ("occupancy", "spot_id", "spots", "CASCADE", "CASCADE"),
    ("occupancy", "staff_id", "staff", "CASCADE", "CASCADE"),
    ("outbound_messages", "appointment_id", "appointments", "SET NULL", NO_ACTION),
    ("outbound_messages", "conversation_id", "conversations", "SET NULL", DROP),
)
#: (table, old unique columns); the new constraint adds organization_id.
UNIQUES = (
    ("conversations", ["business_number", "phone_number"]),
    ("messages", ["provider_message_id"]),
    ("flow_sessions", ["conversation_id"]),
    ("onboarding_sessions", ["kind", "phone_number"]),
    ("onboarding_sessions", ["staff_id"]),
    ("outbound_messages", ["dedupe_key"]),
    ("outbound_messages", ["provider_message_id"]),
    ("auth_tokens", ["token_hash"]),
    ("appointment_reviews", ["appointment_id"]),
)
ORDER = (*TENANT, *OPTIONAL, *(a[0] for a in ASSOCIATIONS))


def _fk_name(table: str, column: str, target: str) -> str:
    return f"fk_{table}_{column}_{target}"


def _uq_name(table: str, columns: list[str]) -> str:
    return f"uq_{table}_{'_'.join(columns)}"


def _key(table: str) -> list[str]:
    return ASSOCIATION_KEYS.get(table, ["id"])


def _nil():
    return sa.bindparam("nil", NO_ORGANIZATION, type_=sa.Uuid())


def _move_data_up() -> None:
    for table, owner_column, owner in ASSOCIATIONS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("organization_id", sa.Uuid(), nullable=True))
        op.execute(f"UPDATE {table} SET organization_id = "
                   f"(SELECT o.organization_id FROM {owner} o WHERE o.id = {table}.{owner_column})")
    # Central-number conversations belong to no salon; a number no salon owns, neither.
    op.execute("UPDATE conversations SET organization_id = NULL WHERE channel = 'central'")
    for table in OPTIONAL:
        op.execute(sa.text(f"UPDATE {table} SET organization_id = :nil WHERE organization_id IS NULL")
                   .bindparams(_nil()))
    op.execute("UPDATE messages SET organization_id = "
               "(SELECT c.organization_id FROM conversations c WHERE c.id = messages.conversation_id)")


def _drop_old(table: str, batch_op) -> None:
    for t, column, target, _old, _new in FOREIGN_KEYS:
        if t == table:
            batch_op.drop_constraint(_fk_name(t, column, target), type_="foreignkey")
    if table in OPTIONAL:
        batch_op.drop_constraint(_fk_name(table, "organization_id", "organizations"), type_="foreignkey")
    for t, columns in UNIQUES:
        if t == table:
            batch_op.drop_constraint(_uq_name(t, columns), type_="unique")


def _rekey(table: str, batch_op) -> None:
    if table in OPTIONAL or table in ASSOCIATION_KEYS:
        batch_op.alter_column("organization_id", existing_type=sa.Uuid(), nullable=False)
    batch_op.drop_constraint(f"pk_{table}", type_="primary")
    batch_op.create_primary_key(f"pk_{table}", [*_key(table), "organization_id"])


def _add_new(table: str, batch_op) -> None:
    if table in ASSOCIATION_KEYS:
        batch_op.create_foreign_key(_fk_name(table, "organization_id", "organizations"), "organizations",
                                    ["organization_id"], ["id"], ondelete="CASCADE")
    for t, columns in UNIQUES:
        if t == table:
            batch_op.create_unique_constraint(_uq_name(t, [*columns, "organization_id"]), [*columns, "organization_id"])
    for t, column, target, _old, new in FOREIGN_KEYS:
        if t == table and new is not DROP:
            batch_op.create_foreign_key(_fk_name(t, column, target), target, [column, "organization_id"],
                                        ["id", "organization_id"], ondelete=None if new == NO_ACTION else new)


def _exclusions(with_organization: bool) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    tenant = "organization_id WITH =, " if with_organization else ""
    for resource in ("staff_id", "spot_id"):
        name = f"ex_occupancy_{resource}_no_overlap"
        op.execute(f"ALTER TABLE occupancy DROP CONSTRAINT {name}")
        op.execute(f"ALTER TABLE occupancy ADD CONSTRAINT {name} "
                   f"EXCLUDE USING gist ({tenant}{resource} WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        # Foreign keys are off while migrating SQLite: move the data, then one rebuild per table.
        _move_data_up()
        for table in ORDER:
            with op.batch_alter_table(table, recreate="always") as batch_op:
                _drop_old(table, batch_op)
                _rekey(table, batch_op)
                _add_new(table, batch_op)
    else:
        for table in ORDER:  # first the old keys go, so no row is checked against them meanwhile
            with op.batch_alter_table(table) as batch_op:
                _drop_old(table, batch_op)
        _move_data_up()
        for phase in (_rekey, _add_new):
            for table in ORDER:
                with op.batch_alter_table(table) as batch_op:
                    phase(table, batch_op)
    _exclusions(with_organization=True)

    with op.batch_alter_table("organizations") as batch_op:
        batch_op.drop_constraint("uq_organizations_whatsapp_number", type_="unique")
        batch_op.create_index("ix_organizations_whatsapp_number", ["whatsapp_number"])
    op.create_table(
        "whatsapp_numbers",
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("number", name="pk_whatsapp_numbers"),
    )
    op.create_index("ix_whatsapp_numbers_organization_id", "whatsapp_numbers", ["organization_id"])
    op.execute("INSERT INTO whatsapp_numbers (number, organization_id) "
               "SELECT whatsapp_number, id FROM organizations WHERE whatsapp_number IS NOT NULL")


def downgrade() -> None:
    """Back to single-column keys. Fails if two salons now share what used to be unique."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.drop_index("ix_whatsapp_numbers_organization_id", table_name="whatsapp_numbers")
    op.drop_table("whatsapp_numbers")
    with op.batch_alter_table("organizations") as batch_op:
        batch_op.drop_index("ix_organizations_whatsapp_number")
        batch_op.create_unique_constraint("uq_organizations_whatsapp_number", ["whatsapp_number"])
    _exclusions(with_organization=False)

    def drop_new(table, batch_op):
        for t, column, target, _old, new in FOREIGN_KEYS:
            if t == table and new is not DROP:
                batch_op.drop_constraint(_fk_name(t, column, target), type_="foreignkey")
        for t, columns in UNIQUES:
            if t == table:
                batch_op.drop_constraint(_uq_name(t, [*columns, "organization_id"]), type_="unique")
        if table in ASSOCIATION_KEYS:
            batch_op.drop_constraint(_fk_name(table, "organization_id", "organizations"), type_="foreignkey")

    def unkey(table, batch_op):
        batch_op.drop_constraint(f"pk_{table}", type_="primary")
        batch_op.create_primary_key(f"pk_{table}", _key(table))
        if table in ASSOCIATION_KEYS:
            batch_op.drop_column("organization_id")
        elif table in OPTIONAL:
            batch_op.alter_column("organization_id", existing_type=sa.Uuid(), nullable=True)

    def add_old(table, batch_op):
        if table in OPTIONAL:
            batch_op.create_foreign_key(_fk_name(table, "organization_id", "organizations"), "organizations",
                                        ["organization_id"], ["id"], ondelete="CASCADE")
        for t, columns in UNIQUES:
            if t == table:
                batch_op.create_unique_constraint(_uq_name(t, columns), columns)
        for t, column, target, old, _new in FOREIGN_KEYS:
            if t == table:
                batch_op.create_foreign_key(_fk_name(t, column, target), target, [column], ["id"], ondelete=old)

    def nil_to_null():
        for table in OPTIONAL:
            op.execute(sa.text(f"UPDATE {table} SET organization_id = NULL WHERE organization_id = :nil")
                       .bindparams(_nil()))

    if sqlite:
        for table in ORDER:
            with op.batch_alter_table(table, recreate="always") as batch_op:
                drop_new(table, batch_op)
        for table in OPTIONAL:  # NULL is allowed once the key no longer holds the column
            with op.batch_alter_table(table, recreate="always") as batch_op:
                unkey(table, batch_op)
        nil_to_null()
        for table in ORDER:
            with op.batch_alter_table(table, recreate="always") as batch_op:
                if table not in OPTIONAL:
                    unkey(table, batch_op)
                add_old(table, batch_op)
    else:
        for table in ORDER:
            with op.batch_alter_table(table) as batch_op:
                drop_new(table, batch_op)
        for table in ORDER:
            with op.batch_alter_table(table) as batch_op:
                unkey(table, batch_op)
        nil_to_null()
        for table in ORDER:
            with op.batch_alter_table(table) as batch_op:
                add_old(table, batch_op)
