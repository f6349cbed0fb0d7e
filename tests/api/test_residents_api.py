"""/api/v1/residents: scope, masking by role, special groups only for those who need them, unmasking audited."""

import pytest
from sqlalchemy import text

from geo.access.crypto import lookup, seal
from tests.city import A1, B1, COMM_A, DISTRICT, STREET

ID_A, ID_B = "110105199001011234", "11010519850202567X"


@pytest.fixture
def people(session, city):
    """张三丰 in A1 (elderly living alone), 欧阳娜娜 in B1; a household each."""
    ids = {}
    for grid, lon, lat, name, id_number, phone, groups in (
            (A1, 116.41, 39.95, "张三丰", ID_A, "13812345678", "{elderly_alone}"),
            (B1, 116.45, 39.95, "欧阳娜娜", ID_B, "13998765432", "{}")):
        b = session.execute(text("INSERT INTO buildings (name, address, geom) VALUES ('1号楼', '幸福路1号', "
                                 "ST_SetSRID(ST_MakePoint(:x, :y), 4326)) RETURNING id"), {"x": lon, "y": lat}).scalar()
        h = session.execute(text("INSERT INTO households (building_id, door) VALUES (:b, '101') RETURNING id"),
                            {"b": b}).scalar()
        ids[grid] = session.execute(text(
            "INSERT INTO residents (household_id, name, id_number_enc, id_number_hmac, phone_enc, birth_date, "
            "special_groups) VALUES (:h, :n, :i, :ih, :p, '1990-01-01', :g) RETURNING id"),
            {"h": h, "n": name, "i": seal(id_number), "ih": lookup(id_number), "p": seal(phone), "g": groups}).scalar()
    return ids


def test_a_grid_worker_sees_their_grid_only(client, login, people):
    worker = login("grid_worker", A1)
    listed = client.get("/api/v1/residents", headers=worker).json()
    assert [r["id"] for r in listed["items"]] == [people[A1]] and listed["total"] == 1
    one = listed["items"][0]
    assert (one["name"], one["id_number"], one["phone"]) == ("张三丰", "110***********1234", "138****5678")
    assert one["special_groups"] == ["elderly_alone"] and one["birth_year"] == 1990
    assert client.get(f"/api/v1/residents/{people[B1]}", headers=worker).status_code == 404
    assert client.get(f"/api/v1/residents/{people[A1]}", headers=worker).status_code == 200


@pytest.mark.parametrize("role, scope, name, groups", [
    ("command_center", DISTRICT, "张**", False),
    ("street_staff", STREET, "张**", False),
    ("community_staff", COMM_A, "张三丰", True),
    ("admin", None, "张三丰", True),
])
def test_masking_follows_the_role(client, login, people, role, scope, name, groups):
    one = client.get(f"/api/v1/residents/{people[A1]}", headers=login(role, scope)).json()
    assert one["name"] == name and one["id_number"] == "110***********1234"
    assert ("special_groups" in one) == groups
    refused = client.get("/api/v1/residents", headers=login(role, scope), params={"special_group": "elderly_alone"})
    assert refused.status_code == (200 if groups else 403)


def test_compound_surnames_keep_both_characters(client, login, people):
    one = client.get(f"/api/v1/residents/{people[B1]}", headers=login("command_center", DISTRICT)).json()
    assert one["name"] == "欧阳**"


def test_unmasking_is_for_permitted_roles_and_recorded(client, login, people, session):
    worker = login("grid_worker", A1)
    whole = client.get(f"/api/v1/residents/{people[A1]}", headers=worker, params={"unmask": True}).json()
    assert (whole["id_number"], whole["phone"]) == (ID_A, "13812345678")
    refused = client.get(f"/api/v1/residents/{people[A1]}", headers=login("command_center", DISTRICT),
                         params={"unmask": True})
    assert refused.status_code == 403 and refused.json()["action"] == "unmask"
    assert client.get("/api/v1/residents", headers=login("planner", DISTRICT)).status_code == 403
    log = client.get("/api/v1/audit", headers=login("admin"), params={"action": "unmask_residents"}).json()
    assert [(e["actor"], e["detail"]["ids"]) for e in log["items"]] == [("grid_worker-110105001001001", [people[A1]])]
    reads = client.get("/api/v1/audit", headers=login("admin"), params={"action": "read_residents"}).json()
    assert reads["total"] == 0  # the refused read wrote nothing: it never ran
    assert client.get("/api/v1/audit", headers=worker).status_code == 403


def test_filters_and_bad_input(client, login, people):
    admin = login("admin")
    assert client.get("/api/v1/residents", headers=admin, params={"community": COMM_A}).json()["total"] == 1
    assert client.get("/api/v1/residents", headers=admin, params={"grid": B1}).json()["total"] == 1
    assert client.get("/api/v1/residents", headers=admin, params={"special_group": "elderly_alone"}).json()["total"] == 1
    assert client.get("/api/v1/residents", headers=admin, params={"special_group": "vip"}).status_code == 422
    assert client.get("/api/v1/residents", headers=admin, params={"limit": 0}).status_code == 422
    assert client.get("/api/v1/residents/abc", headers=admin).status_code == 404  # no such route: ids are numbers
    assert client.get("/api/v1/residents/99999999999999999999", headers=admin).status_code == 404
    assert client.get("/api/v1/audit/verify", headers=admin).json()["intact"] is True
