"""三单制 needs and 积分制 points: a resident's need ordered, claimed, done and confirmed; the points it earns."""

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from geo.core.models.base import Base, _in
from geo.core.models.enums import NeedKind, NeedRating, NeedSource, NeedStatus


class Need(Base):
    """A need (需求/微心愿) raised by a resident, on a visit or at a meeting, and where its flow stands."""

    __tablename__ = "needs"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    status: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    # what the order published to claimers: the resident's own words stay with the staff and the resident
    published_title: Mapped[str | None] = mapped_column(Text)
    published_description: Mapped[str | None] = mapped_column(Text)
    compound_id: Mapped[int | None] = mapped_column(ForeignKey("compounds.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"), index=True)
    community_code: Mapped[str] = mapped_column(String(15), ForeignKey("area_records.code"), index=True)
    grid_code: Mapped[str | None] = mapped_column(String(15), ForeignKey("area_records.code"))
    raised_by: Mapped[str] = mapped_column(Text)
    resident_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("party_orgs.id"), index=True)
    ordered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    due_on: Mapped[date | None] = mapped_column(Date)
    claimer_kind: Mapped[str | None] = mapped_column(String(16))
    claimer_member_id: Mapped[int | None] = mapped_column(ForeignKey("party_members.id", ondelete="SET NULL"))
    claimer_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    claimer_unit: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    proof: Mapped[str | None] = mapped_column(Text)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rating: Mapped[str | None] = mapped_column(String(20))
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default="false")
    __table_args__ = (
        CheckConstraint(_in("status", NeedStatus), name="ck_needs_status"),
        CheckConstraint(_in("kind", NeedKind), name="ck_needs_kind"),
        CheckConstraint(_in("source", NeedSource), name="ck_needs_source"),
        CheckConstraint("compound_id IS NOT NULL OR building_id IS NOT NULL", name="ck_needs_place"),
        CheckConstraint("claimer_kind IS NULL OR claimer_kind IN ('member', 'volunteer', 'unit')",
                        name="ck_needs_claimer_kind"),
        CheckConstraint(f"rating IS NULL OR {_in('rating', NeedRating)}", name="ck_needs_rating"),
        Index("ix_needs_status_community", "status", "community_code"),
    )


class NeedEvent(Base):
    """One step of a need's flow, as it happened (the figures' days to claim are read from these)."""

    __tablename__ = "need_events"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PointHolder(Base):
    """Someone who earns points: a volunteer resident (their account) or a party member, in one community."""

    __tablename__ = "point_holders"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), unique=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("party_members.id", ondelete="SET NULL"), unique=True)
    name: Mapped[str] = mapped_column(Text)
    community_code: Mapped[str] = mapped_column(String(15), ForeignKey("area_records.code"))
    honour_consent: Mapped[bool] = mapped_column(Boolean, server_default="false")
    honour_name: Mapped[str | None] = mapped_column(Text)  # the name the holder chose to be shown by, if they consent
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default="false")


class PointAward(Base):
    """Points proposed for a completed claim or a service activity, waiting for community staff to approve them."""

    __tablename__ = "point_awards"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("point_holders.id"), index=True)
    community_code: Mapped[str] = mapped_column(String(15), ForeignKey("area_records.code"), index=True)
    rule: Mapped[str] = mapped_column(String(32))
    points: Mapped[int] = mapped_column(Integer)
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id"), unique=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("party_activities.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), server_default="pending")
    proposed_by: Mapped[str] = mapped_column(Text)
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="ck_point_awards_status"),
        CheckConstraint("points > 0", name="ck_point_awards_points"),
        UniqueConstraint("holder_id", "activity_id", name="uq_point_awards_activity"),
    )


class PointsItem(Base):
    """An item of a community's 积分超市: what it costs and how many are left."""

    __tablename__ = "points_items"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    community_code: Mapped[str] = mapped_column(String(15), ForeignKey("area_records.code"), index=True)
    name: Mapped[str] = mapped_column(Text)
    cost: Mapped[int] = mapped_column(Integer)
    stock: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default="false")
    __table_args__ = (
        CheckConstraint("cost > 0", name="ck_points_items_cost"),
        CheckConstraint("stock >= 0", name="ck_points_items_stock"),
    )


class PointEntry(Base):
    """One line of a holder's ledger (append-only: a trigger refuses edits), with the balance after it."""

    __tablename__ = "point_entries"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("point_holders.id"), index=True)
    points: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    award_id: Mapped[int | None] = mapped_column(ForeignKey("point_awards.id"), unique=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("points_items.id"))
    balance: Mapped[int] = mapped_column(Integer)
    by: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        CheckConstraint("kind IN ('earn', 'redeem')", name="ck_point_entries_kind"),
        CheckConstraint("(kind = 'earn') = (points > 0)", name="ck_point_entries_sign"),
        CheckConstraint("balance >= 0", name="ck_point_entries_balance"),
    )
