"""The grid worker's day in the field: key points, patrols with their tracks and check-ins, household visits."""

from datetime import date, datetime

from geoalchemy2 import Geometry
from sqlalchemy import (
    ARRAY,
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
    REAL,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from geo.core.models.base import Base, _in
from geo.core.models.enums import VisitKind


class Checkpoint(Base):
    """A key point of a grid (关键点位) a patrol checks in at: a fire lane, a riverbank, a school gate.

    Replacing a grid's points retires the old ones (active false) so earlier check-ins keep what they named."""

    __tablename__ = "checkpoints"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    grid_code: Mapped[str] = mapped_column(ForeignKey("area_records.code", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)
    geom = mapped_column(Geometry("POINT", 4326, spatial_index=False), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default="false")
    __table_args__ = (Index("ix_checkpoints_grid_code", "grid_code", postgresql_where=text("active")),)


class Patrol(Base):
    """One patrol (巡查) of a worker in their grid; positions are recorded only while it is open.

    length_m, duration_s and points are kept as points arrive, so lists and figures never read the track."""

    __tablename__ = "patrols"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    grid_code: Mapped[str | None] = mapped_column(ForeignKey("area_records.code", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    length_m: Mapped[float] = mapped_column(Float, server_default="0")
    points: Mapped[int] = mapped_column(Integer, server_default="0")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    idempotency_key: Mapped[str | None] = mapped_column(Text)
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default="false")
    __table_args__ = (
        CheckConstraint("finished_at IS NULL OR finished_at >= started_at", name="ck_patrols_period"),
        UniqueConstraint("created_by", "idempotency_key", name="uq_patrols_key"),
        Index("uq_patrols_open", "staff_id", unique=True, postgresql_where=text("finished_at IS NULL")),
        Index("ix_patrols_staff_started", "staff_id", "started_at"),
        Index("ix_patrols_grid_started", "grid_code", "started_at"),
    )


class PatrolPoint(Base):
    """A position of an open patrol; one per timestamp, so a batch sent twice lands once."""

    __tablename__ = "patrol_points"
    patrol_id: Mapped[int] = mapped_column(ForeignKey("patrols.id", ondelete="CASCADE"), primary_key=True)
    t: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    geom = mapped_column(Geometry("POINT", 4326, spatial_index=False), nullable=False)
    accuracy: Mapped[float | None] = mapped_column(REAL)


class PatrolCheckin(Base):
    """A check-in at a key point during a patrol, within WANGGE_CHECKIN_METRES of it."""

    __tablename__ = "patrol_checkins"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    patrol_id: Mapped[int] = mapped_column(ForeignKey("patrols.id", ondelete="CASCADE"))
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoints.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    distance_m: Mapped[float] = mapped_column(Float)
    __table_args__ = (UniqueConstraint("patrol_id", "checkpoint_id", name="uq_patrol_checkins"),
                      Index("ix_patrol_checkins_checkpoint", "checkpoint_id", "at"))


class PatrolDay(Base):
    """A worker's patrols of one Beijing day reduced to totals once older than WANGGE_TRACK_DAYS: the track goes,
    the figures stay."""

    __tablename__ = "patrol_days"
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    grid_code: Mapped[str] = mapped_column(ForeignKey("area_records.code", ondelete="CASCADE"), primary_key=True)
    patrols: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[int] = mapped_column(Integer)
    length_m: Mapped[float] = mapped_column(Float)
    checkpoint_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger), server_default="{}")
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default="false")
    __table_args__ = (Index("ix_patrol_days_grid_day", "grid_code", "day"),)


class Visit(Base):
    """A household visit (走访): who, where, what kind, what was found; a care visit names the resident cared for."""

    __tablename__ = "visits"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id", ondelete="SET NULL"))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="SET NULL"))
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id", ondelete="SET NULL"))
    grid_code: Mapped[str | None] = mapped_column(ForeignKey("area_records.code", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(12))
    visited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    findings: Mapped[str | None] = mapped_column(Text)
    need: Mapped[str | None] = mapped_column(Text)  # a resident's wish, for the residents' requests (三单制)
    geom = mapped_column(Geometry("POINT", 4326, spatial_index=False))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    idempotency_key: Mapped[str | None] = mapped_column(Text)
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default="false")
    __table_args__ = (
        CheckConstraint(_in("kind", VisitKind), name="ck_visits_kind"),
        UniqueConstraint("created_by", "idempotency_key", name="uq_visits_key"),
        Index("ix_visits_grid_at", "grid_code", "visited_at"),
        Index("ix_visits_staff_at", "staff_id", "visited_at"),
        Index("ix_visits_household_at", "household_id", "visited_at"),
        Index("ix_visits_building_at", "building_id", "visited_at"),
        Index("ix_visits_care", "resident_id", "visited_at", postgresql_where=text("kind = 'care'")),
        Index("ix_visits_resident_id", "resident_id"),  # deleting a resident sets their visits' resident_id null
    )


class VisitAttachment(Base):
    """A photo of a visit, stored like a case's (geo/cases/attachments.py)."""

    __tablename__ = "visit_attachments"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
