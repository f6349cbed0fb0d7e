"""The official calendar an operator loads (the State Council's notice of holidays and make-up workdays, 调休):
its days override chinese-calendar's, which stops at the last year it was released for.

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE calendar_days (
            day date PRIMARY KEY,
            kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
            name text NOT NULL,
            loaded_at timestamptz NOT NULL DEFAULT now()
        )""")
    # Deadlines are counted in memory: the version tells every process when the loaded days changed.
    op.execute("INSERT INTO data_versions (kind) VALUES ('calendar')")
    op.execute("CREATE TRIGGER calendar_days_raise_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_days "
               "FOR EACH STATEMENT EXECUTE FUNCTION wangge_raise_version('calendar')")


def downgrade() -> None:
    op.execute("DROP TABLE calendar_days")
    op.execute("DELETE FROM data_versions WHERE kind = 'calendar'")
