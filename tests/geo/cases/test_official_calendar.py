"""The official calendar an operator loads: it overrides chinese-calendar, covers the years the package does not,
and a missing year is warned about ahead of time."""

from datetime import date, datetime

import pytest
from sqlalchemy import text

from geo.cases import official_calendar as cal
from geo.cases.deadlines import add_working_days
from geo.core.errors import ImportRejected, InvalidInput
from geo.core.time import CHINA
from geo.rounds import run_round

# A notice in the State Council's shape for a year the package has no data for (the days are this test's own).
NOTICE_2027 = """date,kind,name
2027-02-06,workday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-12,holiday,春节
"""


def write(tmp_path, content: str, name: str = "notice.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(content.encode(encoding))
    return path


def test_a_year_the_package_lacks_falls_back_to_weekdays_and_is_reported_ahead(session):
    assert 2027 not in cal.package_years()
    assert cal.is_workday(date(2027, 2, 8))  # a Monday: without a notice only weekends are off
    assert cal.coverage_gap(session, date(2026, 12, 1)) == date(2027, 1, 1)
    assert cal.coverage_gap(session, date(2026, 10, 1)) is None  # 60 days ahead still lie in 2026
    assert "2027-01-01" in cal.gap_warning(date(2027, 1, 1))


def test_a_loaded_notice_overrides_and_covers_its_year(session, tmp_path):
    loaded = cal.load_notice(session, cal.read_notice(write(tmp_path, NOTICE_2027)))
    assert loaded == {2027: 6}
    assert not cal.is_workday(date(2027, 2, 8))   # Spring Festival
    assert cal.is_workday(date(2027, 2, 6))       # the Saturday worked in exchange
    assert not cal.is_workday(date(2027, 2, 7))   # an ordinary Sunday of a loaded year
    assert cal.coverage_gap(session, date(2026, 12, 1)) is None
    # Three working days from Thursday 4 February: Friday 5, Saturday 6 (worked), then Monday 15.
    assert add_working_days(datetime(2027, 2, 4, 10, tzinfo=CHINA), 3) == datetime(2027, 2, 15, 17, tzinfo=CHINA)


def test_a_new_notice_replaces_the_year(session, tmp_path):
    cal.load_notice(session, cal.read_notice(write(tmp_path, NOTICE_2027)))
    cal.load_notice(session, cal.read_notice(write(tmp_path, "日期,类型,名称\n2027-02-15,休,春节\n", "fix.csv", "gb18030")))
    assert cal.is_workday(date(2027, 2, 8)) and not cal.is_workday(date(2027, 2, 15))
    assert [(d.day, d.kind, source) for d, source in cal.year_days(session, 2027)] == [
        (date(2027, 2, 15), "holiday", "notice")]


def test_a_notice_also_overrides_a_year_the_package_knows(session, tmp_path):
    assert not cal.is_workday(date(2026, 10, 5))
    cal.load_notice(session, cal.read_notice(write(tmp_path, "date,kind,name\n2026-10-01,holiday,国庆节\n")))
    assert cal.is_workday(date(2026, 10, 5))  # the loaded notice is the whole year's word


def test_the_package_year_is_shown_with_its_make_up_days(session):
    shown = cal.year_days(session, 2026)
    assert (date(2026, 10, 5), "holiday", "package") in [(d.day, d.kind, s) for d, s in shown]
    assert (date(2026, 10, 10), "workday", "package") in [(d.day, d.kind, s) for d, s in shown]
    assert all(d.day.weekday() >= 5 for d, _ in shown if d.kind == "workday")


def test_every_bad_row_is_named_and_nothing_is_loaded(session, tmp_path):
    bad = write(tmp_path, "date,kind,name\n2027-02-30,holiday,x\n2027-02-08,rest,x\n2027-02-09,休,x\n2027-02-09,休,y\n")
    with pytest.raises(ImportRejected) as caught:
        cal.read_notice(bad)
    problems = [str(p) for p in caught.value.problems]
    assert problems == ["row 2: '2027-02-30' is not a day (YYYY-MM-DD)",
                        "row 3: kind 'rest': use holiday or workday (休 or 班)",
                        "row 5: 2027-02-09 is also on row 4"]
    assert session.execute(text("SELECT count(*) FROM calendar_days")).scalar() == 0


@pytest.mark.parametrize("content", ["", "day,type\n2027-01-01,holiday\n", "date,kind,name\n"])
def test_a_file_that_is_not_a_notice_is_refused(tmp_path, content):
    with pytest.raises(InvalidInput):
        cal.read_notice(write(tmp_path, content))


def test_another_transactions_load_is_seen_by_the_next_refresh(engine, session):
    cal.refresh(session)
    assert cal.is_workday(date(2027, 2, 8))
    session.execute(text("INSERT INTO calendar_days (day, kind, name) VALUES ('2027-02-08', 'holiday', '春节')"))
    cal.refresh(session)
    assert not cal.is_workday(date(2027, 2, 8))


def test_the_round_names_the_gap(session):
    done = run_round(session, datetime(2026, 12, 1, 2, tzinfo=CHINA))
    assert done.calendar_gap == date(2027, 1, 1)
