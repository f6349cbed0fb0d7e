"""Each compound's two coverages on the party test city (tests/party_city.py)."""

from datetime import date

from geo.party.compound_coverage import compound_coverage, required_activities
from tests.party_city import PERIOD, build_party_city


def test_each_compound_against_the_table(session):
    build_party_city(session)
    rows = {r["code"]: r for r in compound_coverage(session, "110105%", *PERIOD)}
    assert {c: (r["org_covered"], r["work_covered"]) for c, r in rows.items()} == {
        "PA1": (True, True), "PA2": (True, True), "PA3": (True, False), "PA4": (False, False),
        "PB1": (True, True), "PB2": (False, False)}
    assert rows["PA3"]["activities"] == 0 and rows["PA1"]["last_activity"] == date(2026, 10, 10)


def test_a_grid_scope_sees_its_own_compounds_only(session):
    build_party_city(session)
    assert [r["code"] for r in compound_coverage(session, "110105001001001%", *PERIOD)] == ["PA1", "PA2"]


def test_a_year_asks_four_activities():
    assert required_activities(date(2026, 1, 1), date(2026, 12, 31)) == 4
    assert required_activities(date(2026, 11, 1), date(2026, 11, 30)) == 1
