"""An index on cases.building_id: a compound's page counts the cases of its buildings (geo/party/compounds.py).

Without it that count reads every case (1.5 s with 200,000 cases in the test city).

Revision ID: 0016
Revises: 0015
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_building_id", "cases", ["building_id"])


def downgrade() -> None:
    op.drop_index("ix_cases_building_id", table_name="cases")
