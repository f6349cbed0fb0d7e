"""The `wangge` command line against a real database reached through DATABASE_URL."""

import json

from typer.testing import CliRunner

from cli.main import app
from tests.city import LAYERS, collection, write

runner = CliRunner()


def wangge(*args, input=None):
    return runner.invoke(app, list(args), input=input)


def import_city(tmp_path):
    for level, features in LAYERS.items():
        result = wangge("import", "boundaries", str(write(tmp_path, f"{level}.geojson", collection(*features))),
                        "--level", level.value)
        assert result.exit_code == 0, result.output


def test_import_locate_and_users(cli_database, tmp_path):
    import_city(tmp_path)
    result = wangge("locate", "116.43", "39.95")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["grid"]["code"] == "110105001001002" and found["match"] == "covers"
    result = wangge("user", "add", "xiaoli", "--role", "grid_worker", "--scope", "110105001001002", "--password-stdin",
                    input="a-good-password\n")
    assert result.exit_code == 0 and "created" in result.output
    result = wangge("user", "add", "xiaoli", "--role", "grid_worker", "--scope", "110105001001002", "--password-stdin",
                    input="a-good-password\n")
    assert result.exit_code == 2 and "already exists" in result.output


def test_rejected_import_exits_nonzero_and_names_features(cli_database, tmp_path):
    bad = collection({"type": "Feature", "properties": {"code": "110105", "name": "x"},
                      "geometry": {"type": "Polygon", "coordinates": [[[116.4, 39.9], [116.5, 39.9], [116.5, 39.96]]]}})
    result = wangge("import", "boundaries", str(write(tmp_path, "bad.geojson", bad)), "--level", "district")
    assert result.exit_code == 2
    assert "nothing was written" in result.output and "feature #1 (code 110105): unclosed ring" in result.output
    assert wangge("locate", "116.43", "39.95").exit_code == 2  # nothing imported: no grids


def test_locate_errors_exit_nonzero(cli_database, tmp_path):
    import_city(tmp_path)
    result = wangge("locate", "116.60", "39.93")
    assert result.exit_code == 2 and "m away" in result.output
    assert wangge("locate", "116.43", "39.95", "--crs", "mars").exit_code == 2


def test_import_cases_writes_all_or_nothing(cli_database, tmp_path):
    import_city(tmp_path)
    good = tmp_path / "cases.csv"
    good.write_text("category,lon,lat,reported_at\nenv_garbage,116.43,39.95,2019-03-01 08:00:00\n"
                    "noise,116.41,39.95,2019-04-01T08:00:00+08:00\n")
    result = wangge("import", "cases", str(good))
    assert result.exit_code == 0 and "2 cases imported into 2 months (2 new partitions)" in result.output, result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("category,lon,lat,reported_at\nenv_garbage,116.43,39.95,2019-03-01\nnoise,116.60,39.95,2019-03-02 08:00\n")
    result = wangge("import", "cases", str(bad))
    assert result.exit_code == 2 and "nothing was written" in result.output
    assert "row 1, column reported_at ('2019-03-01')" in result.output and "row 2, column lon, lat" in result.output


def test_user_add_needs_password_stdin(cli_database):
    result = wangge("user", "add", "x", "--role", "admin")
    assert result.exit_code == 2 and "--password-stdin" in result.output


def test_seed_demo_is_idempotent(cli_database):
    first = wangge("seed", "demo", "--json", "--district", "511802")
    assert first.exit_code == 0, first.output
    summary = json.loads(first.output)
    assert summary["counts"]["communities"] == 12 and summary["counts"]["households"] == 20_864
    assert [login[0] for login in summary["logins"]] == ["admin", "command", "street", "community", "gridworker", "planner",
                                                     "party", "chengguan", "gongan"]
    again = json.loads(wangge("seed", "demo", "--json", "--district", "511802").output)
    assert again["counts"] == summary["counts"]
    assert wangge("db", "status").exit_code == 0
    assert wangge("seed", "demo", "--scale", "galaxy").exit_code == 2


def test_help_is_helpful():
    result = wangge("import", "boundaries", "--help")
    assert result.exit_code == 0 and "--crs" in result.output and "gcj02" in result.output


def test_roster_import_error_report_and_masked_export(cli_database, tmp_path):
    import csv

    from geo.access.idcard import check_digit
    import_city(tmp_path)
    buildings = tmp_path / "楼栋.csv"
    buildings.write_text("楼栋编码,楼栋名称,经度,纬度\nB-1,1号楼,116.41,39.95\n", encoding="utf-8")
    assert wangge("import", "buildings", str(buildings)).exit_code == 0
    good = "11010519800101001" + check_digit("11010519800101001")
    residents = tmp_path / "居民.csv"
    residents.write_text(f"姓名,身份证号,联系电话,楼栋,门牌\n张伟,{good},13800138000,B-1,101\n李四,123,,B-1,102\n",
                         encoding="utf-8")
    preview = wangge("import", "residents", str(residents), "--dry-run")
    assert preview.exit_code == 1 and "dry run" in preview.output
    result = wangge("import", "residents", str(residents))
    assert result.exit_code == 1 and "1 created" in result.output
    with (tmp_path / "居民.errors.csv").open(encoding="utf-8-sig") as f:
        report = list(csv.reader(f))
    assert report[1][:3] == ["3", "id_number", "123"]
    out = tmp_path / "导出.xlsx"
    assert wangge("export", "residents", str(out)).exit_code == 0
    import openpyxl
    sheet = openpyxl.load_workbook(out).active
    assert [c.value for c in sheet[1]][:3] == ["姓名", "身份证号", "联系电话"]
    assert sheet["B2"].value == good[:3] + "*" * 11 + good[-4:] and sheet["C2"].value == "138****8000"
    denied = wangge("export", "residents", str(out), "--unmasked")
    assert denied.exit_code == 2 and "admin" in denied.output
    wangge("user", "add", "boss", "--role", "admin", "--password-stdin", input="boss-password\n")
    wangge("user", "add", "worker", "--role", "grid_worker", "--scope", "110105001001001", "--password-stdin",
           input="worker-password\n")
    assert wangge("export", "residents", str(out), "--unmasked", "--as", "worker", "--password-stdin",
                  input="worker-password\n").exit_code == 2
    assert wangge("export", "residents", str(out), "--unmasked", "--as", "boss", "--password-stdin",
                  input="boss-password\n").exit_code == 0
    assert openpyxl.load_workbook(out).active["B2"].value == good


def test_cases_tick(cli_database, tmp_path):
    import_city(tmp_path)
    result = wangge("cases", "tick", "--now", "2030-01-01T00:00:00")
    assert result.exit_code == 0 and "0 overdue, 0 escalated" in result.output
    assert wangge("cases", "tick", "--now", "yesterday").exit_code == 2


def test_analytics_exports_and_warnings(cli_database, tmp_path):
    import_city(tmp_path)
    sheet = tmp_path / "league.xlsx"
    result = wangge("export", "league", str(sheet), "--level", "grid", "--from", "2026-10-01", "--to", "2026-11-01")
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook
    rows = list(load_workbook(sheet).active.values)
    assert rows[0][:3] == ("Rank", "Code", "Name") and len(rows) == 1 + 7  # the test city's seven grids
    table = tmp_path / "workers.csv"
    assert wangge("export", "workers", str(table), "--scope", "110105001001").exit_code == 0
    assert table.read_text(encoding="utf-8-sig").splitlines() == ["Code,Name"]  # nobody on duty: the header alone
    assert wangge("export", "league", str(tmp_path / "league.pdf")).exit_code == 2
    assert not (tmp_path / "league.pdf").exists()
    result = wangge("analytics", "warnings", "--on", "2026-11-20")
    assert result.exit_code == 0 and "0 warnings among 0" in result.output
    assert wangge("analytics", "warnings", "--on", "someday").exit_code == 2


def test_plan_create_and_validate(cli_database, tmp_path):
    import_city(tmp_path)
    result = wangge("plan", "create", "--from-current", "110105001001", "--json")
    assert result.exit_code == 0, result.output
    created = json.loads(result.output)
    assert created["validation"]["valid"] is True
    assert wangge("plan", "validate", str(created["id"])).exit_code == 0
    broken = wangge("plan", "create", "--from-current", "110105001002")
    assert broken.exit_code == 0
    result = wangge("plan", "validate", broken.output.strip())
    assert result.exit_code == 1 and "belong to no grid" in result.output
    assert wangge("plan", "create").exit_code == 2
    assert wangge("plan", "validate", "99999").exit_code == 2


def test_plan_impact(cli_database, tmp_path):
    import_city(tmp_path)
    plan = wangge("plan", "create", "--from-current", "110105001001").output.strip()
    result = wangge("plan", "impact", plan, "--target", "1-5")
    assert result.exit_code == 0, result.output
    assert "110105001001001" in result.output and "kept" in result.output
    assert json.loads(wangge("plan", "impact", plan, "--json").output)["moves"] == []
    assert wangge("plan", "impact", plan, "--target", "lots").exit_code == 2


def test_plan_propose_needs_buildings(cli_database, tmp_path):
    import_city(tmp_path)
    result = wangge("plan", "propose", "110105001001", "--grids", "2")
    assert result.exit_code == 2 and "too few" in result.output
    assert wangge("plan", "propose", "110105001001", "--target", "x").exit_code == 2


def test_plan_export(cli_database, tmp_path):
    import_city(tmp_path)
    plan = wangge("plan", "create", "--from-current", "110105001001").output.strip()
    result = wangge("plan", "export", plan, str(tmp_path / "plan.geojson"), "--assignments", str(tmp_path / "b.csv"))
    assert result.exit_code == 0, result.output
    assert len(json.loads((tmp_path / "plan.geojson").read_text())["features"]) == 5
    assert (tmp_path / "b.csv").read_text(encoding="utf-8-sig").startswith("building_id,")
    assert wangge("plan", "export", plan, str(tmp_path / "plan.kml")).exit_code == 2


def test_plan_publish_refuses_invalid_plans_and_is_atomic(cli_database, tmp_path, monkeypatch):
    from datetime import timedelta

    from geo.planning import publish

    import_city(tmp_path)
    today = publish.china_today()
    broken = wangge("plan", "create", "--from-current", "110105001002").output.strip()
    refused = wangge("plan", "publish", broken, "--effective-from", today.isoformat())
    assert refused.exit_code == 2 and "cannot be published" in refused.output and "belong to no grid" in refused.output
    assert wangge("plan", "publish", broken, "--effective-from", "next week").exit_code == 2
    plan = wangge("plan", "create", "--from-current", "110105001001").output.strip()
    monkeypatch.setattr(publish, "_relocate_buildings", lambda *a: (_ for _ in ()).throw(RuntimeError("disk full")))
    assert wangge("plan", "publish", plan, "--effective-from", today.isoformat()).exit_code == 1
    monkeypatch.undo()
    later = (today + timedelta(days=2)).isoformat()
    result = wangge("plan", "publish", plan, "--effective-from", later)
    assert result.exit_code == 0 and f"scheduled for {later}" in result.output  # still a draft: the failure left no trace
    result = wangge("cases", "tick", "--now", f"{later}T08:00:00+08:00")
    assert result.exit_code == 0 and f"plan {plan} in force from {later}" in result.output


def test_audit_verify_finds_a_tampered_row(cli_database, tmp_path):
    from sqlalchemy import create_engine, text

    import_city(tmp_path)
    plan = wangge("plan", "create", "--from-current", "110105001001").output.strip()
    assert wangge("plan", "publish", plan, "--effective-from", "2099-01-01").exit_code == 0
    assert wangge("export", "residents", str(tmp_path / "r.csv")).exit_code == 0
    result = wangge("audit", "verify")
    assert result.exit_code == 0 and "intact: 2 entries" in result.output  # the publish, the roster export
    engine = create_engine(cli_database.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        conn.execute(text("UPDATE audit_log SET detail = '{}'"))
        conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
    engine.dispose()
    result = wangge("audit", "verify")
    assert result.exit_code == 1 and "broken at entry 1" in result.output


def test_plan_commands_on_behalf_of_an_account(cli_database, tmp_path):
    import_city(tmp_path)
    password = "a-long-password\n"
    assert wangge("user", "add", "gw", "--role", "grid_worker", "--scope", "110105001001001", "--password-stdin",
                  input=password).exit_code == 0
    assert wangge("user", "add", "pl", "--role", "planner", "--scope", "110105", "--password-stdin",
                  input=password).exit_code == 0
    refused = wangge("plan", "--as", "gw", "create", "--from-current", "110105001001", input=password)
    assert refused.exit_code == 2 and "may not plan" in refused.output
    assert wangge("plan", "--as", "pl", "create", "--from-current", "110105001001", input="wrong\n").exit_code == 2
    created = wangge("plan", "--as", "pl", "create", "--from-current", "110105001001", input=password)
    assert created.exit_code == 0 and created.output.strip().isdigit()


def test_export_cases_as_geoparquet(cli_database, tmp_path):
    import pyarrow.parquet as pq

    import_city(tmp_path)
    result = wangge("export", "cases", str(tmp_path / "cases.parquet"), "--from", "2026-01-01T00:00:00")
    assert result.exit_code == 0, result.output
    assert b"geo" in pq.read_schema(tmp_path / "cases.parquet").metadata
