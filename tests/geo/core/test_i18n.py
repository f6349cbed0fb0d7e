"""Messages: every template in the code has a Chinese translation with the same fields; Chinese is the default."""

import ast
import string

import pytest
from typer.testing import CliRunner

from cli.main import app as cli
from geo.core.i18n import ZH, msg, pick_lang, render
from geo.core.settings import PROJECT_ROOT, get_settings

MESSAGE_CALLS = {"msg", "t", "fail"}


def templates_in_code():
    for package in ("geo", "api", "cli"):
        for path in (PROJECT_ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if (isinstance(node, ast.Call) and getattr(node.func, "id", None) in MESSAGE_CALLS and node.args
                        and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                    yield path.relative_to(PROJECT_ROOT), node.args[0].value


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_message_has_chinese_with_the_same_fields():
    found = list(templates_in_code())
    assert len(found) > 60
    missing = [f"{path}: {template!r}" for path, template in found if template not in ZH]
    assert missing == []
    for _, template in found:
        assert fields(ZH[template]) == fields(template), template


def test_nested_messages_and_terms_render_in_the_same_language():
    from geo.core.models import Level
    where = msg("feature #{number} (code {code})", number=3, code="110105001001")
    problem = msg("{where}: parent {level} {parent} does not exist; import it first", where=where,
                  level=Level.street, parent="110105001000")
    assert problem == "feature #3 (code 110105001001): parent street 110105001000 does not exist; import it first"
    assert render(problem, "zh") == "第 3 个要素（编码 110105001001）：上级街道 110105001000 不存在，请先导入"
    assert render("plain", "zh") == "plain"


@pytest.mark.parametrize("query,header,expected", [
    (None, None, "zh"), ("en", None, "en"), ("zh", "en-US", "zh"), (None, "en-GB,en;q=0.9", "en"),
    (None, "zh-CN,zh;q=0.9,en;q=0.8", "zh"), (None, "fr-FR", "zh"), ("xx", None, "zh"),
])
def test_pick_lang(query, header, expected):
    assert pick_lang(query, header) == expected


@pytest.fixture
def chinese(monkeypatch):
    monkeypatch.delenv("WANGGE_LANG")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_api_speaks_chinese_by_default(client, chinese):
    r = client.get("/api/v1/auth/me")
    assert r.json()["detail"].startswith("未认证")
    assert client.get("/api/v1/auth/me", params={"lang": "en"}).json()["detail"].startswith("not authenticated")
    assert client.get("/api/v1/auth/me", headers={"Accept-Language": "en-US"}).json()["detail"].startswith("not auth")


def test_api_validation_errors_in_chinese(client, city, login, chinese):
    r = client.get("/api/v1/locate", params={"lon": 116.4, "lat": 95}, headers=login())
    assert r.status_code == 422 and "纬度须在 ±90 之内" in r.json()["detail"]
    r = client.get("/api/v1/locate", params={"lon": "x", "lat": 39.9}, headers=login())
    assert r.json()["detail"].startswith("请求无效")


def test_cli_speaks_chinese_by_default(cli_database, chinese, tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "110105"}, '
                   '"geometry": {"type": "Polygon", "coordinates": [[[116.4, 39.9], [116.5, 39.9], [116.5, 39.96]]]}}]}')
    result = CliRunner().invoke(cli, ["import", "boundaries", str(bad), "--level", "district"])
    assert result.exit_code == 2
    assert "未写入任何数据" in result.output and "第 1 个要素（编码 110105）：缺少名称" in result.output
    assert "环未闭合" in result.output


def test_every_kind_of_refused_field_is_named_in_chinese(client, city, login, chinese):
    r = client.get("/api/v1/locate", params={"lon": "x", "lat": 39.9}, headers=login())
    assert r.json()["problems"] == ["lon：须为数字"]
    r = client.get("/api/v1/locate", headers=login())
    assert sorted(r.json()["problems"]) == ["lat：必填", "lon：必填"]
    r = client.post("/api/v1/cases", json={"category": "env_garbage", "lon": 116.41, "lat": 39.95, "urgency": "soon"},
                    headers=login())
    assert r.status_code == 422 and "须为以下之一" in r.json()["detail"] and "Input should" not in r.json()["detail"]


def test_the_validation_words_exist_in_english_too(client, city, login):
    r = client.get("/api/v1/locate", params={"lon": "x", "lat": 39.9}, headers=login())
    assert r.json()["problems"] == ["lon: must be a number"]


def test_a_refused_step_names_status_and_actions_in_chinese(client, city, login, chinese):
    headers = login()
    case = client.post("/api/v1/cases", json={"category": "env_garbage", "lon": 116.41, "lat": 39.95}, headers=headers).json()
    r = client.post(f"/api/v1/cases/{case['id']}/transitions", json={"action": "close", "version": case["version"]},
                    headers=headers)
    assert r.status_code == 409
    detail = r.json()["detail"]
    assert detail == "案件处于“已立案”状态，不能执行“结案”；当前可执行：派遣、挂账、合并"
