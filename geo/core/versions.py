"""The committed versions of the data kept in memory (data_versions, migration 0009), in one small query.

Not the change counters of geo.core.cache (sequences of 0004, which move before a writer commits and so
suit only caches with a time limit): these move inside the writing transaction."""

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

QUERY = text("""
SELECT max(version) FILTER (WHERE kind = 'areas') AS areas, max(version) FILTER (WHERE kind = 'staff') AS staff,
       max(version) FILTER (WHERE kind = 'users') AS users, max(version) FILTER (WHERE kind = 'calendar') AS calendar,
       pg_current_xact_id_if_assigned() IS NULL AS clean
FROM data_versions""")


@dataclass(frozen=True)
class Versions:
    """Each kind's version as this transaction sees it; `clean`: it has written nothing itself (yet)."""

    areas: int
    staff: int
    users: int
    calendar: int
    clean: bool


def data_versions(session: Session) -> Versions:
    """The versions now, in this session's transaction."""
    row = session.execute(QUERY).one()
    return Versions(row.areas, row.staff, row.users, row.calendar, row.clean)
