"""Cases, their events, reporters, attachments, idempotency keys and per-grid counts."""

from datetime import date, datetime

from geoalchemy2 import Geometry
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
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geo.core.models.base import Base


class Case(Base):
    """An incident (事件/案件); the dispatch workflow fills in the rest.

    Partitioned by month of `reported_at` (migration 0009): the key is (id, reported_at) and nothing
    can hold a foreign key to it, so triggers check the tables that refer to a case.
    """

    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    category: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(24), server_default="registered")
    channel: Mapped[str | None] = mapped_column(String(24))
    description: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(Geometry("POINT", 4326, spatial_index=False), nullable=False)
    grid_code: Mapped[str | None] = mapped_column(ForeignKey("area_records.code"))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), primary_key=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default="false")
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    urgency: Mapped[str] = mapped_column(String(12), server_default="normal")
    address: Mapped[str | None] = mapped_column(Text)
    building_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("buildings.id", ondelete="SET NULL"))
    located_match: Mapped[str | None] = mapped_column(String(12))
    handler_level: Mapped[str | None] = mapped_column(String(12))
    handler_area: Mapped[str | None] = mapped_column(String(15), ForeignKey("area_records.code"))
    department: Mapped[str | None] = mapped_column(Text)
    assignee_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("staff.id", ondelete="SET NULL"))
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The deadline of the first dispatch (moved only by an approved extension): 按期结案率 is measured against it.
    first_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    overdue: Mapped[bool] = mapped_column(Boolean, server_default="false")
    escalations: Mapped[int] = mapped_column(Integer, server_default="0")
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    extension_requested: Mapped[bool] = mapped_column(Boolean, server_default="false")
    rework_count: Mapped[int] = mapped_column(Integer, server_default="0")
    return_count: Mapped[int] = mapped_column(Integer, server_default="0")
    rating: Mapped[str | None] = mapped_column(String(20))
    resumes_to: Mapped[str | None] = mapped_column(String(24))
    duplicate_of: Mapped[int | None] = mapped_column(BigInteger)
    merged_into: Mapped[int | None] = mapped_column(BigInteger)
    created_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="SET NULL"))
    idempotency_key: Mapped[str | None] = mapped_column(Text)
    # Found in the field (geo/field): the patrol or the household visit the grid worker reported it from.
    patrol_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("patrols.id", ondelete="SET NULL"))
    visit_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("visits.id", ondelete="SET NULL"))
    __table_args__ = (
        Index("ix_cases_idempotency", "created_by", "idempotency_key"),
        Index("ix_cases_assignee_id", "assignee_id"),
        Index("ix_cases_due_at", "due_at"),
        Index("ix_cases_reported_at", "reported_at"),
        Index("ix_cases_geom", "geom", postgresql_using="gist"),
        Index("ix_cases_grid_code", "grid_code"),
        Index("ix_cases_building_id", "building_id"),
        Index("ix_cases_status", "status"),
        Index("ix_cases_patrol_id", "patrol_id", postgresql_where=text("patrol_id IS NOT NULL")),
        Index("ix_cases_visit_id", "visit_id", postgresql_where=text("visit_id IS NOT NULL")),
        {"postgresql_partition_by": "RANGE (reported_at)"},
    )
    __mapper_args__ = {"primary_key": [id]}


class GridOpenCount(Base):
    """Open and overdue cases of a grid, kept by triggers on cases (migration 0009) for map tiles."""

    __tablename__ = "grid_open_counts"
    grid_code: Mapped[str] = mapped_column(String(15), primary_key=True)
    open_cases: Mapped[int] = mapped_column(Integer, server_default="0")
    overdue_cases: Mapped[int] = mapped_column(Integer, server_default="0")
    __table_args__ = (Index("ix_grid_open_counts_open", "grid_code", postgresql_where=text("open_cases > 0"),
                            postgresql_ops={"grid_code": "varchar_pattern_ops"}),)


class CaseKey(Base):
    """An idempotency key a user sent with a report, and the case it made (unique, which cases cannot be)."""

    __tablename__ = "case_keys"
    created_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(Text)
    case_id: Mapped[int | None] = mapped_column(BigInteger)
    __table_args__ = (UniqueConstraint("created_by", "key", name="uq_case_keys", postgresql_nulls_not_distinct=True),)
    __mapper_args__ = {"primary_key": [created_by, key]}


class CaseEvent(Base):
    """One step in a case's history; the table refuses updates and deletes."""

    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    geom = mapped_column(Geometry("POINT", 4326, spatial_index=False))
    __table_args__ = (Index("ix_case_events_case_id", "case_id", "id"),)


class CaseHold(Base):
    """One handler's turn with a case and its own deadline: the grid, then each level it was escalated to
    (kind dispatch or escalation), a lead or assisting department, or a department whistled for (吹哨).

    A hold whose deadline passed keeps `missed` for good: escalation hands the case on, but not the miss."""

    __tablename__ = "case_holds"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(12))
    level: Mapped[str] = mapped_column(String(12))
    area_code: Mapped[str | None] = mapped_column(String(15))
    department: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("staff.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    warned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(String(12))
    missed: Mapped[bool] = mapped_column(Boolean, server_default="false")
    note: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        CheckConstraint("kind IN ('dispatch', 'escalation', 'lead', 'assist', 'whistle')", name="ck_case_holds_kind"),
        CheckConstraint("outcome IN ('met', 'missed', 'handed', 'returned', 'cancelled')", name="ck_case_holds_outcome"),
        Index("ix_case_holds_case_id", "case_id"),
        Index("ix_case_holds_staff_id", "staff_id"),
        Index("ix_case_holds_open_due", "due_at", postgresql_where=text("ended_at IS NULL")),
    )


class CaseSupervision(Base):
    """督办: a higher level presses the handler of a case; the handler must reply."""

    __tablename__ = "case_supervisions"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    by_user: Mapped[str] = mapped_column(Text)
    by_role: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)
    replied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    replied_by: Mapped[str | None] = mapped_column(Text)
    reply: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("ix_case_supervisions_case_id", "case_id"),)


class CaseRevisit(Base):
    """回访: the follow-up call a resident's 不满意 opens; an operator makes it within WANGGE_REVISIT_DAYS."""

    __tablename__ = "case_revisits"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[int] = mapped_column(BigInteger, index=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_by: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class CasePublication(Base):
    """居务公开: the reply (and optionally a cleaned description) of a closed case an operator approved for the public
    pages; without a row, no free text of the case is public."""

    __tablename__ = "case_publications"
    case_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    reply: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    approved_by: Mapped[str] = mapped_column(Text)
    approved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CaseReporter(Base):
    """Who reported a case (kept private); merged cases hand their reporters to the surviving case."""

    __tablename__ = "case_reporters"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[int] = mapped_column(BigInteger, index=True)
    name: Mapped[str | None] = mapped_column(Text)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_hmac: Mapped[bytes | None] = mapped_column(LargeBinary, index=True)
    channel: Mapped[str | None] = mapped_column(String(24))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CaseAttachment(Base):
    """A photo or document of a case, stored by content hash under WANGGE_HOME/attachments."""

    __tablename__ = "case_attachments"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[int] = mapped_column(BigInteger, index=True)
    filename: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CalendarDay(Base):
    """A day of the official calendar that an operator loaded: a holiday, or a weekend day worked instead (调休)."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(Text, CheckConstraint("kind IN ('holiday', 'workday')"))
    name: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
