"""Compound import: formats, Chinese or English keys, the derived community, and every rejection with nothing written."""

import json

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box, mapping
from sqlalchemy import text

from geo.core.errors import ImportRejected
from geo.core.i18n import render
from geo.territory.compound_import import import_compounds
from tests.city import A1, A4, COMM_A, COMM_B, collection, write
from tests.party_city import build_party_city

PA5 = box(116.425, 39.905, 116.435, 39.915)  # in grid A4, around building b8


def compound(geom, **props) -> dict:
    return {"type": "Feature", "properties": props, "geometry": mapping(geom)}


def stored(session) -> dict:
    return dict(session.execute(text("SELECT code, name FROM compounds")).all())


def problems_of(excinfo) -> list[str]:
    return [render(p, "zh") for p in excinfo.value.problems]


@pytest.fixture
def party(session):
    return build_party_city(session)


def test_chinese_keys_derive_the_community_and_link_the_building(session, party, tmp_path):
    path = write(tmp_path, "c.geojson", collection(compound(PA5, 编码="PA5", 名称="甲五小区", 物业="某物业公司",
                                                            业委会="甲五业委会", 红色物业="是")))
    report = import_compounds(session, path)
    assert report.created == ["PA5"] and report.updated == [] and report.buildings_linked == 1
    row = session.execute(text("SELECT community_code, grid_code, property_company, owners_committee, red_property, "
                               "area_m2 > 0 FROM compounds WHERE code = 'PA5'")).one()
    assert tuple(row) == (COMM_A, A4, "某物业公司", "甲五业委会", True, True)
    assert session.execute(text("SELECT c.code FROM buildings b JOIN compounds c ON c.id = b.compound_id "
                                "WHERE b.code = 'T-b8'")).scalar() == "PA5"


# Writing the Shapefile shortens red_property to red_proper on purpose: the import must read the short name.
@pytest.mark.filterwarnings("ignore:Column names longer than 10:UserWarning", "ignore:Normalized/laundered:RuntimeWarning")
@pytest.mark.parametrize("suffix", ["csv", "gpkg", "shp"])
def test_other_formats_with_english_keys(session, party, tmp_path, suffix):
    frame = gpd.GeoDataFrame({"code": ["PA5"], "name": ["甲五小区"], "community": [COMM_A], "red_property": ["0"]},
                             geometry=[PA5], crs="EPSG:4326")
    path = tmp_path / f"c.{suffix}"
    if suffix == "csv":
        path.write_text(f"code,name,community,red_property,wkt\nPA5,甲五小区,{COMM_A},0,\"{PA5.wkt}\"\n")
    else:
        frame.to_file(path)
    report = import_compounds(session, path, operator=True)
    assert report.created == ["PA5"]
    assert session.execute(text("SELECT red_property FROM compounds WHERE code = 'PA5'")).scalar() is False


def test_rerun_updates_and_creates_nothing(session, party, tmp_path):
    path = write(tmp_path, "c.geojson", collection(compound(PA5, code="PA5", name="甲五小区")))
    import_compounds(session, path)
    again = import_compounds(session, path)
    assert again.created == [] and again.updated == ["PA5"] and len(stored(session)) == 7


def test_every_rejection_is_named_and_nothing_is_written(session, party, tmp_path):
    bowtie = Polygon([(116.425, 39.905), (116.435, 39.915), (116.435, 39.905), (116.425, 39.915)])
    features = [
        compound(box(116.425, 39.905, 116.426, 39.906), code="N1"),                          # 1 no name
        compound(box(116.425, 39.905, 116.426, 39.906), code="坏 code", name="x"),           # 2 bad code
        compound(box(116.4251, 39.9051, 116.4259, 39.9059), code="D1", name="x"),            # 3
        compound(box(116.4261, 39.9051, 116.4269, 39.9059), code="D1", name="x"),            # 4 duplicate
        compound(box(116.4271, 39.9051, 116.4279, 39.9059), code="R1", name="x", 红色物业="也许"),  # 5
        compound(box(116.435, 39.905, 116.4405, 39.908), code="OUT", name="跨社区"),           # 6 outside community A
        compound(box(116.402, 39.932, 116.405, 39.935), code="OV", name="压甲一"),            # 7 overlaps stored PA1
        compound(box(116.428, 39.920, 116.430, 39.925), code="F1", name="x"),                 # 8
        compound(box(116.429, 39.921, 116.431, 39.926), code="F2", name="x"),                 # 9 overlaps 8
        compound(box(116.431, 39.927, 116.432, 39.928), code="NC", name="x", 社区代码="110105001009"),  # 10
        compound(box(116.432, 39.927, 116.433, 39.928), code="GC", name="x", community=A1),   # 11 a grid
        compound(box(116.426, 39.910, 116.427, 39.911), code="NB", name="x", community=COMM_B),  # 12 outside B
        compound(bowtie, code="BT", name="自相交"),                                             # 13 invalid
        compound(box(116.52, 39.905, 116.521, 39.906), code="NW", name="城外"),                # 14 in no community
    ]
    before = stored(session)
    with pytest.raises(ImportRejected) as excinfo:
        import_compounds(session, write(tmp_path, "bad.geojson", collection(*features)))
    found = problems_of(excinfo)
    expected = ["第 1 个要素（编码 N1）：缺少名称 name", "第 2 个要素（编码 坏 code）：小区编码",
                "第 4 个要素（编码 D1）：编码重复", "第 5 个要素（编码 R1）：红色物业", "第 6 个要素（编码 OUT）：超出所在社区",
                "第 7 个要素（编码 OV） 与 已有小区 PA1 重叠", "第 8 个要素（编码 F1） 与 第 9 个要素（编码 F2） 重叠",
                "第 10 个要素（编码 NC）：社区 110105001009 不存在", f"第 11 个要素（编码 GC）：{A1} 不是社区",
                f"第 12 个要素（编码 NB）：超出所在社区 {COMM_B}", "第 13 个要素（编码 BT）：几何图形无效",
                "第 14 个要素（编码 NW）：不在任何社区内"]
    for start in expected:
        assert any(p.startswith(start) for p in found), (start, "\n".join(found))
    assert len(found) == len(expected), found
    assert stored(session) == before


def test_fix_repairs_and_a_metre_of_slack_is_allowed(session, party, tmp_path):
    bowtie = Polygon([(116.425, 39.905), (116.435, 39.915), (116.435, 39.905), (116.425, 39.915)])
    slack = box(116.4395, 39.905, 116.44 + 0.000005, 39.906)  # sticks out of community A by about 0.4 m
    path = write(tmp_path, "c.geojson", collection(compound(bowtie, code="BT", name="自相交"),
                                                   compound(slack, code="SL", name="贴边小区")))
    report = import_compounds(session, path, fix=True)
    assert sorted(report.created) == ["BT", "SL"] and len(report.fixes) == 1


def test_replacing_a_stored_compound_may_overlap_its_old_self(session, party, tmp_path):
    moved = box(116.4015, 39.931, 116.4045, 39.939)
    report = import_compounds(session, write(tmp_path, "c.geojson", collection(compound(moved, code="PA1", name="甲一小区"))))
    assert report.updated == ["PA1"] and report.created == []


def test_an_empty_file_is_refused(session, party, tmp_path):
    with pytest.raises(ImportRejected):
        import_compounds(session, write(tmp_path, "c.geojson", collection()))
    assert json.dumps(stored(session), ensure_ascii=False)


def test_a_covered_compound_cannot_leave_its_branchs_community(session, party, tmp_path):
    elsewhere = box(116.485, 39.901, 116.495, 39.905)  # in community B; PA3 is covered by BA3 of community A
    with pytest.raises(ImportRejected) as excinfo:
        import_compounds(session, write(tmp_path, "c.geojson", collection(compound(elsewhere, code="PA3", name="甲三小区"))))
    assert problems_of(excinfo) == [f"第 1 个要素（编码 PA3）：已由社区 {COMM_A} 的党支部 BA3 覆盖，不能移到社区 {COMM_B}"]
