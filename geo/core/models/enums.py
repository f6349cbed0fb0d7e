"""Codes and statuses: the values the tables' CHECK constraints allow."""

from enum import StrEnum


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
    department = "department"    # a functional department (城管, 公安…) within a district


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


class PlanStatus(StrEnum):
    """Where a boundary plan stands."""

    draft = "draft"
    scheduled = "scheduled"  # published with an effective date still to come
    published = "published"
    discarded = "discarded"
