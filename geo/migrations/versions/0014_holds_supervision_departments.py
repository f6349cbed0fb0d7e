"""Each handler's own deadline (case_holds), supervision (督办), department accounts, the first dispatch's deadline.

- cases.first_due_at: the deadline of the first dispatch; 按期结案率 is measured against it, not against the
  fresh deadline an escalation gives the next level. Filled for existing cases from their first dispatch.
- case_holds: one row per handler's turn (grid, each level escalated to, a lead or assisting department, a
  department whistled for), each with its own deadline; a miss stays on the row for good.
- case_supervisions: who pressed a case, and the handler's reply.
- users.department: role `department` is scoped to a district and names its department.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

ROLES = ("admin", "command_center", "street_staff", "community_staff", "grid_worker", "planner")

CASE_REMOVED = """
CREATE OR REPLACE FUNCTION wangge_case_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases SET duplicate_of = NULL WHERE duplicate_of IN (SELECT id FROM removed);
    UPDATE cases SET merged_into = NULL WHERE merged_into IN (SELECT id FROM removed);
    DELETE FROM case_reporters WHERE case_id IN (SELECT id FROM removed);
    DELETE FROM case_attachments WHERE case_id IN (SELECT id FROM removed);
    DELETE FROM case_holds WHERE case_id IN (SELECT id FROM removed);
    DELETE FROM case_supervisions WHERE case_id IN (SELECT id FROM removed);
    PERFORM set_config('wangge.removing_synthetic', 'on', true);
    DELETE FROM case_events WHERE case_id IN (SELECT id FROM removed WHERE synthetic);
    PERFORM set_config('wangge.removing_synthetic', 'off', true);
    DELETE FROM case_events WHERE case_id IN (SELECT id FROM removed WHERE NOT synthetic);
    RETURN NULL;
END $$"""

# A case dispatched before this migration: its current handler holds it, with the deadline it has.
EXISTING_HOLDS = """
INSERT INTO case_holds (case_id, kind, level, area_code, department, staff_id, started_at, due_at, ended_at, outcome,
                        missed)
SELECT id, CASE WHEN escalations > 0 THEN 'escalation' ELSE 'dispatch' END, coalesce(handler_level, 'district'),
       handler_area, department, assignee_id, coalesce(escalated_at, dispatched_at), due_at,
       CASE WHEN status IN ('reported', 'verified', 'closed', 'rated', 'merged') THEN coalesce(closed_at, due_at) END,
       CASE WHEN status IN ('reported', 'verified', 'closed', 'rated') THEN
            CASE WHEN coalesce(closed_at, due_at) <= due_at THEN 'met' ELSE 'missed' END END,
       overdue OR coalesce(coalesce(closed_at, due_at) > due_at, false)
FROM cases WHERE dispatched_at IS NOT NULL AND due_at IS NOT NULL
"""


def upgrade() -> None:
    op.add_column("cases", sa.Column("first_due_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE cases SET first_due_at = due_at WHERE escalations = 0")
    op.add_column("users", sa.Column("department", sa.Text(), nullable=True))
    op.drop_constraint("ck_users_role", "users")
    op.create_check_constraint("ck_users_role", "users", "role IN (%s)" % ", ".join(f"'{r}'" for r in (*ROLES, "department")))
    op.create_check_constraint("ck_users_department", "users", "(role = 'department') = (department IS NOT NULL)")
    op.create_table(
        "case_holds",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("area_code", sa.String(length=15), nullable=True),
        sa.Column("department", sa.Text(), nullable=True),
        sa.Column("staff_id", sa.BigInteger(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("warned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=True),
        sa.Column("missed", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('dispatch', 'escalation', 'lead', 'assist', 'whistle')", name="ck_case_holds_kind"),
        sa.CheckConstraint("outcome IN ('met', 'missed', 'handed', 'returned', 'cancelled')",
                           name="ck_case_holds_outcome"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_holds_case_id", "case_holds", ["case_id"])
    op.create_index("ix_case_holds_staff_id", "case_holds", ["staff_id"])
    op.create_index("ix_case_holds_open_due", "case_holds", ["due_at"], postgresql_where=sa.text("ended_at IS NULL"))
    op.create_table(
        "case_supervisions",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_user", sa.Text(), nullable=False),
        sa.Column("by_role", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replied_by", sa.Text(), nullable=True),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_supervisions_case_id", "case_supervisions", ["case_id"])
    for table in ("case_holds", "case_supervisions"):  # as for the other tables that name a case (migration 0009)
        for event in ("INSERT", "UPDATE"):
            op.execute(f"CREATE TRIGGER {table}_case_id_{event.lower()}_check AFTER {event} ON {table} "
                       f"REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION wangge_case_exists('case_id')")
    op.execute(CASE_REMOVED)
    op.execute(EXISTING_HOLDS)


def downgrade() -> None:
    op.execute(CASE_REMOVED.replace("    DELETE FROM case_holds WHERE case_id IN (SELECT id FROM removed);\n", "")
               .replace("    DELETE FROM case_supervisions WHERE case_id IN (SELECT id FROM removed);\n", ""))
    op.drop_table("case_supervisions")
    op.drop_table("case_holds")
    op.execute("DELETE FROM users WHERE role = 'department'")
    op.drop_constraint("ck_users_department", "users")
    op.drop_constraint("ck_users_role", "users")
    op.create_check_constraint("ck_users_role", "users", "role IN (%s)" % ", ".join(f"'{r}'" for r in ROLES))
    op.drop_column("users", "department")
    op.drop_column("cases", "first_due_at")


