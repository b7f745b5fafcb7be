"""Services get a colour for the dashboard's calendars (issue 22).

A nullable ``color`` ("#RRGGBB"); existing services are painted with the palette in the order
each salon created them, so no two of a salon's first ten services share a colour. Kept in
step with ``resolvers/service_colours.PALETTE`` by hand: a migration must not import the app.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

PALETTE = ("#2563EB", "#EA580C", "#7C3AED", "#0D9488", "#DB2777", "#65A30D", "#CA8A04", "#0891B2", "#DC2626",
           "#4B5563")


def upgrade() -> None:
    with op.batch_alter_table("service_types") as batch_op:
        batch_op.add_column(sa.Column("color", sa.String(length=7), nullable=True))
    services = sa.table("service_types", sa.column("id"), sa.column("organization_id"), sa.column("created_at"),
                        sa.column("name"), sa.column("color"))
    bind = op.get_bind()
    rows = bind.execute(sa.select(services.c.id, services.c.organization_id)
                        .order_by(services.c.organization_id, services.c.created_at, services.c.name)).all()
    position: dict = {}
    for service_id, organization_id in rows:
        index = position.get(organization_id, 0)
        position[organization_id] = index + 1
        bind.execute(services.update().where(services.c.id == service_id, services.c.organization_id == organization_id)
                     .values(color=PALETTE[index % len(PALETTE)]))


def downgrade() -> None:
    with op.batch_alter_table("service_types") as batch_op:
        batch_op.drop_column("color")
