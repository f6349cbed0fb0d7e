"""Red team of the residents' side (docs/residents.md): sign-in by a texted code, a resident's own reports, the
workflow's reporter steps, the texts and the /r/ pages, attacked as a resident, another resident, a stranger and
each staff role. Server errors come back as 500 here (not raised), so "never a 500" is asserted, not assumed."""

import json
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from geo.access.actor import SYSTEM, actor_for
from geo.cases.workflow import StepInput, transition
from geo.core import db
from geo.core.errors import RateLimited
from geo.core.models import User
from geo.core.settings import get_settings
from geo.residents import reports, signin
from geo.residents.notices import send_notices
from tests.city import PASSWORD, staff_the_city
from tests.conftest import committed_city, savepoint_client, sign_in_resident, texted_code, texts
from tests.security.hostile import IMG, PNG, SVG
from tests.sms_gateway import running_gateway

ZH = {"Accept-Language": "zh-CN"}
ALICE, BOB = "13812345678", "13900002222"


@pytest.fixture
def client(engine, session):
    """The API on the test session, a savepoint per request (a refused request's writes are rolled back, as in
    production), and server errors answered as 500 rather than raised."""
    with savepoint_client(engine, session) as c:
        yield c


@pytest.fixture
def people(client, session, city):
    """Alice and Bob (residents) each with a report, and a bearer token per staff role."""
    staff_the_city(session)
    alice, bob = sign_in_resident(client, ALICE) | ZH, sign_in_resident(client, BOB) | ZH
    staff = {name: _token(client, name) for name in ("w1", "comm", "street", "command", "planner")}
    return {"alice": alice, "bob": bob, **staff,
            "alice_case": _report(client, alice).json()["id"], "bob_case": _report(client, bob).json()["id"]}


def _token(client, username):
    r = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"} | ZH


def _report(client, headers, **fields):
    body = {"topic": "garbage", "lon": 116.41, "lat": 39.95, "description": "小区门口垃圾没人清"} | fields
    r = client.post("/api/v1/reports", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r


def _walk(session, case_id, *steps, note="已清运"):
    for action in steps:
        version = session.execute(text("SELECT version FROM cases WHERE id = :id"), {"id": case_id}).scalar()
        transition(session, case_id, action, version, SYSTEM, StepInput(note=note))


def _version(session, case_id):
    return session.execute(text("SELECT version FROM cases WHERE id = :id"), {"id": case_id}).scalar()


# --- SMS bombing ---------------------------------------------------------------------------------------------------

def test_codes_asked_in_parallel_send_one_text(cluster):
    """Eight requests for one phone at the same instant (from eight addresses) must not all find the phone unused:
    the limits are counted one sender at a time."""
    with committed_city(cluster, "wangge_resident_sms_race") as eng:
        sessions = db.session_factory(eng)
        barrier, answers = threading.Barrier(8), []

        def ask(i):
            barrier.wait()
            try:
                with sessions.begin() as s:
                    signin.send_code(s, ALICE, f"203.0.113.{i}")
                answers.append("sent")
            except RateLimited:
                answers.append("refused")
        with texts() as sent:
            threads = [threading.Thread(target=ask, args=(i,)) for i in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        assert sorted(answers) == ["refused"] * 7 + ["sent"] and len(sent) == 1


def test_a_refused_text_on_the_sign_in_page_leaves_no_code(client, session, city, monkeypatch):
    """The page catches the gateway's failure to show it on the form: the code it did not send must not be kept
    (it would hold the phone's next try for a minute and count against its hour), and the answer is 503, not 422."""
    with running_gateway() as (gateway, url):
        settings = get_settings()
        monkeypatch.setattr(settings, "sms", "webhook")
        monkeypatch.setattr(settings, "sms_webhook_url", url)
        monkeypatch.setattr(settings, "sms_webhook_secret", "gateway-secret")
        gateway.status = 500
        r = client.post("/r/login/code", data={"phone": ALICE}, headers=ZH)
        assert r.status_code == 503 and "短信平台未能发送" in r.text
        assert session.execute(text("SELECT count(*) FROM resident_codes")).scalar() == 0
        gateway.status = 200
        again = client.post("/r/login/code", data={"phone": ALICE}, headers=ZH)
        assert again.status_code == 200 and 'name="code"' in again.text


def test_a_forwarded_address_is_nobodys_word(client, session, city, monkeypatch):
    """Without WANGGE_TRUSTED_PROXIES, X-Forwarded-For does not get a caller a fresh address limit."""
    monkeypatch.setattr(get_settings(), "resident_codes_per_address_hour", 2)
    answers = [client.post("/api/v1/auth/resident-code", json={"phone": f"1370000000{i}"},
                           headers=ZH | {"X-Forwarded-For": f"198.51.100.{i}"}).status_code for i in range(3)]
    assert answers == [202, 202, 429]


def test_an_ipv6_block_is_one_address_for_the_limit(session, city, monkeypatch):
    """A phone line gets a whole /64: asking from a new address of it each time must not reset the address limit
    (SMS pumping across many phones)."""
    monkeypatch.setattr(get_settings(), "resident_codes_per_address_hour", 2)
    t0 = datetime(2026, 12, 1, 9, tzinfo=UTC)
    for k in range(2):
        signin.send_code(session, f"1370000001{k}", f"2001:db8:1:2::{k + 1}", now=t0)
    with pytest.raises(RateLimited):
        signin.send_code(session, "13700000019", "2001:db8:1:2:ffff::9", now=t0)
    signin.send_code(session, "13700000019", "2001:db8:1:3::1", now=t0)  # another line's block
    for k in range(2):
        signin.send_code(session, f"1370000002{k}", "::ffff:203.0.113.7" if k else "203.0.113.7", now=t0)
    with pytest.raises(RateLimited):
        signin.send_code(session, "13700000029", "203.0.113.7", now=t0)


# --- texts ---------------------------------------------------------------------------------------------------------

def test_a_phone_the_gateway_refuses_does_not_hold_up_everyone_elses_texts(session, city, monkeypatch):
    """A resident whose number opted out of texts (the gateway answers 400 for it, for good) must not stop the round
    at their event every time: nobody after them would ever be texted again."""
    send_notices(session)  # the first round starts after what is there
    cases = []
    for phone in (ALICE, BOB):
        actor = actor_for(session, signin.account(session, phone))
        cases.append(reports.submit(session, actor, reports.NewReport("garbage", 116.41, 39.95, "垃圾没人清"))[0])
    for case_id in cases:
        _walk(session, case_id, "register", "dispatch")
    with running_gateway() as (gateway, url):
        settings = get_settings()
        monkeypatch.setattr(settings, "sms", "webhook")
        monkeypatch.setattr(settings, "sms_webhook_url", url)
        monkeypatch.setattr(settings, "sms_webhook_secret", "gateway-secret")
        gateway.refused = {ALICE}
        first = send_notices(session)
        assert (first.stopped, first.sent, first.refused) == (False, 1, 1)
        assert json.loads(gateway.received[-1][1])["phone"] == BOB
        assert send_notices(session).sent == 0, "the refused text is not retried every round"
        gateway.status = 503  # the gateway down: the round stops and tries again next time
        _walk(session, cases[1], "accept", "report", "verify", "close")
        assert send_notices(session).stopped


# --- what the resident sees of the office's inside -----------------------------------------------------------------

def test_the_office_inside_never_reaches_the_resident(client, session, people):
    """Returns, extensions, supervisions, suspensions and reworks with their notes, and who did them: none of it is
    in the resident's view (not in the timeline, and not as a raw status of 回退 either)."""
    case_id, alice = people["alice_case"], people["alice"]
    command, w1 = (actor_for(session, session.query(User).filter_by(username=name).one()) for name in ("command", "w1"))

    def step(actor, action, **fields):
        transition(session, case_id, action, _version(session, case_id), actor, StepInput(**fields))
        return client.get(f"/api/v1/reports/{case_id}", headers=alice).json()

    step(command, "register")
    step(command, "dispatch")
    seen = [step(w1, "return", note="SECRET-回退 张三说不归我们管")]
    assert seen[0]["status"] != "returned" and seen[0]["stage"] == "received"
    step(command, "dispatch")
    step(w1, "accept")
    seen.append(step(w1, "request_extension", note="SECRET-延期"))
    seen.append(step(command, "supervise", note="SECRET-督办"))
    seen.append(step(w1, "reply_supervision", note="SECRET-督办回复"))
    seen.append(step(command, "suspend", note="SECRET-挂账"))
    step(command, "resume")
    step(w1, "report", note="已清运")
    seen.append(step(command, "rework", note="SECRET-返工"))
    step(w1, "report", note="再次清运")
    step(command, "verify")
    seen.append(step(command, "close"))
    dumped = json.dumps(seen, ensure_ascii=False)
    assert "SECRET" not in dumped and "张三" not in dumped
    assert not any(name in dumped for name in ("w1", "command", "system", "leader"))
    assert [s["stage"] for s in seen[-1]["timeline"]] == ["received", "dispatched", "handling", "replied", "handling",
                                                          "replied", "closed"]
    assert seen[-1]["reply"] == "再次清运"


# --- attacks that fail (the code is safe): kept so they stay failed -------------------------------------------------

def test_guesses_in_parallel_are_each_counted(cluster):
    """Twelve wrong guesses at once: exactly five are compared, the sixth spends the code, the rest find none."""
    with committed_city(cluster, "wangge_resident_guess_race") as eng:
        sessions = db.session_factory(eng)
        with texts() as sent, sessions.begin() as s:
            signin.send_code(s, ALICE, None)
        wrong = f"{(int(texted_code(sent)) + 1) % 10 ** 6:06d}"
        barrier, answers = threading.Barrier(12), []

        def guess(_):
            barrier.wait()
            with sessions.begin() as s:
                answers.append(type(signin.redeem(s, ALICE, wrong)).__name__)
        threads = [threading.Thread(target=guess, args=(i,)) for i in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with sessions() as s:
            tries, used = s.execute(text("SELECT tries, used_at IS NOT NULL FROM resident_codes")).one()
        assert (tries, used) == (6, True) and answers.count("RateLimited") == 1


def test_answers_do_not_tell_a_registered_phone_from_a_new_one(client, session, people):
    """Asking for a code and a wrong code read the same for a phone with an account and one without."""
    session.execute(text("UPDATE resident_codes SET sent_at = sent_at - interval '2 minutes'"))
    known, unknown = (client.post("/api/v1/auth/resident-code", json={"phone": p}, headers=ZH)
                      for p in (ALICE, "13600001111"))
    assert (known.status_code, sorted(known.json())) == (unknown.status_code, sorted(unknown.json()))
    known, unknown = (client.post("/api/v1/auth/resident-token", json={"phone": p, "code": "000000"}, headers=ZH)
                      for p in (ALICE, "13600001111"))
    assert known.status_code == unknown.status_code == 401 and known.json() == unknown.json()


def test_nobody_but_the_reporter_reaches_a_report(client, session, people):
    """Another resident gets 404 for every path of Alice's report; staff get 403 from the residents' endpoints and
    a stranger 401; an operator may neither rate nor reopen a resident's report."""
    case_id = people["alice_case"]
    _walk(session, case_id, "register", "dispatch", "accept", "report", "verify", "close")
    version = _version(session, case_id)
    step = {"action": "rate", "version": version, "rating": "satisfied"}
    for who, expected in [("bob", 404)] + [(role, 403) for role in ("w1", "comm", "street", "command", "planner")]:
        assert client.get(f"/api/v1/reports/{case_id}", headers=people[who]).status_code == expected, who
        assert client.post(f"/api/v1/reports/{case_id}/steps", headers=people[who], json=step).status_code == expected
        photo = client.post(f"/api/v1/reports/{case_id}/photos", headers=people[who],
                            files={"file": ("a.png", PNG, "image/png")})
        assert photo.status_code == expected, who
    assert client.get(f"/api/v1/reports/{case_id}", headers=ZH).status_code == 401
    for action in ("rate", "reopen"):
        r = client.post(f"/api/v1/cases/{case_id}/transitions", headers=people["command"],
                        json=step | {"action": action, "note": "代为评价"})
        assert r.status_code == 403, action
    rated = client.post(f"/api/v1/reports/{case_id}/steps", headers=people["alice"], json=step)
    assert rated.status_code == 200
    replayed = client.post(f"/api/v1/reports/{case_id}/steps", headers=people["alice"], json=step)
    assert replayed.status_code == 409 and "评价" in replayed.json()["detail"]


def test_cookie_writes_and_sign_in_forms_from_another_site_are_refused(client, people):
    """Login CSRF on the code form, the sign-in and the sign-out; and a cookie-carried API write without our Origin."""
    evil = ZH | {"Origin": "https://evil.example"}
    assert client.post("/r/login", data={"phone": BOB, "code": "123456"}, headers=evil).status_code == 403
    assert client.post("/r/logout", headers=evil, follow_redirects=False).status_code == 403
    client.cookies.set("wangge_token", people["alice"]["Authorization"].removeprefix("Bearer "))
    body = {"topic": "garbage", "lon": 116.41, "lat": 39.95}
    assert client.post("/api/v1/reports", json=body, headers=ZH).status_code == 403
    assert client.post("/api/v1/reports", json=body, headers=evil).status_code == 403
    assert client.post("/api/v1/reports", json=body, headers=ZH | {"Origin": "http://testserver"}).status_code == 201


def test_hostile_input_is_text_and_bad_input_a_4xx(client, people):
    """The echoed phone is escaped on the sign-in page; NUL bytes, huge ids and foreign digits are 4xx in Chinese."""
    page = client.post("/r/login/code", data={"phone": SVG[:20]}, headers=ZH)
    assert page.status_code == 422 and "<svg" not in page.text and "不是有效的大陆手机号码" in page.text
    alice = people["alice"]
    nul = client.post("/api/v1/reports", json={"topic": "garbage", "lon": 116.41, "lat": 39.95,
                                               "description": "垃圾\x00" + IMG}, headers=alice)
    assert nul.status_code == 422
    huge = client.get("/api/v1/reports/99999999999999999999", headers=alice)
    assert huge.status_code == 404 and "99999999999999999999" in huge.json()["detail"]
    digits = client.post("/api/v1/auth/resident-token", json={"phone": ALICE, "code": "１２３４５６"}, headers=ZH)
    assert digits.status_code == 422
    made = _report(client, alice, description=IMG).json()
    assert made["description"] == IMG, "kept as the resident wrote it; the pages show it as text"


def test_a_staff_account_bearing_the_derived_name_is_not_handed_to_the_phone(client, session, city):
    """An account named like the phone's resident account but of another role: the code does not open it."""
    from geo.access.crypto import lookup
    from geo.core.models import User
    session.add(User(username="resident-" + lookup("13811112222").hex()[:20], password_hash="!", role="admin"))
    session.flush()
    with texts() as sent:
        client.post("/api/v1/auth/resident-code", json={"phone": "13811112222"})
    r = client.post("/api/v1/auth/resident-token", json={"phone": "13811112222", "code": texted_code(sent)})
    assert r.status_code == 401
