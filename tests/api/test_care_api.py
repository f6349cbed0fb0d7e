"""The care list through the API: named for the people who visit, counts only for the others."""

from tests.city import B1, PASSWORD
from tests.field_city import build_field_city


def token(client, name):
    r = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_care_due_by_role(client, session):
    ids = build_field_city(session)
    named = client.get("/api/v1/care/due", headers=token(client, "comm")).json()
    assert named["masked"] is False and named["counts"] == {"overdue": 4, "due": 0}  # nobody ever cared for in A
    assert {i["resident"]["id"] for i in named["items"]} == {ids[k] for k in ("r_b1_1", "r_b1_2", "r_b3_1", "r_b3_2")}
    assert all(i["last_visit_at"] is None and i["status"] == "overdue" for i in named["items"])
    for who in ("command", "street"):
        counted = client.get("/api/v1/care/due", headers=token(client, who)).json()
        assert counted["masked"] is True and counted["items"] == [] and counted["counts"]["overdue"] >= 4
    visit = client.post("/api/v1/visits", json={"kind": "care", "resident_id": ids["r_b6_1"]},
                        headers=token(client, "wb"))
    assert visit.status_code == 201, visit.text
    b1 = client.get("/api/v1/care/due", params={"grid": B1, "within": 30}, headers=token(client, "wb")).json()
    assert [(i["status"], i["tier"]["days"]) for i in b1["items"]] == [("due", 30)]
    assert client.get("/api/v1/care/due", params={"grid": "110105001001001"},
                      headers=token(client, "wb")).status_code == 403
    assert client.get("/api/v1/care/due", params={"within": 999}, headers=token(client, "wb")).status_code == 422
