"""League tables: KPIs per area with trends and workload, and their CSV/XLSX exports."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from geo.access.actor import SYSTEM
from geo.analytics.export import table_bytes
from geo.analytics.league import league, workers
from geo.analytics.window import window
from geo.cases.holds import derive_missing
from geo.core.errors import InvalidInput
from geo.core.time import CHINA
from tests.city import A1, A2, B1, COMM_A, staff_the_city

END = datetime(2026, 11, 20, tzinfo=CHINA)
WIN = window(END - timedelta(days=30), END)


def add(session, grid, reported, *, status="closed", late=False, assignee=None):
    closed = reported + timedelta(days=2) if status == "closed" else None
    due = reported + timedelta(days=1 if late else 5)
    session.execute(text("INSERT INTO cases (category, status, geom, grid_code, reported_at, dispatched_at, closed_at, "
                         "due_at, assignee_id) VALUES ('env_garbage', :s, ST_SetSRID(ST_MakePoint(116.41, 39.95), 4326), "
                         ":g, :r, :r, :c, :d, :a)"),
                    {"s": status, "g": grid, "r": reported, "c": closed, "d": due, "a": assignee})


@pytest.fixture
def history(session, city):
    ids = staff_the_city(session)
    day = END - timedelta(days=10)
    for _ in range(4):
        add(session, A1, day, assignee=ids["w1"])                 # A1: four on time…
    add(session, A1, day, status="handling", assignee=ids["w1"])  # …and one still open
    add(session, A2, day, late=True)                              # A2: one late
    add(session, A2, day - timedelta(days=30))                    # A2 the month before: one on time
    derive_missing(session)  # the handlers' turns, as a bulk load gives them
    return ids


def test_league_ranks_by_on_time_with_trend_and_workload(session, history):
    table = league(session, SYSTEM, "grid", WIN)
    rows = {r["code"]: r for r in table["rows"]}
    assert table["rows"][0]["code"] == A1 and table["rows"][0]["rank"] == 1
    a1, a2, b1 = rows[A1], rows[A2], rows[B1]
    assert (a1["cases"], a1["on_time_rate"], a1["resolution_rate"]) == (5, 1.0, 0.8)
    assert (a2["cases"], a2["on_time_rate"], a2["on_time_rate_change"], a2["cases_change"]) == (1, 0.0, -1.0, 0)
    assert b1["cases"] == 0 and b1["on_time_rate"] is None and b1["rank"] > a2["rank"]  # no cases: ranked last
    assert (a1["workers"], a1["open_now"], a1["cases_per_worker"]) == (3, 1, round(5 / 3, 2))  # w1, w2, leader
    communities = league(session, SYSTEM, "community", WIN, sort="cases")["rows"]
    assert communities[0]["code"] == COMM_A and communities[0]["cases"] == 6


def test_workers_and_their_load(session, history):
    rows = {r["name"]: r for r in workers(session, SYSTEM, WIN)["rows"]}
    assert (rows["w1"]["open_now"], rows["w1"]["assigned"], rows["w1"]["closed"], rows["w1"]["on_time_rate"]) == \
        (1, 5, 4, 1.0)
    assert rows["w2"]["open_now"] == 0 and rows["w2"]["on_time_rate"] is None


def test_exports_in_chinese_open_in_excel(session, history):
    rows = league(session, SYSTEM, "grid", WIN)["rows"]
    content = table_bytes(rows, "csv")
    assert content.startswith("\ufeff".encode())
    parsed = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert parsed[0][:3] == ["排名", "编码", "名称"] and len(parsed) == len(rows) + 1
    book = load_workbook(io.BytesIO(table_bytes(rows, "xlsx", "en")))
    sheet = book.active
    assert sheet["B1"].value == "Code" and sheet.max_row == len(rows) + 1 and sheet["B2"].value == rows[0]["code"]


def test_bad_level_sort_and_format(session, city):
    with pytest.raises(InvalidInput):
        league(session, SYSTEM, "building", WIN)
    with pytest.raises(InvalidInput):
        league(session, SYSTEM, "grid", WIN, sort="luck")
    with pytest.raises(InvalidInput):
        table_bytes([], "pdf")


def test_weekly_and_monthly_series_with_empty_periods(session, history):
    from geo.access.actor import Actor
    from geo.access.scope import scope_for
    from geo.analytics.series import series
    from geo.core.errors import Forbidden
    from geo.core.models import Role

    found = series(session, SYSTEM, window(END - timedelta(days=70), END), "month")
    assert [p["period"] for p in found["periods"]] == ["2026-09-01", "2026-10-01", "2026-11-01"]
    assert [p["cases"] for p in found["periods"]] == [0, 1, 6]
    weeks = series(session, SYSTEM, WIN, "week", area=A2)["periods"]
    assert len(weeks) == 5 and sum(p["cases"] for p in weeks) == 1 and weeks[0]["period"] == "2026-10-19"
    worker = Actor("w", Role.grid_worker, scope_for(session, "grid_worker", A1))
    with pytest.raises(Forbidden):
        series(session, worker, WIN, area=A2)
    with pytest.raises(InvalidInput):
        series(session, SYSTEM, WIN, "hour")
