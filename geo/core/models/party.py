"""Party organisations, their posts and compounds, members, 双报到, contact households, activities."""

from datetime import date, datetime

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from geo.core.models.base import Base, _in
from geo.core.models.enums import ActivityForm, ActivityKind, MemberKind, MemberStatus, OrgLevel, OrgPost, UnitKind


class PartyOrg(Base):
    """A party organisation: a node of the tree, anchored to the area, building or unit it covers.

    Street and community organisations name their area; a compound branch covers the compounds in
    party_org_compounds (a joint branch covers several); a building group names its building; a unit
    organisation names its unit and the area it sits in.
    """

    __tablename__ = "party_orgs"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(24))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("party_orgs.id"), index=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("area_records.code"), index=True)  # the area it is in
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id", ondelete="SET NULL"), index=True)
    unit_name: Mapped[str | None] = mapped_column(Text)
    unit_kind: Mapped[str | None] = mapped_column(String(16))
    founded_on: Mapped[date | None] = mapped_column(Date)
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default="false")
    __table_args__ = (
        CheckConstraint(_in("level", OrgLevel), name="ck_party_orgs_level"),
        CheckConstraint(f"unit_kind IS NULL OR {_in('unit_kind', UnitKind)}", name="ck_party_orgs_unit_kind"),
        CheckConstraint("(level = 'unit_org') = (unit_name IS NOT NULL AND unit_kind IS NOT NULL)",
                        name="ck_party_orgs_unit"),
        CheckConstraint("(level = 'street_committee') = (parent_id IS NULL)", name="ck_party_orgs_root"),
        CheckConstraint("code ~ '^[0-9A-Za-z_-]{1,32}$'", name="ck_party_orgs_code"),
    )


class PartyOrgCompound(Base):
    """A compound a compound branch covers (组织覆盖)."""

    __tablename__ = "party_org_compounds"
    org_id: Mapped[int] = mapped_column(ForeignKey("party_orgs.id", ondelete="CASCADE"), primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id", ondelete="CASCADE"), primary_key=True,
                                             index=True)


class PartyMember(Base):
    """A party member; who is a member is personal data (geo/access/privacy.py)."""

    __tablename__ = "party_members"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_hmac: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    org_id: Mapped[int] = mapped_column(ForeignKey("party_orgs.id", ondelete="RESTRICT"), index=True)
    work_unit: Mapped[str | None] = mapped_column(Text)
    joined_on: Mapped[date | None] = mapped_column(Date)
    # Where the member lives (members per 100 households count here) and who they are in the grids.
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id", ondelete="SET NULL"), index=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="SET NULL"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), index=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default="false")
    __table_args__ = (
        CheckConstraint(_in("status", MemberStatus), name="ck_party_members_status"),
        CheckConstraint(_in("kind", MemberKind), name="ck_party_members_kind"),
        CheckConstraint("kind <> 'in_service' OR work_unit IS NOT NULL", name="ck_party_members_work_unit"),
        Index("ix_party_members_phone_hmac", "phone_hmac", "name", unique=True),
    )


class PartyOrgPost(Base):
    """A post in an organisation: its secretary, deputies, committee and a 大党委's part-time members from units."""

    __tablename__ = "party_org_posts"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("party_orgs.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("party_members.id", ondelete="CASCADE"), index=True)
    post: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str | None] = mapped_column(Text)  # a part-time member's unit
    __table_args__ = (
        CheckConstraint(_in("post", OrgPost), name="ck_party_org_posts_post"),
        CheckConstraint("post <> 'parttime' OR unit IS NOT NULL", name="ck_party_org_posts_unit"),
        Index("uq_party_org_posts_secretary", "org_id", unique=True, postgresql_where="post = 'secretary'"),
        Index("uq_party_org_posts_member", "org_id", "member_id", "post", unique=True),
    )


class PartyContact(Base):
    """党员联系户: a household a member keeps contact with."""

    __tablename__ = "party_contacts"
    member_id: Mapped[int] = mapped_column(ForeignKey("party_members.id", ondelete="CASCADE"), primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), primary_key=True,
                                              index=True)


class PartyReportIn(Base):
    """双报到: an in-service member reporting in to the community where they live."""

    __tablename__ = "party_report_ins"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("party_members.id", ondelete="CASCADE"), index=True)
    community_code: Mapped[str] = mapped_column(ForeignKey("area_records.code"), index=True)
    reported_on: Mapped[date] = mapped_column(Date)
    pledge: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    __table_args__ = (Index("uq_party_report_ins", "member_id", "community_code", "reported_on", unique=True),)


class PartyActivity(Base):
    """An activity of an organisation: organisation life (三会一课, 主题党日) or service."""

    __tablename__ = "party_activities"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("party_orgs.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(Text)
    participants: Mapped[int] = mapped_column(Integer)
    member_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger), server_default="{}")
    summary: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default="false")
    __table_args__ = (
        CheckConstraint(_in("kind", ActivityKind), name="ck_party_activities_kind"),
        CheckConstraint("participants >= 0", name="ck_party_activities_participants"),
        Index("ix_party_activities_org_held", "org_id", "held_on"),
    )


class PartyActivityForm(Base):
    """A filed form of an activity (备案单, 指导单, 报告单), stored by content hash like a case's attachments."""

    __tablename__ = "party_activity_forms"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("party_activities.id", ondelete="CASCADE"), index=True)
    form: Mapped[str] = mapped_column(String(12))
    filename: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    __table_args__ = (CheckConstraint(_in("form", ActivityForm), name="ck_party_activity_forms_form"),)
