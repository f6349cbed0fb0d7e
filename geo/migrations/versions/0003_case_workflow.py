"""The case workflow: versioned cases, who handles them and by when, append-only events, reporters.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CASE_COLUMNS = [
    sa.Column("version", sa.Integer(), server_default="1", nullable=False),
    sa.Column("urgency", sa.String(12), server_default="normal", nullable=False),
    sa.Column("address", sa.Text(), nullable=True),
    sa.Column("building_id", sa.BigInteger(), sa.ForeignKey("buildings.id", ondelete="SET NULL"), nullable=True),
    sa.Column("located_match", sa.String(12), nullable=True),
    sa.Column("handler_level", sa.String(12), nullable=True),
    sa.Column("handler_area", sa.String(15), sa.ForeignKey("areas.code"), nullable=True),
    sa.Column("department", sa.Text(), nullable=True),
    sa.Column("assignee_id", sa.BigInteger(), sa.ForeignKey("staff.id", ondelete="SET NULL"), nullable=True),
    sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("overdue", sa.Boolean(), server_default="false", nullable=False),
    sa.Column("escalations", sa.Integer(), server_default="0", nullable=False),
    sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("extension_requested", sa.Boolean(), server_default="false", nullable=False),
    sa.Column("rework_count", sa.Integer(), server_default="0", nullable=False),
    sa.Column("return_count", sa.Integer(), server_default="0", nullable=False),
    sa.Column("rating", sa.String(20), nullable=True),
    sa.Column("resumes_to", sa.String(24), nullable=True),
    sa.Column("duplicate_of", sa.BigInteger(), sa.ForeignKey("cases.id", ondelete="SET NULL"), nullable=True),
    sa.Column("merged_into", sa.BigInteger(), sa.ForeignKey("cases.id", ondelete="SET NULL"), nullable=True),
    sa.Column("created_by", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    sa.Column("idempotency_key", sa.Text(), nullable=True),
]


def upgrade() -> None:
    for column in CASE_COLUMNS:
        op.add_column("cases", column)
    op.create_index("uq_cases_idempotency", "cases", ["created_by", "idempotency_key"], unique=True)
    op.create_index("ix_cases_assignee_id", "cases", ["assignee_id"])
    op.create_index("ix_cases_due_at", "cases", ["due_at"])
    op.create_table(
        "case_events",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("case_id", sa.BigInteger(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(24), nullable=False),
        sa.Column("from_status", sa.String(24), nullable=True),
        sa.Column("to_status", sa.String(24), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("data", JSONB(), server_default="{}", nullable=False),
        sa.Column("geom", Geometry("POINT", 4326, spatial_index=False), nullable=True),
    )
    op.create_index("ix_case_events_case_id", "case_events", ["case_id", "id"])
    # Append-only: history is never rewritten.
    op.execute("""
        CREATE FUNCTION wangge_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'case_events is append-only'; END $$;
        CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
        FOR EACH ROW EXECUTE FUNCTION wangge_append_only();
    """)
    op.create_table(
        "case_reporters",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("case_id", sa.BigInteger(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("channel", sa.String(24), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    )
    op.create_table(
        "case_attachments",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("case_id", sa.BigInteger(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("case_attachments")
    op.drop_table("case_reporters")
    op.execute("DROP TABLE case_events")
    op.execute("DROP FUNCTION wangge_append_only()")
    op.drop_index("ix_cases_due_at", table_name="cases")
    op.drop_index("ix_cases_assignee_id", table_name="cases")
    op.drop_index("uq_cases_idempotency", table_name="cases")
    for column in reversed(CASE_COLUMNS):
        op.drop_column("cases", column.name)
