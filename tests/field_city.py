"""The party test city (tests/party_city.py) made ready for field work: key points and the care list.

Grids and people (from tests/city.py and tests/party_city.py): A1 has workers w1, w2 (accounts, staff records) and
the leader; its buildings are b1 (3 households), b2 (2), b3 (4): 9 households. B1's worker is wb; B1 holds b6 (6).
Community A has 18 households, B 9. Every household has one resident, named 住户<building id>-<door>.

Key points (关键点位), all in A1: K1 消防通道 at (116.402, 39.935), K2 河堤 at (116.412, 39.955), K3 学校门口 at
(116.404, 39.946). B1 has K4 菜市场 at (116.450, 39.920).

Care list (special groups, tiers of data/care_tiers.csv): in b1 the resident of household 1 is severe_mental_illness
(高风险, every 7 days), of household 2 elderly_alone (重点, 30); in b3 household 1 is low_income (一般, 90) and
household 2 both disabled and drug_user (高风险 wins: 7). In b6 household 1 is elderly_alone (重点, 30).
Nobody has been visited: each test writes the visits and patrols it counts.
"""

from shapely.geometry import Point
from sqlalchemy import text

from tests.city import A1, B1
from tests.party_city import build_party_city

CHECKPOINTS = {"K1": ("消防通道", A1, Point(116.402, 39.935)), "K2": ("河堤", A1, Point(116.412, 39.955)),
               "K3": ("学校门口", A1, Point(116.404, 39.946)), "K4": ("菜市场", B1, Point(116.450, 39.920))}
CARE = {  # (building, household index): groups
    ("b1", 0): ["severe_mental_illness"], ("b1", 1): ["elderly_alone"], ("b3", 0): ["low_income"],
    ("b3", 1): ["disabled", "drug_user"], ("b6", 0): ["elderly_alone"],
}


def build_field_city(session) -> dict:
    """The party city plus key points and the care list; ids by name: K1…K4, and care residents as
    'r_b1_1' (building b1, household 1) and so on; households as in party_city ('b1_households')."""
    ids = build_party_city(session)
    for name, (label, grid, point) in CHECKPOINTS.items():
        ids[name] = session.execute(text("INSERT INTO checkpoints (grid_code, name, geom) VALUES "
                                         "(:grid, :name, ST_GeomFromWKB(:wkb, 4326)) RETURNING id"),
                                    {"grid": grid, "name": label, "wkb": point.wkb}).scalar_one()
    for (building, index), groups in CARE.items():
        household = ids[f"{building}_households"][index]
        ids[f"r_{building}_{index + 1}"] = session.execute(
            text("UPDATE residents SET special_groups = :groups WHERE household_id = :h RETURNING id"),
            {"groups": groups, "h": household}).scalar_one()
    session.flush()
    return ids
