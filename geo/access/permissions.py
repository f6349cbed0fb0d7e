"""The permission matrix: which roles may do what (docs/permissions.md is generated from it).

A role's permission is always bounded by its scope (geo.access.scope): a grid worker reading cases reads
those of their own grid. Within a permitted action the workflow may narrow it further (a grid
worker acts only on the cases assigned to them: geo.cases.workflow). api/permissions.py names
the action of every endpoint; the CLI asks the same table when it acts for a user.
"""

from enum import StrEnum

from geo.core.errors import Forbidden
from geo.core.i18n import msg
from geo.core.models import Role


class Permission(StrEnum):
    """Everything the service lets someone do, as the matrix names it."""

    read_boundaries = "read_boundaries"
    read_aggregates = "read_aggregates"
    read_cases = "read_cases"
    read_case_map = "read_case_map"
    create_case = "create_case"
    act_on_case = "act_on_case"
    read_staff = "read_staff"
    read_workload = "read_workload"
    read_residents = "read_residents"
    read_special_groups = "read_special_groups"
    read_full_names = "read_full_names"
    unmask = "unmask"
    plan = "plan"
    read_audit = "read_audit"
    manage_users = "manage_users"
    read_party_members = "read_party_members"
    record_party_work = "record_party_work"
    record_compound_meetings = "record_compound_meetings"
    record_field_work = "record_field_work"
    read_field_work = "read_field_work"
    read_tracks = "read_tracks"
    manage_checkpoints = "manage_checkpoints"
    own_reports = "own_reports"
    read_needs = "read_needs"
    act_on_needs = "act_on_needs"
    own_needs = "own_needs"
    approve_points = "approve_points"
    redeem_points = "redeem_points"
    publish_results = "publish_results"


R = Role
# Every staff role. Residents see no area, not even its boundaries or counts: what they reach is their own (their
# reports, household, needs and points), and what the public sees is the public pages.
STAFF = frozenset(Role) - {R.resident}
HANDLERS = frozenset({R.admin, R.command_center, R.street_staff, R.community_staff, R.grid_worker})
CASE_WORK = HANDLERS | {R.department}  # departments see and act on the cases they lead, assist or were whistled for
NEAR = frozenset({R.admin, R.community_staff, R.grid_worker})  # the people who visit residents
PARTY = frozenset({R.admin, R.party_staff})  # who is a member is personal data (DOMAIN.md, "Privacy")
# 三单制: the organisers who order needs (party and community staff, street staff above them), the workers who meet
# needs on visits, and the command center that follows them.
NEED_WORK = frozenset({R.admin, R.party_staff, R.community_staff, R.street_staff, R.grid_worker, R.command_center})
POINTS_STAFF = frozenset({R.admin, R.street_staff, R.community_staff})  # community staff approve points (积分制)

MATRIX: dict[Permission, frozenset[Role]] = {
    Permission.read_boundaries: STAFF,
    Permission.read_aggregates: STAFF,
    Permission.read_cases: CASE_WORK,
    Permission.read_case_map: HANDLERS,
    Permission.create_case: HANDLERS,
    Permission.act_on_case: CASE_WORK,
    Permission.read_staff: HANDLERS,
    Permission.read_workload: frozenset({R.admin, R.command_center, R.street_staff, R.community_staff}),
    Permission.read_residents: HANDLERS,
    Permission.read_special_groups: NEAR,
    Permission.read_full_names: NEAR,
    Permission.unmask: NEAR,
    Permission.plan: frozenset({R.admin, R.planner}),
    Permission.read_audit: frozenset({R.admin}),
    Permission.manage_users: frozenset({R.admin}),
    Permission.read_party_members: PARTY,
    Permission.record_party_work: PARTY,
    Permission.record_compound_meetings: PARTY | {R.community_staff},
    # patrols and visits are made by staff with a staff record (geo/field); the rest read them within their scope
    Permission.record_field_work: NEAR,
    Permission.read_field_work: HANDLERS,
    # where a worker was (PIPL Art. 28): the worker themself and their supervisors, never departments or planners
    Permission.read_tracks: HANDLERS,
    Permission.manage_checkpoints: frozenset({R.admin, R.street_staff, R.community_staff}),
    # a resident's own reports: the workflow lets them see and act only on those they made (geo/residents)
    Permission.own_reports: frozenset({R.resident}),
    Permission.read_needs: NEED_WORK,
    # the steps decide who takes which (geo/residents/need_steps.py): a resident claims, completes, confirms
    Permission.act_on_needs: NEED_WORK | {R.resident},
    Permission.own_needs: frozenset({R.resident}),
    Permission.approve_points: POINTS_STAFF,
    Permission.redeem_points: POINTS_STAFF | {R.resident},
    # 居务公开: the operators who close cases approve what of them the public reads, each case within their scope
    Permission.publish_results: frozenset({R.admin, R.command_center, R.street_staff, R.community_staff}),
}

# What each action covers, for the generated documentation (English, then Chinese).
MEANING: dict[Permission, tuple[str, str]] = {
    Permission.read_boundaries: ("boundaries, boundary tiles, locate, categories", "边界、边界瓦片、定位、事件类别"),
    Permission.read_aggregates: ("KPIs, heat maps, hot spots, hexagons, density, series, warnings, league tables",
                             "考核指标、热力图、热点、六边形、密度、趋势、预警、排行"),
    Permission.read_cases: ("cases, their history and photos (a department: those it leads, assists or was "
                            "whistled for)", "案件及其流转记录、照片（职能部门：其牵头、协办或被吹哨的案件）"),
    Permission.read_case_map: ("every open case of the scope on the map: the case tile layer, the grid page",
                               "辖区内全部在办案件的地图：案件瓦片、网格页面"),
    Permission.create_case: ("register cases (API, Open311, dispatch page)", "登记案件（接口、Open311、派遣页面）"),
    Permission.act_on_case: ("case transitions and attachments (the workflow decides which)", "案件流转与附件（由流程决定具体操作）"),
    Permission.read_staff: ("grid staff, with phones whole or masked by role", "网格人员，电话按角色完整或脱敏"),
    Permission.read_workload: ("grid workers' case loads by name", "网格员案件量（含姓名）"),
    Permission.read_residents: ("residents (ID numbers and phones masked)", "居民（身份证号与电话脱敏）"),
    Permission.read_special_groups: ("special-group membership of residents", "居民的重点人群身份"),
    Permission.read_full_names: ("residents' full names (others see the surname only)", "居民全名（其他角色只见姓氏）"),
    Permission.unmask: ("whole ID numbers and phones, each time recorded in the audit log", "完整身份证号与电话，每次记入审计日志"),
    Permission.plan: ("boundary plans: create, edit, validate, impact, propose, publish", "网格调整方案：创建、编辑、校验、影响、建议、发布"),
    Permission.read_audit: ("the audit log", "审计日志"),
    Permission.manage_users: ("accounts", "账号管理"),
    Permission.read_party_members: ("who is a party member: members, secretaries, posts, contact households, "
                                    "report-ins (others see counts and coverage only)",
                                    "党员身份：党员名单、书记与委员、联系户、双报到（其他角色只见数量与覆盖率）"),
    Permission.record_party_work: ("party activities with their forms, 双报到 report-ins", "组织生活与服务活动及其表单、双报到登记"),
    Permission.record_compound_meetings: ("a compound's joint meetings (日联、周会、月商、季研、年总)",
                                          "小区联席会议（日联、周会、月商、季研、年总）"),
    Permission.record_field_work: ("patrols (tracks, check-ins), household visits and care visits, and the cases "
                                   "found on them (a staff record is needed)",
                                   "巡查（轨迹、打卡）、入户走访与关爱走访及其发现的事件（须有网格人员档案）"),
    Permission.read_field_work: ("visits and care lists (names and groups masked by role), field figures",
                                 "走访记录与关爱名单（姓名、人群按角色脱敏）、网格工作指标"),
    Permission.read_tracks: ("patrol tracks: a grid worker their own, supervisors those of their area; each read is "
                             "audited", "巡查轨迹：网格员只见本人，上级只见辖区内；每次查看记入审计日志"),
    Permission.manage_checkpoints: ("a grid's key points (关键点位)", "网格关键点位的维护"),
    Permission.own_reports: ("a resident's own reports: make them, follow them, add photos, rate, reopen",
                             "居民本人的诉求：上报、查看进度、补充照片、评价、重新办理"),
    Permission.read_needs: ("needs (三单制) of the scope, their figures and the monthly notice (月通报)",
                            "辖区内的居民需求（三单制）、认领统计与月通报"),
    Permission.act_on_needs: ("raise a need, read it, take its steps (order, claim, complete, confirm: the steps "
                              "decide who), the claim board", "提出需求、查看需求、办理其环节（下单、认领、完成、确认，由环节决定谁可办理）、认领墙"),
    Permission.own_needs: ("a resident's own needs and claims, their points balance and ledger, honours consent",
                           "居民本人的需求与认领、积分余额与明细、上光荣榜的同意"),
    Permission.approve_points: ("approve or reject points awards, a holder's ledger (audited), the points shop's "
                                "items", "审核积分、查看积分明细（记入审计日志）、维护积分超市商品"),
    Permission.redeem_points: ("redeem points at the 积分超市 (a resident their own; staff at the counter)",
                               "积分超市兑换（居民本人；工作人员代为兑换）"),
    Permission.publish_results: ("approve a closed case's reply (and a cleaned description) for the public pages, "
                                 "or withdraw it", "审核发布已办结案件的答复（及脱敏后的描述）到居务公开页面，或撤回"),
}


def may(role: str, action: Permission) -> bool:
    """Whether `role` may do `action` (within its scope)."""
    return Role(role) in MATRIX[action]


def require(role: str, action: Permission) -> None:
    """Forbidden unless `role` may do `action`."""
    if not may(role, action):
        raise Forbidden(msg("role {role} may not {action}", role=Role(role), action=action),
                        extra={"action": action.value})
