"""Change counters: a sequence per kind of data, advanced by every statement that changes it.

Cached analytics are keyed by these numbers, so a cached answer is never served after the data
under it changed. Sequences, not a counter row: nextval() takes no lock that concurrent writers
would queue on, and a rolled-back change only costs a needless recomputation.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

WATCHED = {"cases": ["cases"], "areas": ["areas"], "people": ["buildings", "households", "residents"],
           "staff": ["staff", "staff_assignments"]}


def upgrade() -> None:
    op.execute("""
        CREATE FUNCTION wangge_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM nextval(TG_ARGV[0]::regclass);
            RETURN NULL;
        END $$""")
    for counter, tables in WATCHED.items():
        op.execute(f"CREATE SEQUENCE wangge_changes_{counter}")
        for table in tables:
            op.execute(f"CREATE TRIGGER {table}_count_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION wangge_count_change('wangge_changes_{counter}')")


def downgrade() -> None:
    for counter, tables in WATCHED.items():
        for table in tables:
            op.execute(f"DROP TRIGGER {table}_count_change ON {table}")
        op.execute(f"DROP SEQUENCE wangge_changes_{counter}")
    op.execute("DROP FUNCTION wangge_count_change()")
