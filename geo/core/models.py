"""The tables. Alembic (geo/migrations) owns the schema; these classes mirror it for queries."""

from datetime import date, datetime
from enum import StrEnum

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
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Level(StrEnum):
    """The administrative levels, top down."""

    district = "district"
    street = "street"
    community = "community"
    grid = "grid"


PARENT_LEVEL = {Level.street: Level.district, Level.community: Level.street, Level.grid: Level.community}
CHILD_LEVEL = {parent: child for child, parent in PARENT_LEVEL.items()}
CODE_LENGTH = {Level.district: 6, Level.street: 12, Level.community: 12, Level.grid: 15}
# Codes nest by prefix: a scope's prefix selects everything below it (DOMAIN.md, "The hierarchy").
SCOPE_PREFIX = {Level.district: 6, Level.street: 9, Level.community: 12, Level.grid: 15}


class Role(StrEnum):
    """Account roles."""

    admin = "admin"
    command_center = "command_center"
    street_staff = "street_staff"
    community_staff = "community_staff"
    grid_worker = "grid_worker"
    planner = "planner"


class Duty(StrEnum):
    """What a staff member is assigned to do in an area or building."""

    grid_leader = "grid_leader"            # 网格长
    fulltime_worker = "fulltime_worker"    # 专职网格员
    parttime_worker = "parttime_worker"    # 兼职网格员
    building_head = "building_head"        # 楼栋长
    community_secretary = "community_secretary"
    community_staff = "community_staff"
    street_staff = "street_staff"


class SpecialGroup(StrEnum):
    """重点人群: sensitive memberships (PIPL Art. 28)."""

    elderly_alone = "elderly_alone"                  # 独居老人
    low_income = "low_income"                        # 低保
    low_income_edge = "low_income_edge"              # 低保边缘
    disabled = "disabled"                            # 残疾人
    severe_mental_illness = "severe_mental_illness"  # 严重精神障碍
    community_correction = "community_correction"    # 社区矫正
    released_prisoner = "released_prisoner"          # 刑满释放
    drug_user = "drug_user"                          # 吸毒人员
    unemployed = "unemployed"                        # 失业


SPECIAL_GROUP_ZH = {
    SpecialGroup.elderly_alone: "独居老人", SpecialGroup.low_income: "低保", SpecialGroup.low_income_edge: "低保边缘",
    SpecialGroup.disabled: "残疾人", SpecialGroup.severe_mental_illness: "严重精神障碍",
    SpecialGroup.community_correction: "社区矫正", SpecialGroup.released_prisoner: "刑满释放",
    SpecialGroup.drug_user: "吸毒人员", SpecialGroup.unemployed: "失业",
}


class CaseStatus(StrEnum):
    """Where a case stands in the closed loop (GB/T 30428); the dispatch issue owns the transitions."""

    intake = "intake"            # 信息收集
    registered = "registered"    # 立案
    dispatched = "dispatched"    # 派遣
    handling = "handling"        # 处置
    reported = "reported"        # 反馈, awaiting verification
    verified = "verified"        # 核查 passed, awaiting closure
    closed = "closed"            # 结案
    rated = "rated"              # 评价
    returned = "returned"        # 回退
    suspended = "suspended"      # 挂账
    merged = "merged"            # folded into a duplicate


OPEN_STATUSES = (CaseStatus.intake, CaseStatus.registered, CaseStatus.dispatched, CaseStatus.handling,
                 CaseStatus.reported, CaseStatus.verified, CaseStatus.returned, CaseStatus.suspended)


class GridKind(StrEnum):
    """Ordinary responsibility grid or dedicated grid (专属网格)."""

    ordinary = "ordinary"
    dedicated = "dedicated"


def _in(column: str, enum: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(m.value) for m in enum)})"


class Base(DeclarativeBase):
    pass


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
    compound: Mapped[str | None] = mapped_column(Text)
    floors: Mapped[int | None] = mapped_column(Integer)
    geom = mapped_column(Geometry("GEOMETRY", 4326, spatial_index=False), nullable=False)
    grid_code: Mapped[str | None] = mapped_column(ForeignKey("area_records.code", ondelete="SET NULL"))
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default="false")
    __table_args__ = (
        CheckConstraint("GeometryType(geom) IN ('POINT', 'POLYGON', 'MULTIPOLYGON')", name="ck_buildings_geom"),
        Index("ix_buildings_geom", "geom", postgresql_using="gist"),
        Index("ix_buildings_grid_code", "grid_code"),
    )


class Household(Base):
    """A household (户) living in a building."""

    __tablename__ = "households"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), index=True)
    door: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("uq_households_building_door", "building_id", "door", unique=True),)


class Resident(Base):
    """A resident (居民), member of a household."""

    __tablename__ = "residents"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    # Sealed by geo/access/crypto.py; *_hmac finds a value without opening anything.
    id_number_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    id_number_hmac: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_hmac: Mapped[bytes | None] = mapped_column(LargeBinary)
    gender: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[date | None] = mapped_column(Date)
    residence: Mapped[str] = mapped_column(String(12), server_default="registered")
    special_groups: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    __table_args__ = (
        CheckConstraint("residence IN ('registered', 'floating')", name="ck_residents_residence"),
        Index("ix_residents_id_number_hmac", "id_number_hmac", unique=True),
        Index("ix_residents_phone_hmac", "phone_hmac"),
    )


class User(Base):
    """An account: a role and the area code it may see."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    username: Mapped[str] = mapped_column(Text, unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(20))
    scope_code: Mapped[str | None] = mapped_column(ForeignKey("area_records.code"))
    display_name: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default="false")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # raised to revoke every token issued before (geo.access.accounts.revoke_tokens)
    token_version: Mapped[int] = mapped_column(BigInteger, server_default="0")
    __table_args__ = (
        CheckConstraint(_in("role", Role), name="ck_users_role"),
        CheckConstraint("role = 'admin' OR scope_code IS NOT NULL", name="ck_users_scope"),
    )


class Staff(Base):
    """A person who works in the grids: grid leader, grid worker, building head, community or street staff."""

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_hmac: Mapped[bytes | None] = mapped_column(LargeBinary, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default="false")


class StaffAssignment(Base):
    """A staff member's duty in an area or a building over a period."""

    __tablename__ = "staff_assignments"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    duty: Mapped[str] = mapped_column(String(24))
    area_code: Mapped[str | None] = mapped_column(ForeignKey("area_records.code"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(Date, server_default=func.current_date())
    end_date: Mapped[date | None] = mapped_column(Date)
    __table_args__ = (
        CheckConstraint(_in("duty", Duty), name="ck_staff_assignments_duty"),
        CheckConstraint("area_code IS NOT NULL OR building_id IS NOT NULL", name="ck_staff_assignments_target"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="ck_staff_assignments_period"),
    )


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
    __table_args__ = (
        Index("ix_cases_idempotency", "created_by", "idempotency_key"),
        Index("ix_cases_assignee_id", "assignee_id"),
        Index("ix_cases_due_at", "due_at"),
        Index("ix_cases_reported_at", "reported_at"),
        Index("ix_cases_geom", "geom", postgresql_using="gist"),
        Index("ix_cases_grid_code", "grid_code"),
        Index("ix_cases_status", "status"),
        {"postgresql_partition_by": "RANGE (reported_at)"},
    )
    __mapper_args__ = {"primary_key": [id]}


class DataVersion(Base):
    """A version per kind of data, raised inside every transaction that changes it (for in-memory copies)."""

    __tablename__ = "data_versions"
    kind: Mapped[str] = mapped_column(Text, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, server_default="0")


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


class PlanStatus(StrEnum):
    """Where a boundary plan stands."""

    draft = "draft"
    scheduled = "scheduled"  # published with an effective date still to come
    published = "published"
    discarded = "discarded"


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


class AuditEntry(Base):
    """One audited deed; `hash` chains it to the entry before (geo/access/audit.py), and the table refuses changes."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    object: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict] = mapped_column(JSONB)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_actor", "actor", "id"),
        Index("ix_audit_log_action", "action", "id"),
    )
