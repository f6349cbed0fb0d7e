"""The party test city builds, and its buildings find their compounds by the trigger, never by hand."""

from sqlalchemy import text

from tests.party_city import BUILDING_COMPOUND, COMPOUND_GRID, build_party_city


def test_buildings_and_compounds_derive_their_places(session):
    ids = build_party_city(session)
    compounds = dict(session.execute(text("SELECT code, grid_code FROM compounds")).all())
    assert compounds == COMPOUND_GRID
    derived = dict(session.execute(text("SELECT b.name, p.code FROM buildings b LEFT JOIN compounds p "
                                        "ON p.id = b.compound_id WHERE b.code LIKE 'T-%'")).all())
    assert derived == {f"{name}号楼": code for name, code in BUILDING_COMPOUND.items()}
    assert session.execute(text("SELECT count(*) FROM party_members")).scalar() == 5 and ids["m5"]


def test_a_compound_drawn_later_claims_the_buildings_it_covers(session):
    build_party_city(session)
    session.execute(text("INSERT INTO compounds (code, name, community_code, geom, area_m2) SELECT 'PA9', '新小区', "
                         "'110105001001', ST_Multi(ST_Buffer(geom, 0.001)), 0 FROM buildings WHERE code = 'T-b8'"))
    session.execute(text("UPDATE buildings SET geom = geom WHERE code = 'T-b8'"))
    assert session.execute(text("SELECT p.code FROM buildings b JOIN compounds p ON p.id = b.compound_id "
                                "WHERE b.code = 'T-b8'")).scalar() == "PA9"
