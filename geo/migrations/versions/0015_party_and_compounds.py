"""Compounds (小区/院落) as areas, party organisations, members, 双报到, contact households and activities.

- compounds: a polygon inside its community; its grid is derived by a trigger from the grid polygons, as a
  building's is. buildings.compound_id is derived by the buildings' trigger from the compound polygons.
- party_orgs and the rest: the organisation tree (geo/party). The role party_staff is the only one besides
  admin that reads who is a member.

Revision ID: 0015
Revises: 0014
"""

import geoalchemy2
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

ROLES = ("admin", "command_center", "street_staff", "community_staff", "grid_worker", "planner", "department")

# The smallest covering compound wins, as the smallest covering grid does (wangge_grid_at).
BUILDING_TRIGGER = """
CREATE OR REPLACE FUNCTION wangge_compound_at(g geometry) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT id FROM compounds WHERE ST_Covers(geom, g) ORDER BY area_m2, id LIMIT 1
$$;
CREATE OR REPLACE FUNCTION wangge_building_grid() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE p geometry := ST_PointOnSurface(NEW.geom);
BEGIN
    NEW.grid_code := wangge_grid_at(p);
    NEW.compound_id := wangge_compound_at(p);
    RETURN NEW;
END
$$;
CREATE FUNCTION wangge_compound_grid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.grid_code := wangge_grid_at(ST_PointOnSurface(NEW.geom));
    NEW.area_m2 := ST_Area(NEW.geom::geography);
    RETURN NEW;
END
$$;
"""

OLD_BUILDING_TRIGGER = """
CREATE OR REPLACE FUNCTION wangge_building_grid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.grid_code := wangge_grid_at(ST_PointOnSurface(NEW.geom));
    RETURN NEW;
END
$$;
DROP FUNCTION wangge_compound_at(geometry);
"""


def _id():
    return sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False, primary_key=True)


def _recorded():
    return [sa.Column("recorded_by", sa.Text(), nullable=False),
            sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)]


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.drop_constraint("ck_users_role", "users")
    op.create_check_constraint("ck_users_role", "users", _in("role", (*ROLES, "party_staff")))
    _compounds()
    _orgs()
    _members()
    _activities()
    op.execute(BUILDING_TRIGGER)
    op.execute("CREATE TRIGGER compounds_grid BEFORE INSERT OR UPDATE ON compounds "
               "FOR EACH ROW EXECUTE FUNCTION wangge_compound_grid()")


def _compounds() -> None:
    op.create_table(
        "compounds", _id(),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("community_code", sa.String(15), sa.ForeignKey("area_records.code"), nullable=False),
        sa.Column("grid_code", sa.String(15), sa.ForeignKey("area_records.code", ondelete="SET NULL"), nullable=True),
        sa.Column("property_company", sa.Text(), nullable=True),
        sa.Column("owners_committee", sa.Text(), nullable=True),
        sa.Column("red_property", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("geom", geoalchemy2.Geometry("MULTIPOLYGON", 4326, spatial_index=False), nullable=False),
        sa.Column("area_m2", sa.Float(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("code ~ '^[0-9A-Za-z_-]{1,32}$'", name="ck_compounds_code"),
    )
    op.create_index("ix_compounds_geom", "compounds", ["geom"], postgresql_using="gist")
    op.create_index("ix_compounds_community_code", "compounds", ["community_code"])
    op.create_index("ix_compounds_grid_code", "compounds", ["grid_code"])
    op.add_column("buildings", sa.Column("compound_id", sa.BigInteger(),
                                         sa.ForeignKey("compounds.id", ondelete="SET NULL"), nullable=True))
    op.create_index("ix_buildings_compound_id", "buildings", ["compound_id"])
    op.create_table(
        "compound_meetings", _id(),
        sa.Column("compound_id", sa.BigInteger(), sa.ForeignKey("compounds.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("attendees", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        *_recorded(),
        sa.CheckConstraint(_in("kind", ("daily", "weekly", "monthly", "quarterly", "yearly")),
                           name="ck_compound_meetings_kind"),
    )
    op.create_index("ix_compound_meetings_compound_id", "compound_meetings", ["compound_id"])


def _orgs() -> None:
    levels = ("street_committee", "community_committee", "community_branch", "compound_branch", "building_group",
              "unit_org")
    op.create_table(
        "party_orgs", _id(),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("level", sa.String(24), nullable=False),
        sa.Column("parent_id", sa.BigInteger(), sa.ForeignKey("party_orgs.id"), nullable=True),
        sa.Column("area_code", sa.String(15), sa.ForeignKey("area_records.code"), nullable=False),
        sa.Column("building_id", sa.BigInteger(), sa.ForeignKey("buildings.id", ondelete="SET NULL"), nullable=True),
        sa.Column("unit_name", sa.Text(), nullable=True),
        sa.Column("unit_kind", sa.String(16), nullable=True),
        sa.Column("founded_on", sa.Date(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), server_default="false", nullable=False),
        sa.CheckConstraint(_in("level", levels), name="ck_party_orgs_level"),
        sa.CheckConstraint("unit_kind IS NULL OR " + _in("unit_kind", ("resident_unit", "new_org")),
                           name="ck_party_orgs_unit_kind"),
        sa.CheckConstraint("(level = 'unit_org') = (unit_name IS NOT NULL AND unit_kind IS NOT NULL)",
                           name="ck_party_orgs_unit"),
        sa.CheckConstraint("(level = 'street_committee') = (parent_id IS NULL)", name="ck_party_orgs_root"),
        sa.CheckConstraint("code ~ '^[0-9A-Za-z_-]{1,32}$'", name="ck_party_orgs_code"),
    )
    for column in ("parent_id", "area_code", "building_id"):
        op.create_index(f"ix_party_orgs_{column}", "party_orgs", [column])
    op.create_table(
        "party_org_compounds",
        sa.Column("org_id", sa.BigInteger(), sa.ForeignKey("party_orgs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("compound_id", sa.BigInteger(), sa.ForeignKey("compounds.id", ondelete="CASCADE"),
                  primary_key=True),
    )
    op.create_index("ix_party_org_compounds_compound_id", "party_org_compounds", ["compound_id"])


def _members() -> None:
    op.create_table(
        "party_members", _id(),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("phone_enc", sa.LargeBinary(), nullable=True),
        sa.Column("phone_hmac", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("org_id", sa.BigInteger(), sa.ForeignKey("party_orgs.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("work_unit", sa.Text(), nullable=True),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("household_id", sa.BigInteger(), sa.ForeignKey("households.id", ondelete="SET NULL"), nullable=True),
        sa.Column("resident_id", sa.BigInteger(), sa.ForeignKey("residents.id", ondelete="SET NULL"), nullable=True),
        sa.Column("staff_id", sa.BigInteger(), sa.ForeignKey("staff.id", ondelete="SET NULL"), nullable=True),
        sa.Column("synthetic", sa.Boolean(), server_default="false", nullable=False),
        sa.CheckConstraint(_in("status", ("full", "probationary")), name="ck_party_members_status"),
        sa.CheckConstraint(_in("kind", ("resident", "in_service", "mobile")), name="ck_party_members_kind"),
        sa.CheckConstraint("kind <> 'in_service' OR work_unit IS NOT NULL", name="ck_party_members_work_unit"),
    )
    for column in ("org_id", "household_id", "resident_id", "staff_id"):
        op.create_index(f"ix_party_members_{column}", "party_members", [column])
    op.create_index("ix_party_members_phone_hmac", "party_members", ["phone_hmac", "name"], unique=True)
    op.create_table(
        "party_org_posts", _id(),
        sa.Column("org_id", sa.BigInteger(), sa.ForeignKey("party_orgs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("member_id", sa.BigInteger(), sa.ForeignKey("party_members.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("post", sa.String(16), nullable=False),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.CheckConstraint(_in("post", ("secretary", "deputy", "committee", "parttime")), name="ck_party_org_posts_post"),
        sa.CheckConstraint("post <> 'parttime' OR unit IS NOT NULL", name="ck_party_org_posts_unit"),
    )
    op.create_index("ix_party_org_posts_org_id", "party_org_posts", ["org_id"])
    op.create_index("ix_party_org_posts_member_id", "party_org_posts", ["member_id"])
    op.create_index("uq_party_org_posts_secretary", "party_org_posts", ["org_id"], unique=True,
                    postgresql_where=sa.text("post = 'secretary'"))
    op.create_index("uq_party_org_posts_member", "party_org_posts", ["org_id", "member_id", "post"], unique=True)
    op.create_table(
        "party_contacts",
        sa.Column("member_id", sa.BigInteger(), sa.ForeignKey("party_members.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("household_id", sa.BigInteger(), sa.ForeignKey("households.id", ondelete="CASCADE"),
                  primary_key=True),
    )
    op.create_index("ix_party_contacts_household_id", "party_contacts", ["household_id"])
    op.create_table(
        "party_report_ins", _id(),
        sa.Column("member_id", sa.BigInteger(), sa.ForeignKey("party_members.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("community_code", sa.String(15), sa.ForeignKey("area_records.code"), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("pledge", sa.Text(), nullable=False),
        *_recorded(),
    )
    op.create_index("ix_party_report_ins_member_id", "party_report_ins", ["member_id"])
    op.create_index("ix_party_report_ins_community_code", "party_report_ins", ["community_code"])
    op.create_index("uq_party_report_ins", "party_report_ins", ["member_id", "community_code", "reported_on"],
                    unique=True)


def _activities() -> None:
    op.create_table(
        "party_activities", _id(),
        sa.Column("org_id", sa.BigInteger(), sa.ForeignKey("party_orgs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("member_ids", sa.ARRAY(sa.BigInteger()), server_default="{}", nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        *_recorded(),
        sa.Column("synthetic", sa.Boolean(), server_default="false", nullable=False),
        sa.CheckConstraint(_in("kind", ("three_one", "theme_day", "volunteer", "visit", "joint", "other")),
                           name="ck_party_activities_kind"),
        sa.CheckConstraint("participants >= 0", name="ck_party_activities_participants"),
    )
    op.create_index("ix_party_activities_org_held", "party_activities", ["org_id", "held_on"])
    op.create_table(
        "party_activity_forms", _id(),
        sa.Column("activity_id", sa.BigInteger(), sa.ForeignKey("party_activities.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("form", sa.String(12), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(_in("form", ("record", "guidance", "report")), name="ck_party_activity_forms_form"),
    )
    op.create_index("ix_party_activity_forms_activity_id", "party_activity_forms", ["activity_id"])


def downgrade() -> None:
    op.execute("DROP TRIGGER compounds_grid ON compounds")
    op.execute("DROP FUNCTION wangge_compound_grid()")
    op.execute(OLD_BUILDING_TRIGGER)
    for table in ("party_activity_forms", "party_activities", "party_report_ins", "party_contacts", "party_org_posts",
                  "party_members", "party_org_compounds", "party_orgs", "compound_meetings"):
        op.drop_table(table)
    op.drop_index("ix_buildings_compound_id", "buildings")
    op.drop_column("buildings", "compound_id")
    op.drop_table("compounds")
    op.execute("DELETE FROM users WHERE role = 'party_staff'")
    op.drop_constraint("ck_users_role", "users")
    op.create_check_constraint("ck_users_role", "users", _in("role", ROLES))
