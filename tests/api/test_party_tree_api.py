"""GET /party/orgs (the organisation tree) and GET /party/compounds (the 党建 layer) on tests/party_city.py."""

from datetime import date

from geo.access.scope import Scope
from geo.core.models import Level, Role
from geo.party.tree import org_tree
from tests.city import A1, COMM_A
from tests.party_city import PERIOD, build_party_city

NAMES = ("党员甲", "党员乙", "党员丙", "党员丁", "党员戊")  # members: never in these answers


def nodes(roots):
    """Every node of a tree by its name."""
    found = {}
    for n in roots:
        found[n["name"]] = n
        found.update(nodes(n["children"]))
    return found


def test_the_whole_tree_for_an_admin(session):
    build_party_city(session)
    [street] = org_tree(session, Scope(Role.admin), PERIOD[1])
    found = nodes([street])
    assert street["name"] == "测试街道党工委" and [c["code"] for c in street["children"]] == ["CA", "CB"]
    assert [c["code"] for c in found["甲社区党委"]["children"]] == ["BA12", "BA3", "U1"]
    assert [c["code"] for c in found["甲一甲二联合党支部"]["children"]] == ["G1"]
    # members and compounds count the organisation and those under it
    assert {n["code"]: (n["members"], n["compounds"]) for n in found.values()} == {
        "S": (5, 4), "CA": (4, 3), "CB": (1, 1), "BA12": (1, 2), "BA3": (1, 1), "U1": (2, 0), "G1": (0, 0),
        "BB1": (1, 1)}
    # worked: it or those under it held an activity in the last 90 days (BA12 on 10-10, BB1 on 11-01)
    assert {n["code"]: n["worked"] for n in found.values()} == {
        "S": True, "CA": True, "CB": True, "BA12": True, "BA3": False, "U1": False, "G1": False, "BB1": True}
    assert found["测试街道党工委"]["last_activity"] == "2026-11-01"
    assert found["甲三小区党支部"]["last_activity"] == "2026-05-01"
    assert found["甲一甲二联合党支部"]["has_secretary"] and not found["甲三小区党支部"]["has_secretary"]


def test_each_node_flies_to_its_anchor(session):
    build_party_city(session)
    found = nodes(org_tree(session, Scope(Role.admin), PERIOD[1]))
    assert found["甲一甲二联合党支部"]["bbox"] == [116.401, 39.931, 116.419, 39.959]  # PA1 ∪ PA2
    minx, miny, maxx, maxy = found["甲一1号楼党小组"]["bbox"]  # building b1 and ~30 m around it
    assert minx < 116.402 < maxx and miny < 39.932 < maxy and 0.0005 < maxx - minx < 0.001
    a = found["甲社区党委"]["bbox"]
    assert a[0] <= 116.401 and a[2] >= 116.439  # community A's area holds its compounds


def test_a_community_sees_its_tree_under_a_bare_street(client, session, login):
    build_party_city(session)
    r = client.get("/api/v1/party/orgs", params={"lang": "zh"}, headers=login("community_staff", COMM_A))
    assert r.status_code == 200, r.text
    [street] = r.json()["roots"]
    assert street == {"id": street["id"], "code": None, "name": "测试街道党工委", "level": "street_committee",
                      "level_label": "街道党工委", "in_scope": False, "members": None, "compounds": None,
                      "has_secretary": None, "worked": None, "last_activity": None, "bbox": None,
                      "children": street["children"]}
    assert [c["code"] for c in street["children"]] == ["CA"]  # not community B's
    found = nodes(r.json()["roots"])
    assert found["甲一甲二联合党支部"]["level_label"] == "小区(院落)党支部"
    assert found["科技公司党支部"]["level_label"] == "驻区单位/两新组织党组织"
    assert not any(name in r.text for name in NAMES)


def test_one_subtree_and_one_out_of_reach(client, session, login):
    ids = build_party_city(session)
    headers = login("community_staff", COMM_A)
    r = client.get("/api/v1/party/orgs", params={"root": ids["BA12"]}, headers=headers)
    assert [n["code"] for n in r.json()["roots"]] == ["BA12"] and r.json()["roots"][0]["children"][0]["code"] == "G1"
    r = client.get("/api/v1/party/orgs", params={"root": ids["BB1"], "lang": "zh"}, headers=headers)
    assert r.status_code == 404 and "党组织" in r.json()["detail"]
    r = client.get("/api/v1/party/orgs", params={"root": ids["BB1"], "lang": "en"}, headers=login("admin"))
    assert r.json()["roots"][0]["level_label"] == "compound party branch"


def test_the_compounds_of_the_party_layer(client, session, login):
    build_party_city(session)
    r = client.get("/api/v1/party/compounds", params={"from": "2026-09-01", "to": "2026-11-29"},
                   headers=login("grid_worker", A1))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    assert [f["properties"]["code"] for f in r.json()["features"]] == ["PA1", "PA2"]
    r = client.get("/api/v1/party/compounds", params={"from": "2026-09-01", "to": "2026-11-29"}, headers=login())
    body = r.json()
    props = {f["properties"]["code"]: f["properties"] for f in body["features"]}
    assert {c: (p["org_covered"], p["work_covered"], p["gap"]) for c, p in props.items()} == {
        "PA1": (True, True, False), "PA2": (True, True, False), "PA3": (True, False, True),
        "PA4": (False, False, True), "PB1": (True, True, False), "PB2": (False, False, True)}
    assert props["PA2"]["branches"] == ["甲一甲二联合党支部"] and props["PA4"]["branches"] == []
    assert props["PA3"]["last_activity"] == "2026-05-01" and props["PA3"]["activities"] == 0  # idle since May
    assert props["PA1"]["last_activity"] == "2026-10-10" and body["period"] == {"from": "2026-09-01",
                                                                                 "to": "2026-11-29"}
    assert body["features"][0]["geometry"]["type"] == "MultiPolygon"
    assert not any(name in r.text for name in NAMES)
    r = client.get("/api/v1/party/compounds", params={"grid": A1}, headers=login())
    assert [f["properties"]["code"] for f in r.json()["features"]] == ["PA1", "PA2"]


def test_a_period_backwards_is_refused_by_name(client, session, login):
    build_party_city(session)
    r = client.get("/api/v1/party/compounds", params={"from": "2026-11-29", "to": "2026-09-01", "lang": "zh"},
                   headers=login())
    assert r.status_code == 422 and "2026-11-29" in r.json()["detail"] and "晚于" in r.json()["detail"]
    r = client.get("/api/v1/party/compounds", params={"from": "yesterday"}, headers=login())
    assert r.status_code == 422


def test_a_scope_is_level_aware(session):
    """A grid-scoped account sees no organisation (organisations sit in communities and streets)."""
    build_party_city(session)
    assert org_tree(session, Scope(Role.grid_worker, A1, Level.grid), date(2026, 11, 29)) == []
