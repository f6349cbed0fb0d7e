"""The field test city holds what its docstring says."""

from sqlalchemy import text

from tests.city import A1
from tests.field_city import build_field_city


def test_the_field_city_is_as_documented(session):
    ids = build_field_city(session)
    households = session.execute(text("SELECT count(*) FROM households h JOIN buildings b ON b.id = h.building_id "
                                      "WHERE b.grid_code = :grid"), {"grid": A1}).scalar()
    assert households == 9
    assert session.execute(text("SELECT count(*) FROM checkpoints WHERE grid_code = :grid"), {"grid": A1}).scalar() == 3
    groups = session.execute(text("SELECT special_groups FROM residents WHERE id = :r"), {"r": ids["r_b3_2"]}).scalar()
    assert groups == ["disabled", "drug_user"]
