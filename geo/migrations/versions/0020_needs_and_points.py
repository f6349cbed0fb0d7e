"""三单制 and 积分制: residents' needs (微心愿) ordered by a party organisation, claimed and completed by members,
volunteers or units, confirmed by the resident; the points those claims earn, approved by community staff, kept in
an append-only ledger and spent at a community's 积分超市.

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

NEED_STATUSES = "'raised', 'ordered', 'claimed', 'done', 'confirmed', 'declined', 'cancelled'"


def _id() -> sa.Column:
    return sa.Column("id", sa.BigInteger(), sa.Identity(always=False), primary_key=True)


def _needs() -> None:
    op.create_table(
        "needs", _id(),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("published_title", sa.Text()),
        sa.Column("published_description", sa.Text()),
        sa.Column("compound_id", sa.BigInteger(), sa.ForeignKey("compounds.id"), index=True),
        sa.Column("building_id", sa.BigInteger(), sa.ForeignKey("buildings.id"), index=True),
        sa.Column("community_code", sa.String(15), sa.ForeignKey("area_records.code"), nullable=False, index=True),
        sa.Column("grid_code", sa.String(15), sa.ForeignKey("area_records.code")),
        sa.Column("raised_by", sa.Text(), nullable=False),
        sa.Column("resident_user_id", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="SET NULL"), index=True),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("org_id", sa.BigInteger(), sa.ForeignKey("party_orgs.id"), index=True),
        sa.Column("ordered_at", sa.DateTime(timezone=True)),
        sa.Column("due_on", sa.Date()),
        sa.Column("claimer_kind", sa.String(16)),
        sa.Column("claimer_member_id", sa.BigInteger(), sa.ForeignKey("party_members.id", ondelete="SET NULL")),
        sa.Column("claimer_user_id", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="SET NULL"), index=True),
        sa.Column("claimer_unit", sa.Text()),
        sa.Column("claimed_at", sa.DateTime(timezone=True)),
        sa.Column("done_at", sa.DateTime(timezone=True)),
        sa.Column("proof", sa.Text()),
        sa.Column("confirmed_at", sa.DateTime(timezone=True)),
        sa.Column("rating", sa.String(20)),
        sa.Column("synthetic", sa.Boolean(), nullable=False, server_default="false"),
        sa.CheckConstraint(f"status IN ({NEED_STATUSES})", name="ck_needs_status"),
        sa.CheckConstraint("kind IN ('personal', 'public')", name="ck_needs_kind"),
        sa.CheckConstraint("source IN ('resident', 'visit', 'meeting')", name="ck_needs_source"),
        sa.CheckConstraint("compound_id IS NOT NULL OR building_id IS NOT NULL", name="ck_needs_place"),
        sa.CheckConstraint("claimer_kind IS NULL OR claimer_kind IN ('member', 'volunteer', 'unit')",
                           name="ck_needs_claimer_kind"),
        sa.CheckConstraint("rating IS NULL OR rating IN ('satisfied', 'basically_satisfied', 'dissatisfied')",
                           name="ck_needs_rating"),
    )
    op.create_index("ix_needs_status_community", "needs", ["status", "community_code"])
    op.create_table(
        "need_events", _id(),
        sa.Column("need_id", sa.BigInteger(), sa.ForeignKey("needs.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("from_status", sa.String(16)),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def _points() -> None:
    op.create_table(
        "point_holders", _id(),
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="SET NULL"), unique=True),
        sa.Column("member_id", sa.BigInteger(), sa.ForeignKey("party_members.id", ondelete="SET NULL"),
                  unique=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("community_code", sa.String(15), sa.ForeignKey("area_records.code"), nullable=False),
        sa.Column("honour_consent", sa.Boolean(), nullable=False, server_default="false"),
        sa.Column("honour_name", sa.Text()),
        sa.Column("synthetic", sa.Boolean(), nullable=False, server_default="false"),
    )
    op.create_table(
        "point_awards", _id(),
        sa.Column("holder_id", sa.BigInteger(), sa.ForeignKey("point_holders.id"), nullable=False, index=True),
        sa.Column("community_code", sa.String(15), sa.ForeignKey("area_records.code"), nullable=False, index=True),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.BigInteger(), sa.ForeignKey("needs.id"), unique=True),
        sa.Column("activity_id", sa.BigInteger(), sa.ForeignKey("party_activities.id", ondelete="SET NULL")),
        sa.Column("note", sa.Text()),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("proposed_by", sa.Text(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Text()),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="ck_point_awards_status"),
        sa.CheckConstraint("points > 0", name="ck_point_awards_points"),
        sa.UniqueConstraint("holder_id", "activity_id", name="uq_point_awards_activity"),
    )
    op.create_table(
        "points_items", _id(),
        sa.Column("community_code", sa.String(15), sa.ForeignKey("area_records.code"), nullable=False, index=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("cost", sa.Integer(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default="true"),
        sa.Column("synthetic", sa.Boolean(), nullable=False, server_default="false"),
        sa.CheckConstraint("cost > 0", name="ck_points_items_cost"),
        sa.CheckConstraint("stock >= 0", name="ck_points_items_stock"),
    )
    op.create_table(
        "point_entries", _id(),
        sa.Column("holder_id", sa.BigInteger(), sa.ForeignKey("point_holders.id"), nullable=False, index=True),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("award_id", sa.BigInteger(), sa.ForeignKey("point_awards.id"), unique=True),
        sa.Column("item_id", sa.BigInteger(), sa.ForeignKey("points_items.id")),
        sa.Column("balance", sa.Integer(), nullable=False),
        sa.Column("by", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('earn', 'redeem')", name="ck_point_entries_kind"),
        sa.CheckConstraint("(kind = 'earn') = (points > 0)", name="ck_point_entries_sign"),
        sa.CheckConstraint("balance >= 0", name="ck_point_entries_balance"),
    )
    # The ledger is append-only: a correction is a new entry, never an edit (every entry is also in the audit log).
    # Only reseeding the demo may remove entries, and only those of its own holders.
    op.execute("""CREATE FUNCTION point_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' AND current_setting('wangge.removing_synthetic', true) = 'on'
               AND EXISTS (SELECT 1 FROM point_holders WHERE id = OLD.holder_id AND synthetic) THEN
                RETURN OLD;
            END IF;
            RAISE EXCEPTION 'point_entries is append-only';
        END $$""")
    op.execute("CREATE TRIGGER point_entries_append_only BEFORE UPDATE OR DELETE ON point_entries "
               "FOR EACH ROW EXECUTE FUNCTION point_entries_append_only()")

def upgrade() -> None:
    _needs()
    _points()


def downgrade() -> None:
    op.execute("DROP TABLE point_entries, points_items, point_awards, point_holders, need_events, needs")
    op.execute("DROP FUNCTION point_entries_append_only()")
