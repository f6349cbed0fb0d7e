"""Cases partitioned by Beijing month: rows find their month, late months are made, references are still checked."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from geo.access.actor import SYSTEM
from geo.cases.intake import NewCase, create_case
from geo.cases.partitions import ensure_ahead, ensure_months, partitions
from tests.city import staff_the_city


def _case_at(session, reported_at: datetime) -> int:
    return session.execute(text("INSERT INTO cases (category, geom, reported_at) VALUES "
                                "('env_garbage', ST_SetSRID(ST_MakePoint(116.41, 39.95), 4326), :t) RETURNING id"),
                           {"t": reported_at}).scalar()


def _home(session, case_id: int) -> str:
    return session.execute(text("SELECT tableoid::regclass::text FROM cases WHERE id = :i"), {"i": case_id}).scalar()


def test_a_month_not_made_yet_waits_in_the_default_partition_and_moves_when_made(session):
    case_id = _case_at(session, datetime(2019, 5, 10, 8, tzinfo=UTC))
    assert _home(session, case_id) == "cases_other"
    assert ensure_months(session, date(2019, 4, 1), date(2019, 6, 30)) == ["cases_2019_04", "cases_2019_05", "cases_2019_06"]
    assert _home(session, case_id) == "cases_2019_05"
    assert session.execute(text("SELECT count(*) FROM cases_other")).scalar() == 0
    assert ensure_months(session, date(2019, 5, 1), date(2019, 5, 1)) == ["cases_2019_05"]  # made once


def test_months_are_beijing_months(session):
    ensure_months(session, date(2020, 1, 1), date(2020, 2, 1))
    late_january_utc = datetime(2020, 1, 31, 16, 30, tzinfo=UTC)  # already 1 February, 00:30 in Beijing
    assert _home(session, _case_at(session, late_january_utc)) == "cases_2020_02"
    assert _home(session, _case_at(session, datetime(2020, 1, 31, 15, 59, tzinfo=UTC))) == "cases_2020_01"


def test_the_clock_keeps_the_coming_months_ready(session):
    made = ensure_ahead(session, datetime(2031, 11, 20, tzinfo=UTC))
    assert made == ["cases_2031_11", "cases_2031_12", "cases_2032_01", "cases_2032_02"]
    names = [name for name, _ in partitions(session)]
    assert names[-1] == "cases_other" and set(made) <= set(names)


def test_a_query_for_one_month_reads_only_that_partition(session):
    ensure_months(session, date(2021, 3, 1), date(2021, 4, 1))
    plan = "\n".join(session.execute(text(
        "EXPLAIN SELECT count(*) FROM cases WHERE reported_at >= '2021-03-05+08' AND reported_at < '2021-03-20+08'")).scalars())
    assert "cases_2021_03" in plan and "cases_2021_04" not in plan and "cases_other" not in plan


@pytest.mark.parametrize("statement", [
    "INSERT INTO case_events (case_id, actor, action, to_status) VALUES (:missing, 'x', 'note', 'registered')",
    "INSERT INTO case_reporters (case_id, name) VALUES (:missing, 'x')",
    "INSERT INTO case_attachments (case_id, filename, content_type, size, sha256) VALUES (:missing, 'a', 'b', 1, 'c')",
    "UPDATE cases SET merged_into = :missing WHERE id = :real",
])
def test_references_to_a_missing_case_are_refused_as_a_foreign_key_would(session, statement):
    real = _case_at(session, datetime(2026, 11, 20, tzinfo=UTC))
    with pytest.raises(DBAPIError, match="does not exist") as caught, session.begin_nested():
        session.execute(text(statement), {"missing": real + 1000, "real": real})
    assert caught.value.orig.sqlstate == "23503"


def test_deleting_a_case_takes_its_reporters_and_clears_references(session):
    first = _case_at(session, datetime(2026, 11, 20, tzinfo=UTC))
    second = _case_at(session, datetime(2026, 11, 21, tzinfo=UTC))
    session.execute(text("UPDATE cases SET duplicate_of = :f WHERE id = :s"), {"f": first, "s": second})
    session.execute(text("INSERT INTO case_reporters (case_id, name) VALUES (:f, 'x')"), {"f": first})
    session.execute(text("DELETE FROM cases WHERE id = :f"), {"f": first})
    assert session.execute(text("SELECT duplicate_of FROM cases WHERE id = :s"), {"s": second}).scalar() is None
    assert session.execute(text("SELECT count(*) FROM case_reporters WHERE case_id = :f"), {"f": first}).scalar() == 0


def test_an_idempotent_retry_returns_the_first_case(session, city):
    staff_the_city(session)
    report = NewCase("env_garbage", lon=116.405, lat=39.935)
    first, created = create_case(session, report, SYSTEM, idempotency_key="retry-1")
    again, created_again = create_case(session, report, SYSTEM, idempotency_key="retry-1")
    assert created and not created_again and again == first
