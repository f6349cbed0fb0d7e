"""Boundaries through time: which areas were in force on a day, and every version of one code.

`areas` (a view) holds the boundaries in force now; `areas_at(day)` (migration 0006) those in force
on any day, from `area_records` and `area_history`. Queries written against `areas` take
`relation(at)` in its place to answer for a day.
"""

import json
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.core.errors import NotFound
from geo.core.i18n import msg
from geo.core.models import Level

ON_DAY = "areas_at(CAST(:at AS date))"  # bind :at


def relation(at: date | None) -> str:
    """The SQL relation to read areas from: those in force now, or on day `at` (bind it as :at)."""
    return "areas" if at is None else ON_DAY


VERSIONS = text("""
SELECT code, name, parent_code, kind, valid_from, valid_to, plan_id, area_m2, ST_AsGeoJSON(geom, 7) AS geometry
FROM (
    SELECT code, name, parent_code, kind, valid_from, valid_to, plan_id, area_m2, geom FROM area_records
    WHERE code = :code
    UNION ALL
    SELECT code, name, parent_code, kind, valid_from, valid_to, plan_id, area_m2, geom FROM area_history
    WHERE code = :code
) v
ORDER BY valid_from NULLS FIRST
""")


def versions(session: Session, level: Level, code: str) -> dict:
    """Every boundary a code has had, oldest first, as a FeatureCollection with the days each was in force."""
    found = session.execute(text("SELECT level FROM area_records WHERE code = :code"), {"code": code}).scalar()
    if found != Level(level).value:
        raise NotFound(msg("no {level} with code {code}", level=Level(level), code=code))
    rows = session.execute(VERSIONS, {"code": code}).mappings().all()
    features = [{"type": "Feature", "id": f"{r['code']}@{r['valid_from'] or 'start'}",
                 "geometry": json.loads(r["geometry"]),
                 "properties": {"code": r["code"], "name": r["name"], "parent_code": r["parent_code"],
                                "kind": r["kind"], "area_m2": round(r["area_m2"], 1), "plan_id": r["plan_id"],
                                "valid_from": _day(r["valid_from"]), "valid_to": _day(r["valid_to"])}}
               for r in rows]
    return {"type": "FeatureCollection", "features": features, "numberReturned": len(features)}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None
