"""Residents sign in with a code texted to their phone: the code's life and tries, the limits on sending, the link
to the household on file, the webhook sender, and what a resident's token may not do."""

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from geo.access.crypto import lookup, seal
from geo.core.errors import AuthenticationFailed, ClusterError, InvalidInput, RateLimited
from geo.core.settings import get_settings
from geo.residents import signin
from tests.city import A1
from tests.conftest import sign_in_resident, texted_code, texts
from tests.sms_gateway import running_gateway

PHONE = "13812345678"
ZH = {"Accept-Language": "zh-CN"}  # as a resident's phone asks


def ask(client, phone=PHONE):
    """POST resident-code; the response and the code texted (None when nothing was sent)."""
    with texts() as sent:
        r = client.post("/api/v1/auth/resident-code", json={"phone": phone}, headers=ZH)
    return r, texted_code(sent) if sent else None


def exchange(client, code, phone=PHONE):
    return client.post("/api/v1/auth/resident-token", json={"phone": phone, "code": code}, headers=ZH)


def test_a_texted_code_signs_a_resident_in(client, session, city):
    r, code = ask(client, "138 1234 5678")
    assert r.status_code == 202 and r.json()["retry_after"] == 60
    token = exchange(client, code, "+8613812345678").json()["access_token"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["role"] == "resident" and me["scope_code"] is None and me["display_name"] == "138****5678"
    assert PHONE not in me["username"]
    stored = session.execute(text("SELECT code_hmac, used_at FROM resident_codes")).one()
    assert code.encode() not in bytes(stored.code_hmac) and stored.used_at is not None
    assert exchange(client, code).status_code == 401, "a code signs in once"


def test_the_same_phone_is_the_same_account(client, session, city):
    first = client.get("/api/v1/auth/me", headers=sign_in_resident(client, PHONE)).json()["username"]
    session.execute(text("UPDATE resident_codes SET sent_at = sent_at - interval '2 minutes'"))
    again = client.get("/api/v1/auth/me", headers=sign_in_resident(client, PHONE)).json()["username"]
    assert first == again
    assert session.execute(text("SELECT count(*) FROM resident_accounts")).scalar() == 1


def test_a_phone_on_file_links_the_household(client, session, city):
    building = session.execute(text("INSERT INTO buildings (name, geom) VALUES ('1号楼', ST_SetSRID(ST_MakePoint("
                                    "116.41, 39.95), 4326)) RETURNING id")).scalar()
    household = session.execute(text("INSERT INTO households (building_id, door) VALUES (:b, '101') RETURNING id"),
                                {"b": building}).scalar()
    resident = session.execute(text("INSERT INTO residents (household_id, name, phone_enc, phone_hmac) VALUES "
                                    "(:h, '张三', :enc, :hmac) RETURNING id"),
                               {"h": household, "enc": seal(PHONE), "hmac": lookup(PHONE)}).scalar()
    sign_in_resident(client, PHONE)
    linked = session.execute(text("SELECT resident_id, household_id FROM resident_accounts")).one()
    assert tuple(linked) == (resident, household)
    sign_in_resident(client, "13900001111")
    assert session.execute(text("SELECT household_id FROM resident_accounts WHERE resident_id IS NULL")).one()[0] is None


def test_five_wrong_codes_spend_the_code_and_each_try_is_kept(client, session, city):
    _, code = ask(client)
    wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
    answers = [exchange(client, wrong) for _ in range(5)]
    assert [a.status_code for a in answers] == [401] * 5
    assert "验证码错误或已过期" in answers[0].json()["detail"]
    assert session.execute(text("SELECT tries FROM resident_codes")).scalar() == 5, "refused tries are committed"
    spent = exchange(client, code)
    assert spent.status_code == 429 and "已失效" in spent.json()["detail"]
    assert exchange(client, code).status_code == 401, "the right code no longer works"


def test_a_code_expires(session, city):
    t0 = datetime(2026, 12, 1, 9, tzinfo=UTC)
    with texts() as sent:
        signin.send_code(session, PHONE, None, now=t0)
    late = signin.redeem(session, PHONE, texted_code(sent), now=t0 + timedelta(minutes=5, seconds=1))
    assert isinstance(late, AuthenticationFailed)


def test_a_code_opens_only_its_own_phone(client, city):
    _, code = ask(client)
    ask(client, "13900002222")
    assert exchange(client, code, "13900002222").status_code == 401


def test_a_new_code_replaces_the_last(session, city):
    t0 = datetime(2026, 12, 1, 9, tzinfo=UTC)
    with texts() as sent:
        signin.send_code(session, PHONE, None, now=t0)
        signin.send_code(session, PHONE, None, now=t0 + timedelta(seconds=61))
    old, new = texted_code(sent[:1]), texted_code(sent)
    later = t0 + timedelta(seconds=62)
    if old != new:
        assert isinstance(signin.redeem(session, PHONE, old, now=later), AuthenticationFailed)
    assert not isinstance(signin.redeem(session, PHONE, new, now=later), Exception)


def test_sending_waits_a_minute_and_at_most_five_an_hour(client, session, city):
    first, _ = ask(client)
    again, code = ask(client)
    assert again.status_code == 429 and code is None and 55 <= int(again.headers["Retry-After"]) <= 60
    assert "刚刚已发送" in again.json()["detail"]
    t0 = datetime(2026, 12, 1, 9, tzinfo=UTC)
    for k in range(5):
        signin.send_code(session, "13900003333", None, now=t0 + timedelta(minutes=2 * k))
    with pytest.raises(RateLimited) as refused:
        signin.send_code(session, "13900003333", None, now=t0 + timedelta(minutes=10))
    assert refused.value.extra["retry_after"] == 50 * 60
    signin.send_code(session, "13900003333", None, now=t0 + timedelta(minutes=61))


def test_one_address_asking_for_many_phones_is_stopped(session, city, monkeypatch):
    monkeypatch.setattr(get_settings(), "resident_codes_per_address_hour", 3)
    t0 = datetime(2026, 12, 1, 9, tzinfo=UTC)
    for k in range(3):
        signin.send_code(session, f"1390000444{k}", "203.0.113.9", now=t0)
    with pytest.raises(RateLimited):
        signin.send_code(session, "13900004449", "203.0.113.9", now=t0)
    signin.send_code(session, "13900004449", "203.0.113.10", now=t0)


@pytest.mark.parametrize("phone", ["12345", "23812345678", "1381234567x", "", "+1 415 555 0100"])
def test_not_a_mobile_is_refused_by_name(client, city, phone):
    r, code = ask(client, phone)
    assert r.status_code == 422 and code is None and "不是有效的大陆手机号码" in r.json()["detail"]


def test_a_resident_account_has_no_password_and_no_area(client, session, city, login):
    headers = sign_in_resident(client, PHONE)
    username = client.get("/api/v1/auth/me", headers=headers).json()["username"]
    assert client.post("/api/v1/auth/token", data={"username": username, "password": "!"}).status_code == 401
    for path in ("/api/v1/cases", f"/api/v1/grids/{A1}", "/api/v1/residents", "/api/v1/analytics/league", "/api/v1/patrols"):
        r = client.get(path, headers=headers)
        assert r.status_code == 403, (path, r.status_code)
    with pytest.raises(InvalidInput):
        from geo.access.accounts import create_user
        create_user(session, username="r1", password="a-long-password", role="resident", scope_code=None)


@pytest.fixture
def gateway(monkeypatch):
    """A real HTTP server the webhook sender posts to."""
    with running_gateway() as (Gateway, url):
        settings = get_settings()
        monkeypatch.setattr(settings, "sms", "webhook")
        monkeypatch.setattr(settings, "sms_webhook_url", url)
        monkeypatch.setattr(settings, "sms_webhook_secret", "gateway-secret")
        yield Gateway


def test_the_webhook_sender_posts_a_signed_text(client, city, gateway):
    r, logged = ask(client)
    assert r.status_code == 202 and logged is None, "the webhook sender writes no code to the log"
    headers, body = gateway.received[0]
    expected = hmac.new(b"gateway-secret", headers["X-Wangge-Timestamp"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    assert headers["X-Wangge-Signature"] == expected
    sent = json.loads(body)
    assert sent["phone"] == PHONE and sent["kind"] == "sign_in_code" and "验证码为" in sent["text"]
    code = sent["text"].split("验证码为 ")[1][:6]
    assert exchange(client, code).status_code == 200


def test_a_gateway_that_refuses_leaves_no_code(client, session, city, gateway):
    gateway.status = 500
    r, _ = ask(client)
    assert r.status_code == 503 and "短信平台未能发送" in r.json()["detail"]
    # the request's transaction is rolled back on the error (api.deps.get_session), as this savepoint is: no code is
    # left behind to hold the phone's next try for a minute
    session.execute(text("DELETE FROM resident_codes"))
    with pytest.raises(ClusterError), session.begin_nested():
        signin.send_code(session, PHONE, None)
    assert session.execute(text("SELECT count(*) FROM resident_codes")).scalar() == 0
    gateway.status = 200
    assert ask(client)[0].status_code == 202
