"""居务公开, the operator's side: approving a closed case's reply for the public pages, and withdrawing it: who may
(publish_results), on which cases (scope: another street's operator finds nothing), and what is refused."""

import pytest
from sqlalchemy import text

from tests.city import A1, B1, PASSWORD, build_neighbour, staff_the_city

REPLY = {"reply": "已安排保洁清运，现场已清理干净。", "description": "小区门口有暴露垃圾。"}


def closed_case(session, grid=A1, status="closed", lon=116.41, lat=39.95) -> int:
    """A case in `grid` closed yesterday, with a report-back note naming a person (which is never published as is)."""
    case_id = session.execute(text(
        "INSERT INTO cases (category, status, geom, grid_code, handler_level, handler_area, description, "
        "reported_at, dispatched_at, closed_at) VALUES ('env_garbage', :s, ST_SetSRID(ST_MakePoint(:x, :y), 4326), "
        ":g, 'grid', :g, '张三家门口 138 0013 8000 垃圾', now() - interval '3 days', now() - interval '3 days', "
        "CASE WHEN :closed THEN now() - interval '1 day' END) RETURNING id"),
        {"s": status, "closed": status in ("closed", "rated"), "g": grid, "x": lon, "y": lat}).scalar()
    session.execute(text("INSERT INTO case_events (case_id, at, actor, action, from_status, to_status, note) "
                         "VALUES (:id, now() - interval '2 days', 'w1', 'report', 'handling', 'reported', "
                         "'网格员李四已联系张三清运')"), {"id": case_id})
    return case_id


def token(client, username):
    r = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture
def staffed(client, session, city):
    staff_the_city(session)
    build_neighbour(session)
    return {name: token(client, name) for name in ("comm", "street", "command", "w1", "street2", "planner")}


def test_an_operator_publishes_and_withdraws(client, session, staffed):
    case_id = closed_case(session)
    url = f"/api/v1/cases/{case_id}/publication"
    assert client.get(url, headers=staffed["comm"]).json()["reply"] is None
    r = client.post(url, json=REPLY, headers=staffed["comm"])
    assert r.status_code == 200, r.text
    assert r.json()["reply"] == REPLY["reply"] and r.json()["approved_by"] == "comm"
    again = client.post(url, json={"reply": "  已清运。 "}, headers=staffed["street"]).json()
    assert again["reply"] == "已清运。" and again["description"] is None and again["approved_by"] == "street"
    assert client.delete(url, headers=staffed["command"]).status_code == 204
    assert client.get(url, headers=staffed["comm"]).json()["reply"] is None
    assert session.execute(text("SELECT count(*) FROM case_publications")).scalar() == 0
    logged = session.execute(text("SELECT actor, action FROM audit_log WHERE object = :o ORDER BY id"),
                             {"o": f"case:{case_id}"}).all()
    assert [tuple(r) for r in logged] == [("comm", "publish_results"), ("street", "publish_results"),
                                          ("command", "withdraw_results")]


def test_another_streets_operator_finds_nothing(client, session, staffed):
    case_id = closed_case(session)
    url = f"/api/v1/cases/{case_id}/publication"
    for method in ("get", "post", "delete"):
        r = client.request(method, url, json=REPLY if method == "post" else None, headers=staffed["street2"])
        assert r.status_code == 404 and str(case_id) in r.json()["detail"], (method, r.text)
    assert session.execute(text("SELECT count(*) FROM case_publications")).scalar() == 0


def test_community_staff_publish_only_their_community(client, session, staffed):
    other = closed_case(session, grid=B1, lon=116.45)  # community B: `comm` is community A's
    assert client.post(f"/api/v1/cases/{other}/publication", json=REPLY, headers=staffed["comm"]).status_code == 404
    assert client.post(f"/api/v1/cases/{other}/publication", json=REPLY, headers=staffed["street"]).status_code == 200


@pytest.mark.parametrize("who", ["w1", "planner"])
def test_roles_without_the_permission_are_refused(client, session, staffed, who):
    r = client.post(f"/api/v1/cases/{closed_case(session)}/publication", json=REPLY, headers=staffed[who])
    assert r.status_code == 403 and r.json()["action"] == "publish_results"


def test_a_resident_cannot_publish(client, session, staffed, login):
    r = client.post(f"/api/v1/cases/{closed_case(session)}/publication", json=REPLY, headers=login("resident"))
    assert r.status_code == 403


def test_only_a_closed_case_is_published(client, session, staffed):
    case_id = closed_case(session, status="handling")
    r = client.post(f"/api/v1/cases/{case_id}/publication", json=REPLY, headers=staffed["comm"])
    assert r.status_code == 409 and "not closed" in r.json()["detail"]
    rated = closed_case(session, status="rated")
    assert client.post(f"/api/v1/cases/{rated}/publication", json=REPLY, headers=staffed["comm"]).status_code == 200


@pytest.mark.parametrize("body", [{"reply": "   "}, {"reply": ""}, {"reply": "x" * 2001}, {},
                                  {"reply": "好", "description": " "}, {"reply": "好", "extra": 1}])
def test_bad_texts_are_422_naming_the_case_or_field(client, session, staffed, body):
    case_id = closed_case(session)
    r = client.post(f"/api/v1/cases/{case_id}/publication", json=body, headers=staffed["comm"])
    assert r.status_code == 422, r.text
    assert session.execute(text("SELECT count(*) FROM case_publications")).scalar() == 0


def test_an_unknown_case_is_404(client, staffed):
    assert client.post("/api/v1/cases/999999/publication", json=REPLY, headers=staffed["command"]).status_code == 404
