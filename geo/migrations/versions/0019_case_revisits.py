"""回访: a resident's 不满意 opens a follow-up call an operator must make within WANGGE_REVISIT_DAYS; the texts sent
to residents when their report moves (one per case event), and how far the round has read the events.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_revisits",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column("case_id", sa.BigInteger(), nullable=False, index=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True)),
        sa.Column("done_by", sa.Text()),
        sa.Column("note", sa.Text()),
    )
    op.create_table(
        "resident_notices",
        sa.Column("event_id", sa.BigInteger(), primary_key=True),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "resident_notice_marks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_resident_notice_marks_one"),
    )


def downgrade() -> None:
    op.drop_table("resident_notice_marks")
    op.drop_table("resident_notices")
    op.drop_table("case_revisits")
