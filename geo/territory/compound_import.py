"""Compound import (小区/院落): a boundary file checked whole against itself and the database, then upserted by code.

A file is refused whole, every offending feature named, or written whole. Each compound lies in a community (the
one given, else the one covering its point on surface) within the boundary import's parent tolerance, and overlaps
no other compound (in the file, or stored and not replaced by it) beyond the overlap tolerance. Writing re-derives
the compound of every building the old or new polygons touch (the buildings' trigger does it).
"""

from dataclasses import dataclass, field
from pathlib import Path

import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.core.errors import ImportRejected
from geo.core.i18n import Msg, msg
from geo.core.progress import Track, no_track
from geo.core.settings import get_settings
from geo.core.uploads.limits import Limits
from geo.territory.boundary_features import resolve_crs
from geo.territory.boundary_files import read_boundary_file
from geo.territory.boundary_import import metric_for, outside_by
from geo.territory.compound_features import CompoundCandidate, prepare


@dataclass
class CompoundReport:
    """What a compound import wrote."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    fixes: list[Msg] = field(default_factory=list)
    buildings_linked: int = 0


def _communities(session: Session, candidates: list[CompoundCandidate], problems: list[Msg]) -> dict[str, object]:
    """Fill in each candidate's community (given, else the one under its point on surface): code → geometry."""
    given = list({c.community for c in candidates if c.community})
    rows = session.execute(text("SELECT code, level, ST_AsBinary(geom) FROM areas WHERE code = ANY(:codes)"),
                           {"codes": given}).all()
    found = {code: (level, shapely.from_wkb(bytes(wkb))) for code, level, wkb in rows}
    for c in candidates:
        if c.community is None:
            point = c.geom.point_on_surface()
            c.community = session.execute(text(
                "SELECT code FROM areas WHERE level = 'community' AND ST_Covers(geom, ST_GeomFromWKB(:wkb, 4326)) "
                "ORDER BY code LIMIT 1"), {"wkb": point.wkb}).scalar()
            if c.community is None:
                problems.append(msg("{where}: lies in no community; import the communities first", where=c.where))
        elif c.community not in found:
            problems.append(msg("{where}: community {code} does not exist", where=c.where, code=c.community))
            c.community = None
        elif found[c.community][0] != "community":
            problems.append(msg("{where}: {code} is not a community", where=c.where, code=c.community))
            c.community = None
    missing = list({c.community for c in candidates if c.community and c.community not in found})
    for code, wkb in session.execute(text("SELECT code, ST_AsBinary(geom) FROM areas WHERE code = ANY(:codes)"),
                                     {"codes": missing}):
        found[code] = ("community", shapely.from_wkb(bytes(wkb)))
    return {code: geom for code, (_, geom) in found.items()}


def _check_within(candidates, communities, metric, problems) -> None:
    """Each compound lies within its community, allowing the boundary import's parent tolerance."""
    tolerance = get_settings().parent_tolerance_m
    for c in candidates:
        if c.community is None:
            continue
        far, area = outside_by(metric(c.geom), metric(communities[c.community]))
        if far > tolerance:
            problems.append(msg("{where}: lies outside its community {community} by up to {far} m ({area} m² outside; "
                                "tolerance {tolerance} m)", where=c.where, community=c.community, far=f"{far:.1f}",
                                area=f"{area:.0f}", tolerance=f"{tolerance:g}"))


def _check_overlaps(session, candidates, metric, problems) -> None:
    """No two compounds overlap beyond the overlap tolerance, both in the file or one stored and not replaced."""
    min_area = get_settings().overlap_tolerance_m2
    members = [(c.where, metric(c.geom)) for c in candidates]
    minx, miny, maxx, maxy = shapely.total_bounds([c.geom for c in candidates])
    rows = session.execute(text("SELECT code, ST_AsBinary(geom) FROM compounds WHERE NOT code = ANY(:codes) "
                                "AND geom && ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326)"),
                           {"codes": [c.code for c in candidates], "x0": minx, "y0": miny, "x1": maxx, "y1": maxy})
    members += [(msg("stored compound {code}", code=code), metric(shapely.from_wkb(bytes(wkb)))) for code, wkb in rows]
    geoms = [g for _, g in members]
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    for i, j in zip(left, right):
        if i >= j or j >= len(candidates) and i >= len(candidates):
            continue
        area = geoms[i].intersection(geoms[j]).area
        if area > min_area:
            problems.append(msg("{first} and {second} overlap by {area} m²", first=members[i][0],
                                second=members[j][0], area=f"{area:.0f}"))


def _check_coverage(session, candidates, problems) -> None:
    """A compound covered by a branch stays in that branch's community: move or re-import the branch first."""
    by_code = {c.code: c for c in candidates}
    rows = session.execute(text("SELECT c.code, o.code, o.area_code FROM compounds c JOIN party_org_compounds oc "
                                "ON oc.compound_id = c.id JOIN party_orgs o ON o.id = oc.org_id "
                                "WHERE c.code = ANY(:codes)"), {"codes": list(by_code)})
    for code, org, area in rows:
        c = by_code[code]
        if c.community and c.community != area:
            problems.append(msg("{where}: covered by the party branch {org} of community {area}; it cannot move to "
                                "community {community}", where=c.where, org=org, area=area, community=c.community))


def validate(session: Session, candidates: list[CompoundCandidate]) -> list[Msg]:
    """The problems found by checking candidates against each other and the database."""
    if not candidates:
        return []
    metric = metric_for(candidates)
    problems: list[Msg] = []
    communities = _communities(session, candidates, problems)
    _check_within(candidates, communities, metric, problems)
    _check_overlaps(session, candidates, metric, problems)
    _check_coverage(session, candidates, problems)
    return problems


UPSERT = text("""
INSERT INTO compounds (code, name, community_code, property_company, owners_committee, red_property, geom, area_m2)
VALUES (:code, :name, :community, :property_company, :owners_committee, :red_property,
        ST_SetSRID(ST_GeomFromWKB(:wkb), 4326), 0)
ON CONFLICT (code) DO UPDATE SET
    name = EXCLUDED.name, community_code = EXCLUDED.community_code, property_company = EXCLUDED.property_company,
    owners_committee = EXCLUDED.owners_committee, red_property = EXCLUDED.red_property, geom = EXCLUDED.geom,
    updated_at = now()
RETURNING id, (xmax = 0) AS inserted
""")

# Touching the geometry fires the trigger that derives each building's compound again: those linked to these
# compounds before (the old polygons) and those the new polygons touch.
RELINK_BUILDINGS = text("""
UPDATE buildings b SET geom = b.geom
WHERE b.compound_id = ANY(:ids)
   OR EXISTS (SELECT 1 FROM compounds p WHERE p.id = ANY(:ids) AND ST_Intersects(p.geom, b.geom))
""")


def write(session: Session, candidates: list[CompoundCandidate], track: Track = no_track) -> CompoundReport:
    """Upsert validated candidates (the caller commits) and re-derive the compound of the buildings they touch."""
    report = CompoundReport()
    ids = []
    for c in track(candidates, "写入 writing", len(candidates)):
        params = {"code": c.code, "name": c.name, "community": c.community, "property_company": c.property_company,
                  "owners_committee": c.owners_committee, "red_property": c.red_property, "wkb": c.geom.wkb}
        row = session.execute(UPSERT, params).one()
        ids.append(row.id)
        (report.created if row.inserted else report.updated).append(c.code)
    session.execute(RELINK_BUILDINGS, {"ids": ids})
    report.buildings_linked = session.execute(text("SELECT count(*) FROM buildings WHERE compound_id = ANY(:ids)"),
                                              {"ids": ids}).scalar_one()
    return report


def import_compounds(session: Session, path: Path, *, crs: str | None = None, fix: bool = False,
                     track: Track = no_track, operator: bool = False, limits: Limits | None = None) -> CompoundReport:
    """Read, validate and write a compound file; ImportRejected names every problem and nothing is written.

    `operator` (a file named on the command line) also allows a Shapefile folder or a bare .shp."""
    raw = read_boundary_file(path, operator=operator, limits=limits)
    source_crs = resolve_crs(raw.declared_crs, crs)
    if not raw.features:
        raise ImportRejected(msg("{path}: no features; nothing was written", path=path))
    candidates, problems, fixes = prepare(list(track(raw.features, "检查 checking", len(raw.features))), source_crs, fix)
    problems += validate(session, candidates)
    if problems:
        raise ImportRejected(msg("{path}: {count} problem(s); nothing was written", path=path, count=len(problems)),
                             problems=problems)
    report = write(session, candidates, track)
    report.fixes = fixes
    return report
