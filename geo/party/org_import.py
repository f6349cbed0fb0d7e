"""Importing the party organisation tree from a sheet (Chinese or English headers), all or nothing, upserted by code.

Rows may come in any order: parents are put first, and a cycle is refused. Each row is checked against the rows
before it and the stored tree (geo.party.org_checks); one bad row refuses the file, every bad row named.
"""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from geo.core.i18n import msg
from geo.core.models import OrgLevel, UnitKind
from geo.core.progress import no_track
from geo.people.rosters import cells
from geo.people.rosters.cells import BadRow
from geo.party import sheet_rows
from geo.party.org_checks import check_rows
from geo.party.sheet_rows import ImportTally, refuse_if_any, row_error

COLUMNS = {
    "code": ["组织编码", "编码", "code"],
    "name": ["组织名称", "名称", "name"],
    "level": ["层级", "组织层级", "level"],
    "parent": ["上级组织编码", "上级组织", "parent", "parent_code"],
    "area": ["所在区域代码", "区域代码", "area", "area_code"],
    "compounds": ["覆盖小区", "compounds"],
    "building": ["楼栋编码", "楼栋", "building"],
    "unit_name": ["单位名称", "unit_name", "unit"],
    "founded": ["成立日期", "founded", "founded_on"],
}
REQUIRED = ("code", "name", "level")
L, U = OrgLevel, UnitKind
LEVEL_NAMES = {
    "街道党工委": (L.street_committee, None), "社区党委": (L.community_committee, None),
    "社区党总支": (L.community_branch, None), "社区党支部": (L.community_branch, None),
    "小区党支部": (L.compound_branch, None), "院落党支部": (L.compound_branch, None),
    "联合党支部": (L.compound_branch, None), "楼栋党小组": (L.building_group, None),
    "驻区单位党组织": (L.unit_org, U.resident_unit), "两新组织党组织": (L.unit_org, U.new_org),
    **{level.value: (level, None) for level in OrgLevel if level != L.unit_org},
    U.resident_unit.value: (L.unit_org, U.resident_unit), U.new_org.value: (L.unit_org, U.new_org),
}


@dataclass
class OrgRow:
    """One row read: what the organisation is, before it is checked against the tree."""

    number: int
    code: str
    name: str
    level: OrgLevel
    unit_kind: str | None
    parent: str | None
    area: str | None
    compounds: list[str]
    building: str | None
    unit_name: str | None
    founded: date | None
    # Filled by the checks: the building's id and the compounds' ids.
    building_id: int | None = None
    compound_ids: list[int] = field(default_factory=list)


def read_row(row: dict, number: int) -> OrgRow:
    """A row's cells as an OrgRow, or BadRow."""
    code, name = sheet_rows.code(row), sheet_rows.required(row, "name")
    level_name = sheet_rows.required(row, "level")
    found = LEVEL_NAMES.get(level_name) or LEVEL_NAMES.get(level_name.lower())
    if found is None:
        raise BadRow("level", level_name, msg("unknown level; one of {values}",
                                              values="、".join(k for k in LEVEL_NAMES if not k.isascii())))
    level, unit_kind = found
    return OrgRow(number, code, name, level, unit_kind and unit_kind.value, sheet_rows.text(row, "parent"),
                  sheet_rows.text(row, "area"), sheet_rows.split(sheet_rows.text(row, "compounds")),
                  sheet_rows.text(row, "building"), sheet_rows.text(row, "unit_name"), cells.day(row, "founded"))


def parents_first(rows: list[OrgRow], errors: list, add) -> list[OrgRow]:
    """The rows ordered so that a parent in the file comes before its children; the rows of a cycle refused."""
    by_code = {r.code: r for r in rows}
    ordered, placed, visiting = [], set(), set()

    def place(r: OrgRow) -> bool:
        if r.code in placed:
            return True
        if r.code in visiting:
            return False
        visiting.add(r.code)
        parent = by_code.get(r.parent) if r.parent else None
        ok = parent is None or place(parent)
        visiting.discard(r.code)
        if ok:
            placed.add(r.code)
            ordered.append(r)
        return ok

    for r in rows:
        if not place(r) and r.code not in placed:
            add(BadRow("parent", r.parent, msg("the parents form a cycle")), r.number)
    return ordered


UPSERT = sql("""
INSERT INTO party_orgs (code, name, level, parent_id, area_code, building_id, unit_name, unit_kind, founded_on)
VALUES (:code, :name, :level, (SELECT id FROM party_orgs WHERE code = :parent), :area, :building_id, :unit_name,
        :unit_kind, :founded)
ON CONFLICT (code) DO UPDATE SET
    name = EXCLUDED.name, level = EXCLUDED.level, parent_id = EXCLUDED.parent_id, area_code = EXCLUDED.area_code,
    building_id = EXCLUDED.building_id, unit_name = EXCLUDED.unit_name, unit_kind = EXCLUDED.unit_kind,
    founded_on = EXCLUDED.founded_on
RETURNING id, (xmax = 0) AS inserted
""")


def write(session: Session, rows: list[OrgRow], track=no_track) -> ImportTally:
    """Upsert the checked rows, parents first; a compound branch's compounds are replaced by the file's."""
    tally = ImportTally("party-orgs")
    for r in track(rows, "写入 writing", len(rows)):
        params = {"code": r.code, "name": r.name, "level": r.level.value, "parent": r.parent, "area": r.area,
                  "building_id": r.building_id, "unit_name": r.unit_name, "unit_kind": r.unit_kind,
                  "founded": r.founded}
        org = session.execute(UPSERT, params).one()
        tally.created += org.inserted
        tally.updated += not org.inserted
        if r.level == L.compound_branch and r.compounds:  # an empty cell leaves the stored coverage
            session.execute(sql("DELETE FROM party_org_compounds WHERE org_id = :o"), {"o": org.id})
            for compound_id in r.compound_ids:
                session.execute(sql("INSERT INTO party_org_compounds VALUES (:o, :c)"), {"o": org.id, "c": compound_id})
    return tally


def import_orgs(session: Session, path: Path, *, dry_run: bool = False, track=no_track) -> ImportTally:
    """Read, check and write an organisation sheet; ImportRejected names every bad row and nothing is written."""
    sheet = sheet_rows.read_rows(path, "party-orgs", COLUMNS, REQUIRED)
    errors: list = []

    def add(bad: BadRow, number: int) -> None:
        errors.append(row_error(bad, number, COLUMNS))

    rows, first_seen = [], {}
    for row, number in track(list(zip(sheet.rows, sheet.numbers)), "检查 checking", len(sheet.rows)):
        try:
            org = read_row(row, number)
        except BadRow as bad:
            add(bad, number)
            continue
        if org.code in first_seen:
            add(BadRow("code", org.code, msg("duplicate code, also row {row}", row=first_seen[org.code])), number)
            continue
        first_seen[org.code] = number
        rows.append(org)
    ordered = parents_first(rows, errors, add)
    check_rows(session, ordered, add)
    refuse_if_any(path, errors)
    savepoint = session.begin_nested()
    tally = write(session, ordered, track)
    tally.ignored_columns, tally.dry_run = sheet.ignored, dry_run
    if dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    return tally
