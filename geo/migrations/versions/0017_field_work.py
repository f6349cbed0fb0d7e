"""The grid worker's day: key points, patrols (tracks, check-ins, per-day totals), household visits and their photos;
cases remember the patrol or visit they were found on.

Tracks are personal data (PIPL Art. 28): geo/field/retention.py reduces patrols older than WANGGE_TRACK_DAYS to
patrol_days and deletes their points.

Revision ID: 0017
Revises: 0016
"""

import geoalchemy2
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

KINDS = "kind IN ('home', 'return', 'help', 'safety', 'care')"


def _id():
    return sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False, primary_key=True)


def _point(nullable: bool = False):
    return sa.Column("geom", geoalchemy2.Geometry("POINT", 4326, spatial_index=False), nullable=nullable)


def _synthetic():
    return sa.Column("synthetic", sa.Boolean(), server_default="false", nullable=False)


def upgrade() -> None:
    op.create_table(
        "checkpoints", _id(),
        sa.Column("grid_code", sa.String(15), sa.ForeignKey("area_records.code", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.Text(), nullable=False), _point(),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False), _synthetic())
    op.create_index("ix_checkpoints_grid_code", "checkpoints", ["grid_code"], postgresql_where=sa.text("active"))
    op.create_table(
        "patrols", _id(),
        sa.Column("staff_id", sa.BigInteger(), sa.ForeignKey("staff.id", ondelete="CASCADE"), nullable=False),
        sa.Column("grid_code", sa.String(15), sa.ForeignKey("area_records.code", ondelete="SET NULL")),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("length_m", sa.Float(), server_default="0", nullable=False),
        sa.Column("points", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_by", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("idempotency_key", sa.Text()), _synthetic(),
        sa.CheckConstraint("finished_at IS NULL OR finished_at >= started_at", name="ck_patrols_period"),
        sa.UniqueConstraint("created_by", "idempotency_key", name="uq_patrols_key"))
    op.create_index("uq_patrols_open", "patrols", ["staff_id"], unique=True,
                    postgresql_where=sa.text("finished_at IS NULL"))
    op.create_index("ix_patrols_staff_started", "patrols", ["staff_id", "started_at"])
    op.create_index("ix_patrols_grid_started", "patrols", ["grid_code", "started_at"])
    op.create_table(
        "patrol_points",
        sa.Column("patrol_id", sa.BigInteger(), sa.ForeignKey("patrols.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("t", sa.DateTime(timezone=True), primary_key=True), _point(),
        sa.Column("accuracy", sa.REAL()))
    op.create_table(
        "patrol_checkins", _id(),
        sa.Column("patrol_id", sa.BigInteger(), sa.ForeignKey("patrols.id", ondelete="CASCADE"), nullable=False),
        sa.Column("checkpoint_id", sa.BigInteger(), sa.ForeignKey("checkpoints.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.UniqueConstraint("patrol_id", "checkpoint_id", name="uq_patrol_checkins"))
    op.create_index("ix_patrol_checkins_checkpoint", "patrol_checkins", ["checkpoint_id", "at"])
    op.create_table(
        "patrol_days",
        sa.Column("staff_id", sa.BigInteger(), sa.ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("grid_code", sa.String(15), sa.ForeignKey("area_records.code", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("patrols", sa.Integer(), nullable=False), sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("length_m", sa.Float(), nullable=False),
        sa.Column("checkpoint_ids", postgresql.ARRAY(sa.BigInteger()), server_default="{}", nullable=False),
        _synthetic())
    op.create_index("ix_patrol_days_grid_day", "patrol_days", ["grid_code", "day"])
    op.create_table(
        "visits", _id(),
        sa.Column("staff_id", sa.BigInteger(), sa.ForeignKey("staff.id", ondelete="CASCADE"), nullable=False),
        sa.Column("household_id", sa.BigInteger(), sa.ForeignKey("households.id", ondelete="SET NULL")),
        sa.Column("resident_id", sa.BigInteger(), sa.ForeignKey("residents.id", ondelete="SET NULL")),
        sa.Column("building_id", sa.BigInteger(), sa.ForeignKey("buildings.id", ondelete="SET NULL")),
        sa.Column("grid_code", sa.String(15), sa.ForeignKey("area_records.code", ondelete="SET NULL")),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("visited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("findings", sa.Text()), sa.Column("need", sa.Text()), _point(nullable=True),
        sa.Column("created_by", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("idempotency_key", sa.Text()), _synthetic(),
        sa.CheckConstraint(KINDS, name="ck_visits_kind"),
        sa.UniqueConstraint("created_by", "idempotency_key", name="uq_visits_key"))
    for name, columns in (("ix_visits_grid_at", ["grid_code", "visited_at"]),
                          ("ix_visits_staff_at", ["staff_id", "visited_at"]),
                          ("ix_visits_household_at", ["household_id", "visited_at"]),
                          ("ix_visits_building_at", ["building_id", "visited_at"])):
        op.create_index(name, "visits", columns)
    op.create_index("ix_visits_care", "visits", ["resident_id", "visited_at"],
                    postgresql_where=sa.text("kind = 'care'"))
    op.create_index("ix_visits_resident_id", "visits", ["resident_id"])
    op.create_table(
        "visit_attachments", _id(),
        sa.Column("visit_id", sa.BigInteger(), sa.ForeignKey("visits.id", ondelete="CASCADE"), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False), sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False), sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False))
    op.create_index("ix_visit_attachments_visit_id", "visit_attachments", ["visit_id"])
    op.add_column("cases", sa.Column("patrol_id", sa.BigInteger(), sa.ForeignKey("patrols.id", ondelete="SET NULL")))
    op.add_column("cases", sa.Column("visit_id", sa.BigInteger(), sa.ForeignKey("visits.id", ondelete="SET NULL")))
    op.create_index("ix_cases_patrol_id", "cases", ["patrol_id"], postgresql_where=sa.text("patrol_id IS NOT NULL"))
    op.create_index("ix_cases_visit_id", "cases", ["visit_id"], postgresql_where=sa.text("visit_id IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_cases_visit_id", table_name="cases")
    op.drop_index("ix_cases_patrol_id", table_name="cases")
    op.drop_column("cases", "visit_id")
    op.drop_column("cases", "patrol_id")
    for table in ("visit_attachments", "visits", "patrol_days", "patrol_checkins", "patrol_points", "patrols",
                  "checkpoints"):
        op.drop_table(table)
