"""Who handles a case: the category's level (data/categories.csv), then the least-loaded person on duty there.

Small matters stay in the grid, bigger ones go to the community or the street, some straight to a
department; escalation moves a case one level up: grid → community → street → district.
"""

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.core.models import OPEN_STATUSES, Duty

LEVELS = ("grid", "community", "street", "district")
DUTIES_AT = {
    "grid": (Duty.fulltime_worker, Duty.parttime_worker, Duty.grid_leader),
    "community": (Duty.community_staff, Duty.community_secretary),
    "street": (Duty.street_staff,),
    "district": (),
}


@dataclass
class Route:
    level: str
    area: str | None
    department: str | None = None
    assignee_id: int | None = None


def area_at(grid_code: str, level: str) -> str:
    """The code of the grid's area at `level`."""
    return {"grid": grid_code, "community": grid_code[:12], "street": grid_code[:9] + "000", "district": grid_code[:6]}[level]


# Full-time workers before part-time before the leader; then fewest open cases; then lowest id.
LEAST_LOADED = text("""
SELECT s.id
FROM staff_assignments a JOIN staff s ON s.id = a.staff_id
WHERE a.area_code = :area AND a.duty = ANY(:duties)
  AND a.start_date <= current_date AND (a.end_date IS NULL OR a.end_date >= current_date)
ORDER BY array_position(CAST(:duties AS text[]), a.duty::text),
         (SELECT count(*) FROM cases c WHERE c.assignee_id = s.id AND c.status = ANY(:open)), s.id
LIMIT 1
""")


def least_loaded(session: Session, area: str, level: str) -> int | None:
    """The staff member on duty in `area` with the fewest open cases (None when nobody is)."""
    duties = [d.value for d in DUTIES_AT[level]]
    if not duties:
        return None
    return session.execute(LEAST_LOADED, {"area": area, "duties": duties, "open": [s.value for s in OPEN_STATUSES]}).scalar()


def route(session: Session, handler_level: str, department: str, grid_code: str | None) -> Route:
    """Where a new case goes."""
    if grid_code is None:
        return Route("district", None)
    if handler_level == "department":
        return Route("department", area_at(grid_code, "street"), department or None)
    area = area_at(grid_code, handler_level)
    return Route(handler_level, area, None, least_loaded(session, area, handler_level))


def escalate(session: Session, level: str, grid_code: str | None) -> Route | None:
    """The next level up, or None at the top."""
    if grid_code is None or level in ("district", "department"):
        return None
    up = LEVELS[LEVELS.index(level) + 1]
    area = area_at(grid_code, up)
    return Route(up, area, None, least_loaded(session, area, up))
