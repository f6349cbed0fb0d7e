"""Party coverage figures per grid, community or street in a scope (docs/party.md defines each figure).

Compounds count in the grid of their grid_code and the community of their community_code; staff in the area of
their assignment; households and members in the area of their building's grid.
"""

from datetime import date, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.core.errors import InvalidInput
from geo.core.i18n import msg
from geo.core.time import china_today
from geo.party.compound_coverage import COMPOUND_COVERAGE_SQL, required_activities

LEVELS = ("grid", "community", "street")
DEFAULT_DAYS = 90
MAX_DAYS = 3 * 365 + 1  # three years, one of them a leap year
GRID_DUTIES = ("grid_leader", "fulltime_worker", "parttime_worker")
# How many of the named grid staff of an area are members: whoever can list the staff (grid page, staff layer) learns
# from "1 of 1" (or by differencing two areas) who is a member, so only readers who may know members get these.
STAFF_MEMBERSHIP = ("leader_members", "leader_member_share", "worker_members", "worker_member_share")


def area_key(level: str, column: str) -> str:
    """SQL: the code of the `level` area a grid (or community) code in `column` lies in (codes nest by prefix)."""
    return {"grid": column, "community": f"left({column}, 12)", "street": f"left({column}, 9) || '000'"}[level]


def period(since: date | None, until: date | None, today: date | None = None) -> tuple[date, date]:
    """The checked period: by default the 90 Beijing days ending today; InvalidInput says what is wrong."""
    until = until or today or china_today()
    since = since or until - timedelta(days=DEFAULT_DAYS - 1)
    if since > until:
        raise InvalidInput(msg("the period starts ({since}) after it ends ({until})", since=since, until=until))
    if (until - since).days > MAX_DAYS:
        raise InvalidInput(msg("a period may span at most three years ({days} days)", days=MAX_DAYS))
    return since, until


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by."""
    return round(part / whole, 4) if whole else None


AREAS_SQL = """SELECT code, name FROM area_records WHERE level = :level AND valid_to IS NULL AND code LIKE :pattern
ORDER BY code"""

STAFF_SQL = """
SELECT {key} AS area,
       count(DISTINCT sa.staff_id) FILTER (WHERE sa.duty = 'grid_leader') AS leaders,
       count(DISTINCT sa.staff_id) FILTER (WHERE sa.duty = 'grid_leader' AND m.staff_id IS NOT NULL) AS leader_members,
       count(DISTINCT sa.staff_id) FILTER (WHERE sa.duty <> 'grid_leader') AS workers,
       count(DISTINCT sa.staff_id) FILTER (WHERE sa.duty <> 'grid_leader' AND m.staff_id IS NOT NULL) AS worker_members
FROM staff_assignments sa
LEFT JOIN (SELECT DISTINCT staff_id FROM party_members WHERE staff_id IS NOT NULL) m ON m.staff_id = sa.staff_id
WHERE sa.duty IN ('grid_leader', 'fulltime_worker', 'parttime_worker') AND sa.area_code LIKE :pattern
  AND sa.start_date <= :until AND (sa.end_date IS NULL OR sa.end_date >= :until)
GROUP BY 1"""

# Joins to distinct sets rather than EXISTS per row: the planner costs those subplans so high that JIT compiles
# for a second (bench/party.py).
HOUSEHOLDS_SQL = """
SELECT {key} AS area, count(*) AS households, count(c.household_id) AS contacted
FROM households h JOIN buildings b ON b.id = h.building_id
LEFT JOIN (SELECT DISTINCT household_id FROM party_contacts) c ON c.household_id = h.id
WHERE b.grid_code LIKE :pattern GROUP BY 1"""

MEMBERS_SQL = """
SELECT {key} AS area, count(*) AS members, count(*) FILTER (WHERE m.kind = 'in_service') AS in_service,
       count(r.member_id) FILTER (WHERE m.kind = 'in_service') AS reported_in
FROM party_members m JOIN households h ON h.id = m.household_id JOIN buildings b ON b.id = h.building_id
LEFT JOIN (SELECT DISTINCT member_id FROM party_report_ins WHERE reported_on <= :until) r ON r.member_id = m.id
WHERE b.grid_code LIKE :pattern GROUP BY 1"""


def _by_area(session: Session, sql: str, level: str, column: str, params: dict) -> dict[str, dict]:
    """The rows of a grouped query by area code, the area taken from `column` at `level`."""
    rows = session.execute(text(sql.format(key=area_key(level, column))), params).mappings()
    return {row["area"]: dict(row) for row in rows}


def _compounds(session: Session, level: str, pattern: str, since: date, until: date) -> dict[str, dict]:
    """Compounds, 组织覆盖 and 工作覆盖 per area: each compound's coverage (COMPOUND_COVERAGE_SQL) counted up."""
    column = "x.grid_code" if level == "grid" else "x.community_code"
    sql = (f"SELECT {area_key(level, column)} AS area, count(*) AS compounds, "
           "count(*) FILTER (WHERE cardinality(x.orgs) > 0) AS org_covered, "
           "count(*) FILTER (WHERE x.activities >= :required) AS work_covered "
           f"FROM ({COMPOUND_COVERAGE_SQL}) x WHERE {column} IS NOT NULL GROUP BY 1")
    params = {"pattern": pattern, "start": since, "end": until, "required": required_activities(since, until)}
    return {row["area"]: dict(row) for row in session.execute(text(sql), params).mappings()}


def coverage(session: Session, pattern: str, level: str, since: date, until: date) -> list[dict]:
    """Every `level` area matching `pattern` (a scope's LIKE pattern) with its coverage figures, by code."""
    if level not in LEVELS:
        raise InvalidInput(msg("level must be one of {levels}", levels=", ".join(LEVELS)))
    params = {"pattern": pattern, "until": until}
    areas = session.execute(text(AREAS_SQL), {"level": level, "pattern": pattern}).all()
    compounds = _compounds(session, level, pattern, since, until)
    staff = _by_area(session, STAFF_SQL, level, "sa.area_code", params)
    households = _by_area(session, HOUSEHOLDS_SQL, level, "b.grid_code", params)
    members = _by_area(session, MEMBERS_SQL, level, "b.grid_code", params)
    return [_row(code, name, compounds.get(code, {}), staff.get(code, {}), households.get(code, {}),
                 members.get(code, {})) for code, name in areas]


def without_staff_membership(rows: list[dict]) -> list[dict]:
    """The rows with the members among grid staff left out (None), for readers without read_party_members."""
    return [{**row, **dict.fromkeys(STAFF_MEMBERSHIP)} for row in rows]


def _row(code: str, name: str, compounds: dict, staff: dict, households: dict, members: dict) -> dict:
    """One area's figures with their shares (None over an empty denominator)."""
    n = {"compounds": 0, "org_covered": 0, "work_covered": 0, "leaders": 0, "leader_members": 0, "workers": 0,
         "worker_members": 0, "households": 0, "contacted": 0, "members": 0, "in_service": 0, "reported_in": 0}
    for part in (compounds, staff, households, members):
        n.update({k: v for k, v in part.items() if k != "area"})
    return {"code": code, "name": name, **n,
            "org_share": share(n["org_covered"], n["compounds"]),
            "work_share": share(n["work_covered"], n["compounds"]),
            "leader_member_share": share(n["leader_members"], n["leaders"]),
            "worker_member_share": share(n["worker_members"], n["workers"]),
            "members_per_100_households": (round(100 * n["members"] / n["households"], 2)
                                           if n["households"] else None),
            "reported_in_share": share(n["reported_in"], n["in_service"]),
            "contacted_share": share(n["contacted"], n["households"])}
