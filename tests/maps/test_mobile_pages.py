"""The phone app's pages (/m/) as HTML: each in Chinese and English, under the strict CSP, with no code-words shown,
the login form for a caller without one, and the service worker and manifest with their types."""

import json
import re

import pytest

from tests.city import A1
from tests.maps.test_pages import page_config

PAGES = ["/m/", "/m/tasks/1", "/m/report", "/m/patrol", "/m/visit", "/m/care", "/m/grid", "/m/where?lon=116.4&lat=39.9"]
TAGS = re.compile(r"<script.*?</script>|<[^>]+>", re.DOTALL)
CODE_WORDS = ("dispatched", "registered", "patrol_id", "grid_worker", "act_on_case", "None", "undefined", "null")


@pytest.fixture
def phone(client, login, city):
    """A client with the login cookie of a grid worker of A1."""
    client.cookies.set("wangge_token", login("grid_worker", A1)["Authorization"].removeprefix("Bearer "))
    client.headers["Origin"] = "http://testserver"
    return client


def shown_text(html: str) -> str:
    """What a person reads: the HTML without tags and without the config block."""
    return TAGS.sub(" ", html)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_in_both_languages_under_the_csp(phone, path, lang):
    r = phone.get(path + ("&" if "?" in path else "?") + "lang=" + lang)
    assert r.status_code == 200, r.text
    policy = r.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "worker-src 'self'" in policy and "manifest-src 'self'" in policy
    assert "unsafe-inline" not in policy and r.headers["cache-control"] == "no-store"
    html = r.text
    assert '<html lang="' + ("zh-CN" if lang == "zh" else "en") + '"' in html
    assert re.search(r"<script(?![^>]*(src=|application/json))", html) is None, "no inline script"
    assert " style=" not in html and "<style" not in html
    text = shown_text(html)
    for word in CODE_WORDS:
        assert not re.search(r"\b" + word + r"\b", text), word
    config = page_config(html)
    assert config["lang"] == lang and config["grid"] == A1 and config["patrolSeconds"] >= 1
    assert config["checkinMetres"] > 0
    assert ("我的任务" in html) == (lang == "zh") and ("My tasks" in html) == (lang == "en")  # the tab bar
    assert all(not value.startswith("m_") for value in config["labels"].values())


@pytest.mark.parametrize("path", [p for p in PAGES])
def test_pages_send_a_caller_without_login_to_the_app_login(client, path):
    r = client.get(path, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/m/login?next=/m/")


def test_login_sets_a_shift_long_cookie_and_comes_back(client, city, login):
    login("grid_worker", A1)
    form = {"username": f"grid_worker-{A1}", "password": "secret-pass-123", "next": "/m/patrol"}
    from tests.conftest import PASSWORD
    form["password"] = PASSWORD
    r = client.post("/m/login", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/m/patrol"
    assert "Max-Age=28800" in r.headers["set-cookie"] and "HttpOnly" in r.headers["set-cookie"]
    assert client.get("/m/patrol").status_code == 200
    assert client.post("/m/login", data={**form, "next": "https://evil.example/"},
                       follow_redirects=False).headers["location"] == "/m/"
    bad = client.post("/m/login", data={**form, "password": "wrong"})
    assert bad.status_code == 200 and 'role="alert"' in bad.text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_login_page_is_public_and_in_words(client, lang):
    r = client.get("/m/login?lang=" + lang)
    assert r.status_code == 200 and "script-src 'self'" in r.headers["content-security-policy"]
    assert ("用户名" if lang == "zh" else "Username".lower()) in r.text.lower()
    assert 'rel="manifest"' in r.text


def test_logout_drops_the_cookie(phone):
    r = phone.post("/m/logout", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/m/login"
    assert 'wangge_token=""' in r.headers["set-cookie"] or "Max-Age=0" in r.headers["set-cookie"]


def test_service_worker_and_manifest(client):
    sw = client.get("/m/sw.js")
    assert sw.status_code == 200 and sw.headers["content-type"].startswith("text/javascript")
    assert sw.headers["service-worker-allowed"] == "/m/" and "connect-src 'self'" in sw.headers["content-security-policy"]
    assert "caches" in sw.text
    manifest = client.get("/m/manifest.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    data = json.loads(manifest.text)
    assert data["name"] == "网格通" and data["start_url"] == "/m/" and data["display"] == "standalone"
    for icon in data["icons"]:
        png = client.get(icon["src"])
        assert png.status_code == 200 and png.content.startswith(b"\x89PNG") and icon["sizes"] in ("192x192", "512x512")
    # every file the worker keeps exists
    for path in re.findall(r"'(/static/[^']+)'", sw.text):
        assert client.get(path).status_code == 200, path


def test_a_role_without_field_work_is_refused_the_patrol_page(client, login, city):
    client.cookies.set("wangge_token", login("planner", "110105")["Authorization"].removeprefix("Bearer "))
    assert client.get("/m/patrol").status_code == 403


def test_the_writes_the_scripts_send_are_accepted_and_replays_make_nothing_new(client, session):
    """The bodies and keys of maps/static/m/*.js (patrol.js, visit.js, report.js) as the outbox sends them, twice."""
    from tests.city import PASSWORD as CITY_PASSWORD
    from tests.field_city import build_field_city
    ids = build_field_city(session)
    token = client.post("/api/v1/auth/token", data={"username": "w1", "password": CITY_PASSWORD}).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    from datetime import UTC, datetime, timedelta
    at = lambda minutes: (datetime.now(UTC) - timedelta(minutes=60 - minutes)).isoformat()
    start = {"started_at": at(0), "lon": 116.4015, "lat": 39.9345}
    first = client.post("/api/v1/patrols", json=start, headers={**auth, "Idempotency-Key": "k-start"})
    assert first.status_code == 201, first.text
    again = client.post("/api/v1/patrols", json=start, headers={**auth, "Idempotency-Key": "k-start"})
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    other = client.post("/api/v1/patrols", json=start, headers={**auth, "Idempotency-Key": "k-other"})
    assert other.status_code == 409 and other.json()["patrol_id"] == first.json()["id"]  # queue.js `adopt`
    pid = first.json()["id"]
    points = {"points": [{"t": at(i + 1), "lon": 116.4015 + i * 0.0002, "lat": 39.935,
                          "accuracy": 5} for i in range(4)]}
    for _ in range(2):
        r = client.post(f"/api/v1/patrols/{pid}/points", json=points, headers={**auth, "Idempotency-Key": "k-p"})
        assert r.status_code in (200, 201), r.text
    assert r.json()["patrol"]["points"] == 4
    checkin = {"checkpoint_id": ids["K1"], "lon": 116.402, "lat": 39.935, "accuracy": 5, "t": at(6)}
    assert client.post(f"/api/v1/patrols/{pid}/checkins", json=checkin, headers=auth).status_code in (200, 201)
    case = {"category": "env_garbage", "lon": 116.402, "lat": 39.935, "description": "巡查发现"}
    r = client.post(f"/api/v1/patrols/{pid}/cases", json=case, headers={**auth, "Idempotency-Key": "k-c"})
    assert r.status_code == 201 and r.json()["patrol_id"] == pid, r.text
    assert client.post(f"/api/v1/patrols/{pid}/finish", json={"finished_at": at(30)},
                       headers=auth).status_code == 200
    households = client.get(f"/api/v1/buildings/{ids['b1']}/households", headers=auth).json()["items"]
    visit = {"kind": "home", "building_id": ids["b1"], "household_id": households[0]["id"], "findings": "楼道堆放杂物",
             "need": None, "case": {"category": "env_garbage", "description": "楼道堆放杂物"}}
    made = client.post("/api/v1/visits", json=visit, headers={**auth, "Idempotency-Key": "k-v"})
    assert made.status_code == 201 and len(made.json()["case_ids"]) == 1, made.text
    assert client.post("/api/v1/visits", json=visit, headers={**auth, "Idempotency-Key": "k-v"}).status_code == 200
    due = client.get("/api/v1/care/due?within=7&grid=" + A1, headers=auth).json()
    assert {"counts", "items"} <= set(due)
