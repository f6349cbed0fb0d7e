"""A resident's own reports: made from the phone, followed on a timeline without the office's inside, rated by the
reporter alone (不满意 opens an operator's 回访), reopened within the window, and seen by nobody else."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from geo.access.actor import SYSTEM
from geo.access.crypto import lookup
from geo.cases.workflow import StepInput, transition
from tests.city import staff_the_city
from tests.conftest import sign_in_resident

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00" \
      b"\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def resident(client, session, city):
    """Headers of a resident signed in with 13812345678; the city staffed, so dispatches reach a person."""
    staff_the_city(session)
    return sign_in_resident(client, "13812345678") | ZH


def report(client, headers, key=None, **fields):
    body = {"topic": "garbage", "lon": 116.41, "lat": 39.95, "description": "小区门口垃圾没人清"} | fields
    return client.post("/api/v1/reports", json=body, headers=headers | ({"Idempotency-Key": key} if key else {}))


def walk(session, case_id, *steps):
    """Take the case through the office's steps (as the system), the report-back with a reply."""
    for action in steps:
        version = session.execute(text("SELECT version FROM cases WHERE id = :id"), {"id": case_id}).scalar()
        transition(session, case_id, action, version, SYSTEM, StepInput(note="已清运，现场已恢复整洁"))


def test_a_report_is_a_self_report_with_the_phone_and_a_retry_is_the_same(client, session, resident):
    first = report(client, resident, key="k-1")
    assert first.status_code == 201, first.text
    made = first.json()
    assert (made["status"], made["stage"], made["category"]["code"]) == ("intake", "received", "env_garbage")
    again = report(client, resident, key="k-1")
    assert again.status_code == 200 and again.json()["id"] == made["id"]
    row = session.execute(text("SELECT c.channel, r.phone_hmac FROM cases c JOIN case_reporters r ON r.case_id = c.id "
                               "WHERE c.id = :id"), {"id": made["id"]}).one()
    assert row.channel == "self_report" and bytes(row.phone_hmac) == lookup("13812345678")


def test_a_topic_not_on_the_list_is_refused_by_name(client, resident):
    r = report(client, resident, topic="ufo")
    assert r.status_code == 422 and "ufo" in r.json()["detail"]


def test_the_timeline_shows_the_steps_in_plain_words_and_no_one_inside(client, session, resident):
    case_id = report(client, resident).json()["id"]
    walk(session, case_id, "register", "dispatch", "accept", "report", "verify", "close")
    assert session.execute(text("SELECT assignee_id FROM cases WHERE id = :id"), {"id": case_id}).scalar()
    seen = client.get(f"/api/v1/reports/{case_id}", headers=resident).json()
    stages = [s["stage"] for s in seen["timeline"]]
    assert stages == ["received", "dispatched", "handling", "replied", "closed"]
    assert seen["timeline"][1]["to"] == seen["handled_by"]["name"] and seen["handled_by"]["level"] == "grid"
    assert seen["reply"] == "已清运，现场已恢复整洁" and seen["allowed_actions"] == ["rate", "reopen"]
    names = [n for (n,) in session.execute(text("SELECT name FROM staff")).all()]
    dumped = json.dumps(seen, ensure_ascii=False)
    assert names and not any(name in dumped for name in names), "no staff name reaches the resident"
    assert "system" not in dumped


def test_only_the_reporter_rates_and_dissatisfied_brings_a_call_back(client, session, login, resident):
    case_id = report(client, resident).json()["id"]
    walk(session, case_id, "register", "dispatch", "accept", "report", "verify", "close")
    version = client.get(f"/api/v1/reports/{case_id}", headers=resident).json()["version"]
    operator = login("admin")
    refused = client.post(f"/api/v1/cases/{case_id}/transitions", headers=operator,
                          json={"action": "rate", "version": version, "rating": "satisfied"})
    assert refused.status_code == 403
    rated = client.post(f"/api/v1/reports/{case_id}/steps", headers=resident,
                        json={"action": "rate", "version": version, "rating": "dissatisfied"})
    assert rated.status_code == 200 and rated.json()["stage"] == "rated", rated.text
    revisit = session.execute(text("SELECT due_at - opened_at, done_at FROM case_revisits WHERE case_id = :id"),
                              {"id": case_id}).one()
    assert revisit[0] == timedelta(days=3) and revisit[1] is None
    case = client.get(f"/api/v1/cases/{case_id}", headers=operator).json()
    assert "revisit" in case["allowed_actions"]
    called = client.post(f"/api/v1/cases/{case_id}/transitions", headers=operator,
                         json={"action": "revisit", "version": case["version"], "note": "已电话回访，解释清运时间"})
    assert called.status_code == 200, called.text
    assert session.execute(text("SELECT done_at IS NOT NULL FROM case_revisits WHERE case_id = :id"),
                           {"id": case_id}).scalar()


def test_a_hotline_case_is_still_rated_by_the_operator(client, session, login, city):
    operator = login("admin")
    made = client.post("/api/v1/cases", headers=operator, json={"category": "env_garbage", "lon": 116.41,
                                                                "lat": 39.95, "channel": "hotline"}).json()
    walk(session, made["id"], "dispatch", "accept", "report", "verify", "close")
    version = client.get(f"/api/v1/cases/{made['id']}", headers=operator).json()["version"]
    r = client.post(f"/api/v1/cases/{made['id']}/transitions", headers=operator,
                    json={"action": "rate", "version": version, "rating": "satisfied"})
    assert r.status_code == 200, r.text


def test_the_reporter_reopens_within_the_window_and_not_after(client, session, resident):
    case_id = report(client, resident).json()["id"]
    walk(session, case_id, "register", "dispatch", "accept", "report", "verify", "close")
    version = client.get(f"/api/v1/reports/{case_id}", headers=resident).json()["version"]
    without_reason = client.post(f"/api/v1/reports/{case_id}/steps", headers=resident,
                                 json={"action": "reopen", "version": version})
    assert without_reason.status_code == 422
    reopened = client.post(f"/api/v1/reports/{case_id}/steps", headers=resident,
                           json={"action": "reopen", "version": version, "note": "垃圾又堆起来了"}).json()
    assert (reopened["status"], reopened["closed_at"]) == ("dispatched", None)
    assert reopened["timeline"][-1] == {"stage": "reopened", "at": reopened["timeline"][-1]["at"], "to": None,
                                        "note": "垃圾又堆起来了"}
    due = session.execute(text("SELECT due_at > now() FROM cases WHERE id = :id"), {"id": case_id}).scalar()
    assert due, "a fresh deadline"
    walk(session, case_id, "accept", "report", "verify", "close")
    session.execute(text("UPDATE cases SET closed_at = :t WHERE id = :id"),
                    {"t": datetime.now(UTC) - timedelta(days=8), "id": case_id})
    late = client.get(f"/api/v1/reports/{case_id}", headers=resident).json()
    assert "reopen" not in late["allowed_actions"]
    r = client.post(f"/api/v1/reports/{case_id}/steps", headers=resident,
                    json={"action": "reopen", "version": late["version"], "note": "再开"})
    assert r.status_code == 409


def test_a_resident_sees_only_their_own(client, session, resident):
    mine = report(client, resident).json()["id"]
    other = sign_in_resident(client, "13900002222") | ZH
    theirs = report(client, other).json()["id"]
    assert [r["id"] for r in client.get("/api/v1/reports", headers=resident).json()["items"]] == [mine]
    for path in (f"/api/v1/reports/{theirs}", f"/api/v1/cases/{mine}"):
        assert client.get(path, headers=resident).status_code in (403, 404), path
    steal = client.post(f"/api/v1/reports/{theirs}/steps", headers=resident,
                        json={"action": "rate", "version": 1, "rating": "satisfied"})
    assert steal.status_code == 404
    photo = client.post(f"/api/v1/reports/{theirs}/photos", headers=resident,
                        files={"file": ("a.png", PNG, "image/png")})
    assert photo.status_code == 404


def test_staff_have_no_resident_pages(client, login, city):
    r = client.get("/api/v1/reports", headers=login("grid_worker", "110105001001001"))
    assert r.status_code == 403


def test_photos_are_photos(client, resident):
    case_id = report(client, resident).json()["id"]
    ok = client.post(f"/api/v1/reports/{case_id}/photos", headers=resident, files={"file": ("a.png", PNG, "image/png")})
    assert ok.status_code == 201
    again = client.post(f"/api/v1/reports/{case_id}/photos", headers=resident,
                        files={"file": ("b.png", PNG, "image/png")})
    assert again.status_code == 200
    pdf = client.post(f"/api/v1/reports/{case_id}/photos", headers=resident,
                      files={"file": ("a.pdf", b"%PDF-1.4 x", "application/pdf")})
    assert pdf.status_code == 422
    assert len(client.get(f"/api/v1/reports/{case_id}", headers=resident).json()["photos"]) == 1


def test_the_topics_are_public_and_plain(client):
    topics = client.get("/api/v1/reports/topics").json()
    assert {"code": "garbage", "name": "垃圾没人清", "name_en": "Rubbish left lying"} in topics


def test_a_photo_is_read_back_by_its_reporter_and_the_staff_of_its_grid_only(client, login, resident):
    case_id = report(client, resident).json()["id"]
    photo = client.post(f"/api/v1/reports/{case_id}/photos", headers=resident,
                        files={"file": ("门口.png", PNG, "image/png")}).json()
    mine = client.get(f"/api/v1/reports/{case_id}/photos/{photo['id']}", headers=resident)
    assert mine.status_code == 200 and mine.content == PNG and mine.headers["content-type"] == "image/png"
    assert mine.headers["x-content-type-options"] == "nosniff" and "sandbox" in mine.headers["content-security-policy"]
    assert "UTF-8''%E9%97%A8%E5%8F%A3.png" in mine.headers["content-disposition"]
    assert mine.headers["cache-control"].startswith("private")
    other = sign_in_resident(client, "13900003333")
    assert client.get(f"/api/v1/reports/{case_id}/photos/{photo['id']}", headers=other).status_code == 404
    staff = client.get(f"/api/v1/cases/{case_id}/attachments/{photo['id']}", headers=login("admin"))
    assert staff.status_code == 200 and staff.content == PNG
    elsewhere = login("grid_worker", "110105001002001")  # B1: the report lies in A
    assert client.get(f"/api/v1/cases/{case_id}/attachments/{photo['id']}", headers=elsewhere).status_code == 404
    other_case = report(client, resident).json()["id"]  # the id of a file is read only on its own case
    assert client.get(f"/api/v1/reports/{other_case}/photos/{photo['id']}", headers=resident).status_code == 404
