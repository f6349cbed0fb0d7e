"""Roster import and export: Chinese or English headers, every row error named, idempotent, masked on export."""

import csv

import openpyxl
import pytest
from sqlalchemy import text

from geo.access.crypto import lookup, reveal
from geo.access.idcard import check_digit
from geo.access.scope import Scope
from geo.core.errors import ImportRejected, InvalidInput
from geo.core.models import Level, Role
from geo.people.rosters.exporter import export_roster, roster_rows
from geo.people.rosters.importer import import_roster
from tests.city import A1, A2


def valid_id(first17: str) -> str:
    return first17 + check_digit(first17)


ZHANG = valid_id("11010519800101001")   # male, born 1980-01-01
LI = valid_id("11010519851231002")      # female
WANG = valid_id("62030219500615003")


def write_csv(path, rows, encoding="utf-8-sig"):
    with path.open("w", newline="", encoding=encoding) as f:
        csv.writer(f).writerows(rows)
    return path


def write_xlsx(path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


BUILDINGS = [["楼栋编码", "楼栋名称", "小区", "层数", "经度", "纬度"],
             ["B-1", "1号楼", "幸福小区", 6, 116.41, 39.95],
             ["B-2", "2号楼", "幸福小区", 6, 116.43, 39.95]]


@pytest.fixture
def buildings(session, city, tmp_path):
    import_roster(session, write_xlsx(tmp_path / "楼栋.xlsx", BUILDINGS), "buildings")


def test_buildings_from_xlsx_get_their_grid(session, city, tmp_path):
    report = import_roster(session, write_xlsx(tmp_path / "b.xlsx", BUILDINGS), "buildings")
    assert (report.created, report.errors) == (2, [])
    grids = dict(session.execute(text("SELECT code, grid_code FROM buildings")).all())
    assert grids == {"B-1": A1, "B-2": A2}


def test_building_errors(session, city, tmp_path):
    rows = BUILDINGS + [["B-3", "3号楼", "x", 6, 117.5, 39.95], ["B-4", "4号楼", "x", "six", 116.41, 39.95],
                        ["B-1", "重复", "x", 6, 116.41, 39.95], ["B-5", "5号楼", "x", 6, "东经", 39.9], ["B-6", None, "x", 6, 116.41, 39.95]]
    report = import_roster(session, write_csv(tmp_path / "b.csv", rows), "buildings")
    assert report.created == 2
    reasons = {(e.row, e.column): str(e.reason) for e in report.errors}
    assert reasons == {(4, "lon"): "coordinates outside every grid", (5, "floors"): "not a whole number",
                       (6, "code"): "duplicate building, also row 2", (7, "lon"): "longitude and latitude must be numbers",
                       (8, "name"): "required"}


def test_gcj02_coordinates(session, city, tmp_path):
    from geo.core.crs import wgs84_to_gcj02
    x, y = (float(v) for v in wgs84_to_gcj02(116.4395, 39.95))
    import_roster(session, write_csv(tmp_path / "b.csv", [["code", "name", "lon", "lat"], ["G", "g", x, y]]), "buildings",
                  crs="gcj02")
    assert session.execute(text("SELECT grid_code FROM buildings")).scalar() == A2


RESIDENTS = [["姓名", "身份证号", "联系电话", "楼栋", "门牌", "户籍类型", "重点人群"],
             ["张伟", ZHANG, "13800138000", "B-1", "1单元101", "户籍", ""],
             ["李娜", LI, "13900139000", "B-1", "1单元101", "流动", "低保、残疾人"],
             ["王芳", WANG, "", "2号楼", "2单元302", "户籍", "独居老人"]]


def test_residents_with_chinese_headers_and_rerun(session, buildings, tmp_path):
    path = write_csv(tmp_path / "居民.csv", RESIDENTS)
    first = import_roster(session, path, "residents")
    assert (first.created, first.errors) == (3, [])
    assert session.execute(text("SELECT count(*) FROM households")).scalar() == 2
    li = session.execute(text("SELECT gender, birth_date::text, residence, special_groups FROM residents "
                              "WHERE id_number_hmac = :h"), {"h": lookup(LI)}).one()
    assert tuple(li) == ("F", "1985-12-31", "floating", ["disabled", "low_income"])
    again = import_roster(session, path, "residents")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert session.execute(text("SELECT count(*) FROM residents")).scalar() == 3


def test_english_headers_gb18030_and_updates(session, buildings, tmp_path):
    import_roster(session, write_csv(tmp_path / "r.csv", RESIDENTS), "residents")
    english = [["name", "id_number", "phone", "building", "door"], ["张伟", ZHANG, "13800138111", "B-2", "3单元501"]]
    report = import_roster(session, write_csv(tmp_path / "r2.csv", english, encoding="gb18030"), "residents")
    assert report.updated == 1
    sealed = session.execute(text("SELECT phone_enc FROM residents WHERE id_number_hmac = :h"), {"h": lookup(ZHANG)}).scalar()
    assert reveal(sealed) == "13800138111"


def test_resident_errors_each_named(session, buildings, tmp_path):
    bad_check = ZHANG[:17] + ("0" if ZHANG[17] != "0" else "1")
    rows = RESIDENTS[:2] + [
        ["坏号", "11010519800101", "", "B-1", "1", "", ""],
        ["校验", bad_check, "", "B-1", "1", "", ""],
        ["重复", ZHANG, "", "B-1", "1", "", ""],
        ["无楼", valid_id("11010519900101003"), "", "B-99", "1", "", ""],
        ["坏电话", valid_id("11010519900101005"), "12345", "B-1", "1", "", ""],
        ["坏类别", valid_id("11010519900101007"), "", "B-1", "1", "", "贵宾"],
        ["坏户籍", valid_id("11010519900101009"), "", "B-1", "1", "外星", ""],
    ]
    report = import_roster(session, write_csv(tmp_path / "r.csv", rows), "residents")
    assert report.created == 1
    by_row = {e.row: (e.column, str(e.reason)) for e in report.errors}
    assert by_row[3] == ("id_number", "not 18 characters of digits (the last may be X)")
    assert by_row[4][0] == "id_number" and by_row[4][1].startswith("check digit should be")
    assert by_row[5] == ("id_number", "duplicate person: same ID number as row 2")
    assert by_row[6] == ("building", "unknown building")
    assert by_row[7][0] == "phone"
    assert by_row[8] == ("special_groups", by_row[8][1]) and "unknown special group" in by_row[8][1]
    assert by_row[9][0] == "residence"
    assert session.execute(text("SELECT count(*) FROM residents")).scalar() == 1


def test_dry_run_and_all_or_nothing(session, buildings, tmp_path):
    path = write_csv(tmp_path / "r.csv", RESIDENTS)
    preview = import_roster(session, path, "residents", dry_run=True)
    assert preview.created == 3 and session.execute(text("SELECT count(*) FROM residents")).scalar() == 0
    bad = write_csv(tmp_path / "bad.csv", RESIDENTS + [["坏号", "123", "", "B-1", "1", "", ""]])
    with pytest.raises(ImportRejected, match="1 bad row"):
        import_roster(session, bad, "residents", all_or_nothing=True)
    assert session.execute(text("SELECT count(*) FROM residents")).scalar() == 0


def test_missing_required_column(session, buildings, tmp_path):
    with pytest.raises(InvalidInput, match="missing column"):
        import_roster(session, write_csv(tmp_path / "r.csv", [["姓名", "楼栋"], ["张三", "B-1"]]), "residents")


def test_staff_roster(session, buildings, tmp_path):
    rows = [["姓名", "联系电话", "职务", "网格", "楼栋", "开始日期"],
            ["赵敏", "13700137000", "网格长", A1, "", "2024-03-01"],
            ["钱勇", "13700137001", "专职网格员", A1, "", ""],
            ["孙丽", "13700137002", "楼栋长", "", "B-1", ""],
            ["周杰", "13700137003", "队长", A1, "", ""],
            ["吴刚", "13700137004", "网格长", "110105001001999", "", ""]]
    path = write_csv(tmp_path / "s.csv", rows)
    report = import_roster(session, path, "staff")
    assert report.created == 3 and [e.row for e in report.errors] == [5, 6]
    assert import_roster(session, path, "staff").created == 0


def test_export_masks_and_scopes(session, buildings, tmp_path):
    import_roster(session, write_csv(tmp_path / "r.csv", RESIDENTS), "residents")
    rows = roster_rows(session, "residents")
    zhang = next(r for r in rows if r["name"] == "张伟")
    assert zhang["id_number"] == ZHANG[:3] + "*" * 11 + ZHANG[-4:] and zhang["phone"] == "138****8000"
    assert zhang["gender"] == "男" and zhang["residence"] == "户籍"
    assert next(r for r in rows if r["name"] == "李娜")["special_groups"] == ["残疾人", "低保"]
    assert roster_rows(session, "residents", unmasked=True)[0]["id_number"] in (ZHANG, LI, WANG)
    only_a2 = roster_rows(session, "residents", Scope(Role.grid_worker, A2, Level.grid))
    assert [r["name"] for r in only_a2] == ["王芳"]


def test_export_round_trips_through_import(session, buildings, tmp_path):
    import_roster(session, write_csv(tmp_path / "r.csv", RESIDENTS), "residents")
    for suffix in ("xlsx", "csv"):
        path = tmp_path / f"out.{suffix}"
        assert export_roster(session, "residents", path, unmasked=True) == 3
        again = import_roster(session, path, "residents")
        assert (again.unchanged, again.errors) == (3, [])


def test_households_roster(session, buildings, tmp_path):
    rows = [["楼栋", "门牌"], ["B-1", "1单元101"], ["1号楼", "1单元102"], ["B-1", "1单元101"], ["B-9", "1"], ["B-2", None]]
    report = import_roster(session, write_csv(tmp_path / "h.csv", rows), "households")
    assert report.created == 2
    assert [(e.row, e.column) for e in report.errors] == [(4, "door"), (5, "building"), (6, "door")]
    assert import_roster(session, write_csv(tmp_path / "h.csv", rows[:3]), "households").unchanged == 2
