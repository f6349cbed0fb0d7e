"""Boundary import: validate a whole file against itself and the database, then write it in one go.

A file is refused whole, with every offending feature named, or written whole. Validation runs
in a local equal-area projection (metres) centred on the file, so the 1 m parent tolerance and
overlap areas mean what they say.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.core.errors import ImportRejected
from geo.core.i18n import Msg, msg
from geo.core.metric import Metric
from geo.core.models import (
    CHILD_LEVEL,
    PARENT_LEVEL,
    Level,
)
from geo.core.progress import Track, no_track
from geo.core.settings import get_settings
from geo.core.uploads.limits import Limits
from geo.territory.boundary_features import (
    Candidate,
    derive_parent,
    label,
    prepare,
    resolve_crs,
)
from geo.territory.boundary_files import RawFeature, read_boundary_file


@dataclass
class ImportReport:
    """What an import wrote."""

    level: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    fixes: list[Msg] = field(default_factory=list)
    buildings_relocated: int = 0


def metric_for(candidates: list[Candidate]) -> Metric:
    """A local equal-area projection centred on the candidates' bounds."""
    minx, miny, maxx, maxy = shapely.total_bounds([c.geom for c in candidates])
    return Metric((minx + maxx) / 2, (miny + maxy) / 2)


def _load_areas(session: Session, codes: Iterable[str]) -> dict[str, tuple[str, object]]:
    """Existing areas by code: (level, WGS84 geometry)."""
    rows = session.execute(text("SELECT code, level, ST_AsBinary(geom) FROM areas WHERE code = ANY(:codes)"),
                           {"codes": list(set(codes))})
    return {code: (lvl, shapely.from_wkb(bytes(wkb))) for code, lvl, wkb in rows}


def outside_by(child_m, parent_m) -> tuple[float, float]:
    """How far (m) and how much (m²) a child sticks out of its parent."""
    outside = child_m.difference(parent_m)
    if outside.is_empty:
        return 0.0, 0.0
    far = max(parent_m.distance(shapely.Point(xy)) for xy in shapely.get_coordinates(outside))
    return far, outside.area


def _check_parents(session, candidates, level, metric, problems) -> None:
    """Every parent exists at the level above, and every child lies within it (with tolerance)."""
    if level == Level.district:
        return
    tolerance = get_settings().parent_tolerance_m
    parents = _load_areas(session, [c.parent_code for c in candidates])
    projected: dict[str, object] = {}
    for c in candidates:
        found = parents.get(c.parent_code)
        where = label(c.number, c.code)
        if found is None or found[0] != PARENT_LEVEL[level]:
            problems.append(msg("{where}: parent {level} {parent} does not exist; import it first", where=where,
                                level=PARENT_LEVEL[level], parent=c.parent_code))
            continue
        if c.parent_code not in projected:
            projected[c.parent_code] = metric(found[1])
        parent_m = projected[c.parent_code]
        far, area = outside_by(metric(c.geom), parent_m)
        if far > tolerance:
            problems.append(msg("{where}: lies outside its parent {parent} by up to {far} m ({area} m² outside; "
                                "tolerance {tolerance} m)", where=where, parent=c.parent_code, far=f"{far:.1f}",
                                area=f"{area:.0f}", tolerance=f"{tolerance:g}"))


def _check_existing(session, candidates, level, metric, problems) -> None:
    """Re-imported codes keep their level, and their existing children still fit inside."""
    existing = _load_areas(session, [c.code for c in candidates])
    retired = dict(session.execute(text("SELECT code, valid_to FROM area_records WHERE code = ANY(:codes) "
                                         "AND valid_to IS NOT NULL"), {"codes": [c.code for c in candidates]}).all())
    for c in candidates:
        if c.code in retired:
            problems.append(msg("{where}: code {code} was retired on {day}; retired codes are never reused",
                                where=label(c.number, c.code), code=c.code, day=retired[c.code].isoformat()))
        if c.code in existing and existing[c.code][0] != level:
            problems.append(msg("{where}: code already exists as a {level}", where=label(c.number, c.code),
                                level=Level(existing[c.code][0])))
    if level == Level.grid:
        return
    tolerance = get_settings().parent_tolerance_m
    by_code = {c.code: c for c in candidates if c.code in existing}
    rows = session.execute(text("SELECT code, parent_code, ST_AsBinary(geom) FROM areas WHERE parent_code = ANY(:codes)"),
                           {"codes": list(by_code)})
    for child_code, parent_code, wkb in rows:
        c = by_code[parent_code]
        far, _ = outside_by(metric(shapely.from_wkb(bytes(wkb))), metric(c.geom))
        if far > tolerance:
            problems.append(msg("{where}: the new boundary leaves its existing {level} {child} outside by up to {far} m",
                                where=label(c.number, c.code), level=CHILD_LEVEL[level], child=child_code, far=f"{far:.1f}"))


def _check_overlaps(session, candidates, level, metric, problems) -> None:
    """Siblings (areas with the same parent) must not overlap, whether both are new or one is stored."""
    min_area = get_settings().overlap_tolerance_m2
    new_codes = {c.code for c in candidates}
    groups: dict[str | None, list[tuple[str, str, object]]] = defaultdict(list)
    for c in candidates:
        groups[c.parent_code].append((label(c.number, c.code), c.code, metric(c.geom)))
    rows = session.execute(text("SELECT code, parent_code, ST_AsBinary(geom) FROM areas "
                                "WHERE level = :level AND (parent_code = ANY(:parents) OR (:top AND parent_code IS NULL))"),
                           {"level": level.value, "parents": [p for p in groups if p], "top": None in groups})
    for code, parent, wkb in rows:
        if code not in new_codes:
            groups[parent].append((msg("stored {level} {code}", level=level, code=code), code,
                                   metric(shapely.from_wkb(bytes(wkb)))))
    for members in groups.values():
        geoms = [g for _, _, g in members]
        tree = shapely.STRtree(geoms)
        left, right = tree.query(geoms, predicate="intersects")
        for i, j in zip(left, right):
            if i >= j:
                continue
            area = geoms[i].intersection(geoms[j]).area
            if area > min_area:
                problems.append(msg("{first} and {second} overlap by {area} m² (same parent {parent})",
                                    first=members[i][0], second=members[j][0], area=f"{area:.0f}",
                                    parent=_parent_of(members[i][1], level)))


def _parent_of(code: str, level: Level) -> str:
    return derive_parent(code, level) or "-"


def validate(session: Session, candidates: list[Candidate], level: Level) -> list[Msg]:
    """The problems found by checking candidates against each other and the database."""
    if not candidates:
        return []
    metric = metric_for(candidates)
    problems: list[Msg] = []
    _check_parents(session, candidates, level, metric, problems)
    _check_existing(session, candidates, level, metric, problems)
    _check_overlaps(session, candidates, level, metric, problems)
    return problems


# Into the records, not the view: RETURNING xmax needs the table.
UPSERT = text("""
INSERT INTO area_records (code, level, parent_code, name, name_en, kind, purpose, synthetic, geom, area_m2)
SELECT :code, :level, :parent_code, :name, :name_en, :kind, :purpose, :synthetic, g, round(ST_Area(g::geography)::numeric, 2)::float8
FROM (SELECT ST_SetSRID(ST_GeomFromWKB(:wkb), 4326) AS g) AS src
ON CONFLICT (code) DO UPDATE SET
    parent_code = EXCLUDED.parent_code, name = EXCLUDED.name, name_en = EXCLUDED.name_en,
    kind = EXCLUDED.kind, purpose = EXCLUDED.purpose, synthetic = EXCLUDED.synthetic, geom = EXCLUDED.geom,
    area_m2 = EXCLUDED.area_m2, updated_at = now()
RETURNING (xmax = 0) AS inserted
""")


# Touching the geometry fires the trigger that derives each building's grid again.
RELOCATE_BUILDINGS = text("""
UPDATE buildings b SET geom = b.geom
WHERE b.grid_code = ANY(:codes)
   OR EXISTS (SELECT 1 FROM areas a WHERE a.code = ANY(:codes) AND ST_Intersects(a.geom, b.geom))
""")

RELOCATE_COMPOUNDS = text("""
UPDATE compounds p SET geom = p.geom
WHERE p.grid_code = ANY(:codes)
   OR EXISTS (SELECT 1 FROM areas a WHERE a.code = ANY(:codes) AND ST_Intersects(a.geom, p.geom))
""")


def write(session: Session, candidates: list[Candidate], level: Level, track: Track = no_track,
          synthetic: bool = False) -> ImportReport:
    """Upsert validated candidates (the caller commits) and re-derive the grid of affected buildings."""
    report = ImportReport(level.value)
    for c in track(candidates, "写入 writing", len(candidates)):
        params = {"code": c.code, "level": level.value, "parent_code": c.parent_code, "name": c.name,
                  "name_en": c.name_en, "kind": c.kind, "purpose": c.purpose, "wkb": c.geom.wkb, "synthetic": synthetic}
        inserted = session.execute(UPSERT, params).scalar_one()
        (report.created if inserted else report.updated).append(c.code)
    if level == Level.grid:
        codes = [c.code for c in candidates]
        report.buildings_relocated = session.execute(RELOCATE_BUILDINGS, {"codes": codes}).rowcount
        session.execute(RELOCATE_COMPOUNDS, {"codes": codes})
    return report


def import_boundaries(session: Session, path: Path, level: Level | str, *, crs: str | None = None, fix: bool = False,
                      code: str | None = None, name: str | None = None, track: Track = no_track,
                      synthetic: bool = False, operator: bool = False, limits: Limits | None = None) -> ImportReport:
    """Read, validate and write a boundary file; ImportRejected names every problem and nothing is written.

    `synthetic` marks the areas as generated (the demo city), so that re-seeding may replace them;
    `operator` (a file named on the command line) also allows a Shapefile folder or a bare .shp;
    `limits` default to the WANGGE_UPLOAD_* settings.
    """
    level = Level(level)
    raw = read_boundary_file(path, operator=operator, limits=limits)
    source_crs = resolve_crs(raw.declared_crs, crs)
    _apply_overrides(raw.features, code, name)
    if not raw.features:
        raise ImportRejected(msg("{path}: no features; nothing was written", path=path))
    candidates, problems, fixes = prepare(list(track(raw.features, "检查 checking", len(raw.features))), level, source_crs, fix)
    problems += validate(session, candidates, level)
    if problems:
        raise ImportRejected(msg("{path}: {count} problem(s); nothing was written", path=path, count=len(problems)),
                             problems=problems)
    report = write(session, candidates, level, track, synthetic)
    report.fixes = fixes
    return report


def _apply_overrides(features: list[RawFeature], code: str | None, name: str | None) -> None:
    """--code/--name fill in a single bare geometry (such as the district outlines in data/)."""
    if code is None and name is None:
        return
    if len(features) != 1:
        raise ImportRejected(msg("--code/--name apply to a file with one feature, this one has {count}", count=len(features)))
    if code:
        features[0].properties["code"] = code
    if name:
        features[0].properties["name"] = name
