"""Boundary plans: draft grid boundaries for communities, validated before they are published.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("status", sa.String(12), server_default="draft", nullable=False),
        sa.Column("communities", sa.ARRAY(sa.Text()), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_by", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.CheckConstraint("status IN ('draft', 'published', 'discarded')", name="ck_plans_status"),
    )
    op.create_table(
        "plan_grids",
        sa.Column("plan_id", sa.BigInteger(), sa.ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("code", sa.String(15), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("community_code", sa.String(12), nullable=False),
        sa.Column("kind", sa.String(12), server_default="ordinary", nullable=False),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("geom", Geometry("MULTIPOLYGON", 4326, spatial_index=False), nullable=False),
    )
    op.create_index("ix_plan_grids_geom", "plan_grids", ["geom"], postgresql_using="gist")
    op.create_table(
        "plan_edits",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("plan_id", sa.BigInteger(), sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
        sa.Column("op", sa.String(24), nullable=False),
        sa.Column("params", JSONB(), server_default="{}", nullable=False),
        sa.Column("before", JSONB(), nullable=False),
        sa.Column("after", JSONB(), nullable=False),
        sa.Column("undone", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_plan_edits_plan_id", "plan_edits", ["plan_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_plan_edits_plan_id", table_name="plan_edits")
    op.drop_table("plan_edits")
    op.drop_index("ix_plan_grids_geom", table_name="plan_grids")
    op.drop_table("plan_grids")
    op.drop_table("plans")
