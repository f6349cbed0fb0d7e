"""`wangge calendar import` and `show` against a real database, and the round's warning when a year is missing."""

import json

from tests.cli.test_cli import wangge
from tests.geo.cases.test_official_calendar import NOTICE_2027, write


def test_import_then_show(cli_database, tmp_path):
    result = wangge("calendar", "import", str(write(tmp_path, NOTICE_2027)))
    assert result.exit_code == 0, result.output
    assert "2027" in result.output and "6" in result.output
    shown = json.loads(wangge("calendar", "show", "2027", "--json").output)
    assert {"date": "2027-02-06", "kind": "workday", "name": "春节", "source": "notice"} in shown
    assert len(shown) == 6


def test_a_bad_notice_is_a_message_and_exit_2_not_a_traceback(cli_database, tmp_path):
    result = wangge("calendar", "import", str(write(tmp_path, "date,kind,name\n2027-13-01,holiday,x\n")))
    assert result.exit_code == 2
    assert "row 2" in result.output and "Traceback" not in result.output
    missing = wangge("calendar", "import", str(tmp_path / "none.csv"))
    assert missing.exit_code == 2 and "none.csv" in missing.output


def test_the_package_year_and_an_empty_year_are_shown(cli_database):
    shown = wangge("calendar", "show", "2026").output
    assert "2026-10-10  make-up workday" in shown and "(package)" in shown
    empty = wangge("calendar", "show", "2031")
    assert empty.exit_code == 0 and "no official calendar for 2031" in empty.output


def test_the_round_warns_when_the_next_60_days_have_no_calendar(cli_database):
    result = wangge("cases", "tick", "--now", "2026-12-01T10:00:00+08:00")
    assert result.exit_code == 0, result.output
    assert "2027-01-01" in result.output and "calendar import" in result.output
