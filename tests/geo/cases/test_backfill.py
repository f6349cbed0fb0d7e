"""Bulk import of historical cases: grids by the boundary in force on each day, months as partitions, all or nothing."""

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import text

from geo.cases.backfill import backfill
from geo.core.errors import ImportRejected
from tests.city import A1, A2, A4

HEADER = ["category", "lon", "lat", "reported_at", "closed_at", "status", "channel", "rating"]
IN_A1, IN_A2, IN_A4 = (116.41, 39.95), (116.43, 39.95), (116.43, 39.91)


@pytest.fixture(autouse=True)
def _no_leftovers(engine):
    """The months loaded apart were committed; the test's rollback leaves them as bare tables, dropped here."""
    yield
    with engine.begin() as conn:
        for (name,) in conn.execute(text("SELECT relname FROM pg_class WHERE relname LIKE 'cases\\_load\\_%' AND relkind = 'r'")).all():
            conn.execute(text(f'DROP TABLE "{name}"'))


def write_csv(folder: Path, rows: list[list]) -> Path:
    path = folder / "cases.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([HEADER, *rows])
    return path


def row(point, reported_at, category="env_garbage", **extra) -> list:
    values = {"closed_at": "", "status": "closed", "channel": "hotline", "rating": ""} | extra
    return [category, *point, reported_at, values["closed_at"], values["status"], values["channel"], values["rating"]]


def imported(session) -> list[tuple]:
    return session.execute(text("SELECT grid_code, reported_at::text, tableoid::regclass::text, status FROM cases "
                                "WHERE reported_at < '2020-01-01' ORDER BY reported_at")).all()


def test_cases_go_to_their_grid_and_month_and_new_months_become_partitions(session, city, tmp_path):
    path = write_csv(tmp_path, [row(IN_A1, "2019-03-01T08:00:00+08:00", rating="satisfied", status="rated"),
                                row(IN_A2, "2019-03-31 23:30:00", closed_at="2019-04-02 10:00:00"),  # Beijing time
                                row(IN_A4, "2019-05-02T01:00:00Z")])
    counter = "SELECT last_value + is_called::int FROM wangge_changes_cases"
    before = session.execute(text(counter)).scalar()
    report = backfill(session, path)
    assert report.cases == 3 and report.new_partitions == ["cases_2019_03", "cases_2019_05"]
    assert session.execute(text(counter)).scalar() > before  # cached analytics see the new cases
    assert imported(session) == [(A1, "2019-03-01 00:00:00+00", "cases_2019_03", "rated"),
                                 (A2, "2019-03-31 15:30:00+00", "cases_2019_03", "closed"),
                                 (A4, "2019-05-02 01:00:00+00", "cases_2019_05", "closed")]
    indexes = session.execute(text("SELECT count(*) FROM pg_indexes WHERE tablename = 'cases_2019_03'")).scalar()
    assert indexes == session.execute(text("SELECT count(*) FROM pg_indexes WHERE tablename = 'cases_other'")).scalar() > 5
    backfill(session, write_csv(tmp_path, [row(IN_A2, "2019-03-15T09:00:00+08:00")]))  # into the partition as it is
    assert len(imported(session)) == 4
    assert session.execute(text("SELECT count(*) FROM pg_class WHERE relname LIKE 'cases\\_load\\_%' AND relkind = 'r'")).scalar() == 0


def test_a_case_goes_to_the_grid_in_force_on_its_day(session, city, tmp_path):
    session.execute(text("UPDATE area_records SET valid_to = '2019-06-01' WHERE code = :c"), {"c": A4})  # A4 retired
    report = backfill(session, write_csv(tmp_path, [row(IN_A4, "2019-05-31T12:00:00+08:00")]))
    assert report.cases == 1 and imported(session)[0][0] == A4
    with pytest.raises(ImportRejected) as caught:
        backfill(session, write_csv(tmp_path, [row(IN_A4, "2019-06-01T12:00:00+08:00")]))
    assert "row 1" in caught.value.problems[0] and "2019-06-01" in caught.value.problems[0]


def test_a_case_on_a_shared_edge_goes_to_the_smaller_grid_as_locate_says(session, city, tmp_path):
    backfill(session, write_csv(tmp_path, [row((116.42, 39.935), "2019-03-01T08:00:00+08:00")]))  # edge of A1 and A2
    assert imported(session)[0][0] == A1


def test_bad_rows_are_all_named_and_nothing_is_written(session, city, tmp_path):
    before = session.execute(text("SELECT count(*) FROM cases")).scalar()
    path = write_csv(tmp_path, [row(IN_A1, "2019-03-01T08:00:00+08:00"),
                                row(IN_A1, "2019-03-01T08:00:00+08:00", category="no_such_thing"),
                                row(("abc", 39.9), "2019-03-01T08:00:00+08:00"),
                                row(IN_A1, "yesterday"),
                                row(IN_A1, "2019-03-01T08:00:00+08:00", status="handling")])
    with pytest.raises(ImportRejected) as caught:
        backfill(session, path)
    problems = caught.value.problems
    assert [p.split(",")[0] for p in problems] == ["row 3", "row 4", "row 2", "row 5"]
    assert any("'no_such_thing'" in p for p in problems) and any("'abc'" in p for p in problems)
    assert session.execute(text("SELECT count(*) FROM cases")).scalar() == before
    assert session.execute(text("SELECT to_regclass('cases_2019_03')")).scalar() is None


def test_parquet_with_typed_times(session, city, tmp_path):
    path = tmp_path / "cases.parquet"
    pq.write_table(pa.table({"category": ["env_garbage"], "lon": [IN_A2[0]], "lat": [IN_A2[1]],
                             "reported_at": pa.array([1_552_000_000_000_000], pa.timestamp("us", tz="UTC"))}), path)
    assert backfill(session, path).cases == 1
    assert imported(session)[0][:2] == (A2, "2019-03-07 23:06:40+00")


def test_missing_columns_are_refused(session, city, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("category,lon\nenv_garbage,116.4\n")
    with pytest.raises(ImportRejected, match="lat, reported_at"):
        backfill(session, path)


@pytest.mark.parametrize("name,content,match", [
    ("absent.csv", None, "no such file"),
    ("cases.txt", "x", "unsupported format"),
    ("broken.parquet", "not parquet at all", "not a readable Parquet file"),
])
def test_unreadable_files_are_refused_by_name(session, city, tmp_path, name, content, match):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(ImportRejected, match=match):
        backfill(session, path)
