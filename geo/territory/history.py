"""Boundaries through time: which areas were in force on a day, and every version of one code.

`areas` (a view) holds the boundaries in force now; `areas_at(day)` (migration 0006) those in force
on any day, from `area_records` and `area_history`. Queries written against `areas` take
`relation_on(session, at)` in its place to answer for a day; for a day to come it also applies the
scheduled plans whose day has come by then (geo.territory.scheduled).
"""

import json
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.core.errors import NotFound
from geo.core.i18n import msg
from geo.core.models import Level
from geo.territory.scheduled import ON_DAY, areas_sql, due_by, relation_on

__all__ = ["ON_DAY", "relation", "relation_on", "versions"]


def relation(at: date | None) -> str:
    """The recorded areas in force now, or on day `at` (bind :at), without scheduled plans: see relation_on."""
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

# One code as the plans due by :at leave it; {areas} from geo.territory.scheduled.areas_sql.
PLANNED = """
SELECT code, name, parent_code, kind, valid_from, valid_to, plan_id, area_m2, ST_AsGeoJSON(geom, 7) AS geometry
FROM {areas} a WHERE a.code = :code AND a.level = :level
"""


def versions(session: Session, level: Level, code: str, at: date | None = None) -> dict:
    """Every boundary a code has had, oldest first, as a FeatureCollection with the days each was in force.

    `at` adds the versions the scheduled plans due by that day will draw, each marked `scheduled`."""
    rows = _recorded(session, level, code)
    if at is not None:
        rows = _scheduled(session, level, code, at, rows)
    if not rows:
        raise NotFound(msg("no {level} with code {code}", level=Level(level), code=code))
    return {"type": "FeatureCollection", "features": [_version(r, at) for r in rows], "numberReturned": len(rows)}


def _recorded(session: Session, level: Level, code: str) -> list[dict]:
    """The versions on record (none when the code was never issued at this level)."""
    found = session.execute(text("SELECT level FROM area_records WHERE code = :code"), {"code": code}).scalar()
    if found != Level(level).value:
        return []
    return [dict(r, scheduled=False) for r in session.execute(VERSIONS, {"code": code}).mappings()]


def _scheduled(session: Session, level: Level, code: str, at: date, rows: list[dict]) -> list[dict]:
    """`rows` followed by what each effective day of the plans due by `at` makes of the code."""
    due = due_by(session, at)
    rows = [dict(r) for r in rows]
    current = rows[-1] if rows and rows[-1]["valid_to"] is None else None
    for day in sorted({d for _, _, d in due}):
        areas = areas_sql(day, tuple(p for p in due if p[2] <= day))
        sql = text(areas.statement(PLANNED.format(areas=areas)))
        row = session.execute(sql, {"at": day, "code": code, "level": Level(level).value}).mappings().first()
        if row is not None and current is not None and (row["valid_from"], row["plan_id"]) == (
                current["valid_from"], current["plan_id"]):
            continue  # the plans of that day leave it as it was
        if current is not None and current["valid_from"] == day:
            rows.pop()  # redrawn twice on one day: the earlier leaves no trace, as when applied
        elif current is not None:
            current["valid_to"] = day
        current = dict(row, scheduled=True) if row is not None else None
        if current is not None:
            rows.append(current)
    return rows


def _version(r: dict, at: date | None) -> dict:
    """One version as a GeoJSON Feature; `scheduled` only when the caller asked about a day (`at`)."""
    props = {"code": r["code"], "name": r["name"], "parent_code": r["parent_code"], "kind": r["kind"],
             "area_m2": round(r["area_m2"], 1), "plan_id": r["plan_id"],
             "valid_from": _day(r["valid_from"]), "valid_to": _day(r["valid_to"])}
    if at is not None:
        props["scheduled"] = r["scheduled"]
    return {"type": "Feature", "id": f"{r['code']}@{r['valid_from'] or 'start'}",
            "geometry": json.loads(r["geometry"]), "properties": props}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None
