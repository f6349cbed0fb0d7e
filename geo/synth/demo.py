"""Seeding the demo city: boundaries through the ordinary importer, everything else with COPY.

Every generated row is marked `synthetic`, so seeding again replaces the demo and never touches
imported real data; a real district outline already imported is kept and built upon.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import crypto
from geo.access.accounts import DEMO_PASSWORD, hash_password
from geo.cases.categories import categories
from geo.cases.deadlines import due_at
from geo.cases.partitions import ensure_months
from geo.cases.workflow import RATINGS
from geo.core.bulk import copy_rows, ewkb, reserve_ids
from geo.core.errors import Conflict, InvalidInput
from geo.core.i18n import msg
from geo.core.metric import Metric
from geo.core.models import CaseStatus, Duty, Level, Role
from geo.core.progress import no_track
from geo.core.settings import PROJECT_ROOT
from geo.core.time import CHINA
from geo.core.uploads.limits import Limits
from geo.synth import incidents, layout
from geo.synth.population import PeopleMaker
from geo.territory.boundary_import import import_boundaries


@dataclass(frozen=True)
class DemoDistrict:
    name: str
    centre: tuple[float, float]  # WGS84: the urban core the demo city grows around


DISTRICTS = {
    "620302": DemoDistrict("金川区", (102.188, 38.515)),
    "510106": DemoDistrict("金牛区", (104.045, 30.705)),
    "120105": DemoDistrict("河北区", (117.205, 39.160)),
    "330482": DemoDistrict("平湖市", (121.020, 30.700)),
    "511802": DemoDistrict("雨城区", (103.000, 29.985)),
}
STREET_NAMES = ["滨河路", "新华路", "北京路", "桂林路", "广州路", "宁远", "金川", "龙首", "长春路", "上海路", "天津路", "南京路"]
COMMUNITY_WORDS = ["金川", "桂林", "龙首", "新华", "长春", "天津路", "上海路", "南京路", "兰州路", "宁远", "滨河", "建设",
                   "和平", "友谊", "团结", "光明", "幸福", "阳光", "东湖", "西湖", "南湖", "北湖", "花园", "紫金",
                   "金昌", "丽景", "福泉", "康乐", "永昌", "红旗", "铁路", "朝阳", "春晓", "育才", "文化", "河畔"]
COMPOUND_WORDS = (["金", "银", "锦绣", "和谐", "阳光", "翠", "康", "华", "新", "东", "西", "南", "北", "丽", "盛", "福"],
                  ["苑", "园", "小区", "家园", "花园", "新村", "公寓", "雅居", "嘉园", "名邸"])
PURPOSE_ZH = {"school": "学校", "hospital": "医院", "market": "农贸市场", "park": "公园"}
HOUSEHOLDS_PER_FLOOR = 6  # 3 units × 2 flats


@dataclass
class DemoSummary:
    """What the demo holds now, and the logins it made."""

    district: str
    scale: str
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str | None]] = field(default_factory=list)


def outline_path(district: str) -> Path:
    """The real outline of a district shipped in data/districts (GCJ-02, as published)."""
    return PROJECT_ROOT / "data" / "districts" / f"{district}.geojson"


def seed_demo(session: Session, district: str = "620302", scale: str = "street", seed: int = 1, *,
              workdir: Path, track=no_track, now: datetime | None = None) -> DemoSummary:
    """Replace the demo with a freshly generated city; the caller commits."""
    if district not in DISTRICTS:
        raise InvalidInput(msg("unknown district {district}; one of {districts}", district=district,
                               districts=", ".join(DISTRICTS)))
    if scale not in layout.SCALES:
        raise InvalidInput(msg("unknown scale {scale}; one of {scales}", scale=scale, scales=", ".join(layout.SCALES)))
    now = now or datetime.now(UTC).replace(microsecond=0)
    _refuse_real_below(session, district)
    clear_demo(session)
    rng = np.random.default_rng(seed)
    metric = Metric(*DISTRICTS[district].centre)
    outline = _district_outline(session, district, track)
    streets = layout.build(metric(outline), layout.SCALES[scale], rng)
    names = _import_areas(session, district, streets, metric, workdir, track)
    maker = PeopleMaker(rng, district, now.date())
    if layout.SCALES[scale].people:
        _people(session, streets, names, metric, maker, rng, track)
    _staff(session, streets, names, maker, rng, now.date())
    if layout.SCALES[scale].people:
        _cases(session, streets, names, metric, rng, now)
    logins = _logins(session, district, names)
    return DemoSummary(district, scale, seed, counts(session), logins)


def _refuse_real_below(session: Session, district: str) -> None:
    real = session.execute(text("SELECT code FROM areas WHERE code LIKE :p AND level <> 'district' AND NOT synthetic "
                                "LIMIT 1"), {"p": district + "%"}).scalar()
    if real:
        raise Conflict(msg("district {district} already holds imported areas (e.g. {code}); the demo would mix with "
                           "real data", district=district, code=real))


def clear_demo(session: Session) -> None:
    """Delete every generated row (households and residents go with their buildings)."""
    for statement in ("DELETE FROM cases WHERE synthetic", "DELETE FROM staff WHERE synthetic",
                      "DELETE FROM users WHERE synthetic", "DELETE FROM buildings WHERE synthetic",
                      "DELETE FROM area_records WHERE synthetic AND level = 'grid'",
                      "DELETE FROM area_records WHERE synthetic AND level = 'community'",
                      "DELETE FROM area_records WHERE synthetic AND level = 'street'",
                      "DELETE FROM area_records WHERE synthetic AND level = 'district'"):
        session.execute(text(statement))


def _district_outline(session: Session, district: str, track):
    """The district in WGS84: the imported one if it exists, else the shipped outline, imported as demo data."""
    wkb = session.execute(text("SELECT ST_AsBinary(geom) FROM areas WHERE code = :c"), {"c": district}).scalar()
    if wkb is None:
        import_boundaries(session, outline_path(district), Level.district, crs="gcj02", code=district,
                          name=DISTRICTS[district].name, track=track, synthetic=True)
        wkb = session.execute(text("SELECT ST_AsBinary(geom) FROM areas WHERE code = :c"), {"c": district}).scalar()
    return shapely.from_wkb(bytes(wkb))


def _name(words: list[str], index: int, suffix: str) -> str:
    word = words[index % len(words)]
    return f"{word}{suffix}" if index < len(words) else f"{word}{index // len(words) + 1}{suffix}"


def _import_areas(session, district, streets, metric, workdir, track) -> dict:
    """Write the generated levels as GeoJSON and import them like any file; returns code → name."""
    features: dict[Level, list[dict]] = {Level.street: [], Level.community: [], Level.grid: []}
    names: dict = {}
    n_comm = 0
    for s, street in enumerate(streets, start=1):
        street.code = f"{district}{s:03d}000"
        names[street.code] = _name(STREET_NAMES, s - 1, "街道")
        features[Level.street].append(_feature(street.code, names[street.code], street.geom, metric))
        for c, community in enumerate(street.communities, start=1):
            community.code = f"{street.code[:9]}{c:03d}"
            names[community.code] = _name(COMMUNITY_WORDS, n_comm, "社区")
            n_comm += 1
            features[Level.community].append(_feature(community.code, names[community.code], community.geom, metric))
            features[Level.grid] += _grid_features(community, names, metric)
    for level, items in features.items():
        path = workdir / f"demo-{level.value}.geojson"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"type": "FeatureCollection", "features": items}, ensure_ascii=False))
        import_boundaries(session, path, level, track=track, synthetic=True, limits=Limits.own_files())
    return names


def _grid_features(community, names, metric) -> list[dict]:
    out = []
    for g, grid in enumerate(community.grids, start=1):
        grid.code = f"{community.code}{g:03d}"
        label = f"{PURPOSE_ZH[grid.purpose]}专属网格" if grid.purpose else f"第{g}网格"
        names[grid.code] = f"{names[community.code]}{label}"
        out.append(_feature(grid.code, names[grid.code], grid.geom, metric, purpose=grid.purpose))
    return out


def _feature(code, name, geom_m, metric, **props) -> dict:
    props = {k: v for k, v in props.items() if v}
    # Densified first: a long straight edge in metres is a curve in degrees, and a child's vertex on its
    # parent's edge would otherwise land metres off it.
    return {"type": "Feature", "properties": {"code": code, "name": name, **props},
            "geometry": mapping(metric.to_wgs84(shapely.segmentize(geom_m, 50.0)))}


def _compound_name(rng) -> str:
    first, second = COMPOUND_WORDS
    return first[rng.integers(len(first))] + first[rng.integers(len(first))] + second[rng.integers(len(second))]


def _people(session, streets, names, metric, maker: PeopleMaker, rng, track) -> None:
    """Buildings in every block, households in every building, residents in every household."""
    buildings, households = [], []
    blocks = [(street, community, block) for street in streets for community in street.communities
              for block in community.blocks]
    for street, community, block in track(blocks, "人口 people", len(blocks)):
        if block.purpose == "park":
            continue
        compound = _compound_name(rng)
        land = block.geom.difference(block.island) if block.island is not None else block.geom
        slabs = layout.place_buildings(block, street.angle, block.island) or [
            land.representative_point().buffer(8, cap_style="square")]  # a small block gets one tower
        slabs = slabs[: max(1, int(np.ceil(block.households / (HOUSEHOLDS_PER_FLOOR * 6))))]
        floors = int(np.clip(np.ceil(block.households / (HOUSEHOLDS_PER_FLOOR * len(slabs))), 3, 33))
        counts = layout.split_counts(block.households, [1] * len(slabs)) if block.households >= len(slabs) else [0] * len(slabs)
        for k, (slab, count) in enumerate(zip(slabs, counts), start=1):
            code = f"{community.code}-{len(buildings) + 1:05d}"
            buildings.append([code, f"{compound}{k}号楼", f"{names[community.code]}{compound}{k}号楼", compound,
                              floors, ewkb(metric.to_wgs84(slab)), True, count])
            for n in range(count):
                households.append([code, _door(n), maker.household()])
        if block.island is not None:
            for k, slab in enumerate(layout.place_buildings(layout.Block(block.island, 0, 0), street.angle)[:3], start=1):
                code = f"{community.code}-{len(buildings) + 1:05d}"
                buildings.append([code, f"{PURPOSE_ZH[block.purpose]}{k}号楼", None, None, 4,
                                  ewkb(metric.to_wgs84(slab)), True, 0])
    _copy_people(session, buildings, households)


def _door(n: int) -> str:
    """Flat n of a building: 单元 (unit), floor and flat, e.g. 2单元301."""
    unit, rest = n % 3 + 1, n // 3
    return f"{unit}单元{rest // 2 + 1}{rest % 2 + 1:02d}"


def _copy_people(session, buildings, households) -> None:
    ids = dict(zip((b[0] for b in buildings), reserve_ids(session, "buildings", len(buildings))))
    copy_rows(session, "buildings", ["id", "code", "name", "address", "compound", "floors", "geom", "synthetic"],
              ([ids[b[0]], *b[:7]] for b in buildings))
    household_ids = reserve_ids(session, "households", len(households))
    copy_rows(session, "households", ["id", "building_id", "door"],
              ([hid, ids[code], door] for hid, (code, door, _) in zip(household_ids, households)))
    copy_rows(session, "residents", ["household_id", "name", "id_number_enc", "id_number_hmac", "phone_enc", "phone_hmac",
                                     "gender", "birth_date", "residence", "special_groups"],
              ([hid, p.name, crypto.seal(p.id_number), crypto.lookup(p.id_number), crypto.seal(p.phone),
                crypto.lookup(p.phone), p.gender, p.birth_date, p.residence, list(map(str, p.special_groups))]
               for hid, (_, _, members) in zip(household_ids, households) for p in members))


def _cases(session, streets, names, metric, rng, now: datetime) -> None:
    """A year of incidents in the workflow's terms: grid located in PostGIS, dispatched with a deadline, rated."""
    grids = [grid for street in streets for community in street.communities for grid in community.grids]
    places = [incidents.Place(g.geom, g.households, g.purpose, names[g.code]) for g in grids]
    made = incidents.generate(places, rng, now)
    points = metric.to_wgs84(shapely.points([(i.x, i.y) for i in made])) if made else []
    cats = categories()
    waiting = {CaseStatus.intake, CaseStatus.registered}
    ratings = rng.choice(RATINGS, size=len(made), p=[0.8, 0.15, 0.05])
    if made:
        ensure_months(session, min(i.reported_at for i in made).astimezone(CHINA).date(), now.astimezone(CHINA).date())
    copy_rows(session, "cases", ["category", "channel", "status", "reported_at", "dispatched_at", "due_at", "closed_at",
                                 "rating", "description", "geom", "synthetic"],
              ([i.category, i.channel, str(i.status), i.reported_at,
                None if i.status in waiting else i.reported_at,
                None if i.status in waiting else due_at(cats[i.category], i.reported_at),
                i.closed_at, str(r) if i.status == CaseStatus.rated else None, i.description, ewkb(p), True]
               for i, p, r in zip(made, points, ratings)))
    session.execute(text("UPDATE cases SET grid_code = wangge_grid_at(geom) WHERE synthetic"))
    session.execute(SYNTHETIC_ROUTING, {"waiting": [s.value for s in waiting], "now": now})


# Demo cases are handled in their grid: the grid's first full-time worker, overdue if open past the deadline.
SYNTHETIC_ROUTING = text("""
UPDATE cases c SET handler_level = 'grid', handler_area = c.grid_code,
    assignee_id = (SELECT min(a.staff_id) FROM staff_assignments a WHERE a.area_code = c.grid_code
                   AND a.duty IN ('fulltime_worker', 'grid_leader')),
    overdue = (c.closed_at IS NULL AND c.due_at < :now)
WHERE c.synthetic AND NOT (c.status = ANY(:waiting))
""")


def _staff(session, streets, names, maker: PeopleMaker, rng, today: date) -> None:
    """One grid leader and one or two full-time workers per grid, building heads, community and street staff."""
    rows = []  # (name, phone, duty, area_code, building_code)
    for street in streets:
        rows += [(*maker.staff_member(), Duty.street_staff, street.code, None) for _ in range(4)]
        for community in street.communities:
            rows.append((*maker.staff_member(), Duty.community_secretary, community.code, None))
            rows += [(*maker.staff_member(), Duty.community_staff, community.code, None) for _ in range(2)]
            for grid in community.grids:
                rows.append((*maker.staff_member(), Duty.grid_leader, grid.code, None))
                if grid.purpose is None:
                    rows += [(*maker.staff_member(), Duty.fulltime_worker, grid.code, None)
                             for _ in range(1 + int(rng.random() < 0.4))]
    heads = session.execute(text("SELECT id FROM buildings WHERE synthetic AND address IS NOT NULL ORDER BY id")).scalars()
    rows += [(*maker.staff_member(), Duty.building_head, None, building_id) for building_id in heads]
    ids = reserve_ids(session, "staff", len(rows))
    copy_rows(session, "staff", ["id", "name", "phone_enc", "phone_hmac", "synthetic"],
              ([i, r[0], crypto.seal(r[1]), crypto.lookup(r[1]), True] for i, r in zip(ids, rows)))
    copy_rows(session, "staff_assignments", ["staff_id", "duty", "area_code", "building_id", "start_date"],
              ([i, str(r[2]), r[3], r[4], today - timedelta(days=int(rng.integers(30, 1500)))] for i, r in zip(ids, rows)))


def _logins(session, district: str, names: dict) -> list[tuple[str, str, str | None]]:
    """One demo account per role, scoped to the first street, community and grid."""
    street = min(c for c in names if len(c) == 12 and c.endswith("000"))
    community = min(c for c in names if len(c) == 12 and not c.endswith("000"))
    grid = session.execute(text("SELECT min(code) FROM areas WHERE code LIKE :p AND level = 'grid' AND kind = 'ordinary'"),
                           {"p": district + "%"}).scalar()
    wanted = [("admin", Role.admin, None), ("command", Role.command_center, district),
              ("street", Role.street_staff, street), ("community", Role.community_staff, community),
              ("gridworker", Role.grid_worker, grid), ("planner", Role.planner, district)]
    taken = set(session.execute(text("SELECT username FROM users")).scalars())
    password = hash_password(DEMO_PASSWORD)
    for username, role, scope in wanted:
        if username not in taken:
            session.execute(text("INSERT INTO users (username, password_hash, role, scope_code, synthetic) "
                                 "VALUES (:u, :p, :r, :s, true)"), {"u": username, "p": password, "r": role.value, "s": scope})
    worker = session.execute(text("SELECT s.id FROM staff s JOIN staff_assignments a ON a.staff_id = s.id "
                                  "WHERE a.area_code = :g AND a.duty = 'fulltime_worker' ORDER BY s.id LIMIT 1"),
                             {"g": grid}).scalar()
    session.execute(text("UPDATE staff SET user_id = (SELECT id FROM users WHERE username = 'gridworker') WHERE id = :s"),
                    {"s": worker})
    return [(u, r.value, s) for u, r, s in wanted]


def counts(session: Session) -> dict[str, int]:
    """How many of each thing the database holds (demo and real alike)."""
    row = session.execute(text("""
        SELECT (SELECT count(*) FROM areas WHERE level = 'street'), (SELECT count(*) FROM areas WHERE level = 'community'),
               (SELECT count(*) FROM areas WHERE level = 'grid'),
               (SELECT count(*) FROM areas WHERE level = 'grid' AND kind = 'dedicated'),
               (SELECT count(*) FROM buildings), (SELECT count(*) FROM households), (SELECT count(*) FROM residents),
               (SELECT count(*) FROM staff), (SELECT count(*) FROM cases)""")).one()
    keys = ("streets", "communities", "grids", "dedicated_grids", "buildings", "households", "residents", "staff", "cases")
    return dict(zip(keys, row))
