"""Key points: listed within scope, replaced as a whole (retired, not deleted), each inside its grid."""

import pytest
from sqlalchemy import text

from geo.core.errors import Forbidden, InvalidInput, NotFound
from geo.field import checkpoints
from tests.city import A1, B1
from tests.field_city import build_field_city
from tests.geo.field.test_patrols import actor


@pytest.fixture
def field(session):
    return build_field_city(session)


def names(collection) -> list[str]:
    return [f["properties"]["name"] for f in collection["features"]]


def test_a_grids_key_points_are_listed_within_scope(session, field):
    listed = checkpoints.list_checkpoints(session, actor(session, "w1"), A1)
    assert names(listed) == ["消防通道", "河堤", "学校门口"] and listed["grid"] == A1
    first = listed["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [116.402, 39.935]}
    assert first["properties"] == {"id": field["K1"], "name": "消防通道"} and first["id"] == field["K1"]
    assert names(checkpoints.list_checkpoints(session, actor(session, "planner"), B1)) == ["菜市场"]
    for who, grid in (("wb", A1), ("comm", B1), ("w1", "110105001001009")):
        with pytest.raises(NotFound, match=f"no grid {grid}"):
            checkpoints.list_checkpoints(session, actor(session, who), grid)


def test_replacing_keeps_renames_adds_and_retires(session, field):
    comm = actor(session, "comm")
    done = checkpoints.replace_checkpoints(session, comm, A1, [
        {"id": field["K1"], "name": " 消防通道（北） ", "lon": 116.4021, "lat": 39.9351},
        {"id": field["K3"], "name": "学校门口", "lon": 116.404, "lat": 39.946},
        {"name": "垃圾站", "lon": 116.415, "lat": 39.958}])
    assert names(done) == ["消防通道（北）", "学校门口", "垃圾站"]
    assert done["features"][0]["geometry"]["coordinates"] == [116.4021, 39.9351]
    rows = dict(session.execute(text("SELECT id, active FROM checkpoints WHERE grid_code = :g"), {"g": A1}).all())
    assert rows[field["K2"]] is False and rows[field["K1"]] and len(rows) == 4  # K2 retired, not deleted
    again = checkpoints.replace_checkpoints(session, comm, A1, [
        {"id": field["K2"], "name": "河堤", "lon": 116.412, "lat": 39.955}])  # a retired one comes back
    assert names(again) == ["河堤"]
    assert checkpoints.replace_checkpoints(session, comm, A1, [])["features"] == []


@pytest.mark.parametrize("point, words", [
    ({"name": "学校里", "lon": 116.407, "lat": 39.942}, r"key point 1: \(116.407000, 39.942000\) lies outside grid"),
    ({"name": "乙一", "lon": 116.45, "lat": 39.95}, "key point 1: .* lies outside grid"),
    ({"name": "  ", "lon": 116.41, "lat": 39.95}, "key point 1: the name is empty"),
    ({"id": -1, "name": "无", "lon": 116.41, "lat": 39.95}, "key point 1: key point -1 is not one of grid"),
    ({"id": "K1", "name": "重复", "lon": 116.41, "lat": 39.95}, "key point 1: key point .* is listed twice"),
    ({"id": "K4", "name": "乙的", "lon": 116.41, "lat": 39.95}, "key point 1: key point .* is not one of grid"),
])
def test_a_bad_key_point_refuses_the_list_naming_it(session, field, point, words):
    if isinstance(point.get("id"), str):
        point = point | {"id": field[point["id"]]}
    first = {"id": field["K1"], "name": "消防通道", "lon": 116.402, "lat": 39.935}
    with pytest.raises(InvalidInput, match=words):
        checkpoints.replace_checkpoints(session, actor(session, "comm"), A1, [first, point])
    assert session.execute(text("SELECT count(*) FROM checkpoints WHERE active")).scalar() == 4


def test_only_their_managers_in_scope_replace_key_points(session, field):
    point = [{"name": "新点", "lon": 116.41, "lat": 39.95}]
    with pytest.raises(Forbidden, match="role grid_worker may not"):
        checkpoints.replace_checkpoints(session, actor(session, "w1"), A1, point)
    with pytest.raises(NotFound):
        checkpoints.replace_checkpoints(session, actor(session, "comm"), B1, [{"name": "x", "lon": 116.45, "lat": 39.95}])
    assert names(checkpoints.replace_checkpoints(session, actor(session, "street"), A1, point)) == ["新点"]
