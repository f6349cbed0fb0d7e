"""Open311 POST with a client's own api_key: a self-report made by the client (named in the case's history), the
GeoReport refusals (403 for no, a wrong or a revoked key; 400 naming the field), raw UTF-8 bodies, and a rate limit
per key."""

import pytest
from sqlalchemy import text

from geo.access import open311_clients
from geo.core.settings import get_settings

POST = "/open311/v2/requests.json"
FIELDS = {"service_code": "env_garbage", "lat": "39.95", "long": "116.41", "description": "小区门口垃圾没人清",
          "address_string": "甲二号院", "first_name": "刘", "last_name": "女士", "phone": "13700000000",
          "email": "liu@example.com", "jurisdiction_id": "wangge.example"}


@pytest.fixture
def key(session, city):
    return open311_clients.issue(session, "12345-app")


def test_a_post_with_a_client_key_is_a_self_report_made_by_the_client(client, session, key, login):
    r = client.post(POST, data=FIELDS | {"api_key": key})
    assert r.status_code == 201, r.text
    [receipt] = r.json()
    assert receipt["service_request_id"].isdigit() and receipt["service_notice"]
    case = session.execute(text("SELECT channel, status, category, description, address, created_by, ST_X(geom) x, "
                                "ST_Y(geom) y FROM cases WHERE id = :id"),
                           {"id": int(receipt["service_request_id"])}).mappings().one()
    assert (case["channel"], case["status"], case["category"]) == ("self_report", "intake", "env_garbage")
    assert (case["description"], case["address"], case["created_by"]) == ("小区门口垃圾没人清", "甲二号院", None)
    assert (round(case["x"], 5), round(case["y"], 5)) == (116.41, 39.95)
    actors = session.execute(text("SELECT actor FROM case_events WHERE case_id = :id"),
                             {"id": int(receipt["service_request_id"])}).scalars().all()
    assert actors == ["open311:12345-app"]
    staff = client.get(f"/api/v1/cases/{receipt['service_request_id']}", headers=login()).json()
    assert staff["reporters"][0]["name"] == "刘 女士"


def test_the_key_may_come_in_the_query(client, key):
    assert client.post(POST, params={"api_key": key}, data=FIELDS).status_code == 201


@pytest.mark.parametrize("api_key", [None, "", "not-a-key", "é" * 10])
def test_no_key_or_a_wrong_one_is_a_georeport_403(client, key, api_key):
    r = client.post(POST, data=FIELDS | ({"api_key": api_key} if api_key is not None else {}))
    assert r.status_code == 403
    [error] = r.json()
    assert error["code"] == 403 and "api_key" in error["description"]


def test_a_staff_token_is_no_client_key(client, key, login):
    headers = login()
    assert client.post(POST, data=FIELDS | {"api_key": headers["Authorization"].split()[1]}).status_code == 403
    assert client.post(POST, data=FIELDS, headers=headers).status_code == 403


def test_a_revoked_key_is_refused_at_once(client, session, key):
    assert client.post(POST, data=FIELDS | {"api_key": key}).status_code == 201
    open311_clients.revoke(session, "12345-app")
    r = client.post(POST, data=FIELDS | {"api_key": key})
    assert r.status_code == 403 and r.json()[0]["code"] == 403


@pytest.mark.parametrize("field,value", [
    ("service_code", "ufo"), ("service_code", None), ("lat", "north"), ("long", "nan"), ("lat", None),
    ("description", ""), ("description", "   "), ("description", None), ("description", "长" * 2001),
    ("address_string", "址" * 201), ("phone", "call me"),
])
def test_bad_input_is_a_georeport_400_naming_the_field(client, session, key, field, value):
    fields = {k: v for k, v in (FIELDS | {field: value}).items() if v is not None}
    r = client.post(POST, data=fields | {"api_key": key})
    assert r.status_code == 400, r.text
    [error] = r.json()
    assert error["code"] == 400 and error["description"].startswith(field), error
    assert session.execute(text("SELECT count(*) FROM cases WHERE channel = 'self_report'")).scalar() == 0


def test_a_point_outside_the_city_is_a_400_naming_lat_and_long_without_naming_a_grid(client, key):
    r = client.post(POST, data=FIELDS | {"api_key": key, "lat": "31.23", "long": "121.47"})
    assert r.status_code == 400
    description = r.json()[0]["description"]
    assert description.startswith("lat, long") and "1101" not in description


def test_refusals_speak_chinese_when_asked(client, key):
    r = client.post(POST, data=FIELDS | {"api_key": key, "description": ""}, headers={"Accept-Language": "zh-CN"})
    assert r.json()[0]["description"] == "description：不能为空"
    assert "api_key" in client.post(POST, data=FIELDS, headers={"Accept-Language": "zh-CN"}).json()[0]["description"]


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded",
                                          "application/x-www-form-urlencoded; charset=utf-8"])
def test_a_raw_utf8_body_arrives_intact(client, session, key, content_type):
    body = ("service_code=env_garbage&lat=39.95&long=116.41&description=路灯不亮，请尽快修&address_string=甲二号院"
            f"&api_key={key}").encode("utf-8")
    r = client.post(POST, content=body, headers={"Content-Type": content_type})
    assert r.status_code == 201, r.text
    stored = session.execute(text("SELECT description, address FROM cases WHERE id = :id"),
                             {"id": int(r.json()[0]["service_request_id"])}).one()
    assert tuple(stored) == ("路灯不亮，请尽快修", "甲二号院")


def test_each_key_has_its_own_rate_limit(client, session, key, monkeypatch):
    monkeypatch.setattr(get_settings(), "open311_posts_per_key", "2/minute")
    other = open311_clients.issue(session, "other-app")
    answers = [client.post(POST, data=FIELDS | {"api_key": key}) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert answers[-1].json()[0]["code"] == 429 and answers[-1].headers["Retry-After"]
    assert client.post(POST, data=FIELDS | {"api_key": other}).status_code == 201  # another client is not held


def test_only_the_hash_of_a_key_is_stored(session, key):
    stored = session.execute(text("SELECT key_hmac FROM open311_clients WHERE name = '12345-app'")).scalar()
    assert key.encode() not in bytes(stored) and len(bytes(stored)) == 32


def test_names_are_checked_and_unique(session, key):
    from geo.core.errors import Conflict, InvalidInput, NotFound
    with pytest.raises(Conflict):
        open311_clients.issue(session, "12345-app")
    with pytest.raises(InvalidInput):
        open311_clients.issue(session, "Bad Name")
    with pytest.raises(NotFound):
        open311_clients.revoke(session, "nobody")
