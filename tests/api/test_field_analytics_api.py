"""GET /api/v1/analytics/field over HTTP: shape, scope, bad input as 422."""

from tests.city import A1, B1, COMM_A
from tests.geo.analytics.field_data import PERIOD, build_field_work

URL = "/api/v1/analytics/field"
DAYS = {"from": PERIOD[0].isoformat(), "to": PERIOD[1].isoformat()}


def test_rows_per_area_with_numerators(client, login, session):
    build_field_work(session)
    r = client.get(URL, headers=login(), params={**DAYS, "level": "community"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["level"], body["from"], body["to"]) == ("community", "2026-11-01", "2026-11-29")
    a = next(row for row in body["rows"] if row["code"] == COMM_A)
    assert (a["households"], a["households_visited"], a["checkpoints"], a["checkpoints_covered"]) == (18, 5, 3, 2)
    assert {"visit_coverage", "care_on_time", "proactive_share", "patrol_hours_per_worker",
            "checkpoint_coverage"} <= set(a)


def test_a_grid_worker_sees_only_their_grid(client, login, session):
    build_field_work(session)
    rows = client.get(URL, headers=login("grid_worker", A1), params=DAYS).json()["rows"]
    assert [row["code"] for row in rows] == [A1]
    assert client.get(URL, headers=login("grid_worker", A1), params={**DAYS, "area": B1}).status_code == 403
    only = client.get(URL, headers=login(), params={**DAYS, "area": B1}).json()["rows"]
    assert [row["code"] for row in only] == [B1]


def test_bad_input_is_422(client, login, session):
    build_field_work(session)
    assert client.get(URL, headers=login(), params={**DAYS, "level": "hex"}).status_code == 422
    assert client.get(URL, headers=login(), params={"from": "2020-01-01", "to": "2026-11-29"}).status_code == 422
    assert client.get(URL, headers=login(), params={"from": "2026-11-29", "to": "2026-11-01"}).status_code == 422
    assert client.get(URL, headers=login(), params={"from": "yesterday"}).status_code == 422
