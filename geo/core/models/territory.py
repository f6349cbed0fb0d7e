"""Areas (district → grid) with their history, and buildings."""

from datetime import date, datetime

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from geo.core.models.base import Base, _in
from geo.core.models.enums import Level, MeetingKind


class Area(Base):
    """Every district, street, community or grid code ever issued, with its latest boundary.

    The view `areas` holds those in force (valid_to IS NULL); `areas_at(day)` those in force on a day.
    """

    __tablename__ = "area_records"
    code: Mapped[str] = mapped_column(String(15), primary_key=True)
    level: Mapped[str] = mapped_column(String(12))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("area_records.code"))
    name: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(12))
    purpose: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(Geometry("MULTIPOLYGON", 4326, spatial_index=False), nullable=False)
    area_m2: Mapped[float] = mapped_column(Float)
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default="false")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    valid_from: Mapped[date | None] = mapped_column(Date)  # NULL: since records began
    valid_to: Mapped[date | None] = mapped_column(Date)  # the day it was retired; NULL while in force
    # use_alter: area_records → plans → users → area_records is a cycle.
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL", use_alter=True))
    __table_args__ = (
        CheckConstraint(_in("level", Level), name="ck_areas_level"),
        CheckConstraint("valid_to IS NULL OR valid_from IS NULL OR valid_to > valid_from", name="ck_area_records_period"),
        Index("ix_area_records_valid_to", "valid_to"),
        CheckConstraint(
            "(level = 'district' AND code ~ '^[0-9]{6}$') OR (level IN ('street', 'community') AND code ~ '^[0-9]{12}$')"
            " OR (level = 'grid' AND code ~ '^[0-9]{15}$')", name="ck_areas_code"),
        CheckConstraint("(level = 'grid') = (kind IS NOT NULL)", name="ck_areas_kind"),
        Index("ix_areas_geom", "geom", postgresql_using="gist"),
        Index("ix_areas_level", "level"),
        Index("ix_areas_parent_code", "parent_code"),
    )


class AreaHistory(Base):
    """An earlier boundary of a code that survived a redrawing, and the days it was in force."""

    __tablename__ = "area_history"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    code: Mapped[str] = mapped_column(ForeignKey("area_records.code", ondelete="CASCADE"))
    parent_code: Mapped[str | None] = mapped_column(String(15))
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(12))
    purpose: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(Geometry("MULTIPOLYGON", 4326, spatial_index=False), nullable=False)
    area_m2: Mapped[float] = mapped_column(Float)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    __table_args__ = (
        CheckConstraint("valid_from IS NULL OR valid_to > valid_from", name="ck_area_history_period"),
        Index("ix_area_history_code", "code", "valid_to"),
        Index("ix_area_history_geom", "geom", postgresql_using="gist"),
    )


class Building(Base):
    """A building (楼栋); its grid is derived spatially by a trigger, never typed in."""

    __tablename__ = "buildings"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    code: Mapped[str | None] = mapped_column(Text, unique=True)
    name: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    compound: Mapped[str | None] = mapped_column(Text)  # the compound's name as a roster wrote it; a label only
    floors: Mapped[int | None] = mapped_column(Integer)
    geom = mapped_column(Geometry("GEOMETRY", 4326, spatial_index=False), nullable=False)
    grid_code: Mapped[str | None] = mapped_column(ForeignKey("area_records.code", ondelete="SET NULL"))
    # Derived by the same trigger from the compound polygons (migration 0015), never typed in.
    compound_id: Mapped[int | None] = mapped_column(ForeignKey("compounds.id", ondelete="SET NULL"))
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default="false")
    __table_args__ = (
        CheckConstraint("GeometryType(geom) IN ('POINT', 'POLYGON', 'MULTIPOLYGON')", name="ck_buildings_geom"),
        Index("ix_buildings_compound_id", "compound_id"),
        Index("ix_buildings_geom", "geom", postgresql_using="gist"),
        Index("ix_buildings_grid_code", "grid_code"),
    )


class Compound(Base):
    """A residential compound (小区/院落) inside a community; its grid is derived by a trigger, like a building's."""

    __tablename__ = "compounds"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(Text)
    community_code: Mapped[str] = mapped_column(ForeignKey("area_records.code"))
    grid_code: Mapped[str | None] = mapped_column(ForeignKey("area_records.code", ondelete="SET NULL"))
    property_company: Mapped[str | None] = mapped_column(Text)    # 物业服务企业
    owners_committee: Mapped[str | None] = mapped_column(Text)    # 业主委员会
    red_property: Mapped[bool] = mapped_column(Boolean, server_default="false")  # 红色物业
    geom = mapped_column(Geometry("MULTIPOLYGON", 4326, spatial_index=False), nullable=False)
    area_m2: Mapped[float] = mapped_column(Float)
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default="false")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    __table_args__ = (
        CheckConstraint("code ~ '^[0-9A-Za-z_-]{1,32}$'", name="ck_compounds_code"),
        Index("ix_compounds_geom", "geom", postgresql_using="gist"),
        Index("ix_compounds_community_code", "community_code"),
        Index("ix_compounds_grid_code", "grid_code"),
    )


class CompoundMeeting(Base):
    """A joint meeting of a compound's party branch, owners' committee and property company (三方联动)."""

    __tablename__ = "compound_meetings"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    held_on: Mapped[date] = mapped_column(Date)
    attendees: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    __table_args__ = (CheckConstraint(_in("kind", MeetingKind), name="ck_compound_meetings_kind"),)
