"""The demo city's areas: streets, communities and grids named (street and community words, dedicated grids
by their purpose) and written as GeoJSON, then imported through the ordinary boundary importer, marked
synthetic.
"""

import json

import shapely
from shapely.geometry import mapping

from geo.core.models import Level
from geo.core.uploads.limits import Limits
from geo.territory.boundary_import import import_boundaries

STREET_NAMES = ["滨河路", "新华路", "北京路", "桂林路", "广州路", "宁远", "金川", "龙首", "长春路", "上海路", "天津路", "南京路"]
COMMUNITY_WORDS = ["金川", "桂林", "龙首", "新华", "长春", "天津路", "上海路", "南京路", "兰州路", "宁远", "滨河", "建设",
                   "和平", "友谊", "团结", "光明", "幸福", "阳光", "东湖", "西湖", "南湖", "北湖", "花园", "紫金",
                   "金昌", "丽景", "福泉", "康乐", "永昌", "红旗", "铁路", "朝阳", "春晓", "育才", "文化", "河畔"]
PURPOSE_ZH = {"school": "学校", "hospital": "医院", "market": "农贸市场", "park": "公园"}


def _name(words: list[str], index: int, suffix: str) -> str:
    """The index-th name from `words` with `suffix`, numbered once the words run out."""
    word = words[index % len(words)]
    return f"{word}{suffix}" if index < len(words) else f"{word}{index // len(words) + 1}{suffix}"


def import_areas(session, district, streets, metric, workdir, track) -> dict:
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
    """The community's grids as features, coded and named (dedicated ones by their purpose)."""
    out = []
    for g, grid in enumerate(community.grids, start=1):
        grid.code = f"{community.code}{g:03d}"
        label = f"{PURPOSE_ZH[grid.purpose]}专属网格" if grid.purpose else f"第{g}网格"
        names[grid.code] = f"{names[community.code]}{label}"
        out.append(_feature(grid.code, names[grid.code], grid.geom, metric, purpose=grid.purpose))
    return out


def _feature(code, name, geom_m, metric, **props) -> dict:
    """A GeoJSON feature in WGS84 from a shape in metres; empty properties left out."""
    props = {k: v for k, v in props.items() if v}
    # Densified first: a long straight edge in metres is a curve in degrees, and a child's vertex on its
    # parent's edge would otherwise land metres off it.
    return {"type": "Feature", "properties": {"code": code, "name": name, **props},
            "geometry": mapping(metric.to_wgs84(shapely.segmentize(geom_m, 50.0)))}
