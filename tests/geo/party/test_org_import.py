"""Importing the organisation tree: any row order, Chinese or English headers, reruns idempotent, every rejection
named by row with nothing written (on the party test city, tests/party_city.py)."""

import csv

import openpyxl
import pytest
from sqlalchemy import text

from geo.core.errors import ImportRejected, InvalidInput
from geo.core.i18n import render
from geo.party.org_import import import_orgs
from tests.city import A1, COMM_A, COMM_B
from tests.party_city import build_party_city

HEADERS = ["组织编码", "组织名称", "层级", "上级组织编码", "所在区域代码", "覆盖小区", "楼栋编码", "单位名称", "成立日期"]


def sheet(tmp_path, rows, headers=HEADERS, name="orgs.csv"):
    path = tmp_path / name
    if name.endswith(".xlsx"):
        book = openpyxl.Workbook()
        book.active.append(headers)
        for row in rows:
            book.active.append(list(row))
        book.save(path)
        return path
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([headers, *rows])
    return path


def orgs(session) -> dict:
    return {code: (level, parent, area) for code, level, parent, area in session.execute(text(
        "SELECT o.code, o.level, p.code, o.area_code FROM party_orgs o LEFT JOIN party_orgs p ON p.id = o.parent_id"))}


def covered(session, org: str) -> list[str]:
    return session.execute(text("SELECT c.code FROM party_org_compounds oc JOIN compounds c ON c.id = oc.compound_id "
                                "JOIN party_orgs o ON o.id = oc.org_id WHERE o.code = :o ORDER BY 1"), {"o": org}).scalars().all()


@pytest.fixture
def party(session):
    return build_party_city(session)


GOOD = [  # the building group comes before its branch: rows may come in any order
    ["G5", "甲四5号楼党小组", "楼栋党小组", "BA4", COMM_A, "", "T-b5", "", "2024-03-01"],
    ["BA4", "甲四小区党支部", "小区党支部", "CA", COMM_A, "PA4", "", "", ""],
    ["U2", "某医院党委", "驻区单位党组织", "CA", COMM_A, "", "", "某医院", ""],
    ["BB2", "乙二联合党支部", "联合党支部", "CB", COMM_B, "PB2", "", "", ""],
    ["G6", "乙一6号楼党小组", "楼栋党小组", "CB", COMM_B, "", "T-b6", "", ""],
]


def test_the_tree_is_imported_parents_first_and_a_rerun_creates_nothing(session, party, tmp_path):
    before = len(orgs(session))
    path = sheet(tmp_path, GOOD)
    tally = import_orgs(session, path)
    assert (tally.created, tally.updated) == (5, 0)
    found = orgs(session)
    assert found["G5"] == ("building_group", "BA4", COMM_A) and found["BA4"] == ("compound_branch", "CA", COMM_A)
    assert found["G6"] == ("building_group", "CB", COMM_B)
    assert covered(session, "BA4") == ["PA4"] and covered(session, "BB2") == ["PB2"]
    assert session.execute(text("SELECT unit_name, unit_kind FROM party_orgs WHERE code = 'U2'")).one() == \
        ("某医院", "resident_unit")
    again = import_orgs(session, path)
    assert (again.created, again.updated) == (0, 5) and len(orgs(session)) == before + 5
    assert covered(session, "BA4") == ["PA4"]


def test_english_headers_in_xlsx_and_a_dry_run(session, party, tmp_path):
    path = sheet(tmp_path, [["U3", "某公司党支部", "new_org", "CB", COMM_B, "某公司"]],
                 headers=["code", "name", "level", "parent", "area", "unit_name"], name="orgs.xlsx")
    assert import_orgs(session, path, dry_run=True).created == 1 and "U3" not in orgs(session)
    assert import_orgs(session, path).created == 1
    assert orgs(session)["U3"] == ("unit_org", "CB", COMM_B)


BAD = [  # (row as written, what the message for its line says)
    (["X2", "甲", "居委会", "CA", COMM_A, "", "", "", ""], "无法识别的层级"),
    (["X3", "甲", "社区党委", "", COMM_A, "", "", "", ""], "上级组织编码 列"),
    (["X4", "甲", "小区党支部", "NOPE", COMM_A, "", "", "", ""], "组织 NOPE 不存在"),
    (["X5", "甲", "小区党支部", "S", COMM_A, "", "", "", ""], "小区(院落)党支部 不能隶属于 街道党工委"),
    (["X6", "甲", "小区党支部", "CA", "", "", "", "", ""], "所在区域代码 列"),
    (["X7", "甲", "小区党支部", "CA", "110105001009", "", "", "", ""], "区域 110105001009 不存在"),
    (["X8", "甲", "社区党委", "S", A1, "", "", "", ""], "是网格"),
    (["X9", "甲", "小区党支部", "CA", COMM_B, "", "", "", ""], f"不在上级组织的区域 {COMM_A} 内"),
    (["X10", "甲", "小区党支部", "CA", COMM_A, "PX", "", "", ""], "小区 PX 不存在"),
    (["X11", "甲", "小区党支部", "CA", COMM_A, "PB2", "", "", ""], f"小区 PB2 位于社区 {COMM_B}"),
    (["X12", "甲", "小区党支部", "CA", COMM_A, "PA4、PA1", "", "", ""], "已由 BA12 甲一甲二联合党支部 覆盖"),
    (["X13", "甲", "楼栋党小组", "BA12", COMM_A, "", "T-zz", "", ""], "楼栋不存在"),
    (["X14", "甲", "楼栋党小组", "BA12", COMM_A, "", "T-b4", "", ""], "楼栋 T-b4 不在上级组织"),
    (["X15", "甲", "两新组织党组织", "CA", COMM_A, "", "", "", ""], "单位名称 列"),
    (["X16", "甲", "小区党支部", "CA", COMM_A, "", "", "某单位", ""], "只有驻区单位"),
    (["X16", "甲", "小区党支部", "CA", COMM_A, "", "", "", ""], "编码重复"),
    (["Y1", "甲", "小区党支部", "Y2", COMM_A, "", "", "", ""], "循环"),
    (["Y2", "甲", "小区党支部", "Y1", COMM_A, "", "", "", ""], "循环"),
    (["S2", "乙街道", "街道党工委", "S", "110105001000", "", "", "", ""], "街道党工委没有上级"),
    (["坏 code", "甲", "小区党支部", "CA", COMM_A, "", "", "", ""], "编码须为"),
    (["X21", "甲", "小区党支部", "CA", COMM_A, "", "", "", "明天"], "YYYY-MM-DD"),
    (["X22", "甲", "社区党委", "S", COMM_A, "", "PA1", "", ""], "只有楼栋党小组"),
    (["BB1", "乙一小区党支部", "小区党支部", "CA", COMM_A, "", "", "", ""], "覆盖的小区在另一个社区"),
]


def test_every_rejection_names_its_row_and_nothing_is_written(session, party, tmp_path):
    before = orgs(session)
    with pytest.raises(ImportRejected) as excinfo:
        import_orgs(session, sheet(tmp_path, [row for row, _ in BAD]))
    lines = [render(p, "zh") for p in excinfo.value.problems]
    for number, (_, expected) in enumerate(BAD, start=2):
        assert any(line.startswith(f"第 {number} 行") and expected in line for line in lines), \
            (number, expected, "\n".join(lines))
    assert len(lines) == len(BAD), "\n".join(lines)
    assert orgs(session) == before


def test_a_sheet_without_a_required_column_is_refused(session, party, tmp_path):
    with pytest.raises(InvalidInput) as excinfo:
        import_orgs(session, sheet(tmp_path, [["BA4", "甲四小区党支部"]], headers=["组织编码", "组织名称"]))
    assert "层级" in render(excinfo.value.detail, "zh")
