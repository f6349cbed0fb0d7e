"""居务公开: a closed case's reply (and, if wanted, a cleaned description) approved by an operator for the public
pages. Nothing of a case's free text is public until it has a row here; withdrawing deletes the row.

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# Its own trigger (not another line in wangge_case_removed, which other migrations redefine): a removed case takes
# its publication with it.
REMOVED = """
CREATE FUNCTION wangge_case_publications_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM case_publications WHERE case_id IN (SELECT id FROM removed);
    RETURN NULL;
END $$"""


def upgrade() -> None:
    op.create_table(
        "case_publications",
        sa.Column("case_id", sa.BigInteger(), primary_key=True),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("approved_by", sa.Text(), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(reply) BETWEEN 1 AND 2000", name="ck_case_publications_reply"),
        sa.CheckConstraint("description IS NULL OR length(description) BETWEEN 1 AND 2000",
                           name="ck_case_publications_description"),
    )
    for event in ("INSERT", "UPDATE"):  # as for the other tables that name a case (migration 0009)
        op.execute(f"CREATE TRIGGER case_publications_case_id_{event.lower()}_check AFTER {event} ON case_publications "
                   "REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION wangge_case_exists('case_id')")
    op.execute(REMOVED)
    op.execute("CREATE TRIGGER cases_publications_removed AFTER DELETE ON cases REFERENCING OLD TABLE AS removed "
               "FOR EACH STATEMENT EXECUTE FUNCTION wangge_case_publications_removed()")


def downgrade() -> None:
    op.execute("DROP TRIGGER cases_publications_removed ON cases")
    op.execute("DROP FUNCTION wangge_case_publications_removed()")
    op.drop_table("case_publications")
