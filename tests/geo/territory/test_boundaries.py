"""Boundary import: every format, CRS handling, and every rejection with nothing written."""

import json
import re
import zipfile

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import box, mapping
from sqlalchemy import func, select, text

from geo.core.crs import wgs84_to_gcj02
from geo.core.errors import CrsError, ImportRejected, InvalidInput
from geo.core.models import Area, Building, Level
from geo.territory.boundary_import import import_boundaries
from geo.territory.locate import locate
from tests.city import A1, A2, COMM_A, COMM_B, build_city, collection, feature, write

NEW_GRIDS = [(f"{COMM_A}006", "甲六网格", box(116.40, 39.90, 116.41, 39.905))]


def area_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Area))


@pytest.fixture
def upper(session):
    """District, street and communities, without grids."""
    build_city(session, levels=(Level.district, Level.street, Level.community))


def grids_frame(crs="EPSG:4326"):
    """Two grids of community A as a GeoDataFrame, in `crs`."""
    frame = gpd.GeoDataFrame(
        {"code": [f"{COMM_A}001", f"{COMM_A}002"], "name": ["甲一网格", "甲二网格"]},
        geometry=[box(116.40, 39.93, 116.42, 39.96), box(116.42, 39.93, 116.44, 39.96)], crs="EPSG:4326")
    return frame.to_crs(crs)


def save(frame, path):
    """Write a frame by its suffix; GeoJSON by geopandas itself, as GDAL's GeoJSON driver is skipped (geo.core.gdal_env)."""
    if path.suffix == ".geojson":
        path.write_text(frame.to_json())
    else:
        frame.to_file(path)
    return path


def assert_two_grids(session):
    assert session.scalars(select(Area.code).where(Area.level == "grid").order_by(Area.code)).all() == [A1, A2]
    assert locate(session, 116.43, 39.95).grid.code == A2


@pytest.mark.parametrize("suffix", ["geojson", "gpkg", "shp"])
def test_formats_read_by_ogr_and_json(session, upper, tmp_path, suffix):
    path = tmp_path / f"grids.{suffix}"
    save(grids_frame(), path)
    report = import_boundaries(session, path, "grid", operator=suffix == "shp")
    assert sorted(report.created) == [A1, A2]
    assert_two_grids(session)


def test_shapefile_as_zip_and_as_folder(session, upper, tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    grids_frame().to_file(folder / "grids.shp")
    archive = tmp_path / "grids.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in folder.iterdir():
            z.write(part, part.name)
    assert len(import_boundaries(session, archive, "grid").created) == 2
    with pytest.raises(InvalidInput, match="unsupported format"):
        import_boundaries(session, folder, "grid")  # a folder only when an operator names it
    with pytest.raises(InvalidInput, match="unsupported format"):
        import_boundaries(session, folder / "grids.shp", "grid")
    assert len(import_boundaries(session, folder, "grid", operator=True).updated) == 2
    assert_two_grids(session)


def test_csv_with_wkt(session, upper, tmp_path):
    path = tmp_path / "grids.csv"
    frame = grids_frame()
    frame.assign(wkt=frame.geometry.to_wkt()).drop(columns="geometry").to_csv(path, index=False)
    import_boundaries(session, path, "grid")
    assert_two_grids(session)


def test_declared_projected_crs_is_honoured(session, upper, tmp_path):
    path = tmp_path / "grids_utm.gpkg"
    save(grids_frame("EPSG:32650"), path)
    import_boundaries(session, path, "grid")
    assert_two_grids(session)


def test_crs_option_gcj02(session, upper, tmp_path):
    def to_gcj(geom):
        return shapely.transform(geom, lambda xy: np.column_stack(wgs84_to_gcj02(xy[:, 0], xy[:, 1])))
    frame = grids_frame()
    frame["geometry"] = frame.geometry.apply(to_gcj)
    path = tmp_path / "grids_gcj.geojson"
    save(frame, path)
    import_boundaries(session, path, "grid", crs="gcj02")
    assert_two_grids(session)
    # The corner comes back to WGS84 within half a metre (about 5e-6 degrees).
    west = session.scalar(text("SELECT ST_XMin(geom) FROM areas WHERE code = :c"), {"c": A1})
    assert west == pytest.approx(116.40, abs=5e-6)


def test_conflicting_crs_is_refused(session, upper, tmp_path):
    path = tmp_path / "grids_utm.gpkg"
    save(grids_frame("EPSG:32650"), path)
    with pytest.raises(CrsError, match="declares EPSG:32650"):
        import_boundaries(session, path, "grid", crs="EPSG:3857")


def test_reimport_updates_and_relocates_buildings(session, upper, tmp_path):
    path = tmp_path / "g.geojson"
    save(grids_frame(), path)
    import_boundaries(session, path, "grid")
    session.execute(text("INSERT INTO buildings (name, geom) VALUES ('1号楼', ST_SetSRID(ST_MakePoint(116.419, 39.95), 4326))"))
    assert session.scalar(select(Building.grid_code)) == A1
    moved = grids_frame()
    moved.loc[0, "geometry"] = box(116.40, 39.93, 116.418, 39.96)
    moved.loc[1, "geometry"] = box(116.418, 39.93, 116.44, 39.96)
    save(moved, path)
    report = import_boundaries(session, path, "grid")
    assert sorted(report.updated) == [A1, A2] and report.buildings_relocated == 1
    session.expire_all()
    assert session.scalar(select(Building.grid_code)) == A2


def test_building_grid_cannot_be_typed_in(session, city):
    session.execute(text("INSERT INTO buildings (name, grid_code, geom) "
                         "VALUES ('x', :g, ST_SetSRID(ST_MakePoint(116.43, 39.95), 4326))"), {"g": A1})
    assert session.scalar(select(Building.grid_code)) == A2


def test_bare_geometry_with_code_and_name_options(session, tmp_path):
    path = tmp_path / "d.geojson"
    path.write_text(json.dumps(mapping(box(116.4, 39.9, 116.5, 39.96))))
    import_boundaries(session, path, "district", code="110105", name="朝阳区")
    assert session.get(Area, "110105").name == "朝阳区"


def test_real_district_outline_in_gcj02(session):
    from geo.synth import outline_path
    import_boundaries(session, outline_path("620302"), "district", crs="gcj02", code="620302", name="金川区")
    area = session.get(Area, "620302")
    assert 2.5e9 < area.area_m2 < 3.5e9  # 金川区 is about 3,000 km²


# --- rejections: the file is refused whole and nothing is written ---------------------------------

def reject(session, tmp_path, level, features, match, **kw):
    before = area_count(session)
    path = write(tmp_path, "bad.geojson", collection(*features))
    with pytest.raises(ImportRejected) as caught:
        import_boundaries(session, path, level, **kw)
    assert area_count(session) == before
    text_ = str(caught.value)
    assert "nothing was written" in text_
    assert any(re.search(match, p) for p in caught.value.problems), caught.value.problems
    return caught.value.problems


GOOD = feature(f"{COMM_A}006", "甲六网格", box(116.40, 39.90, 116.41, 39.905))
BOWTIE = {"type": "Polygon", "coordinates": [[[116.40, 39.90], [116.41, 39.905], [116.41, 39.90], [116.40, 39.905], [116.40, 39.90]]]}


def test_self_intersection_names_the_feature(session, upper, tmp_path):
    bad = dict(feature(f"{COMM_A}007", "坏网格", box(0, 0, 1, 1)), geometry=BOWTIE)
    problems = reject(session, tmp_path, "grid", [GOOD, bad], r"110105001001007.*Self-intersection")
    assert len(problems) == 1  # the good feature is fine; it is not written either


def test_fix_repairs_a_bowtie(session, upper, tmp_path):
    bad = dict(feature(f"{COMM_A}007", "坏网格", box(0, 0, 1, 1)), geometry=BOWTIE)
    report = import_boundaries(session, write(tmp_path, "b.geojson", collection(bad)), "grid", fix=True)
    assert report.created == [f"{COMM_A}007"]
    assert "Self-intersection" in report.fixes[0] and "2 polygon(s)" in report.fixes[0]
    assert session.scalar(text("SELECT ST_IsValid(geom) FROM areas WHERE code = :c"), {"c": f"{COMM_A}007"})


def test_unclosed_ring_geojson(session, upper, tmp_path):
    ring = {"type": "Polygon", "coordinates": [[[116.40, 39.90], [116.41, 39.90], [116.41, 39.905], [116.40, 39.905]]]}
    reject(session, tmp_path, "grid", [dict(GOOD, geometry=ring)], r"110105001001006.*unclosed ring")


def test_unclosed_ring_csv(session, upper, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("code,name,wkt\n110105001001006,甲六网格,\"POLYGON((116.40 39.90,116.41 39.90,116.41 39.905,116.40 39.905))\"\n")
    with pytest.raises(ImportRejected) as caught:
        import_boundaries(session, path, "grid")
    assert "110105001001006" in caught.value.problems[0] and "unclosed ring" in caught.value.problems[0]


def test_empty_geometry(session, upper, tmp_path):
    reject(session, tmp_path, "grid", [dict(GOOD, geometry={"type": "Polygon", "coordinates": []})], r"006.*empty geometry")


def test_not_a_polygon(session, upper, tmp_path):
    reject(session, tmp_path, "grid", [dict(GOOD, geometry={"type": "Point", "coordinates": [116.4, 39.9]})], r"Polygon or MultiPolygon")


def test_coordinates_out_of_range_swapped(session, upper, tmp_path):
    reject(session, tmp_path, "grid", [feature(f"{COMM_A}006", "x", box(39.90, 116.40, 39.905, 116.41))],
           r"006.*out of range.*swapped")


def test_projected_coordinates_without_crs(session, upper, tmp_path):
    reject(session, tmp_path, "grid", [feature(f"{COMM_A}006", "x", box(12957000, 4852000, 12958000, 4853000))],
           r"out of range.*projected metres")


def test_obviously_wrong_crs_outside_service_area(session, upper, tmp_path):
    reject(session, tmp_path, "grid", [feature(f"{COMM_A}006", "x", box(2.35, 48.85, 2.36, 48.86))], r"outside the service area")


def test_overlap_within_file_names_both(session, upper, tmp_path):
    a = feature(f"{COMM_A}001", "甲一", box(116.40, 39.93, 116.42, 39.96))
    b = feature(f"{COMM_A}002", "甲二", box(116.41, 39.93, 116.44, 39.96))
    reject(session, tmp_path, "grid", [a, b], r"110105001001001.*and.*110105001001002.*overlap by \d+ m²")


def test_overlap_with_a_stored_grid(session, city, tmp_path):
    intruder = feature(f"{COMM_A}006", "甲六", box(116.41, 39.94, 116.43, 39.95))
    reject(session, tmp_path, "grid", [intruder], r"110105001001006.*stored grid 110105001001001.*overlap")


def test_grids_of_different_communities_do_not_count_as_overlapping_siblings(session, city, tmp_path):
    # Same code space check is per community; a grid crossing into B is caught as outside its parent instead.
    crossing = feature(f"{COMM_A}006", "越界", box(116.43, 39.90, 116.45, 39.905))
    reject(session, tmp_path, "grid", [crossing], r"outside its parent 110105001001 by up to \d+")


def test_child_outside_parent_beyond_tolerance(session, upper, tmp_path):
    # 0.00005° of longitude is about 4 m at 40° N.
    reject(session, tmp_path, "community", [feature(COMM_B, "乙", box(116.44, 39.90, 116.50005, 39.96))],
           r"110105001002.*outside its parent 110105001000 by up to 4\.\d m")


def test_child_within_tolerance_is_accepted(session, upper, tmp_path):
    # 0.000005° is about 0.4 m: inside the 1 m tolerance.
    path = write(tmp_path, "c.geojson", collection(feature(COMM_B, "乙", box(116.44, 39.90, 116.500005, 39.96))))
    assert import_boundaries(session, path, "community").updated == [COMM_B]


def test_duplicate_codes(session, upper, tmp_path):
    reject(session, tmp_path, "grid", [GOOD, GOOD], r"feature #2 \(code 110105001001006\): duplicate code, also feature #1")


@pytest.mark.parametrize("props,match", [
    ({"name": "无编码"}, r"feature #1: missing code"),
    ({"code": f"{COMM_A}006"}, r"110105001001006.*missing name"),
    ({}, r"missing code and name"),
])
def test_missing_code_or_name(session, upper, tmp_path, props, match):
    reject(session, tmp_path, "grid", [dict(GOOD, properties=props)], match)


def test_wrong_code_length_and_prefix(session, upper, tmp_path):
    reject(session, tmp_path, "grid", [feature("1101050010010061", "x", box(116.40, 39.90, 116.41, 39.905))], r"15 digits")
    reject(session, tmp_path, "grid", [dict(GOOD, properties={"code": f"{COMM_A}006", "name": "x", "parent_code": COMM_B})],
           r"does not start with its parent")


def test_unknown_grid_kind(session, upper, tmp_path):
    reject(session, tmp_path, "grid", [dict(GOOD, properties={**GOOD["properties"], "kind": "vip"})], r"006.*unknown kind 'vip'")


def test_chinese_kind_names(session, upper, tmp_path):
    path = write(tmp_path, "k.geojson", collection(dict(GOOD, properties={**GOOD["properties"], "kind": "专属网格"})))
    import_boundaries(session, path, "grid")
    assert session.get(Area, f"{COMM_A}006").kind == "dedicated"


def test_missing_parent(session, tmp_path):
    reject(session, tmp_path, "street", [feature("110105001000", "x", box(116.4, 39.9, 116.5, 39.96))],
           r"parent district 110105 does not exist")


def test_reimport_that_would_strand_children(session, city, tmp_path):
    reject(session, tmp_path, "community", [feature(COMM_A, "甲", box(116.40, 39.90, 116.44, 39.94))],
           r"leaves its existing grid 110105001001001 outside")


def test_every_problem_is_listed_at_once(session, upper, tmp_path):
    bad_geom = dict(feature(f"{COMM_A}007", "坏", box(0, 0, 1, 1)), geometry=BOWTIE)
    problems = reject(session, tmp_path, "grid", [bad_geom, GOOD, GOOD, {"type": "Feature", "properties": {}, "geometry": None}],
                      r"Self-intersection")
    assert len(problems) == 4  # feature #4 lacks code, name and geometry: two lines


def test_unreadable_files(session, tmp_path):
    (tmp_path / "x.geojson").write_text("{not json")
    with pytest.raises(InvalidInput, match="not valid JSON"):
        import_boundaries(session, tmp_path / "x.geojson", "grid")
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(InvalidInput, match="unsupported format"):
        import_boundaries(session, tmp_path / "x.txt", "grid")
    with pytest.raises(InvalidInput, match="no such file"):
        import_boundaries(session, tmp_path / "missing.gpkg", "grid")
