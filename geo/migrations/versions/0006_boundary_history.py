"""Boundary history: every area code ever issued, the boundaries in force, and the versions they replaced.

`areas` becomes a view of the records in force (valid_to IS NULL) over `area_records`, which keeps
retired codes too, so that closed cases, assignments and accounts still point at the grid they
belonged to, and a retired code can never be issued again. `area_history` keeps the earlier
boundaries of codes that survived a redrawing. `areas_at(day)` answers with the boundaries in
force on a day, as MapIt's generations do. The view is simple, so INSERT, UPDATE and DELETE pass
through it; a column added to area_records later must be added to the view too.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

VIEW = """
CREATE VIEW areas AS
SELECT code, level, parent_code, name, name_en, kind, purpose, geom, area_m2, synthetic, created_at, updated_at,
       valid_from, plan_id
FROM area_records WHERE valid_to IS NULL
"""

AREAS_AT = """
CREATE FUNCTION areas_at(day date) RETURNS TABLE (
    code varchar, level varchar, parent_code varchar, name text, name_en text, kind varchar, purpose text,
    geom geometry, area_m2 double precision, valid_from date, valid_to date, plan_id bigint
) LANGUAGE sql STABLE AS $$
    SELECT code, level, parent_code, name, name_en, kind, purpose, geom, area_m2, valid_from, valid_to, plan_id
    FROM area_records
    WHERE (valid_from IS NULL OR valid_from <= day) AND (valid_to IS NULL OR day < valid_to)
    UNION ALL
    SELECT h.code, r.level, h.parent_code, h.name, r.name_en, h.kind, h.purpose, h.geom, h.area_m2, h.valid_from,
           h.valid_to, h.plan_id
    FROM area_history h JOIN area_records r ON r.code = h.code
    WHERE (h.valid_from IS NULL OR h.valid_from <= day) AND day < h.valid_to
$$
"""

# An upsert that meets a retired record would bring the code back with another meaning.
KEEP_RETIRED = """
CREATE FUNCTION wangge_keep_retired() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.valid_to IS NOT NULL AND NEW.valid_to IS NOT DISTINCT FROM OLD.valid_to THEN
        RAISE EXCEPTION 'area code % was retired on %; retired codes are never reused', OLD.code, OLD.valid_to
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER area_records_keep_retired BEFORE UPDATE ON area_records
    FOR EACH ROW EXECUTE FUNCTION wangge_keep_retired();
"""


def upgrade() -> None:
    op.rename_table("areas", "area_records")
    op.add_column("area_records", sa.Column("valid_from", sa.Date(), nullable=True))
    op.add_column("area_records", sa.Column("valid_to", sa.Date(), nullable=True))
    op.add_column("area_records", sa.Column("plan_id", sa.BigInteger(),
                                            sa.ForeignKey("plans.id", ondelete="SET NULL"), nullable=True))
    op.create_check_constraint("ck_area_records_period", "area_records", "valid_to IS NULL OR valid_from IS NULL "
                               "OR valid_to > valid_from")
    op.create_index("ix_area_records_valid_to", "area_records", ["valid_to"])
    op.create_table(
        "area_history",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("code", sa.String(15), sa.ForeignKey("area_records.code", ondelete="CASCADE"), nullable=False),
        sa.Column("parent_code", sa.String(15), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(12), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("geom", Geometry("MULTIPOLYGON", 4326, spatial_index=False), nullable=False),
        sa.Column("area_m2", sa.Float(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("plan_id", sa.BigInteger(), sa.ForeignKey("plans.id", ondelete="SET NULL"), nullable=True),
        sa.CheckConstraint("valid_from IS NULL OR valid_to > valid_from", name="ck_area_history_period"),
    )
    op.create_index("ix_area_history_code", "area_history", ["code", "valid_to"])
    op.create_index("ix_area_history_geom", "area_history", ["geom"], postgresql_using="gist")
    op.add_column("plans", sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("plans", sa.Column("published_by", sa.BigInteger(),
                                     sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True))
    op.add_column("plans", sa.Column("outcome", sa.dialects.postgresql.JSONB(), nullable=True))
    op.drop_constraint("ck_plans_status", "plans")
    op.create_check_constraint("ck_plans_status", "plans",
                               "status IN ('draft', 'scheduled', 'published', 'discarded')")
    op.execute(VIEW)
    op.execute(AREAS_AT)
    op.execute(KEEP_RETIRED)


def downgrade() -> None:
    op.execute("DROP TRIGGER area_records_keep_retired ON area_records")
    op.execute("DROP FUNCTION wangge_keep_retired()")
    op.execute("DROP FUNCTION areas_at(date)")
    op.execute("DROP VIEW areas")
    op.execute("UPDATE plans SET status = 'draft' WHERE status = 'scheduled'")
    op.drop_constraint("ck_plans_status", "plans")
    op.create_check_constraint("ck_plans_status", "plans", "status IN ('draft', 'published', 'discarded')")
    op.drop_column("plans", "outcome")
    op.drop_column("plans", "published_by")
    op.drop_column("plans", "published_at")
    op.drop_index("ix_area_history_geom", table_name="area_history", postgresql_using="gist")
    op.drop_index("ix_area_history_code", table_name="area_history")
    op.drop_table("area_history")
    # Retired grids would come back as overlapping boundaries: the history cannot go down with the schema.
    op.execute("DELETE FROM area_records WHERE valid_to IS NOT NULL")
    op.drop_index("ix_area_records_valid_to", table_name="area_records")
    op.drop_constraint("ck_area_records_period", "area_records")
    op.drop_column("area_records", "plan_id")
    op.drop_column("area_records", "valid_to")
    op.drop_column("area_records", "valid_from")
    op.rename_table("area_records", "areas")
