"""The monthly partitions of cases (migration 0009): made ahead of time, and before a bulk load of past months."""

from datetime import UTC, date, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.core.time import CHINA

AHEAD_MONTHS = 3  # the clock keeps this many months ready, so intake never lands in the default partition


def ensure_months(session: Session, first: date, last: date) -> list[str]:
    """Make sure every month from `first` to `last` (Beijing dates) has its partition; their names."""
    return list(session.execute(text("""
        SELECT wangge_case_partition(m::date)
        FROM generate_series(date_trunc('month', CAST(:first AS date)), CAST(:last AS date), interval '1 month') AS m"""),
        {"first": first, "last": last}).scalars())


def ensure_ahead(session: Session, now: datetime | None = None) -> list[str]:
    """This month's partition and the next AHEAD_MONTHS'."""
    today = (now or datetime.now(UTC)).astimezone(CHINA).date()
    month = today.month - 1 + AHEAD_MONTHS
    return ensure_months(session, today, date(today.year + month // 12, month % 12 + 1, 1))


def partitions(session: Session) -> list[tuple[str, int]]:
    """Each partition of cases with its estimated row count, oldest first (the default partition last)."""
    return [tuple(r) for r in session.execute(text("""
        SELECT c.relname, greatest(c.reltuples, 0)::bigint FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'cases'::regclass ORDER BY c.relname = 'cases_other', c.relname"""))]
