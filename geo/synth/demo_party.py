"""The demo city's party organisations (党建引领), drawn with their own Generator so the rest of the city stays as it
was: one 街道党工委 per street; one 社区党委 (large communities) or 党总支 per community, its 大党委; compound branches
at Jinniu's ratio (one organisation per three compounds: joint branches of 2–4 neighbouring compounds, some
single, ≈ 12 % of compounds left without one); 楼栋党小组 in about a third of the covered compounds' buildings;
2–4 unit organisations (驻区单位, 两新组织) per community. Members, activities and the five levels follow
(demo_members.py, demo_activities.py).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from sqlalchemy import text

from geo.core.bulk import copy_rows, reserve_ids
from geo.core.models import Duty, OrgLevel, UnitKind

UNCOVERED_SHARE = 0.12
JOINT_SIZES = ([1, 2, 3, 4], [0.15, 0.25, 0.35, 0.25])  # mean 2.7 × 88 % covered ≈ one organisation per 3 compounds
GROUP_SHARE = 0.34
RESIDENT_UNITS = ["小学", "中学", "卫生院", "派出所", "供电所", "邮政支局", "税务所", "幼儿园"]
NEW_ORGS = ["科技有限公司", "物流有限公司", "律师事务所", "社会工作服务中心", "商贸有限公司", "餐饮管理有限公司"]


@dataclass
class Org:
    """A party organisation to be written, and what the members and activities need to know of it."""

    id: int
    code: str
    name: str
    level: str
    parent_id: int | None
    area_code: str
    building_id: int | None = None
    unit_name: str | None = None
    unit_kind: str | None = None
    compounds: list[int] = field(default_factory=list)


@dataclass
class Tree:
    """The organisations by role: what demo_members.py fills with members."""

    orgs: list[Org] = field(default_factory=list)
    street: dict[str, Org] = field(default_factory=dict)        # street code → 街道党工委
    community: dict[str, Org] = field(default_factory=dict)     # community code → 社区党委/总支
    branch_of: dict[int, Org] = field(default_factory=dict)     # compound id → its branch
    group_of: dict[int, Org] = field(default_factory=dict)      # building id → its party group
    units: dict[str, list[Org]] = field(default_factory=dict)   # community code → its unit organisations


def build_tree(session, streets, names: dict, rng: np.random.Generator) -> Tree:
    """Every organisation of the demo, with ids reserved, not yet written."""
    compounds = session.execute(text("SELECT id, community_code, name FROM compounds WHERE synthetic ORDER BY code")).all()
    buildings = session.execute(text("SELECT b.compound_id, b.id, b.name FROM buildings b WHERE b.synthetic "
                                     "AND b.compound_id IS NOT NULL AND EXISTS (SELECT 1 FROM households h "
                                     "WHERE h.building_id = b.id) ORDER BY b.id")).all()
    households = dict(session.execute(text("SELECT building_id, count(*) FROM households GROUP BY 1")).all())
    tree, new = Tree(), _counter(session)
    for street in streets:
        tree.street[street.code] = new(f"P{street.code}", f"{names[street.code]}党工委", OrgLevel.street_committee,
                                       None, street.code)
        tree.orgs.append(tree.street[street.code])
        median = np.median([_households(c, compounds, households, buildings) for c in street.communities] or [0])
        for community in street.communities:
            large = _households(community, compounds, households, buildings) >= median
            level, word = (OrgLevel.community_committee, "党委") if large else (OrgLevel.community_branch, "党总支")
            org = new(f"P{community.code}", f"{names[community.code]}{word}", level, tree.street[street.code].id,
                      community.code)
            tree.community[community.code] = org
            tree.orgs.append(org)
            own = [c for c in compounds if c.community_code == community.code]
            tree.orgs += _branches(own, org, tree, new, rng)
            tree.orgs += _units(community.code, names[community.code], org, tree, new, rng)
    tree.orgs += _groups(buildings, tree, new, rng)
    return tree


def _counter(session):
    """A maker of organisations with ids drawn from the table's sequence in blocks."""
    pool: list[int] = []

    def new(code, name, level, parent_id, area, **extra) -> Org:
        if not pool:
            pool.extend(reserve_ids(session, "party_orgs", 200))
        return Org(pool.pop(0), code, name, str(level), parent_id, area, **extra)
    return new


def _households(community, compounds, households, buildings) -> int:
    """How many households live in the community's compounds."""
    own = {c.id for c in compounds if c.community_code == community.code}
    return sum(households.get(b.id, 0) for b in buildings if b.compound_id in own)


def _branches(compounds, parent: Org, tree: Tree, new, rng) -> list[Org]:
    """Compound branches over runs of neighbouring compounds (consecutive in lattice order), some left uncovered."""
    out, run, size = [], [], 0
    for compound in compounds:
        if rng.random() < UNCOVERED_SHARE:
            continue
        if not run:
            size = int(rng.choice(JOINT_SIZES[0], p=JOINT_SIZES[1]))
        run.append(compound)
        if len(run) == size:
            out.append(_branch(run, parent, len(out) + 1, tree, new))
            run = []
    if run:
        out.append(_branch(run, parent, len(out) + 1, tree, new))
    return out


def _branch(run, parent: Org, n: int, tree: Tree, new) -> Org:
    """One compound branch covering the run's compounds: 某某小区党支部, or a joint one."""
    if len(run) == 1:
        name = f"{run[0].name}党支部"
    else:
        name = f"{run[0].name}{run[1].name}联合党支部" if len(run) == 2 else f"{run[0].name}等{len(run)}个小区联合党支部"
    org = new(f"{parent.code}-B{n:02d}", name, OrgLevel.compound_branch, parent.id, parent.area_code,
              compounds=[c.id for c in run])
    tree.branch_of.update({c.id: org for c in run})
    return org


def _units(code: str, community_name: str, parent: Org, tree: Tree, new, rng) -> list[Org]:
    """2–4 unit organisations in the community: 驻区单位 and 两新组织, named after the community."""
    word = community_name.removesuffix("社区")
    out = []
    for n in range(int(rng.integers(2, 5))):
        resident = n % 2 == 0
        pool = RESIDENT_UNITS if resident else NEW_ORGS
        unit = word + pool[int(rng.integers(len(pool)))]
        if any(u.unit_name == unit for u in out):
            unit = f"{word}第{n + 1}{pool[0]}"
        out.append(new(f"{parent.code}-U{n + 1}", f"{unit}党支部", OrgLevel.unit_org, parent.id, code, unit_name=unit,
                       unit_kind=str(UnitKind.resident_unit if resident else UnitKind.new_org)))
    tree.units[code] = out
    return out


def _groups(buildings, tree: Tree, new, rng) -> list[Org]:
    """楼栋党小组 in about a third of the residential buildings of covered compounds."""
    out, numbered = [], {}
    for compound_id, building_id, name in buildings:
        branch = tree.branch_of.get(compound_id)
        if branch is None or rng.random() >= GROUP_SHARE:
            continue
        n = numbered[branch.id] = numbered.get(branch.id, 0) + 1
        org = new(f"{branch.code}-G{n:02d}", f"{name}党小组", OrgLevel.building_group, branch.id, branch.area_code,
                  building_id=building_id)
        tree.group_of[building_id] = org
        out.append(org)
    return out


def write_tree(session, tree: Tree, today: date, rng) -> None:
    """COPY the organisations (parents first) and the compounds the branches cover."""
    founded = {o.id: today - timedelta(days=int(rng.integers(400, 6000))) for o in tree.orgs}
    copy_rows(session, "party_orgs", ["id", "code", "name", "level", "parent_id", "area_code", "building_id",
                                      "unit_name", "unit_kind", "founded_on", "synthetic"],
              ([o.id, o.code, o.name, o.level, o.parent_id, o.area_code, o.building_id, o.unit_name, o.unit_kind,
                founded[o.id], True] for o in tree.orgs))
    copy_rows(session, "party_org_compounds", ["org_id", "compound_id"],
              ([o.id, c] for o in tree.orgs for c in o.compounds))


def add_five_levels(session, streets, today: date) -> str | None:
    """Street staff each covering communities of their street (五级力量下沉), all but one community: the chain's
    deliberate gap; returns the community left uncovered."""
    gap = streets[0].communities[-1].code if streets and streets[0].communities else None
    rows = []
    for street in streets:
        staff = session.execute(text("SELECT staff_id FROM staff_assignments WHERE duty = :duty AND area_code = :code "
                                     "ORDER BY staff_id"), {"duty": str(Duty.street_staff), "code": street.code}).scalars().all()
        for i, community in enumerate(c for c in street.communities if c.code != gap):
            if staff:
                rows.append((staff[i % len(staff)], str(Duty.street_staff), community.code, today - timedelta(days=200)))
    copy_rows(session, "staff_assignments", ["staff_id", "duty", "area_code", "start_date"], rows)
    return gap
