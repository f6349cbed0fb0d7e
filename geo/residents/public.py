"""居务公开, what the public reads (WANGGE_PUBLIC): per community, its cases counted by category and stage, the
on-time and satisfaction figures (geo/cases/kpis.py, the one definition), and its closed cases; and the cases as
de-identified GeoReport requests.

Nothing personal and no exact point leaves here: a case is its category, stage, dates and grid, its place the centre
of the WANGGE_PUBLIC_CELL_M square (UTM) it lies in. Its free text (description, reply) is public only as an
operator approved it (case_publications, geo/residents/publication.py), and the reply only while the case is closed.
"""

from datetime import datetime, timedelta
from functools import lru_cache
from math import floor

from pyproj import Transformer
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.scope import Scope
from geo.cases.categories import categories
from geo.cases.kpis import kpis
from geo.core.errors import NotFound
from geo.core.i18n import msg
from geo.core.models import OPEN_STATUSES, Level, Role
from geo.core.settings import get_settings
from geo.residents.reports import _stage as stage  # the stages a resident follows: the same words for the public

PERIOD_DAYS = 365
PAGE_SIZE = 30
# Cases the public sees one by one: registered (a self-report at intake may be anything) and not merged away.
SHOWN = "c.status NOT IN ('intake', 'merged') AND c.grid_code IS NOT NULL"
GRID_NAME = ("LEFT JOIN LATERAL (SELECT r.name FROM area_records r WHERE r.code = c.grid_code "
             "ORDER BY r.valid_to DESC NULLS FIRST LIMIT 1) g ON true")
CASE_COLUMNS = f"""
SELECT c.id, c.status, c.category, c.reported_at, c.closed_at, coalesce(c.closed_at, c.dispatched_at) AS updated_at,
       ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat, g.name AS grid_name,
       CASE WHEN c.status IN ('closed', 'rated') THEN p.reply END AS reply, p.description
FROM cases c {GRID_NAME} LEFT JOIN case_publications p ON p.case_id = c.id
"""


def require_public() -> None:
    """NotFound unless the public results are turned on (WANGGE_PUBLIC): off, none of them exists."""
    if not get_settings().public:
        raise NotFound(msg("the public results are not published here"))


def communities(session: Session, now: datetime) -> list[dict]:
    """Every community with its street and the cases reported in it over the last year, by street then code."""
    rows = session.execute(text("""
        SELECT a.code, a.name, s.name AS street, coalesce(n.cases, 0) AS cases
        FROM areas a LEFT JOIN areas s ON s.code = a.parent_code
        LEFT JOIN (SELECT left(grid_code, 12) AS code, count(*) AS cases FROM cases
                   WHERE reported_at >= :since AND status <> 'merged' GROUP BY 1) n ON n.code = a.code
        WHERE a.level = 'community' ORDER BY a.parent_code, a.code"""),
                           {"since": now - timedelta(days=PERIOD_DAYS)}).mappings()
    return [dict(r) for r in rows]


def community(session: Session, code: str, now: datetime, page: int = 1) -> dict:
    """A community's public page: counts by category and stage, the year's figures, a page of its closed cases."""
    area = session.execute(text("SELECT a.code, a.name, s.name AS street FROM areas a "
                                "LEFT JOIN areas s ON s.code = a.parent_code WHERE a.code = :code "
                                "AND a.level = 'community'"), {"code": code}).mappings().first()
    if area is None:
        raise NotFound(msg("no community with code {code}", code=code))
    since = now - timedelta(days=PERIOD_DAYS)
    where = {"pattern": code + "%", "since": since, "until": now}
    figures = kpis(session, Scope(Role.admin, code, Level.community), since, now)
    closed, more = closed_cases(session, code, since, now, page)
    return {**dict(area), "since": since, "until": now, "figures": figures, "by_category": _by_category(session, where),
            "by_stage": _by_stage(session, where), "closed": closed, "page": page, "more": more}


def closed_cases(session: Session, code: str, since: datetime, until: datetime, page: int) -> tuple[list[dict], bool]:
    """One page of the community's cases closed in the period, newest closure first, and whether more follow."""
    rows = session.execute(text(CASE_COLUMNS + f"WHERE {SHOWN} AND c.grid_code LIKE :pattern AND c.status IN "
                                "('closed', 'rated') AND c.closed_at >= :since AND c.closed_at < :until "
                                "ORDER BY c.closed_at DESC, c.id DESC LIMIT :n OFFSET :skip"),
                           {"pattern": code + "%", "since": since, "until": until, "n": PAGE_SIZE + 1,
                            "skip": (page - 1) * PAGE_SIZE}).mappings().all()
    return [_public_case(r) for r in rows[:PAGE_SIZE]], len(rows) > PAGE_SIZE


def requests(session: Session, *, service_codes: list[str] | None = None, status: set[str] | None = None,
             start: datetime | None = None, end: datetime | None = None, ids: list[int] | None = None,
             limit: int = 100, offset: int = 0) -> list[dict]:
    """Public cases as GeoReport filters them (categories, open and/or closed, reported between, or given ids),
    newest first."""
    where, params = [SHOWN], {"n": limit, "skip": offset}
    if ids is not None:  # GeoReport: service_request_id overrides every other filter
        where.append("c.id = ANY(:ids)")
        params["ids"] = ids
    else:
        if service_codes:
            where.append("c.category = ANY(:categories)")
            params["categories"] = service_codes
        if status and len(status) == 1:
            where.append(("" if "open" in status else "NOT ") + "c.status = ANY(:open)")
            params["open"] = list(OPEN_STATUSES)
        if start:
            where.append("c.reported_at >= :start")
            params["start"] = start
        if end:
            where.append("c.reported_at < :end")
            params["end"] = end
    rows = session.execute(text(CASE_COLUMNS + "WHERE " + " AND ".join(where) +
                                " ORDER BY c.reported_at DESC, c.id DESC LIMIT :n OFFSET :skip"), params).mappings()
    return [_public_case(r) for r in rows]


def request(session: Session, case_id: int) -> dict:
    """One public case; NotFound for one the public does not see (at intake, merged, outside every grid)."""
    row = session.execute(text(CASE_COLUMNS + f"WHERE {SHOWN} AND c.id = :id"), {"id": case_id}).mappings().first()
    if row is None:
        raise NotFound(msg("no case {id}", id=case_id))
    return _public_case(row)


def cell_centre(lon: float, lat: float, side_m: int | None = None) -> tuple[float, float]:
    """The centre of the `side_m` square of the point's UTM zone that holds it (to 4 decimals, ~10 m): where a case
    is, to the public; never the point itself."""
    side = side_m or get_settings().public_cell_m
    zone = min(60, int(floor((lon + 180) / 6)) + 1)
    forward = _utm(zone, lat >= 0)
    x, y = forward.transform(lon, lat)
    cx, cy = (floor(x / side) + 0.5) * side, (floor(y / side) + 0.5) * side
    clon, clat = forward.transform(cx, cy, direction="INVERSE")
    return round(clon, 4), round(clat, 4)


@lru_cache
def _utm(zone: int, north: bool) -> Transformer:
    return Transformer.from_crs("EPSG:4326", f"EPSG:{(32600 if north else 32700) + zone}", always_xy=True)


def _public_case(row) -> dict:
    """A case row as the public reads it."""
    category = categories().get(row["category"])
    lon, lat = cell_centre(row["lon"], row["lat"])
    return {"id": row["id"], "open": row["status"] in OPEN_STATUSES, "stage": stage(row["status"]),
            "category": row["category"], "category_name": category.name_zh if category else row["category"],
            "category_name_en": category.name_en if category else row["category"],
            "reported_at": row["reported_at"], "closed_at": row["closed_at"], "updated_at": row["updated_at"],
            "grid_name": row["grid_name"] or "", "reply": row["reply"], "description": row["description"],
            "lon": lon, "lat": lat}


def _by_category(session: Session, where: dict) -> list[dict]:
    """The period's cases of the community per category, most first."""
    rows = session.execute(text("SELECT category, count(*) AS n FROM cases WHERE grid_code LIKE :pattern AND "
                                "reported_at >= :since AND reported_at < :until AND status <> 'merged' "
                                "GROUP BY 1 ORDER BY 2 DESC, 1"), where).all()
    cats = categories()
    return [{"code": code, "name": cats[code].name_zh if code in cats else code,
             "name_en": cats[code].name_en if code in cats else code, "cases": n} for code, n in rows]


def _by_stage(session: Session, where: dict) -> dict[str, int]:
    """The period's cases of the community per stage a resident follows (received … rated)."""
    counts = {s: 0 for s in ("received", "dispatched", "handling", "closed", "rated")}
    for status, n in session.execute(text("SELECT status, count(*) FROM cases WHERE grid_code LIKE :pattern AND "
                                          "reported_at >= :since AND reported_at < :until AND status <> 'merged' "
                                          "GROUP BY 1"), where):
        counts[stage(status)] += n
    return counts
