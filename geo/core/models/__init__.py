"""The tables, by area. Alembic (geo/migrations) owns the schema; these classes mirror it for queries.

Every table shares one metadata (`Base`), so the ORM lives below every area (geo.core) and is imported from here."""

from geo.core.models.access import (
    AuditEntry,
    Open311Client,
    ResidentAccount,
    ResidentCode,
    ResidentNotice,
    ResidentNoticeMark,
    ReportQueryCode,
    User,
)
from geo.core.models.base import Base, DataVersion
from geo.core.models.cases import (
    CalendarDay,
    Case,
    CaseAttachment,
    CaseEvent,
    CaseHold,
    CaseKey,
    CasePublication,
    CaseReporter,
    CaseRevisit,
    CaseSupervision,
    GridOpenCount,
)
from geo.core.models.enums import (
    CHILD_LEVEL,
    CODE_LENGTH,
    OPEN_STATUSES,
    PARENT_LEVEL,
    SCOPE_PREFIX,
    SPECIAL_GROUP_ZH,
    ORG_PARENTS,
    ActivityForm,
    ActivityKind,
    CaseStatus,
    Duty,
    GridKind,
    Level,
    MeetingKind,
    NeedKind,
    NeedRating,
    NeedSource,
    NeedStatus,
    MemberKind,
    MemberStatus,
    OrgLevel,
    OrgPost,
    PlanStatus,
    Role,
    SpecialGroup,
    UnitKind,
    VisitKind,
)
from geo.core.models.field import (
    Checkpoint,
    Patrol,
    PatrolCheckin,
    PatrolDay,
    PatrolPoint,
    Visit,
    VisitAttachment,
)
from geo.core.models.needs import Need, NeedEvent, PointAward, PointEntry, PointHolder, PointsItem
from geo.core.models.party import (
    PartyActivity,
    PartyActivityForm,
    PartyContact,
    PartyMember,
    PartyOrg,
    PartyOrgCompound,
    PartyOrgPost,
    PartyReportIn,
)
from geo.core.models.people import Household, Resident, Staff, StaffAssignment
from geo.core.models.planning import Plan, PlanEdit, PlanGrid
from geo.core.models.territory import Area, AreaHistory, Building, Compound, CompoundMeeting

__all__ = [
    "Level", "PARENT_LEVEL", "CHILD_LEVEL", "CODE_LENGTH", "SCOPE_PREFIX", "Role", "Duty", "SpecialGroup",
    "SPECIAL_GROUP_ZH", "CaseStatus", "OPEN_STATUSES", "GridKind", "PlanStatus", "Base", "DataVersion",
    "Area", "AreaHistory", "Building", "Household", "Resident", "Staff", "StaffAssignment", "User", "ResidentAccount", "ResidentCode", "ResidentNotice", "ResidentNoticeMark", "CaseRevisit", "CasePublication", "Open311Client", "ReportQueryCode",
    "AuditEntry", "Case", "GridOpenCount", "CaseKey", "CaseEvent", "CaseReporter", "CaseAttachment", "CaseHold", "CaseSupervision", "Plan",
    "PlanGrid", "PlanEdit", "CalendarDay", "Compound", "CompoundMeeting", "MeetingKind", "OrgLevel", "ORG_PARENTS",
    "UnitKind", "OrgPost", "MemberStatus", "MemberKind", "ActivityKind", "ActivityForm", "PartyOrg",
    "PartyOrgCompound", "PartyOrgPost", "PartyMember", "PartyContact", "PartyReportIn", "PartyActivity",
    "PartyActivityForm", "VisitKind", "Checkpoint", "Patrol", "PatrolPoint", "PatrolCheckin", "PatrolDay", "Visit",
    "VisitAttachment", "NeedStatus", "NeedKind", "NeedSource", "NeedRating", "Need", "NeedEvent", "PointHolder",
    "PointAward", "PointsItem", "PointEntry",
]
