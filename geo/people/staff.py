"""Staff and their assignments; every read goes through geo.access.scope."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import TextClause, text
from sqlalchemy.orm import Session

from geo.access import crypto
from geo.access.privacy import sees_whole_phone, staff_phone
from geo.access.scope import Scope, like_pattern
from geo.core.models import Duty
from geo.core.query import bbox_condition, check_page


@dataclass
class StaffOnDuty:
    """A staff member in one assignment."""

    staff_id: int
    name: str
    phone: str | None
    duty: str
    area_code: str | None
    building_id: int | None
    start_date: date
    end_date: date | None


def _half(code_column: str, join: str, area_filter: str) -> str:
    """One half of the staff query: assignments whose area code (or building's grid) is `code_column`."""
    return f"""
    SELECT s.id AS staff_id, s.name, s.phone_enc, sa.duty, sa.area_code, sa.building_id, sa.start_date, sa.end_date,
           {code_column} AS where_code
    FROM staff_assignments sa JOIN staff s ON s.id = sa.staff_id {join}
    WHERE {code_column} {area_filter} AND {code_column} LIKE :pattern
      AND sa.start_date <= :day AND (sa.end_date IS NULL OR sa.end_date >= :day)"""


def _staff_sql(area_filter: str) -> TextClause:
    # Area duties and building duties (counted in their building's grid) as two indexable halves;
    # hand-written because this runs on every locate, where building the ORM statement cost 3 ms.
    return text(
        "SELECT staff_id, name, phone_enc, duty, area_code, building_id, start_date, end_date FROM ("
        + _half("sa.area_code", "", area_filter) + "\n    UNION ALL"
        + _half("b.grid_code", "JOIN buildings b ON b.id = sa.building_id", area_filter)
        + "\n) d ORDER BY where_code, array_position(CAST(:duties AS text[]), duty::text), staff_id"
        " LIMIT :limit OFFSET :offset")


STAFF_OF_AREA = _staff_sql("= :area")
STAFF_ALL = _staff_sql("IS NOT NULL")
DUTY_ORDER = [d.value for d in Duty]


def staff_on_duty(session: Session, scope: Scope, *, area_code: str | None = None, day: date | None = None,
                  limit: int = 500, offset: int = 0) -> list[StaffOnDuty]:
    """Staff assignments in force on `day` (today by default) that `scope` may see, phones as its role may see them."""
    params = {"area": area_code, "pattern": like_pattern(scope), "day": day or date.today(),
              "duties": DUTY_ORDER, "limit": limit, "offset": offset}
    rows = session.execute(STAFF_ALL if area_code is None else STAFF_OF_AREA, params)
    return [StaffOnDuty(r.staff_id, r.name, staff_phone(scope.role, r.duty, crypto.reveal(r.phone_enc)), r.duty, r.area_code, r.building_id,
                        r.start_date, r.end_date) for r in rows]


# One point per grid (a point inside it, for markers) with the grid staff on duty there.
GRID_STAFF = """
SELECT a.code, a.name, ST_X(p.pt) AS lon, ST_Y(p.pt) AS lat,
       json_agg(json_build_object('id', s.id, 'name', s.name, 'phone', encode(s.phone_enc, 'base64'), 'duty', sa.duty)
                ORDER BY array_position(CAST(:duties AS text[]), sa.duty::text), s.id) AS staff
FROM areas a
CROSS JOIN LATERAL (SELECT ST_PointOnSurface(a.geom) AS pt) p
JOIN staff_assignments sa ON sa.area_code = a.code
JOIN staff s ON s.id = sa.staff_id
WHERE a.level = 'grid' AND a.code LIKE :pattern AND {bbox}
  AND sa.start_date <= :day AND (sa.end_date IS NULL OR sa.end_date >= :day)
GROUP BY a.code, a.name, p.pt ORDER BY a.code LIMIT :limit"""
GRID_STAFF_MAX = 2000


def grid_staff_points(session: Session, scope: Scope, bbox, *, day: date | None = None,
                      limit: int = GRID_STAFF_MAX) -> dict:
    """GeoJSON: a point in every visible grid touching `bbox` with its staff on duty, phones as the role may see."""
    check_page(limit, 0, GRID_STAFF_MAX)
    params = {"pattern": like_pattern(scope), "day": day or date.today(), "duties": DUTY_ORDER, "limit": limit}
    where = bbox_condition("a.geom", bbox, params) if bbox else "TRUE"
    rows = session.execute(text(GRID_STAFF.format(bbox=where)), params)
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
                 "properties": {"code": r.code, "name": r.name,
                                "staff": [s | {"phone": staff_phone(scope.role, s["duty"], crypto.reveal(s["phone"]))}
                                          for s in r.staff]}}
                for r in rows]
    return {"type": "FeatureCollection", "features": features}


def whole_phones_shown(scope: Scope, staff: list[StaffOnDuty] | dict) -> list[int]:
    """The ids of staff whose whole phone `staff` (a list, or grid_staff_points' GeoJSON) shows `scope`'s role."""
    if isinstance(staff, dict):
        rows = [(s["id"], s["duty"], s["phone"]) for f in staff["features"] for s in f["properties"]["staff"]]
    else:
        rows = [(s.staff_id, s.duty, s.phone) for s in staff]
    return [i for i, duty, phone in rows if phone and sees_whole_phone(scope.role, duty)]
