"""`wangge import compounds | party-orgs | party-members` against a committed database: counts on success, every bad
record named with exit 2 and nothing written, Chinese-first help."""

import csv

from shapely.geometry import box, mapping
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from cli.main import app
from geo.access.production import open_database
from tests.city import COMM_A, collection, write
from tests.party_city import build_party_city

runner = CliRunner()


def wangge(*args):
    return runner.invoke(app, list(args))


def party_city(url: str) -> None:
    """The party test city committed in the CLI's database, brought to the newest schema first."""
    engine = open_database()
    with Session(engine) as session, session.begin():
        build_party_city(session)
    engine.dispose()


def scalar(url: str, sql: str):
    engine = create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(text(sql)).scalar()
    engine.dispose()
    return value


def table(tmp_path, name, rows):
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def test_compounds_created_then_refused(cli_database, tmp_path):
    party_city(cli_database)
    good = collection({"type": "Feature", "properties": {"编码": "PA5", "名称": "甲五小区"},
                       "geometry": mapping(box(116.425, 39.905, 116.435, 39.915))})
    result = wangge("import", "compounds", str(write(tmp_path, "c.geojson", good)))
    assert result.exit_code == 0, result.output
    assert "compounds: 1 created, 0 updated, 1 buildings linked" in result.output
    bad = collection({"type": "Feature", "properties": {"编码": "PA6", "名称": "压甲一"},
                      "geometry": mapping(box(116.402, 39.932, 116.405, 39.935))})
    result = wangge("import", "compounds", str(write(tmp_path, "bad.geojson", bad)))
    assert result.exit_code == 2 and "nothing was written" in result.output
    assert "feature #1 (code PA6) and stored compound PA1 overlap" in result.output
    assert "Traceback" not in result.output
    assert scalar(cli_database, "SELECT count(*) FROM compounds") == 7


def test_party_orgs_and_members(cli_database, tmp_path):
    party_city(cli_database)
    orgs = table(tmp_path, "orgs.csv", [["组织编码", "组织名称", "层级", "上级组织编码", "所在区域代码", "覆盖小区"],
                                        ["BA4", "甲四小区党支部", "小区党支部", "CA", COMM_A, "PA4"]])
    assert "1 created" in wangge("import", "party-orgs", str(orgs), "--dry-run").output
    result = wangge("import", "party-orgs", str(orgs))
    assert result.exit_code == 0 and "1 created, 0 updated" in result.output, result.output
    assert "0 created, 1 updated" in wangge("import", "party-orgs", str(orgs)).output
    members = table(tmp_path, "members.csv", [["姓名", "手机号", "党员身份", "党员类型", "所属组织编码", "职务"],
                                              ["新书记", "13700000001", "正式党员", "居民党员", "BA4", "书记"]])
    result = wangge("import", "party-members", str(members))
    assert result.exit_code == 0 and "1 created, 0 updated, 1 posts" in result.output, result.output
    assert scalar(cli_database, "SELECT count(*) FROM audit_log WHERE action = 'import_party_members'") == 1


def test_bad_rows_exit_2_naming_each_row(cli_database, tmp_path):
    party_city(cli_database)
    orgs = table(tmp_path, "orgs.csv", [["组织编码", "组织名称", "层级", "上级组织编码", "所在区域代码"],
                                        ["X1", "甲", "居委会", "CA", COMM_A], ["X2", "乙", "小区党支部", "NOPE", COMM_A]])
    result = wangge("import", "party-orgs", str(orgs))
    assert result.exit_code == 2 and "row 2" in result.output and "row 3" in result.output, result.output
    members = table(tmp_path, "members.csv", [["姓名", "手机号", "党员身份", "党员类型", "所属组织编码"],
                                              ["甲", "123", "正式党员", "居民党员", "BA3"]])
    result = wangge("import", "party-members", str(members))
    assert result.exit_code == 2 and "row 2" in result.output and "Traceback" not in result.output
    assert scalar(cli_database, "SELECT count(*) FROM party_orgs WHERE code LIKE 'X%'") == 0


def test_help_is_chinese_first():
    for command in ("compounds", "party-orgs", "party-members"):
        result = wangge("import", command, "--help")
        assert result.exit_code == 0 and ("导入" in result.output), result.output
