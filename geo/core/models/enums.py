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
    party_staff = "party_staff"  # 组织委员 / 党建指导员: the only role besides admin that sees who is a member
    resident = "resident"        # a resident signed in by phone code: sees their own reports, never an area


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


class VisitKind(StrEnum):
    """What a household visit was for."""

    home = "home"        # 入户走访
    return_ = "return"   # 回访
    help = "help"        # 帮扶
    safety = "safety"    # 安全检查
    care = "care"        # 关爱: a special-group resident at their tier's frequency (data/care_tiers.csv)


class PlanStatus(StrEnum):
    """Where a boundary plan stands."""

    draft = "draft"
    scheduled = "scheduled"  # published with an effective date still to come
    published = "published"
    discarded = "discarded"


class MeetingKind(StrEnum):
    """The rhythm of a compound's joint meetings: 日联、周会、月商、季研、年总."""

    daily = "daily"          # 日联
    weekly = "weekly"        # 周会
    monthly = "monthly"      # 月商
    quarterly = "quarterly"  # 季研
    yearly = "yearly"        # 年总


class OrgLevel(StrEnum):
    """A party organisation's place in the chain (DOMAIN.md, "Party-building-led governance")."""

    street_committee = "street_committee"      # 街道党工委
    community_committee = "community_committee"  # 社区党委
    community_branch = "community_branch"      # 社区党总支 / 党支部
    compound_branch = "compound_branch"        # 小区(院落)党支部
    building_group = "building_group"          # 楼栋党小组
    unit_org = "unit_org"                      # 驻区单位 or 两新组织 party organisation


# The level each level hangs under; a unit organisation hangs under a street or community organisation.
ORG_PARENTS = {
    OrgLevel.street_committee: (),
    OrgLevel.community_committee: (OrgLevel.street_committee,),
    OrgLevel.community_branch: (OrgLevel.street_committee,),
    OrgLevel.compound_branch: (OrgLevel.community_committee, OrgLevel.community_branch),
    OrgLevel.building_group: (OrgLevel.compound_branch, OrgLevel.community_committee, OrgLevel.community_branch),
    OrgLevel.unit_org: (OrgLevel.street_committee, OrgLevel.community_committee, OrgLevel.community_branch),
}


class UnitKind(StrEnum):
    """What kind of unit a unit organisation belongs to."""

    resident_unit = "resident_unit"  # 驻区单位
    new_org = "new_org"              # 两新组织 (new economic and social organisations)


class OrgPost(StrEnum):
    """A post in a party organisation."""

    secretary = "secretary"            # 书记 (a building group's 组长)
    deputy = "deputy"                  # 副书记
    committee = "committee"            # 委员
    parttime = "parttime"              # 兼职委员 of a 大党委, from a unit in the area


class MemberStatus(StrEnum):
    """正式党员 or 预备党员."""

    full = "full"
    probationary = "probationary"


class MemberKind(StrEnum):
    """Where a member's organisation life happens."""

    resident = "resident"      # 居民党员: organised where they live
    in_service = "in_service"  # 在职党员: organised at their unit, reporting in where they live (双报到)
    mobile = "mobile"          # 流动党员


class ActivityKind(StrEnum):
    """What an organisation did (组织生活 and service)."""

    three_one = "three_one"    # 三会一课
    theme_day = "theme_day"    # 主题党日
    volunteer = "volunteer"    # 志愿服务
    visit = "visit"            # 联系走访
    joint = "joint"            # 共驻共建
    other = "other"


class ActivityForm(StrEnum):
    """Ya'an's three forms for each organisation life: 备案单, 指导单, 报告单."""

    record = "record"
    guidance = "guidance"
    report = "report"


class NeedStatus(StrEnum):
    """Where a need stands in the 三单制 (居民点单、支部下单、党员接单)."""

    raised = "raised"        # 已提出: waiting for the organisation to place the order
    ordered = "ordered"      # 已下单: published for a claim, with a due date
    claimed = "claimed"      # 已认领
    done = "done"            # 已完成, with proof: waiting for the resident to confirm
    confirmed = "confirmed"  # 已确认 and rated
    declined = "declined"    # 不予受理, with a reason
    cancelled = "cancelled"  # 已撤回 by whoever raised it


class NeedKind(StrEnum):
    """A need for one person or household (微心愿), or for everyone (a bench, a ramp)."""

    personal = "personal"
    public = "public"


class NeedSource(StrEnum):
    """Where a need was raised."""

    resident = "resident"  # by the resident on /r/
    visit = "visit"        # by a worker on a household visit
    meeting = "meeting"    # at a meeting (联席会议, 议事会)


class NeedRating(StrEnum):
    """The resident's rating of a completed need (the same three words as a case)."""

    satisfied = "satisfied"
    basically_satisfied = "basically_satisfied"
    dissatisfied = "dissatisfied"
