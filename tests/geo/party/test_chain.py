"""五级下沉 per community on the party test city (tests/party_city.py)."""

from datetime import date

from geo.party.chain import chains, gap_words
from tests.city import COMM_A, COMM_B
from tests.party_city import PERIOD, build_party_city


def _levels(chain: dict) -> dict:
    return {item["level"]: (item["covered"], item["total"], item["gap"]) for item in chain["levels"]}


def test_both_communities_against_the_table(session):
    build_party_city(session)
    found = chains(session, [COMM_A, COMM_B], PERIOD[1])
    # A: `street` covers A (street_staff at A), `secA` is its secretary; grids A1..A5, staffed: A1 (leader, w1,
    # w2) → 1 of 5; residential buildings b1 b2 b3 b4 b5 b8, only b1 has a group (G1) with a secretary (m1) →
    # 1 of 6; households with a contact member: two of b1 → 2 of 18.
    assert _levels(found[COMM_A]) == {"street_leader": (1, 1, False), "community_secretary": (1, 1, False),
                                      "grid_staff": (1, 5, True), "building_group_leader": (1, 6, True),
                                      "contact_member": (2, 18, True)}
    assert gap_words(found[COMM_A], "zh") == ["4 个网格无网格长或专职网格员", "5 个楼栋无党小组长", "16 户无党员联系"]
    # B: neither street leader nor secretary; grids B1 (wb) of B1, B2 → 1 of 2; buildings b6, b7 without a group
    # → 0 of 2; one contact household of b6 → 1 of 9.
    assert _levels(found[COMM_B]) == {"street_leader": (0, 1, True), "community_secretary": (0, 1, True),
                                      "grid_staff": (1, 2, True), "building_group_leader": (0, 2, True),
                                      "contact_member": (1, 9, True)}
    assert gap_words(found[COMM_B], "zh") == ["无街道领导包联", "无社区书记", "1 个网格无网格长或专职网格员",
                                              "2 个楼栋无党小组长", "8 户无党员联系"]
    assert gap_words(found[COMM_B], "en")[0] == "no street leader covers the community"


def test_an_assignment_ended_before_the_day_does_not_count(session):
    build_party_city(session)
    assert _levels(chains(session, [COMM_A], date(2019, 12, 31))[COMM_A])["street_leader"] == (0, 1, True)
