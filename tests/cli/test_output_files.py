"""Every command that writes a file checks it first: a missing folder or an unoffered type is a message and exit 2,
never a traceback, and no folder is made behind the user's back."""

import pytest

from tests.cli.test_cli import wangge


@pytest.mark.parametrize("args", [
    ("export", "league"), ("export", "workers"), ("export", "residents"), ("export", "staff"),
])
def test_a_missing_folder_is_named(cli_database, tmp_path, args):
    target = tmp_path / "missing" / "out.xlsx"
    result = wangge(*args, str(target))
    assert result.exit_code == 2 and "missing" in result.output and "Traceback" not in result.output
    assert not target.parent.exists()


@pytest.mark.parametrize("args,name", [
    (("export", "cases"), "cases.txt"), (("export", "league"), "league.pdf"), (("plan", "export", "1"), "plan.shp"),
])
def test_an_unoffered_type_is_named(cli_database, tmp_path, args, name):
    result = wangge(*args, str(tmp_path / name))
    said = " ".join(result.output.split())  # rich wraps long lines
    assert result.exit_code == 2 and name in said and "write one of" in said
