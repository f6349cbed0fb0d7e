"""The round texts a resident at each step of their report they follow, once per step, and carries on after a
failing gateway from where it stopped."""

import pytest
from sqlalchemy import text

from geo.access.actor import SYSTEM, actor_for
from geo.cases.intake import NewCase, create_case
from geo.cases.workflow import StepInput, transition
from geo.core.models import User
from geo.core.settings import get_settings
from geo.residents import reports, signin
from geo.residents.notices import send_notices
from tests.conftest import texts


@pytest.fixture
def reported(session, city):
    """A resident's report (13812345678), and a hotline case nobody is texted about."""
    send_notices(session)  # the first round starts after what is there
    user = signin.account(session, "13812345678")
    actor = actor_for(session, session.get(User, user.id))
    case_id, _ = reports.submit(session, actor, reports.NewReport("garbage", 116.41, 39.95, "垃圾没人清"))
    hotline, _ = create_case(session, NewCase("env_garbage", lon=116.41, lat=39.95, channel="hotline"), SYSTEM)
    return case_id, hotline


def walk(session, case_id, *steps):
    for action in steps:
        version = session.execute(text("SELECT version FROM cases WHERE id = :id"), {"id": case_id}).scalar()
        transition(session, case_id, action, version, SYSTEM, StepInput(note="已处理"))


def test_each_followed_step_is_texted_once(session, reported):
    case_id, hotline = reported
    walk(session, case_id, "register", "dispatch", "accept", "report", "verify", "close")
    walk(session, hotline, "dispatch")
    with texts() as sent:
        first = send_notices(session)
        again = send_notices(session)
    assert (first.sent, again.sent) == (2, 0)
    assert f"编号 {case_id}）已派遣至" in sent[0] and "13812345678" in sent[0]
    assert f"编号 {case_id}）已办结" in sent[1]
    assert not any(f"编号 {hotline}）" in s for s in sent)


def test_a_failing_gateway_stops_the_round_and_the_next_carries_on(session, reported, monkeypatch):
    case_id, _ = reported
    walk(session, case_id, "register", "dispatch")
    monkeypatch.setattr(get_settings(), "sms", "webhook")
    monkeypatch.setattr(get_settings(), "sms_webhook_url", "http://127.0.0.1:9/unreachable")
    monkeypatch.setattr(get_settings(), "sms_webhook_secret", "s")
    stopped = send_notices(session)
    assert stopped.stopped and stopped.sent == 0
    monkeypatch.setattr(get_settings(), "sms", "log")
    with texts() as sent:
        assert send_notices(session).sent == 1
    assert "已派遣至" in sent[0]
