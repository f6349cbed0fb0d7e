"""A year of the demo organisations' activities ending today: 三会一课 monthly for most branches, 主题党日,
志愿服务, 联系走访 and 共驻共建 at each level's rhythm; about 10 % of compound branches (and their building groups)
idle for the last 90 days after a working year; and the joint meetings of the compounds with a branch.
"""

from datetime import date, timedelta

from sqlalchemy import text

from geo.core.bulk import copy_rows
from geo.core.models import ActivityKind as K
from geo.synth.demo_compounds import add_meetings
from geo.synth.demo_party import Tree

IDLE_SHARE = 0.1
IDLE_DAYS = 100  # the idle branches' last activity is older than this, so a 90-day window finds none
# Per level: (kind, activities a year, share of the organisations keeping that rhythm, a year for the others).
RHYTHM = {
    "street_committee": [(K.three_one, 12, 1.0, 0), (K.theme_day, 12, 1.0, 0), (K.joint, 4, 1.0, 0)],
    "community_committee": [(K.three_one, 12, 1.0, 0), (K.theme_day, 12, 1.0, 0), (K.volunteer, 12, 1.0, 0),
                            (K.visit, 12, 1.0, 0), (K.joint, 4, 1.0, 0)],
    "community_branch": [(K.three_one, 12, 1.0, 0), (K.theme_day, 12, 1.0, 0), (K.volunteer, 6, 1.0, 0),
                         (K.visit, 12, 1.0, 0)],
    "compound_branch": [(K.three_one, 12, 0.85, 4), (K.theme_day, 12, 0.7, 4), (K.volunteer, 6, 0.8, 2),
                        (K.visit, 6, 1.0, 0)],
    "building_group": [(K.visit, 6, 0.8, 2), (K.volunteer, 4, 0.6, 0)],
    "unit_org": [(K.three_one, 12, 1.0, 0), (K.theme_day, 4, 1.0, 0)],
}
PLACES = {"street_committee": "街道党群服务中心", "community_committee": "社区党群服务中心",
          "community_branch": "社区党群服务中心", "compound_branch": "小区党群服务站", "building_group": "楼栋",
          "unit_org": "单位会议室"}
SUMMARIES = {K.three_one: "三会一课：学习传达上级精神，讨论支部工作", K.theme_day: "主题党日：重温入党誓词，开展党性教育",
             K.volunteer: "志愿服务：清理楼道、关爱独居老人", K.visit: "联系走访：入户了解居民诉求",
             K.joint: "共驻共建：与驻区单位签订共建协议，认领服务项目"}


def add_activities(session, tree: Tree, roster: dict[int, list[int]], today: date, rng) -> set[int]:
    """A year of activities of every organisation; returns the ids of the compound branches left idle."""
    branches = [o for o in tree.orgs if o.level == "compound_branch"]
    idle = {o.id for o in branches if rng.random() < IDLE_SHARE}
    if branches and not idle:
        idle.add(branches[-1].id)
    rows = []
    for org in tree.orgs:
        quiet = org.id in idle or org.parent_id in idle and org.level == "building_group"
        members = roster.get(org.id) or roster.get(org.parent_id, [])
        for kind, per_year, share, otherwise in RHYTHM[org.level]:
            for day in _days(per_year if rng.random() < share else otherwise, today, rng):
                if quiet and (today - day).days < IDLE_DAYS:
                    continue
                rows.append(_row(org, kind, day, members, rng))
    copy_rows(session, "party_activities", ["org_id", "kind", "held_on", "place", "participants", "member_ids",
                                            "summary", "recorded_by", "synthetic"], rows)
    return idle


def _days(per_year: int, today: date, rng) -> list[date]:
    """`per_year` days spread over the year up to today, one in each equal stretch."""
    if per_year == 0:
        return []
    stretch = 365 // per_year
    return [today - timedelta(days=i * stretch + int(rng.integers(0, stretch))) for i in range(per_year)]


def _row(org, kind, day: date, members: list[int], rng) -> list:
    """One activity: a share of the organisation's members took part (the ones recorded), a few others too."""
    came = [members[i] for i in sorted(rng.choice(len(members), size=int(len(members) * rng.uniform(0.5, 0.95)),
                                                  replace=False))] if members else []
    return [org.id, str(kind), day, PLACES[org.level], len(came) + int(rng.integers(0, 4)), came, SUMMARIES[kind],
            "demo", True]


def add_compound_meetings(session, tree: Tree, today: date, rng) -> int:
    """The joint meetings (三方联动) of every compound a branch covers."""
    covered = sorted(tree.branch_of)
    rows = session.execute(text("SELECT id, red_property, owners_committee IS NOT NULL FROM compounds "
                                "WHERE id = ANY(:ids) ORDER BY id"), {"ids": covered}).all()
    return add_meetings(session, [tuple(r) for r in rows], today, rng)
