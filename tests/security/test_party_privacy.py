"""Who is a party member is personal data: every role sees what it may, in its scope only, every read audited."""

import csv
import io

import openpyxl
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from geo.access.accounts import create_user
from tests.city import A1, COMM_A, COMM_B, DISTRICT, PASSWORD, STREET
from tests.party_city import build_party_city

# Every role, scoped to where community A's data lies (or above it).
ROLES = {"admin": None, "command_center": DISTRICT, "street_staff": STREET, "community_staff": COMM_A,
         "grid_worker": A1, "planner": DISTRICT, "department": DISTRICT, "party_staff": COMM_A}
SEES_NAMES = {"admin", "party_staff"}
MAY_RECORD_MEETINGS = {"admin", "party_staff", "community_staff"}


@pytest.fixture
def party(session):
    ids = build_party_city(session)
    for role, scope in ROLES.items():
        create_user(session, username=f"p-{role}", password=PASSWORD, role=role, scope_code=scope,
                    department="城管" if role == "department" else None)
    create_user(session, username="p-party-b", password=PASSWORD, role="party_staff", scope_code=COMM_B)
    return ids


def headers(client, name: str) -> dict:
    r = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def member_reads(session) -> list[tuple[str, str]]:
    return [tuple(r) for r in session.execute(text(
        "SELECT actor, object FROM audit_log WHERE action = 'read_party_members' ORDER BY id"))]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_what_it_may(client, session, party, role):
    h = headers(client, f"p-{role}")
    names = role in SEES_NAMES
    members = client.get("/api/v1/party/members", headers=h)
    assert members.status_code == (200 if names else 403), role
    one = client.get(f"/api/v1/party/members/{party['m1']}", headers=h)
    assert one.status_code == (200 if names else 403), role
    if names:
        assert "党员甲" in members.text and "13900000000" not in members.text and "139****0000" in one.text
    else:
        assert "党员" not in members.text + one.text
    org = client.get(f"/api/v1/party/orgs/{party['BA12']}", headers=h)
    assert org.status_code == 200, (role, org.text)
    assert ("holders" in org.json()["posts"]) is names and ("党员甲" in org.text) is names
    compound = client.get("/api/v1/compounds/PA1", headers=h)
    assert compound.status_code == 200 and ("党员甲" in compound.text) is names
    assert compound.json()["properties"]["branches"][0]["has_secretary"] is True
    activities = client.get("/api/v1/party/activities", headers=h)
    assert activities.status_code == 200 and activities.json()["total"] >= 1
    assert all(("member_ids" in a) is names for a in activities.json()["items"])
    meeting = {"kind": "daily", "held_on": "2026-11-20", "attendees": "三方", "outcome": "议定"}
    r = client.post("/api/v1/compounds/PA1/meetings", json=meeting, headers=h)
    assert r.status_code == (201 if role in MAY_RECORD_MEETINGS else 403), role
    activity = {"org_id": party["BA12"], "kind": "visit", "held_on": "2026-11-20", "place": "b1", "participants": 1,
                "summary": "走访"}
    assert client.post("/api/v1/party/activities", json=activity, headers=h).status_code == (201 if names else 403)
    reads = member_reads(session)
    assert bool(reads) is names and all(actor == f"p-{role}" for actor, _ in reads)


def test_party_staff_of_b_cannot_reach_a(client, session, party):
    h = headers(client, "p-party-b")
    for url in (f"/api/v1/party/members/{party['m1']}", f"/api/v1/party/members/{party['m5']}",
                f"/api/v1/party/orgs/{party['CA']}", f"/api/v1/party/orgs/{party['BA12']}", "/api/v1/compounds/PA1"):
        assert client.get(url, headers=h).status_code == 404, url
    a_activity = session.execute(text("SELECT id FROM party_activities WHERE org_id = :o"), {"o": party["BA12"]}
                                 ).scalar()
    assert client.get(f"/api/v1/party/activities/{a_activity}", headers=h).status_code == 404
    assert client.get("/api/v1/party/activities", params={"org": party["BA12"]}, headers=h).status_code == 404
    listed = client.get("/api/v1/party/members", headers=h).json()
    # B's members: m4 of BB1, and m3, who belongs to U1 of A but lives in b6 of B1
    assert [m["name"] for m in listed["items"]] == ["党员丙", "党员丁"]
    report = {"community": COMM_A, "reported_on": "2026-11-02", "pledge": "承诺"}
    assert client.post(f"/api/v1/party/members/{party['m2']}/report-in", json=report, headers=h).status_code == 404
    own_member_to_a = client.post(f"/api/v1/party/members/{party['m3']}/report-in", json=report, headers=h)
    assert own_member_to_a.status_code == 403
    activity = {"org_id": party["BA12"], "kind": "visit", "held_on": "2026-11-20", "place": "b1", "participants": 1,
                "summary": "走访"}
    assert client.post("/api/v1/party/activities", json=activity, headers=h).status_code == 404
    naming_a = client.post("/api/v1/party/activities", json=activity | {"org_id": party["BB1"],
                                                                         "member_ids": [party["m1"]]}, headers=h)
    assert naming_a.status_code == 422 and str(party["m1"]) in naming_a.json()["detail"]
    form = client.post(f"/api/v1/party/activities/{a_activity}/forms", data={"form": "record"},
                       files={"file": ("a.pdf", b"%PDF-1.4", "application/pdf")}, headers=h)
    assert form.status_code == 404
    # the only audited read is the list, and it names B's members alone
    reads = member_reads(session)
    assert reads == [("p-party-b", f"party_members:{party['m3']},{party['m4']}")]


def test_each_member_read_is_audited_and_refused_reads_are_not(client, session, party):
    h = headers(client, "p-party_staff")
    client.get(f"/api/v1/party/members/{party['m2']}", headers=h)
    client.get(f"/api/v1/party/members/{party['m4']}", headers=h)  # B's member: 404, nothing recorded
    client.get("/api/v1/party/members", params={"kind": "mobile"}, headers=h)
    detail = session.execute(text("SELECT detail FROM audit_log WHERE action = 'read_party_members' ORDER BY id")
                             ).scalars().all()
    assert [d["ids"] for d in detail] == [[party["m2"]], [party["m5"]]]
    assert detail[1]["filters"] == {"kind": "mobile"}


def test_script_comes_back_as_plain_text(client, party):
    h = headers(client, "p-party_staff")
    script = "<script>alert('x')</script>"
    r = client.post("/api/v1/party/activities", headers=h, json={
        "org_id": party["BA12"], "kind": "visit", "held_on": "2026-11-20", "place": script, "participants": 0,
        "summary": script})
    assert r.headers["content-type"].startswith("application/json") and r.json()["summary"] == script


def test_the_export_masks_phones_neutralises_formulas_and_is_audited(cli_database, tmp_path):
    from sqlalchemy.orm import Session

    from cli.common import open_database
    from cli.main import app
    from geo.core import db

    with Session(open_database()) as session:  # migrated, like the command line's own
        ids = build_party_city(session)
        session.execute(text("UPDATE party_members SET name = '=cmd|'' /C calc''!A0' WHERE id = :id"),
                        {"id": ids["m1"]})
        session.commit()
    runner = CliRunner()
    out = tmp_path / "党员.csv"
    result = runner.invoke(app, ["export", "party-members", str(out), "--scope", COMM_B])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["党员丙", "党员丁"] and rows[1][1] == "139****0000"
    sheet = tmp_path / "党员.xlsx"
    assert runner.invoke(app, ["export", "party-members", str(sheet)]).exit_code == 0
    cells = [c.value for c in openpyxl.load_workbook(sheet).active["A"]]
    assert "=cmd|' /C calc'!A0" in cells
    book = openpyxl.load_workbook(sheet).active
    assert all(c.data_type == "s" for c in book["A"]) and "13900000000" not in sheet.read_bytes().decode("latin-1")
    text_out = out.read_text(encoding="utf-8-sig")
    assert "13900000000" not in text_out
    csv_all = tmp_path / "all.csv"
    assert runner.invoke(app, ["export", "party-members", str(csv_all)]).exit_code == 0
    assert "'=cmd|" in csv_all.read_text(encoding="utf-8-sig")
    with Session(db.get_engine()) as session:
        exports = session.execute(text("SELECT detail FROM audit_log WHERE action = 'export_party_members' ORDER BY id")
                                  ).scalars().all()
    assert [e["rows"] for e in exports] == [2, 5, 5]
