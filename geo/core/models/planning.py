"""Boundary plans, their grids and their edit history."""

from datetime import date, datetime

from geoalchemy2 import Geometry
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
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geo.core.models.base import Base, _in
from geo.core.models.enums import PlanStatus


class Plan(Base):
    """A draft set of grid boundaries for one or more communities (the planning issue)."""

    __tablename__ = "plans"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), server_default=PlanStatus.draft.value)
    communities: Mapped[list[str]] = mapped_column(ARRAY(Text))
    source: Mapped[str] = mapped_column(Text)  # "current" or the uploaded file's name
    version: Mapped[int] = mapped_column(Integer, server_default="1")  # rises with every edit, undo and redo
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    effective_from: Mapped[date | None] = mapped_column(Date)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outcome: Mapped[dict | None] = mapped_column(JSONB)  # what publishing changed: grids, buildings, cases, staff
    __table_args__ = (CheckConstraint(_in("status", PlanStatus), name="ck_plans_status"),)


class PlanGrid(Base):
    """One grid of a plan: the boundary it would have."""

    __tablename__ = "plan_grids"
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(15), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    community_code: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(12), server_default="ordinary")
    purpose: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(Geometry("MULTIPOLYGON", 4326, spatial_index=False), nullable=False)
    __table_args__ = (Index("ix_plan_grids_geom", "geom", postgresql_using="gist"),)


class PlanEdit(Base):
    """One edit of a plan, with the grids it replaced and those it made, so that it can be undone and redone."""

    __tablename__ = "plan_edits"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    op: Mapped[str] = mapped_column(String(24))
    params: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    before: Mapped[list] = mapped_column(JSONB)  # the grids as they were: [{code, name, …, geom (WKB hex)}]
    after: Mapped[list] = mapped_column(JSONB)
    undone: Mapped[bool] = mapped_column(Boolean, server_default="false")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    __table_args__ = (Index("ix_plan_edits_plan_id", "plan_id", "id"),)
