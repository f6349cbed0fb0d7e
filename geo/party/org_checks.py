"""The checks of an organisation sheet's rows against the stored tree and the rows before them: parent and its level
(ORG_PARENTS), area and its level, compounds and who covers them, building, unit name."""

from dataclasses import dataclass, field

from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from geo.core.i18n import msg
from geo.core.models import ORG_PARENTS, Level, OrgLevel
from geo.people.rosters.cells import BadRow

# How messages name a level: the Chinese word a person uses, never the code.
LEVEL_WORDS = {OrgLevel.street_committee: "街道党工委", OrgLevel.community_committee: "社区党委",
               OrgLevel.community_branch: "社区党总支/党支部", OrgLevel.compound_branch: "小区(院落)党支部",
               OrgLevel.building_group: "楼栋党小组", OrgLevel.unit_org: "驻区单位/两新组织党组织"}


@dataclass
class Known:
    """An organisation the rows may hang under: stored, or a row above."""

    name: str
    level: OrgLevel
    area: str
    compound_ids: set[int] = field(default_factory=set)


@dataclass
class Tree:
    """What the checks look up, loaded once."""

    orgs: dict[str, Known]
    areas: dict[str, tuple[str, str | None]]             # code → (level, parent code)
    compounds: dict[str, tuple[int, str]]               # code → (id, community)
    covered_by: dict[int, str]                          # compound id → the code of the branch covering it
    buildings: dict[str, tuple[int, int | None, str | None]]  # code → (id, compound id, community)
    community_of: dict[int, str]                        # covered compound id → its community


def load_tree(session: Session, rows) -> Tree:
    """The stored organisations, and the areas, compounds and buildings the rows name."""
    orgs = {code: Known(name, OrgLevel(level), area, set(ids or ())) for code, name, level, area, ids in session.execute(sql(
        "SELECT o.code, o.name, o.level, o.area_code, array_remove(array_agg(oc.compound_id), NULL) FROM party_orgs o "
        "LEFT JOIN party_org_compounds oc ON oc.org_id = o.id GROUP BY o.id"))}
    areas = {code: (level, parent) for code, level, parent in session.execute(sql(
        "SELECT code, level, parent_code FROM areas WHERE code = ANY(:c)"), {"c": [r.area for r in rows if r.area]})}
    named = [c for r in rows for c in r.compounds]
    compounds = {code: (cid, community) for code, cid, community in session.execute(sql(
        "SELECT code, id, community_code FROM compounds WHERE code = ANY(:c)"), {"c": named})}
    covered_by = dict(session.execute(sql("SELECT oc.compound_id, o.code FROM party_org_compounds oc "
                                          "JOIN party_orgs o ON o.id = oc.org_id")).all())
    buildings = {code: (bid, cid, community) for code, bid, cid, community in session.execute(sql(
        "SELECT b.code, b.id, b.compound_id, coalesce(c.community_code, left(b.grid_code, 12)) FROM buildings b "
        "LEFT JOIN compounds c ON c.id = b.compound_id WHERE b.code = ANY(:c)"),
        {"c": [r.building for r in rows if r.building]})}
    community_of = dict(session.execute(sql("SELECT id, community_code FROM compounds WHERE id IN "
                                            "(SELECT compound_id FROM party_org_compounds)")).all())
    return Tree(orgs, areas, compounds, covered_by, buildings, community_of)


def _parent(tree: Tree, r) -> Known | None:
    """The row's parent, whose level may hold the row's level."""
    if r.level == OrgLevel.street_committee:
        if r.parent:
            raise BadRow("parent", r.parent, msg("a street working committee has no parent"))
        return None
    if not r.parent:
        raise BadRow("parent", None, msg("required"))
    parent = tree.orgs.get(r.parent)
    if parent is None:
        raise BadRow("parent", r.parent, msg("organisation {code} not found in the file or stored", code=r.parent))
    if parent.level not in ORG_PARENTS[r.level]:
        raise BadRow("parent", r.parent, msg("a {level} cannot hang under a {parent_level}; its parent is a {allowed}",
                                             level=LEVEL_WORDS[r.level], parent_level=LEVEL_WORDS[parent.level],
                                             allowed="或".join(LEVEL_WORDS[p] for p in ORG_PARENTS[r.level])))
    return parent


def _area(tree: Tree, r, parent: Known | None) -> None:
    """The area exists at the right level (a street, else a community) and lies in the parent's area."""
    if not r.area:
        raise BadRow("area", None, msg("required"))
    expected = Level.street if r.level == OrgLevel.street_committee else Level.community
    found = tree.areas.get(r.area)
    if found is None:
        raise BadRow("area", r.area, msg("area {code} not found", code=r.area))
    if found[0] != expected:
        raise BadRow("area", r.area, msg("{code} is a {level}; this organisation needs a {expected}", code=r.area,
                                         level=Level(found[0]), expected=expected))
    if parent is None:
        return
    inside = found[1] == parent.area if parent.level == OrgLevel.street_committee else r.area == parent.area
    if not inside:
        raise BadRow("area", r.area, msg("{code} lies outside the parent's area {parent}", code=r.area,
                                         parent=parent.area))


def _compounds(tree: Tree, r) -> None:
    """A compound branch's compounds exist, lie in its community and are covered by no other branch."""
    if r.compounds and r.level != OrgLevel.compound_branch:
        raise BadRow("compounds", "、".join(r.compounds), msg("only a compound branch covers compounds"))
    for code in r.compounds:
        found = tree.compounds.get(code)
        if found is None:
            raise BadRow("compounds", code, msg("compound {code} not found", code=code))
        if found[1] != r.area:
            raise BadRow("compounds", code, msg("compound {code} is in community {community}, not {area}", code=code,
                                                community=found[1], area=r.area))
        other = tree.covered_by.get(found[0])
        if other not in (None, r.code):
            raise BadRow("compounds", code, msg("compound {code} is already covered by {org} {name}", code=code,
                                                org=other, name=tree.orgs[other].name if other in tree.orgs else ""))
    r.compound_ids = [tree.compounds[code][0] for code in r.compounds]
    kept = tree.orgs.get(r.code)
    if not r.compounds and kept and any(tree.community_of.get(i) != r.area for i in kept.compound_ids):
        raise BadRow("area", r.area, msg("the compounds this branch covers lie in another community; list its "
                                         "compounds in 覆盖小区"))


def _building(tree: Tree, r, parent: Known | None) -> None:
    """A building group's building lies in a compound its parent branch covers, or in its parent's community."""
    if r.building and r.level != OrgLevel.building_group:
        raise BadRow("building", r.building, msg("only a building group names a building"))
    if r.level != OrgLevel.building_group:
        return
    if not r.building:
        raise BadRow("building", None, msg("required"))
    found = tree.buildings.get(r.building)
    if found is None:
        raise BadRow("building", r.building, msg("unknown building"))
    building_id, compound_id, community = found
    inside = compound_id in parent.compound_ids if parent.level == OrgLevel.compound_branch \
        else community == parent.area
    if not inside:
        raise BadRow("building", r.building, msg("building {code} lies outside the parent's compounds or community",
                                                 code=r.building))
    r.building_id = building_id


def _unit(r) -> None:
    """A unit organisation names its unit; no other level does."""
    if r.level == OrgLevel.unit_org and not r.unit_name:
        raise BadRow("unit_name", None, msg("required for a unit's organisation"))
    if r.level != OrgLevel.unit_org and r.unit_name:
        raise BadRow("unit_name", r.unit_name, msg("only a unit's organisation names a unit"))


def check_rows(session: Session, rows, add) -> None:
    """Check each row (parents first) against the tree, adding each refusal with add(BadRow, row number)."""
    tree = load_tree(session, rows)
    for r in rows:
        try:
            parent = _parent(tree, r)
            _area(tree, r, parent)
            _compounds(tree, r)
            _building(tree, r, parent)
            _unit(r)
        except BadRow as bad:
            add(bad, r.number)
        kept = tree.orgs.get(r.code)
        covered = set(r.compound_ids) if r.compounds else (kept.compound_ids if kept else set())
        tree.orgs[r.code] = Known(r.name, r.level, r.area or "", covered)  # children below see this row
        for compound_id in covered:
            tree.covered_by[compound_id] = r.code
