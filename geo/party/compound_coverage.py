"""The two coverages (两个覆盖) of each compound, the unit every coverage figure counts (docs/party.md).

- 组织覆盖: a compound branch covers the compound (party_org_compounds).
- 工作覆盖: a covering branch, or a building group under it, held at least `required_activities` activities
  in the period.
"""

from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.core.settings import get_settings

# Params: :pattern (LIKE on the compound's grid or community code), :start, :end, :required.
COMPOUND_COVERAGE_SQL = """
WITH scoped AS (
    SELECT p.id, p.code, p.name, p.community_code, p.grid_code FROM compounds p
    WHERE p.grid_code LIKE :pattern OR p.community_code LIKE :pattern
), covering AS (
    SELECT oc.compound_id, o.id AS org_id FROM party_org_compounds oc JOIN party_orgs o ON o.id = oc.org_id
    WHERE oc.compound_id IN (SELECT id FROM scoped)
), working AS (  -- the covering organisation and the building groups under it
    SELECT c.compound_id, a.held_on FROM covering c
    JOIN party_orgs o ON o.id = c.org_id OR (o.parent_id = c.org_id AND o.level = 'building_group')
    JOIN party_activities a ON a.org_id = o.id AND a.held_on BETWEEN :start AND :end
)
SELECT s.id, s.code, s.name, s.community_code, s.grid_code, coalesce(c.orgs, '{}') AS orgs,
       coalesce(w.activities, 0) AS activities, w.last_activity
FROM scoped s  -- grouped joins, not a subquery per compound: that scanned both CTEs once per compound (quadratic)
LEFT JOIN (SELECT compound_id, array_agg(org_id ORDER BY org_id) AS orgs FROM covering GROUP BY 1) c
    ON c.compound_id = s.id
LEFT JOIN (SELECT compound_id, count(*) AS activities, max(held_on) AS last_activity FROM working GROUP BY 1) w
    ON w.compound_id = s.id
"""


def required_activities(start: date, end: date) -> int:
    """Activities a compound's organisation must hold in [start, end] to count as working there."""
    return max(1, ((end - start).days + 1) // get_settings().party_active_days)


def compound_coverage(session: Session, pattern: str, start: date, end: date) -> list[dict]:
    """Every compound matching `pattern` with its organisations, activities and both coverages, by code."""
    required = required_activities(start, end)
    rows = session.execute(text(COMPOUND_COVERAGE_SQL + " ORDER BY s.code"),
                           {"pattern": pattern, "start": start, "end": end}).mappings()
    return [{**row, "orgs": list(row["orgs"]), "org_covered": bool(row["orgs"]),
             "work_covered": row["activities"] >= required} for row in rows]
