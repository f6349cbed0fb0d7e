"""A small demo hierarchy on a real district outline, loaded through the ordinary boundary import.

This is the stand-in until the "Demo city" issue brings the realistic generator: one real
district (published in GCJ-02, converted on import), two streets, three communities each, six
grids per community plus one dedicated school grid lying in a hole of its neighbour.
"""

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from shapely.geometry import box, mapping
from sqlalchemy import select
from sqlalchemy.orm import Session

from geo.accounts import create_user
from geo.boundaries import import_boundaries, no_track
from geo.models import Area, Duty, Level, Role, Staff, StaffAssignment, User
from geo.settings import PROJECT_ROOT

DISTRICTS = {
    "620302": "金川区", "510106": "金牛区", "120105": "河北区", "330482": "平湖市", "511802": "雨城区",
}
STREETS = ["滨河路街道", "新华路街道"]
COMMUNITIES = ["金川社区", "桂林社区", "北京路社区", "广州路社区", "龙首社区", "新华社区"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
DEMO_PASSWORD = "wangge-demo-2026"
BLOCK_DEG = (0.036, 0.024)  # about 3.1 km × 2.7 km at 38° N


@dataclass
class DemoSummary:
    """What the demo loaded, and the logins it made."""

    district: str
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str | None]] = field(default_factory=list)


def outline_path(district: str) -> Path:
    """The real outline of a district shipped in data/districts."""
    return PROJECT_ROOT / "data" / "districts" / f"{district}.geojson"


def _core_block(district_wgs84) -> shapely.Polygon:
    """A block around a point inside the district, shrunk until it lies wholly inside."""
    centre = district_wgs84.point_on_surface()
    w, h = BLOCK_DEG
    for _ in range(20):
        block = box(centre.x - w / 2, centre.y - h / 2, centre.x + w / 2, centre.y + h / 2)
        if district_wgs84.contains(block):
            return block
        w, h = w * 0.8, h * 0.8
    raise RuntimeError("district outline too thin for the demo block")


def _split(rect: shapely.Polygon, cols: int, rows: int) -> list[shapely.Polygon]:
    """Cells of a rectangle, numbered west→east, north→south (the grid numbering convention)."""
    minx, miny, maxx, maxy = rect.bounds
    dx, dy = (maxx - minx) / cols, (maxy - miny) / rows
    return [box(minx + c * dx, maxy - (r + 1) * dy, minx + (c + 1) * dx, maxy - r * dy)
            for r in range(rows) for c in range(cols)]


def _feature(code: str, name: str, geom, **props) -> dict:
    return {"type": "Feature", "properties": {"code": code, "name": name, **props}, "geometry": mapping(geom)}


def hierarchy(district: str, block: shapely.Polygon) -> dict[Level, list[dict]]:
    """Streets, communities and grids (as GeoJSON features in WGS84) filling `block`."""
    out: dict[Level, list[dict]] = {Level.street: [], Level.community: [], Level.grid: []}
    for s, street_geom in enumerate(_split(block, 2, 1), start=1):
        street = f"{district}{s:03d}000"
        out[Level.street].append(_feature(street, STREETS[s - 1], street_geom))
        for c, community_geom in enumerate(_split(street_geom, 1, 3), start=1):
            community = f"{street[:9]}{c:03d}"
            out[Level.community].append(_feature(community, COMMUNITIES[(s - 1) * 3 + c - 1], community_geom))
            out[Level.grid] += _grids(community, COMMUNITIES[(s - 1) * 3 + c - 1], community_geom, school=(c == 1))
    return out


def _grids(community: str, community_name: str, geom, school: bool) -> list[dict]:
    cells = _split(geom, 3, 2)
    grids = []
    hole = None
    if school:
        # A school as a dedicated grid: an island inside grid 001.
        hole = cells[0].centroid.buffer(0.0012, cap_style="square")
        grids.append(_feature(f"{community}007", f"{community_name}第一小学专属网格", hole, purpose="school"))
    for i, cell in enumerate(cells, start=1):
        cell = cell.difference(hole) if hole is not None and i == 1 else cell
        grids.append(_feature(f"{community}{i:03d}", f"{community_name}第{i}网格", cell))
    return grids


def _write_geojson(path: Path, features: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))
    return path


def _person(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return name, f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def _staff_grids(session: Session, grid_codes: list[str], rng: random.Random) -> int:
    """A grid leader and a full-time grid worker for every grid that has no staff yet."""
    staffed = set(session.scalars(select(StaffAssignment.area_code).where(StaffAssignment.area_code.in_(grid_codes))))
    added = 0
    for code in grid_codes:
        if code in staffed:
            continue
        for duty in (Duty.grid_leader, Duty.fulltime_worker):
            name, phone = _person(rng)
            person = Staff(name=name, phone=phone)
            session.add(person)
            session.flush()
            session.add(StaffAssignment(staff_id=person.id, duty=duty, area_code=code))
            added += 1
    return added


def _logins(session: Session, district: str, first_grid: str) -> list[tuple[str, str, str | None]]:
    wanted = [("admin", Role.admin, None), ("command", Role.command_center, district),
              ("gridworker", Role.grid_worker, first_grid)]
    for username, role, scope in wanted:
        if session.scalar(select(User.id).where(User.username == username)) is None:
            create_user(session, username=username, password=DEMO_PASSWORD, role=role, scope_code=scope)
    return [(u, r.value, s) for u, r, s in wanted]


def load_demo(session: Session, district: str = "620302", *, seed: int = 1, workdir: Path, track=no_track) -> DemoSummary:
    """Import the district outline and a generated hierarchy inside it; idempotent."""
    name = DISTRICTS[district]
    import_boundaries(session, outline_path(district), Level.district, crs="gcj02", code=district, name=name, track=track)
    outline = shapely.from_wkb(bytes(session.scalar(select(Area.geom.ST_AsBinary()).where(Area.code == district))))
    levels = hierarchy(district, _core_block(outline))
    for level, features in levels.items():
        import_boundaries(session, _write_geojson(workdir / f"demo-{level}.geojson", features), level, track=track)
    grid_codes = sorted(f["properties"]["code"] for f in levels[Level.grid])
    summary = DemoSummary(district)
    summary.counts = {level.value: len(features) for level, features in levels.items()}
    summary.counts["staff_added"] = _staff_grids(session, grid_codes, random.Random(seed))
    summary.logins = _logins(session, district, grid_codes[0])
    return summary
