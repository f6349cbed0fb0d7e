"""A plan out of the system: its grids as GeoJSON or GeoPackage, and which grid every building falls in (CSV)."""

import json
import tempfile
from pathlib import Path

import geopandas as gpd
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.core import spreadsheet
from geo.core.errors import InvalidInput
from geo.core.i18n import msg
from geo.planning.plans import grids_of, plan_row

FORMATS = {"geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3"}
ASSIGNMENTS = """
SELECT b.id, b.code, b.name, b.grid_code AS current_grid,
       (SELECT g.code FROM plan_grids g WHERE g.plan_id = :plan_id AND ST_Covers(g.geom, ST_PointOnSurface(b.geom))
        ORDER BY ST_Area(g.geom), g.code LIMIT 1) AS plan_grid
FROM buildings b JOIN areas c ON c.code = ANY(:communities) AND ST_Covers(c.geom, ST_PointOnSurface(b.geom))
ORDER BY b.id
"""


def grids_file(session: Session, plan_id: int, actor: Actor, fmt: str) -> bytes:
    """The plan's grids (code, name, community_code, kind, purpose) in EPSG:4326, as GeoJSON or GeoPackage."""
    if fmt not in FORMATS:
        raise InvalidInput(msg("format must be one of {formats}", formats=", ".join(FORMATS)))
    plan_row(session, plan_id, actor)
    grids = grids_of(session, plan_id)
    frame = gpd.GeoDataFrame([{k: g[k] for k in ("code", "name", "community_code", "kind", "purpose")} for g in grids],
                             geometry=[g["geom"] for g in grids], crs="EPSG:4326")
    if fmt == "geojson":
        return json.dumps(json.loads(frame.to_json(drop_id=True)), ensure_ascii=False).encode()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"plan-{plan_id}.gpkg"
        frame.to_file(path, layer="grids", driver="GPKG", engine="pyogrio")
        return path.read_bytes()


def assignments_csv(session: Session, plan_id: int, actor: Actor) -> bytes:
    """Every building of the plan's communities with its grid now and under the plan (UTF-8 with BOM)."""
    row = plan_row(session, plan_id, actor)
    rows = session.execute(text(ASSIGNMENTS), {"plan_id": plan_id, "communities": list(row["communities"])})
    header = ["building_id", "building_code", "name", "current_grid", "plan_grid"]
    return spreadsheet.table_bytes(header, (list(r) for r in rows), "csv")
