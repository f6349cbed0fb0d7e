"""三单制 through the API: a resident's need ordered by the branch, claimed by a volunteer on the board, completed
with proof, confirmed and rated by the resident; the points it earns approved into the ledger and spent; the
figures and the monthly notice. Each role reaches only what is theirs."""

import io
import json
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from geo.core.time import china_today
from tests.city import COMM_A, COMM_B
from tests.conftest import savepoint_client, sign_in_resident
from tests.party_city import build_party_city

ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def party(session):
    return build_party_city(session)


@pytest.fixture
def raiser(client, session, party):
    """A resident of b1 (甲一小区), their account linked to their household."""
    headers = sign_in_resident(client, "13811110001")
    session.execute(text("UPDATE resident_accounts SET household_id = :h WHERE phone_hmac IS NOT NULL "
                         "AND user_id = (SELECT max(user_id) FROM resident_accounts)"), {"h": party["b1_households"][0]})
    return headers


@pytest.fixture
def volunteer(client, raiser):
    return sign_in_resident(client, "13811110002")


def raise_need(client, headers, **fields):
    body = {"title": "帮独居的王奶奶每周买一次菜", "kind": "personal", "description": "王奶奶 3 号楼 2 单元，腿脚不便"}
    r = client.post("/api/v1/needs", json=body | fields, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def step(client, headers, need, action, **fields):
    return client.post(f"/api/v1/needs/{need['id']}/transitions",
                       json={"action": action, "version": need["version"], **fields}, headers=headers)


def ordered(client, login, raiser):
    need = raise_need(client, raiser)
    r = step(client, login("party_staff", COMM_A), need, "order", org="BA12",
             due_on=(china_today() + timedelta(days=7)).isoformat(), title="每周帮一位老人买菜")
    assert r.status_code == 200, r.text
    return r.json()


def test_a_need_from_raising_to_rating_earns_approved_points_spent_in_the_shop(client, session, login, raiser,
                                                                               volunteer):
    need = raise_need(client, raiser)
    assert (need["status"], need["source"], need["compound"]["code"], need["community"]["code"]) == \
        ("raised", "resident", "PA1", COMM_A)
    need = ordered(client, login, raiser)
    assert (need["status"], need["organisation"], need["published_title"]) == ("ordered", "甲一甲二联合党支部", "每周帮一位老人买菜")
    assert need["title"] == "帮独居的王奶奶每周买一次菜"  # staff keep the resident's own words

    board = client.get("/api/v1/needs/board", params={"community": COMM_A}, headers=volunteer).json()["items"]
    shown = next(n for n in board if n["id"] == need["id"])
    assert shown["building"] is None and shown["description"] is None and shown["allowed_actions"] == ["claim"]
    assert shown["title"] == "每周帮一位老人买菜" and "王奶奶" not in json.dumps(shown, ensure_ascii=False)
    claimed = step(client, volunteer, shown, "claim")
    assert claimed.status_code == 200 and claimed.json()["claimer"] == {"kind": "volunteer", "name": None, "yours": True}
    assert claimed.json()["building"] == "b1号楼"  # a claimer is told where to go
    stale = step(client, volunteer, shown, "complete", proof="已买菜送到")
    assert stale.status_code == 409
    done = step(client, volunteer, claimed.json(), "complete", proof="周六上午买菜送到老人家中")
    assert done.json()["status"] == "done"

    mine = client.get(f"/api/v1/needs/{need['id']}", headers=raiser).json()
    assert mine["allowed_actions"] == ["confirm", "redo"] and mine["proof"] == "周六上午买菜送到老人家中"
    assert [e["action"] for e in mine["timeline"]] == ["raise", "order", "claim", "complete"]
    confirmed = step(client, raiser, mine, "confirm", rating="satisfied")
    assert confirmed.json()["status"] == "confirmed" and confirmed.json()["rating"] == "satisfied"

    staff = login("community_staff", COMM_A)
    awards = client.get("/api/v1/points/awards", headers=staff).json()
    award = next(a for a in awards if a["need_id"] == need["id"])
    assert (award["points"], award["rule"]) == (10, "need_personal")
    assert client.get("/api/v1/points/me", headers=volunteer).json()["pending"][0]["id"] == award["id"]
    assert client.post(f"/api/v1/points/awards/{award['id']}", json={"approve": True}, headers=staff).status_code == 200
    again = client.post(f"/api/v1/points/awards/{award['id']}", json={"approve": True}, headers=staff)
    assert again.status_code == 409
    me = client.get("/api/v1/points/me", headers=volunteer).json()
    assert me["balance"] == 10 and [(e["kind"], e["points"], e["balance"]) for e in me["entries"]] == [("earn", 10, 10)]

    item = client.post("/api/v1/points/shop", json={"community": me["holder"]["community"], "name": "洗衣液一瓶",
                                                    "cost": 8, "stock": 1}, headers=staff).json()
    spent = client.post("/api/v1/points/redeem", json={"item_id": item["id"]}, headers=volunteer)
    assert spent.status_code == 201 and spent.json()["balance"] == 2
    sold_out = client.post("/api/v1/points/redeem", json={"item_id": item["id"]}, headers=volunteer)
    assert sold_out.status_code == 409
    audited = session.execute(text("SELECT action FROM audit_log WHERE object = :o ORDER BY id"),
                              {"o": f"point_holder:{me['holder']['id']}"}).scalars().all()
    assert audited == ["points_earn", "points_redeem"]


def test_the_ledger_cannot_be_edited(session, client, login, raiser, volunteer, party):
    holder = session.execute(text("INSERT INTO point_holders (member_id, name, community_code) VALUES (:m, '党员甲', "
                                  ":c) RETURNING id"), {"m": party["m1"], "c": COMM_A}).scalar()
    session.execute(text("INSERT INTO point_entries (holder_id, points, kind, balance, by, at) VALUES "
                         "(:h, 5, 'earn', 5, 'test', now())"), {"h": holder})
    with pytest.raises(Exception, match="append-only"), session.begin_nested():
        session.execute(text("UPDATE point_entries SET points = 500 WHERE holder_id = :h"), {"h": holder})


def test_a_short_balance_is_refused_and_takes_no_stock(client, engine, session, login, volunteer, raiser):
    staff = login("community_staff", COMM_A)
    item = client.post("/api/v1/points/shop", json={"community": COMM_A, "name": "雨伞", "cost": 50, "stock": 3},
                       headers=staff).json()
    user = session.execute(text("SELECT max(user_id) FROM resident_accounts")).scalar()
    session.execute(text("INSERT INTO point_holders (user_id, name, community_code) VALUES (:u, 'v', :c)"),
                    {"u": user, "c": COMM_A})
    with savepoint_client(engine, session) as guarded:
        r = guarded.post("/api/v1/points/redeem", json={"item_id": item["id"]}, headers=volunteer | ZH)
    assert r.status_code == 409 and "不足" in r.json()["detail"]
    assert session.execute(text("SELECT stock FROM points_items WHERE id = :i"), {"i": item["id"]}).scalar() == 3


def test_only_the_raiser_confirms_and_nobody_claims_their_own(client, login, raiser, volunteer):
    need = ordered(client, login, raiser)
    assert step(client, raiser, need, "claim").status_code == 403
    need = step(client, volunteer, need, "claim").json()
    need = step(client, volunteer, need, "complete", proof="已完成").json()
    assert step(client, volunteer, need, "confirm", rating="satisfied").status_code == 403
    assert step(client, login("party_staff", COMM_A), need, "confirm", rating="satisfied").status_code == 403


def test_another_community_and_another_resident_see_nothing(client, login, raiser, volunteer):
    need = raise_need(client, raiser)
    assert client.get(f"/api/v1/needs/{need['id']}", headers=login("community_staff", COMM_B)).status_code == 404
    assert client.get(f"/api/v1/needs/{need['id']}", headers=volunteer).status_code == 404  # not yet on the board
    other_b = login("party_staff", COMM_B)
    assert step(client, other_b, need, "order", org="CB", due_on=china_today().isoformat()).status_code == 404
    assert client.get("/api/v1/needs", params={"community": COMM_B}, headers=login("community_staff", COMM_A)
                      ).status_code == 404
    listed = client.get("/api/v1/needs", params={"community": COMM_A, "status": "raised"},
                        headers=login("community_staff", COMM_A)).json()["items"]
    assert [n["id"] for n in listed] == [need["id"]] and listed[0]["description"].startswith("王奶奶")


def test_a_wrong_step_names_the_need_and_what_is_allowed(client, login, raiser):
    need = raise_need(client, raiser)
    r = step(client, login("party_staff", COMM_A) | ZH, need, "complete", proof="x")
    assert r.status_code == 409 and f"需求 {need['id']}" in r.json()["detail"] and "下单" in r.json()["detail"]
    r = step(client, login("party_staff", COMM_A) | ZH, need, "order", org="BA12")
    assert r.status_code == 422 and "完成期限" in r.json()["detail"]
    r = step(client, login("party_staff", COMM_A), need, "order", org="BB1", due_on=china_today().isoformat())
    assert r.status_code == 404 and "BB1" in r.json()["detail"]


def test_staff_record_a_units_claim_and_a_units_need_earns_no_points(client, session, login, raiser):
    need = ordered(client, login, raiser)
    party = login("party_staff", COMM_A)
    need = step(client, party, need, "claim", unit="某物业公司").json()
    assert need["claimer"]["name"] == "某物业公司"
    need = step(client, party, need, "complete", proof="维修完毕").json()
    r = step(client, raiser, need, "confirm", rating="basically_satisfied")
    assert r.status_code == 200, r.text
    assert session.execute(text("SELECT count(*) FROM point_awards WHERE need_id = :n"), {"n": need["id"]}).scalar() == 0


def test_the_figures_and_the_monthly_notice(client, login, raiser, volunteer):
    need = ordered(client, login, raiser)
    step(client, volunteer, need, "claim")
    ordered(client, login, raiser)
    month = china_today().strftime("%Y-%m")
    staff = login("party_staff", COMM_A)
    rows = client.get("/api/v1/needs/figures", params={"month": month, "by": "org"}, headers=staff).json()
    assert [(r["code"], r["ordered"], r["claimed"], r["claim_rate"]) for r in rows] == [("BA12", 2, 1, 0.5)]
    assert rows[0]["median_days_to_claim"] is not None and rows[0]["completion_rate"] == 0.0
    sheet = client.get("/api/v1/needs/monthly.xlsx", params={"month": month}, headers=staff | ZH)
    assert sheet.status_code == 200
    cells = list(load_workbook(io.BytesIO(sheet.content)).active.values)
    assert cells[0][:3] == ("编码", "名称", "下单数") and cells[1][:3] == ("BA12", "甲一甲二联合党支部", 2)
    assert client.get("/api/v1/needs/figures", params={"month": month}, headers=raiser).status_code == 403


def test_honours_show_only_those_who_consented(client, session, login, raiser, volunteer, party):
    for member, consent in (("m1", True), ("m2", False)):
        holder = session.execute(text("INSERT INTO point_holders (member_id, name, community_code, honour_consent, "
                                      "honour_name) VALUES (:m, 'x', :c, :ok, :n) RETURNING id"),
                                 {"m": party[member], "c": COMM_A, "ok": consent,
                                  "n": "热心的甲" if consent else None}).scalar()
        session.execute(text("INSERT INTO point_entries (holder_id, points, kind, balance, by, at) VALUES "
                             "(:h, 30, 'earn', 30, 'test', now())"), {"h": holder})
    honours = client.get("/api/v1/points/honours", params={"community": COMM_A}, headers=volunteer).json()
    assert honours == [{"name": "热心的甲", "points": 30}]
    r = client.put("/api/v1/points/me/honours", json={"consent": True}, headers=volunteer)
    assert r.status_code == 404  # no points yet: no account to be shown by


def test_a_personal_need_is_ordered_only_with_a_title_for_claimers(client, login, raiser):
    need = raise_need(client, raiser)
    r = step(client, login("party_staff", COMM_A) | ZH, need, "order", org="BA12",
             due_on=china_today().isoformat())
    assert r.status_code == 422 and "标题" in r.json()["detail"]
    public = raise_need(client, raiser, kind="public", title="单元门口装一盏灯", description="晚上很黑")
    r = step(client, login("party_staff", COMM_A), public, "order", org="BA12", due_on=china_today().isoformat())
    assert r.status_code == 200 and r.json()["published_title"] == "单元门口装一盏灯"
