"""`wangge keys open311 NAME`: a client's api_key printed once (only its hash stored), posting works with it, and
`--revoke` stops it at once."""

import pytest
from sqlalchemy import text

from geo.access import open311_clients
from geo.core import db
from geo.core.errors import Forbidden
from tests.cli.test_cli import wangge


def _session():
    return db.session_factory(db.get_engine())()


def test_issue_then_revoke(cli_database):
    result = wangge("keys", "open311", "12345-app")
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    assert len(key) >= 40 and "12345-app" in result.output and "once" in result.output
    with _session() as session:
        stored = session.execute(text("SELECT key_hmac, revoked_at FROM open311_clients WHERE name = '12345-app'")).one()
        assert key.encode() not in bytes(stored.key_hmac) and stored.revoked_at is None
        assert open311_clients.client_actor(session, key).username == "open311:12345-app"
    again = wangge("keys", "open311", "12345-app")
    assert again.exit_code == 2 and "exists" in again.output and "Traceback" not in again.output
    revoked = wangge("keys", "open311", "12345-app", "--revoke")
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    with _session() as session:
        with pytest.raises(Forbidden):
            open311_clients.client_actor(session, key)


def test_bad_or_unknown_names_are_messages_and_exit_2(cli_database):
    bad = wangge("keys", "open311", "Bad Name")
    assert bad.exit_code == 2 and "Bad Name" in bad.output and "Traceback" not in bad.output
    unknown = wangge("keys", "open311", "nobody", "--revoke")
    assert unknown.exit_code == 2 and "nobody" in unknown.output


def test_the_help_says_what_it_does():
    shown = wangge("keys", "open311", "--help").output
    assert "--revoke" in shown and "api_key" in shown
