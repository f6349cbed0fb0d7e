"""Reading areas back as GeoJSON (RFC 7946) features."""

import json
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.core.errors import InvalidInput, NotFound
from geo.core.i18n import msg
from geo.core.models import CHILD_LEVEL, Level
from geo.core.query import bbox_condition, check_page
from geo.territory.history import relation_on
from geo.territory.scheduled import DayAreas

# RFC 7946 §11.2: 7 decimals of a degree is about a centimetre, more than any boundary is worth.
DECIMALS = 7
MAX_LIMIT = 10_000

SELECT = """
SELECT code, level, parent_code, name, name_en, kind, purpose, area_m2, valid_from,
       (SELECT count(*) FROM {areas} ch WHERE ch.parent_code = a.code) AS children,
       ST_AsGeoJSON(CASE WHEN :tolerance > 0 THEN ST_SimplifyPreserveTopology(geom, :tolerance) ELSE geom END,
                    :decimals) AS geometry
FROM {areas} a
"""


def _select(areas: DayAreas) -> str:
    return SELECT.format(areas=areas)


def _feature(row) -> dict:
    props = {k: row._mapping[k] for k in ("code", "level", "parent_code", "name", "name_en", "kind", "purpose", "children")}
    props["area_m2"] = round(row.area_m2, 1)
    props["valid_from"] = row.valid_from.isoformat() if row.valid_from else None
    return {"type": "Feature", "id": row.code, "properties": props, "geometry": json.loads(row.geometry)}


def _params(tolerance: float, at: date | None) -> dict:
    if tolerance < 0:
        raise InvalidInput(msg("simplify must not be negative"))
    return {"tolerance": tolerance, "decimals": DECIMALS, "at": at}


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """A `minlon,minlat,maxlon,maxlat` string as numbers; InvalidInput when malformed."""
    if value is None:
        return None
    try:
        box = tuple(float(v) for v in value.split(","))
    except ValueError:
        raise InvalidInput(msg("bbox {value!r}: four numbers minlon,minlat,maxlon,maxlat", value=value)) from None
    if len(box) != 4 or not (box[0] <= box[2] and box[1] <= box[3]):
        raise InvalidInput(msg("bbox {value!r}: four numbers minlon,minlat,maxlon,maxlat with min <= max", value=value))
    if not (-180 <= box[0] <= 180 and -180 <= box[2] <= 180 and -90 <= box[1] <= 90 and -90 <= box[3] <= 90):
        raise InvalidInput(msg("bbox {value!r}: outside ±180/±90", value=value))
    return box


def list_areas(session: Session, level: Level, *, parent: str | None = None, bbox=None, simplify: float = 0.0,
               limit: int = 1000, offset: int = 0, at: date | None = None) -> dict:
    """A FeatureCollection of one level, optionally under a parent and within a bbox, ordered by code.

    `at` answers with the boundaries in force on that day instead of today's.
    """
    check_page(limit, offset, MAX_LIMIT)
    where = ["level = :level"]
    params = {"level": Level(level).value, "limit": limit, "offset": offset, **_params(simplify, at)}
    if parent:
        where.append("parent_code = :parent")
        params["parent"] = parent
    if bbox:
        where.append(bbox_condition("geom", bbox, params))
    relation = relation_on(session, at)
    sql = _select(relation) + " WHERE " + " AND ".join(where) + " ORDER BY code LIMIT :limit OFFSET :offset"
    rows = session.execute(text(relation.statement(sql)), params)
    total = session.execute(text(relation.statement(f"SELECT count(*) FROM {relation} a WHERE " + " AND ".join(where))),
                            params).scalar_one()
    features = [_feature(r) for r in rows]
    return {"type": "FeatureCollection", "features": features, "numberMatched": total, "numberReturned": len(features)}


def get_area(session: Session, level: Level, code: str, *, simplify: float = 0.0, at: date | None = None) -> dict:
    """One area as a GeoJSON Feature (as it was on day `at`); NotFound names the level and code."""
    relation = relation_on(session, at)
    row = session.execute(text(relation.statement(_select(relation) + " WHERE level = :level AND code = :code")),
                          {"level": Level(level).value, "code": code, **_params(simplify, at)}).first()
    if row is None and at is not None:
        raise NotFound(msg("no {level} with code {code} on {day}", level=Level(level), code=code, day=at.isoformat()))
    if row is None:
        raise NotFound(msg("no {level} with code {code}", level=Level(level), code=code))
    return _feature(row)


def children(session: Session, level: Level, code: str, **kwargs) -> dict:
    """The areas directly below one area, as a FeatureCollection."""
    get_area(session, level, code, at=kwargs.get("at"))
    child = CHILD_LEVEL.get(Level(level))
    if child is None:
        return {"type": "FeatureCollection", "features": [], "numberMatched": 0, "numberReturned": 0}
    return list_areas(session, child, parent=code, **kwargs)
