"""Checking a plan, community by community, with the offending geometry for every problem.

Errors (a plan with any cannot be published): invalid geometry; grids overlapping or leaving gaps inside
their community beyond WANGGE_OVERLAP_TOLERANCE_M2; a grid outside its community beyond
WANGGE_PARENT_TOLERANCE_M; a code that does not start with its community's; a grid in several pieces;
a building in no grid or in several; a retired code issued again, or a code moved onto land mostly
not its own (MapIt's rule: a code keeps its meaning or is retired). Warnings: edges that do not match their neighbour's exactly
(slivers under the tolerances, from shapely's coverage checks), numbering that does not run west→east,
north→south, and poor compactness (Polsby-Popper below COMPACT_ENOUGH).
Geometry is measured in a local equal-area projection around each community.
"""

import json
import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.core.i18n import Msg, msg
from geo.core.metric import Metric
from geo.core.settings import get_settings
from geo.planning.plans import grids_of, plan_row

COMPACT_ENOUGH = 0.2  # Polsby-Popper: a circle is 1, a square 0.785, a 4:1 rectangle 0.503


@dataclass
class Problem:
    """One thing wrong with a plan: what, where (grid codes), and the geometry to show on the map."""

    code: str
    severity: str  # error or warning
    grids: list[str]
    message: Msg
    geometry: object = None  # shapely, WGS84

    def as_dict(self, lang: str) -> dict:
        """The problem as the API returns it."""
        from geo.core.i18n import render
        return {"code": self.code, "severity": self.severity, "grids": self.grids,
                "message": str(render(self.message, lang)),
                "geometry": json.loads(shapely.to_geojson(self.geometry)) if self.geometry is not None else None}


@dataclass
class Report:
    """The plan's problems and every grid's measures."""

    problems: list[Problem] = field(default_factory=list)
    grids: list[dict] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """No errors (warnings allowed)."""
        return not any(p.severity == "error" for p in self.problems)


def validate_plan(session: Session, plan_id: int, actor: Actor) -> Report:
    """Every problem of the plan, and per grid its area, Polsby-Popper compactness and buildings."""
    row = plan_row(session, plan_id, actor)
    grids = grids_of(session, plan_id)
    report = Report()
    for community in row["communities"]:
        members = [g for g in grids if g["community_code"] == community]
        _check_community(session, community, members, report)
    for g in grids:
        if g["community_code"] not in row["communities"]:
            report.problems.append(Problem("outside_plan", "error", [g["code"]], msg(
                "grid {code}: community {community} is not part of this plan", code=g["code"],
                community=g["community_code"]), g["geom"]))
    return report


def _check_community(session: Session, community: str, grids: list[dict], report: Report) -> None:
    """Every check of the community's grids: each grid, overlaps, gaps, loose edges, numbering, codes, buildings."""
    settings = get_settings()
    wkb = session.execute(text("SELECT ST_AsBinary(geom) FROM areas WHERE code = :community"),
                          {"community": community}).scalar()
    outline = shapely.from_wkb(bytes(wkb))
    centre = outline.centroid
    metric = Metric(centre.x, centre.y)
    outline_m = metric(outline)
    shapes_m = [metric(g["geom"]) for g in grids]
    for g, shape in zip(grids, shapes_m):
        report.problems += _grid_problems(g, shape, community, outline_m, metric, settings.parent_tolerance_m)
        report.grids.append({"code": g["code"], "community_code": community, "area_m2": round(shape.area, 1),
                             "polsby_popper": _polsby_popper(shape)})
    valid = [(g, s) for g, s in zip(grids, shapes_m) if s.is_valid]
    report.problems += _overlaps(valid, metric, settings.overlap_tolerance_m2)
    report.problems += _gaps(community, outline_m, [s for _, s in valid], metric, settings.overlap_tolerance_m2)
    report.problems += _loose_edges(valid, metric)
    report.problems += _numbering(community, grids)
    report.problems += _codes(session, grids)
    report.problems += _buildings(session, community, grids)


def _grid_problems(g: dict, shape, community: str, outline_m, metric: Metric, tolerance_m: float) -> list[Problem]:
    """The problems of one grid: invalid geometry, code prefix, pieces, land outside the community, compactness."""
    code, out = g["code"], []
    if not shape.is_valid:
        return [Problem("invalid_geometry", "error", [code], msg("grid {code}: invalid geometry ({reason})", code=code,
                                                                    reason=shapely.is_valid_reason(g["geom"])),
                        g["geom"])]
    if not code.startswith(community):
        out.append(Problem("code_prefix", "error", [code], msg(
            "grid {code}: a grid's code starts with its community's code {community}", code=code, community=community)))
    if len(shapely.get_parts(shape)) > 1:
        out.append(Problem("not_contiguous", "error", [code], msg(
            "grid {code} is in {parts} separate pieces", code=code, parts=len(shapely.get_parts(shape))), g["geom"]))
    outside = shape.difference(outline_m.buffer(tolerance_m))
    if not outside.is_empty and outside.area > 0:
        out.append(Problem("outside_community", "error", [code], msg(
            "grid {code} reaches {area} m² outside its community", code=code, area=round(outside.area, 1)),
            metric.to_wgs84(outside)))
    if _polsby_popper(shape) < COMPACT_ENOUGH:
        out.append(Problem("not_compact", "warning", [code], msg(
            "grid {code} is not compact (Polsby-Popper {value}, a square is 0.785)", code=code,
            value=_polsby_popper(shape))))
    return out


def _polsby_popper(shape) -> float:
    """4πA/P²: 1 for a circle, lower the more stretched or ragged the shape."""
    return round(4 * math.pi * shape.area / shape.length ** 2, 3) if shape.length else 0.0


def _overlaps(grids: list[tuple[dict, object]], metric: Metric, tolerance_m2: float) -> list[Problem]:
    """Pairs of grids that overlap by more than the tolerance."""
    shapes = [s for _, s in grids]
    tree = shapely.STRtree(shapes)
    left, right = tree.query(shapes, predicate="intersects")
    out = []
    for i, j in zip(left, right):
        if i < j:
            common = shapes[i].intersection(shapes[j])
            if common.area > tolerance_m2:
                codes = [grids[i][0]["code"], grids[j][0]["code"]]
                out.append(Problem("overlap", "error", codes, msg("grids {first} and {second} overlap by {area} m²",
                                                                  first=codes[0], second=codes[1],
                                                                  area=round(common.area, 1)),
                                   metric.to_wgs84(common)))
    return out


def _gaps(community: str, outline_m, shapes: list, metric: Metric, tolerance_m2: float) -> list[Problem]:
    """Land of the community in no grid, beyond the tolerance."""
    holes = outline_m.difference(shapely.union_all(shapes)) if shapes else outline_m
    pieces = [p for p in shapely.get_parts(holes) if p.area > tolerance_m2]
    return [Problem("gap", "error", [], msg("community {community}: {area} m² belong to no grid", community=community,
                                            area=round(p.area, 1)), metric.to_wgs84(p)) for p in pieces]


def _loose_edges(grids: list[tuple[dict, object]], metric: Metric) -> list[Problem]:
    """Edges a neighbour does not share exactly: slivers under the tolerances that later edits would trip on."""
    shapes = np.array([s for _, s in grids], dtype=object)
    if len(shapes) < 2 or shapely.coverage_is_valid(shapes):
        return []
    edges = shapely.coverage_invalid_edges(shapes)
    return [Problem("edges_not_shared", "warning", [g["code"]], msg(
        "grid {code}: {length} m of its edge do not match its neighbours' exactly", code=g["code"],
        length=round(e.length, 1)), metric.to_wgs84(e))
        for (g, _), e in zip(grids, edges) if e is not None and not e.is_empty]


def _numbering(community: str, grids: list[dict]) -> list[Problem]:
    """Ordinary grids numbered in reading order: rows from the north, west→east within a row."""
    ordinary = [g for g in grids if g["kind"] == "ordinary" and g["code"].startswith(community)]
    if len(ordinary) < 2:
        return []
    points = [g["geom"].representative_point() for g in ordinary]
    row_height = float(np.median([math.sqrt(g["geom"].area) for g in ordinary]))
    top = max(p.y for p in points)
    expected = [g["code"] for g, p in sorted(zip(ordinary, points), key=lambda gp: (
        int((top - gp[1].y) / row_height), gp[1].x))]
    actual = sorted(g["code"] for g in ordinary)
    if expected == actual:
        return []
    return [Problem("numbering", "warning", expected, msg(
        "community {community}: grids are not numbered west→east, north→south; reading order would be {order}",
        community=community, order=", ".join(c[-3:] for c in expected)))]


SAME_MEANING = 0.5  # a surviving code must share at least half of the smaller of its old and new areas


def _codes(session: Session, grids: list[dict]) -> list[Problem]:
    """Retired codes are never issued again, and a code that survives keeps naming (mostly) the same land."""
    by_code = {g["code"]: g for g in grids}
    rows = session.execute(text("SELECT code, valid_to, ST_AsBinary(geom) FROM area_records WHERE code = ANY(:codes)"),
                           {"codes": list(by_code)}).all()
    out = []
    for code, valid_to, wkb in rows:
        new = by_code[code]["geom"]
        if valid_to is not None:
            out.append(Problem("code_retired", "error", [code], msg(
                "grid {code}: the code was retired on {day}; retired codes are never reused", code=code,
                day=valid_to.isoformat()), new))
            continue
        if new.is_valid and not keeps_meaning(old := shapely.from_wkb(bytes(wkb)), new):
            out.append(Problem("code_meaning", "error", [code], msg(
                "grid {code}: only {percent}% of it is land the grid with this code holds now; "
                "land that is not the same grid needs a new code", code=code, percent=round(100 * _shared(old, new))),
                new))
    return out


def keeps_meaning(old, new) -> bool:
    """Whether a code moving from boundary `old` to `new` still names the same grid (MapIt: else retire it)."""
    return _shared(old, new) >= SAME_MEANING


def _shared(old, new) -> float:
    """The share of the smaller boundary that the two have in common."""
    smaller = min(old.area, new.area)
    return old.intersection(new).area / smaller if smaller else 0.0


def _buildings(session: Session, community: str, grids: list[dict]) -> list[Problem]:
    """Every building of the community in exactly one of the plan's grids."""
    rows = session.execute(text("SELECT b.id, b.name, ST_AsBinary(ST_PointOnSurface(b.geom)) FROM buildings b "
                                "JOIN areas c ON c.code = :community AND ST_Covers(c.geom, ST_PointOnSurface(b.geom))"),
                           {"community": community}).all()
    if not rows:
        return []
    points = shapely.from_wkb([bytes(r[2]) for r in rows])
    tree = shapely.STRtree([g["geom"] for g in grids])
    building, grid = tree.query(points, predicate="covered_by")
    counts = np.bincount(building, minlength=len(rows))
    out = []
    for i, n in enumerate(counts):
        if n != 1:
            codes = [grids[j]["code"] for b, j in zip(building, grid) if b == i]
            key, template = ("building_unassigned", "building {name} (#{id}) lies in no grid") if n == 0 else (
                "building_in_several", "building {name} (#{id}) lies in several grids: {grids}")
            out.append(Problem(key, "error", codes, msg(template, name=rows[i][1] or "", id=rows[i][0],
                                                         grids=", ".join(codes)), points[i]))
    return out


def report_dict(report: Report, lang: str) -> dict:
    """The report as the API and the CLI give it."""
    return {"valid": report.valid, "errors": sum(p.severity == "error" for p in report.problems),
            "warnings": sum(p.severity == "warning" for p in report.problems),
            "problems": [p.as_dict(lang) for p in report.problems], "grids": report.grids}
