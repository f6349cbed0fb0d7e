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


def test_user_add_needs_password_stdin(cli_database):
    result = wangge("user", "add", "x", "--role", "admin")
    assert result.exit_code == 2 and "--password-stdin" in result.output


def test_seed_demo_is_idempotent(cli_database):
    first = wangge("seed", "demo", "--json", "--district", "511802")
    assert first.exit_code == 0, first.output
    summary = json.loads(first.output)
    assert summary["counts"]["communities"] == 12 and summary["counts"]["households"] == 20_864
    assert [login[0] for login in summary["logins"]] == ["admin", "command", "street", "community", "gridworker", "planner"]
    again = json.loads(wangge("seed", "demo", "--json", "--district", "511802").output)
    assert again["counts"] == summary["counts"]
    assert wangge("db", "status").exit_code == 0
    assert wangge("seed", "demo", "--scale", "galaxy").exit_code == 2


def test_help_is_helpful():
    result = wangge("import", "boundaries", "--help")
    assert result.exit_code == 0 and "--crs" in result.output and "gcj02" in result.output
