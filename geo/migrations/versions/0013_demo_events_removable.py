"""Reseeding the demo removes the events of its cases; history of real cases stays append-only.

Once the server's round had escalated demo cases, `wangge seed demo` died on `case_events is append-only`: the
cascade from a deleted case (migration 0009) deleted events like any other statement. Now the cascade deletes the
events of removed *synthetic* cases under a transaction-local flag, and the append-only trigger lets a delete
through only with that flag and only for an event whose case no longer exists. Deleting a real case that has
events, or a real case's events directly, is refused as before.

Revision ID: 0013
Revises: 0012
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION wangge_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('wangge.removing_synthetic', true) = 'on'
       AND NOT EXISTS (SELECT 1 FROM cases WHERE id = OLD.case_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'case_events is append-only';
END $$"""

CASE_REMOVED = """
CREATE OR REPLACE FUNCTION wangge_case_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases SET duplicate_of = NULL WHERE duplicate_of IN (SELECT id FROM removed);
    UPDATE cases SET merged_into = NULL WHERE merged_into IN (SELECT id FROM removed);
    DELETE FROM case_reporters WHERE case_id IN (SELECT id FROM removed);
    DELETE FROM case_attachments WHERE case_id IN (SELECT id FROM removed);
    PERFORM set_config('wangge.removing_synthetic', 'on', true);
    DELETE FROM case_events WHERE case_id IN (SELECT id FROM removed WHERE synthetic);
    PERFORM set_config('wangge.removing_synthetic', 'off', true);
    DELETE FROM case_events WHERE case_id IN (SELECT id FROM removed WHERE NOT synthetic);
    RETURN NULL;
END $$"""


def upgrade() -> None:
    op.execute(APPEND_ONLY)
    op.execute(CASE_REMOVED)


def downgrade() -> None:
    op.execute("""
        CREATE OR REPLACE FUNCTION wangge_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'case_events is append-only'; END $$""")
    op.execute(CASE_REMOVED.replace("    PERFORM set_config('wangge.removing_synthetic', 'on', true);\n", "")
               .replace(" WHERE synthetic)", ")")
               .replace("    PERFORM set_config('wangge.removing_synthetic', 'off', true);\n"
                        "    DELETE FROM case_events WHERE case_id IN (SELECT id FROM removed WHERE NOT synthetic);\n", ""))
