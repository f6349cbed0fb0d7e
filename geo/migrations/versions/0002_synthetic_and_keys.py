"""Mark generated (demo) rows, natural keys for roster imports, closing time of cases.

`synthetic` lets the demo be replaced without touching imported real data.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

MARKED = ("areas", "buildings", "staff", "cases", "users")


def upgrade() -> None:
    for table in MARKED:
        op.add_column(table, sa.Column("synthetic", sa.Boolean(), server_default="false", nullable=False))
    op.add_column("cases", sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_cases_reported_at", "cases", ["reported_at"])
    op.create_index("uq_households_building_door", "households", ["building_id", "door"], unique=True)
    op.create_index("uq_residents_id_number", "residents", ["id_number"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_residents_id_number", table_name="residents")
    op.drop_index("uq_households_building_door", table_name="households")
    op.drop_index("ix_cases_reported_at", table_name="cases")
    op.drop_column("cases", "closed_at")
    for table in MARKED:
        op.drop_column(table, "synthetic")
