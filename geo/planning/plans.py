"""Creating and reading plans: from the current boundaries of some communities, or from an uploaded file."""

import json
from pathlib import Path
from typing import BinaryIO

import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.access.permissions import Permission, require
from geo.core.errors import Forbidden, ImportRejected, InvalidInput, NotFound
from geo.core.i18n import msg
from geo.core.models import Level
from geo.core.uploads.staging import display_name
from geo.territory.boundary_features import prepare, resolve_crs
from geo.territory.boundary_files import (
    RawFile,
    read_boundary_file,
    read_boundary_upload,
)


def check_planner(actor: Actor, communities: list[str]) -> None:
    """Forbidden unless `actor` plans (planner or admin) and every community lies in their scope."""
    require(actor.role, Permission.plan)
    outside = [c for c in communities if not actor.scope.covers_code(c)]
    if outside:
        raise Forbidden(msg("area {code} lies outside your scope", code=outside[0]))


def check_communities(session: Session, communities: list[str]) -> None:
    """InvalidInput unless there is at least one community and each exists."""
    if not communities:
        raise InvalidInput(msg("a plan needs at least one community"))
    found = set(session.execute(text("SELECT code FROM areas WHERE level = 'community' AND code = ANY(:communities)"),
                                {"communities": communities}).scalars())
    missing = [c for c in communities if c not in found]
    if missing:
        raise InvalidInput(msg("no community with code {code}", code=missing[0]))


def issued_codes(session: Session, community: str) -> set[str]:
    """Every grid code ever issued in `community`, retired ones included: none may be issued again."""
    return set(session.execute(text("SELECT code FROM area_records WHERE parent_code = :community"),
                               {"community": community}).scalars())


# A retired grid's land mostly goes to one new grid: its staff continue there.
SUCCESSORS = text("""
SELECT DISTINCT ON (a.code) a.code, g.code
FROM areas a JOIN plan_grids g ON g.plan_id = :plan_id AND ST_Intersects(a.geom, g.geom)
WHERE a.level = 'grid' AND a.parent_code = ANY(:communities)
  AND NOT EXISTS (SELECT 1 FROM plan_grids k WHERE k.plan_id = :plan_id AND k.code = a.code)
ORDER BY a.code, ST_Area(ST_Intersection(a.geom, g.geom)) DESC, g.code
""")


def successors_of(session: Session, plan_id: int, communities: list[str]) -> dict[str, str]:
    """Each grid in force that the plan drops → the plan grid taking most of its land."""
    return dict(session.execute(SUCCESSORS, {"plan_id": plan_id, "communities": communities}).all())


def new_plan(session: Session, actor: Actor, name: str, communities: list[str], source: str) -> int:
    """An empty draft; returns its id."""
    return session.execute(text("INSERT INTO plans (name, communities, source, created_by) "
                                "VALUES (:name, :communities, :source, :user_id) RETURNING id"),
                           {"name": name, "communities": sorted(communities), "source": source,
                            "user_id": actor.user_id}).scalar()


def create_from_current(session: Session, actor: Actor, communities: list[str], name: str | None = None) -> int:
    """A draft holding a copy of the current grids of `communities`; returns its id."""
    communities = sorted(set(communities))
    check_planner(actor, communities)
    check_communities(session, communities)
    plan_id = new_plan(session, actor, name or "、".join(communities), communities, "current")
    session.execute(text("""
        INSERT INTO plan_grids (plan_id, code, name, community_code, kind, purpose, geom)
        SELECT :plan_id, code, name, parent_code, kind, purpose, geom FROM areas
        WHERE level = 'grid' AND parent_code = ANY(:communities)"""), {"plan_id": plan_id, "communities": communities})
    return plan_id


def create_from_file(session: Session, actor: Actor, path: Path, name: str | None = None,
                     crs: str | None = None, *, operator: bool = False) -> int:
    """A draft holding the grids of a boundary file (any format the import reads); ImportRejected lists problems.

    `operator` (a file named on the command line) also allows a Shapefile folder or a bare .shp."""
    require(actor.role, Permission.plan)  # before reading anything
    path = Path(path)
    raw = read_boundary_file(path, operator=operator)
    return _create_from_raw(session, actor, raw, path.name, name or path.stem, crs)


def create_from_upload(session: Session, actor: Actor, stream: BinaryIO, filename: str | None,
                       name: str | None = None, crs: str | None = None) -> int:
    """A draft holding the grids of an uploaded file; the file name only tells its format and names the plan."""
    require(actor.role, Permission.plan)  # before reading anything
    shown = display_name(filename, "plan.geojson")
    return _create_from_raw(session, actor, read_boundary_upload(stream, shown), shown, name or Path(shown).stem, crs)


def _create_from_raw(session: Session, actor: Actor, raw: RawFile, source: str, name: str, crs: str | None) -> int:
    """The draft of the features read from `source`; ImportRejected lists every problem."""
    if not raw.features:
        raise ImportRejected(msg("{path}: no features; nothing was written", path=source))
    candidates, problems, _ = prepare(raw.features, Level.grid, resolve_crs(raw.declared_crs, crs), fix=False)
    if problems:
        raise ImportRejected(msg("{path}: {count} problem(s); nothing was written", path=source,
                                 count=len(problems)), problems=problems)
    communities = sorted({c.parent_code for c in candidates})
    check_planner(actor, communities)
    check_communities(session, communities)
    plan_id = new_plan(session, actor, name, communities, source)
    session.execute(text("INSERT INTO plan_grids (plan_id, code, name, community_code, kind, purpose, geom) VALUES "
                         "(:plan_id, :code, :name, :parent, :kind, :purpose, ST_GeomFromWKB(:wkb, 4326))"),
                    [{"plan_id": plan_id, "code": c.code, "name": c.name, "parent": c.parent_code, "kind": c.kind,
                      "purpose": c.purpose, "wkb": shapely.to_wkb(c.geom)} for c in candidates])
    return plan_id


def plan_row(session: Session, plan_id: int, actor: Actor):
    """The plan's row, if `actor` may work on it; Forbidden for a role that does not plan, NotFound otherwise."""
    require(actor.role, Permission.plan)
    row = session.execute(text("SELECT * FROM plans WHERE id = :plan_id"), {"plan_id": plan_id}).mappings().first()
    # a plan outside the scope is answered like a missing one: plan ids reveal nothing beyond it
    if row is None or not all(actor.scope.covers_code(c) for c in row["communities"]):
        raise NotFound(msg("no plan {id}", id=plan_id))
    return row


def grids_of(session: Session, plan_id: int) -> list[dict]:
    """The plan's grids with shapely geometries, by code."""
    rows = session.execute(text("SELECT code, name, community_code, kind, purpose, ST_AsBinary(geom) AS wkb "
                                "FROM plan_grids WHERE plan_id = :plan_id ORDER BY code"),
                           {"plan_id": plan_id}).mappings()
    return [dict(r, geom=shapely.from_wkb(bytes(r["wkb"]))) for r in rows]


def plan_geojson(session: Session, plan_id: int, actor: Actor) -> dict:
    """The plan as a FeatureCollection of its grids, with the plan's own fields."""
    row = plan_row(session, plan_id, actor)
    features = [{"type": "Feature", "id": g["code"], "geometry": json.loads(shapely.to_geojson(g["geom"])),
                 "properties": {k: g[k] for k in ("code", "name", "community_code", "kind", "purpose")}}
                for g in grids_of(session, plan_id)]
    return {"type": "FeatureCollection", "features": features,
            "plan": {k: row[k] for k in ("id", "name", "status", "communities", "source", "version", "outcome")}
            | {k: row[k].isoformat() if row[k] else None for k in ("created_at", "effective_from", "published_at")}}
