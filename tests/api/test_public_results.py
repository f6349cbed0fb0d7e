"""The public results (WANGGE_PUBLIC): off, every public page and request answers 404; on, the community pages show
counts in plain words, the KPI figures, closed cases with their grid and only approved texts, and Open311 requests
de-identified (grid as address, the cell's centre as lat/long)."""

import pytest
from sqlalchemy import text

from geo.core.settings import get_settings
from geo.residents.public import cell_centre
from tests.api.test_publications import REPLY, closed_case, staffed, token  # noqa: F401 (fixture)
from tests.city import A1, COMM_A

ZH = {"Accept-Language": "zh-CN"}
PAGES = ("/public/", f"/public/{COMM_A}", f"/public/{COMM_A}?page=2", "/public/999999999999", "/public/x",
         "/open311/v2/requests.json", "/open311/v2/requests.xml", "/open311/v2/requests/1.json",
         "/open311/v2/requests/1.xml", "/open311/v2/requests.json?status=bogus")


@pytest.fixture
def public_on(monkeypatch):
    monkeypatch.setattr(get_settings(), "public", True)


@pytest.fixture
def published(client, session, staffed):  # noqa: F811
    """A closed case with its reply approved, and a closed one without; both in A1."""
    shown, hidden = closed_case(session), closed_case(session, lon=116.4123456, lat=39.9412345)
    assert client.post(f"/api/v1/cases/{shown}/publication", json=REPLY, headers=staffed["comm"]).status_code == 200
    return {"shown": shown, "hidden": hidden}


@pytest.mark.parametrize("path", PAGES)
def test_off_every_public_page_and_request_is_404(client, published, path):
    assert not get_settings().public
    r = client.get(path)
    assert r.status_code == 404, (path, r.status_code, r.text[:200])


def test_on_the_index_lists_the_communities(client, published, public_on):
    r = client.get("/public/", headers=ZH)
    assert r.status_code == 200 and "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert '<html lang="zh-CN">' in r.text and "甲社区" in r.text and "乙社区" in r.text
    assert f'href="/public/{COMM_A}"' in r.text and "<script" not in r.text


def test_on_a_community_page_shows_counts_figures_and_approved_texts_only(client, published, public_on):
    html = client.get(f"/public/{COMM_A}", headers=ZH).text
    assert "暴露垃圾" in html and "已办结" in html and "甲一网格" in html  # category, stage, grid: plain Chinese
    assert "按期结案率" in html and "满意率" in html
    assert REPLY["reply"] in html and REPLY["description"] in html  # approved
    for private in ("张三", "李四", "138 0013 8000", "网格员李四已联系张三清运", "116.41", "39.95"):
        assert private not in html, private
    for code_word in ("env_garbage", "closed", "rated", "self_report", "handling"):
        assert f">{code_word}<" not in html and f" {code_word} " not in html
    assert html.count('class="case"') == 2  # the unapproved case is there, as category, dates and grid


def test_a_reopened_case_loses_its_reply(client, session, published, public_on):
    session.execute(text("UPDATE cases SET status = 'handling', closed_at = NULL WHERE id = :id"),
                    {"id": published["shown"]})
    html = client.get(f"/public/{COMM_A}", headers=ZH).text
    assert REPLY["reply"] not in html
    one = client.get(f"/open311/v2/requests/{published['shown']}.json").json()[0]
    assert one["status"] == "open" and one["status_notes"] is None


def test_a_community_page_in_english(client, published, public_on):
    html = client.get(f"/public/{COMM_A}?lang=en").text
    assert "Exposed garbage" in html or "garbage" in html.lower()
    assert "On-time closure" in html and "Closed reports" in html


def test_an_unknown_community_is_404(client, published, public_on):
    assert client.get("/public/110105001009").status_code == 404
    assert client.get("/public/1101050010011").status_code == 422  # not a community code at all


def test_open311_requests_are_de_identified(client, session, published, public_on):
    items = client.get("/open311/v2/requests.json", params={"jurisdiction_id": "wangge.example"}).json()
    by_id = {r["service_request_id"]: r for r in items}
    shown, hidden = by_id[str(published["shown"])], by_id[str(published["hidden"])]
    assert set(shown) == {"service_request_id", "status", "service_code", "service_name", "description",
                          "status_notes", "requested_datetime", "updated_datetime", "address", "lat", "long"}
    assert shown["status"] == "closed" and shown["status_notes"] == REPLY["reply"] and shown["address"] == "甲一网格"
    assert hidden["status_notes"] is None and hidden["description"] is None
    assert (hidden["long"], hidden["lat"]) == cell_centre(116.4123456, 39.9412345)
    assert (hidden["long"], hidden["lat"]) != (116.4123456, 39.9412345)
    xml = client.get("/open311/v2/requests.xml").text
    assert "<service_requests>" in xml and REPLY["reply"] in xml and "None" not in xml and "116.4123456" not in xml
    one = client.get(f"/open311/v2/requests/{published['hidden']}.xml").text
    assert "<status>closed</status>" in one and "<status_notes>" not in one


def test_open311_filters(client, session, published, public_on):
    open_case = closed_case(session, status="handling")
    ids = lambda **p: {r["service_request_id"] for r in client.get("/open311/v2/requests.json", params=p).json()}  # noqa: E731
    assert str(open_case) in ids(status="open") and str(published["shown"]) not in ids(status="open")
    assert str(published["shown"]) in ids(status="closed") and str(open_case) not in ids(status="closed")
    assert ids(service_code="env_noise") == set()
    assert ids(start_date="2000-01-01T00:00:00Z", end_date="2000-02-01T00:00:00Z") == set()
    assert len(ids(limit=1)) == 1 and ids(limit=1, page=2) != ids(limit=1)
    assert client.get("/open311/v2/requests.json", params={"status": "bogus"}).status_code == 422


def test_intake_and_unknown_requests_are_404(client, session, published, public_on):
    intake = closed_case(session, status="intake")
    for rid in (intake, 999999, "²", "1" * 30):
        assert client.get(f"/open311/v2/requests/{rid}.json").status_code == 404, rid


def test_staff_with_a_token_still_get_their_own_view(client, session, published, public_on, staffed):  # noqa: F811
    own = client.get("/open311/v2/requests.json", headers=staffed["comm"]).json()
    assert own and "agency_responsible" in own[0]  # the staff's route (api/routers/open311.py), not the public one
    assert client.get("/open311/v2/requests.json", headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_the_cell_is_at_least_100_m_and_holds_the_point():
    from pyproj import Geod
    geod = Geod(ellps="WGS84")
    for lon, lat in ((116.4123456, 39.9412345), (102.18812, 38.51511), (121.0, 30.7), (103.00001, 29.98)):
        clon, clat = cell_centre(lon, lat, 200)
        assert geod.inv(lon, lat, clon, clat)[2] <= 200 * 2 ** 0.5 / 2 + 15  # inside the 200 m square (+rounding)
    assert cell_centre(116.4100, 39.9500, 200) == cell_centre(116.41001, 39.95001, 200)


HOSTILE = '</p><script>alert(1)</script><img src=x onerror=alert(2)>{{7*7}}'


def test_approved_texts_are_text_on_the_page_and_in_xml(client, session, staffed, public_on):  # noqa: F811
    case_id = closed_case(session)
    body = {"reply": HOSTILE, "description": HOSTILE}
    assert client.post(f"/api/v1/cases/{case_id}/publication", json=body, headers=staffed["comm"]).status_code == 200
    html = client.get(f"/public/{COMM_A}", headers=ZH).text
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{7*7}}" in html and "49" not in html.split("{{7*7}}")[0][-5:]
    xml = client.get(f"/open311/v2/requests/{case_id}.xml").text
    assert "<script" not in xml and "&lt;script&gt;" in xml
    assert client.get(f"/open311/v2/requests/{case_id}.json").headers["Content-Security-Policy"].startswith("default-src 'none'")
