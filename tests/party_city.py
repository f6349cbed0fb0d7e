"""The test city (tests/city.py) with compounds, party organisations, members and activities, small enough to
count by hand. Every coverage figure in tests/geo/party/ is derived from the table below.

Compounds (all inside one grid each):
  PA1 甲一小区 in A1, PA2 甲二小区 in A1, PA3 甲三小区 in A2, PA4 甲四小区 in A3 (community A);
  PB1 乙一小区 in B1, PB2 乙二小区 in B2 (community B).
Buildings (points) and households: b1 PA1 3, b2 PA1 2, b3 PA2 4, b4 PA3 5, b5 PA4 2, b6 PB1 6, b7 PB2 3, and b8 in
  A4 in no compound, 2. One resident per household. Community A 18 households, B 9.
Organisations: S 街道党工委 (street) → CA 甲社区党委 (community A), CB 乙社区党总支 (community B);
  CA → BA12 甲一甲二联合党支部 (covers PA1, PA2), BA3 甲三小区党支部 (PA3), U1 科技公司党支部 (两新组织);
  BA12 → G1 甲一1号楼党小组 (building b1); CB → BB1 乙一小区党支部 (PB1). PA4 and PB2 have no organisation.
Activities: BA12 on 2026-10-10, BA3 on 2026-05-01, BB1 on 2026-11-01 (PERIOD: 2026-09-01 … 2026-11-29, 90 days).
Members: m1 正式 resident of BA12, lives in b1, is A1's grid leader `leader`, secretary of BA12 and of G1, contacts
  two households of b1; m2 in-service (U1, 某科技公司), lives in b4, reported in to community A on 2026-10-01,
  part-time member (兼职委员) of CA from 某科技公司; m3 in-service (U1), lives in b6, never reported in;
  m4 预备 resident of BB1, lives in b6, is B1's worker `wb`, secretary of BB1, contacts one household of b6;
  m5 mobile member of BA3, lives nowhere recorded.
Five levels: street staff `street` also covers community A; `secA` is community A's secretary. Community B has
  neither.
"""

from datetime import date

from shapely.geometry import MultiPolygon, Point, box
from sqlalchemy import text

from geo.access.crypto import seal
from tests.city import A1, A2, A3, B1, B2, COMM_A, COMM_B, STREET, build_city, staff_the_city

PERIOD = (date(2026, 9, 1), date(2026, 11, 29))

COMPOUNDS = {  # code: (name, community, box)
    "PA1": ("甲一小区", COMM_A, box(116.401, 39.931, 116.404, 39.939)),
    "PA2": ("甲二小区", COMM_A, box(116.411, 39.946, 116.419, 39.959)),
    "PA3": ("甲三小区", COMM_A, box(116.421, 39.931, 116.439, 39.959)),
    "PA4": ("甲四小区", COMM_A, box(116.401, 39.901, 116.419, 39.929)),
    "PB1": ("乙一小区", COMM_B, box(116.441, 39.901, 116.469, 39.959)),
    "PB2": ("乙二小区", COMM_B, box(116.471, 39.931, 116.484, 39.959)),
}
COMPOUND_GRID = {"PA1": A1, "PA2": A1, "PA3": A2, "PA4": A3, "PB1": B1, "PB2": B2}
BUILDINGS = {  # name: (point, households)
    "b1": (Point(116.402, 39.932), 3), "b2": (Point(116.403, 39.937), 2), "b3": (Point(116.415, 39.950), 4),
    "b4": (Point(116.430, 39.945), 5), "b5": (Point(116.410, 39.915), 2), "b6": (Point(116.455, 39.930), 6),
    "b7": (Point(116.478, 39.940), 3), "b8": (Point(116.430, 39.910), 2),
}
BUILDING_COMPOUND = {"b1": "PA1", "b2": "PA1", "b3": "PA2", "b4": "PA3", "b5": "PA4", "b6": "PB1", "b7": "PB2",
                     "b8": None}


def build_party_city(session) -> dict:
    """Build the city, its staff and everything above; returns ids by the names used in the docstring."""
    build_city(session)
    ids: dict = staff_the_city(session)
    for code, (name, community, geom) in COMPOUNDS.items():
        ids[code] = _insert(session, "INSERT INTO compounds (code, name, community_code, geom, area_m2) VALUES "
                            "(:code, :name, :community, ST_GeomFromWKB(:wkb, 4326), 0) RETURNING id",
                            code=code, name=name, community=community, wkb=MultiPolygon([geom]).wkb)
    for name, (point, households) in BUILDINGS.items():
        ids[name] = _insert(session, "INSERT INTO buildings (code, name, geom) VALUES "
                            "(:code, :name, ST_GeomFromWKB(:wkb, 4326)) RETURNING id",
                            code=f"T-{name}", name=f"{name}号楼", wkb=point.wkb)
        ids[f"{name}_households"] = [_household(session, ids[name], door) for door in range(1, households + 1)]
    _orgs(session, ids)
    _members(session, ids)
    _five_levels(session, ids)
    session.flush()
    return ids


def _insert(session, sql: str, **params) -> int:
    return session.execute(text(sql), params).scalar_one()


def _household(session, building: int, door: int) -> int:
    household = _insert(session, "INSERT INTO households (building_id, door) VALUES (:b, :d) RETURNING id",
                        b=building, d=f"{door}01")
    session.execute(text("INSERT INTO residents (household_id, name) VALUES (:h, :n)"),
                    {"h": household, "n": f"住户{building}-{door}"})
    return household


def _org(session, code, name, level, parent, area, building=None, unit=None) -> int:
    return _insert(session, "INSERT INTO party_orgs (code, name, level, parent_id, area_code, building_id, unit_name, "
                   "unit_kind) VALUES (:code, :name, :level, :parent, :area, :building, :unit, :unit_kind) RETURNING id",
                   code=code, name=name, level=level, parent=parent, area=area, building=building, unit=unit,
                   unit_kind="new_org" if unit else None)


def _orgs(session, ids: dict) -> None:
    ids["S"] = _org(session, "S", "测试街道党工委", "street_committee", None, STREET)
    ids["CA"] = _org(session, "CA", "甲社区党委", "community_committee", ids["S"], COMM_A)
    ids["CB"] = _org(session, "CB", "乙社区党总支", "community_branch", ids["S"], COMM_B)
    ids["BA12"] = _org(session, "BA12", "甲一甲二联合党支部", "compound_branch", ids["CA"], COMM_A)
    ids["BA3"] = _org(session, "BA3", "甲三小区党支部", "compound_branch", ids["CA"], COMM_A)
    ids["U1"] = _org(session, "U1", "科技公司党支部", "unit_org", ids["CA"], COMM_A, unit="某科技公司")
    ids["G1"] = _org(session, "G1", "甲一1号楼党小组", "building_group", ids["BA12"], COMM_A, building=ids["b1"])
    ids["BB1"] = _org(session, "BB1", "乙一小区党支部", "compound_branch", ids["CB"], COMM_B)
    for org, compound in (("BA12", "PA1"), ("BA12", "PA2"), ("BA3", "PA3"), ("BB1", "PB1")):
        session.execute(text("INSERT INTO party_org_compounds VALUES (:o, :c)"), {"o": ids[org], "c": ids[compound]})
    for org, day in (("BA12", date(2026, 10, 10)), ("BA3", date(2026, 5, 1)), ("BB1", date(2026, 11, 1))):
        session.execute(text("INSERT INTO party_activities (org_id, kind, held_on, place, participants, summary, "
                             "recorded_by) VALUES (:o, 'theme_day', :d, '活动室', 5, '主题党日', 'test')"),
                        {"o": ids[org], "d": day})


def _member(session, name, status, kind, org, household=None, staff=None, unit=None) -> int:
    return _insert(session, "INSERT INTO party_members (name, phone_enc, status, kind, org_id, work_unit, household_id, "
                   "staff_id) VALUES (:name, :phone, :status, :kind, :org, :unit, :household, :staff) RETURNING id",
                   name=name, phone=seal("13900000000"), status=status, kind=kind, org=org, unit=unit,
                   household=household, staff=staff)


def _members(session, ids: dict) -> None:
    ids["m1"] = _member(session, "党员甲", "full", "resident", ids["BA12"], ids["b1_households"][0], ids["leader"])
    ids["m2"] = _member(session, "党员乙", "full", "in_service", ids["U1"], ids["b4_households"][0], unit="某科技公司")
    ids["m3"] = _member(session, "党员丙", "full", "in_service", ids["U1"], ids["b6_households"][1], unit="某科技公司")
    ids["m4"] = _member(session, "党员丁", "probationary", "resident", ids["BB1"], ids["b6_households"][0], ids["wb"])
    ids["m5"] = _member(session, "党员戊", "full", "mobile", ids["BA3"])
    for org, member, post, unit in (("BA12", "m1", "secretary", None), ("G1", "m1", "secretary", None),
                                    ("BB1", "m4", "secretary", None), ("CA", "m2", "parttime", "某科技公司")):
        session.execute(text("INSERT INTO party_org_posts (org_id, member_id, post, unit) VALUES (:o, :m, :p, :u)"),
                        {"o": ids[org], "m": ids[member], "p": post, "u": unit})
    for member, household in (("m1", ids["b1_households"][1]), ("m1", ids["b1_households"][2]),
                              ("m4", ids["b6_households"][2])):
        session.execute(text("INSERT INTO party_contacts VALUES (:m, :h)"), {"m": ids[member], "h": household})
    session.execute(text("INSERT INTO party_report_ins (member_id, community_code, reported_on, pledge, recorded_by) "
                         "VALUES (:m, :c, '2026-10-01', '每月参加一次志愿服务', 'test')"), {"m": ids["m2"], "c": COMM_A})


def _five_levels(session, ids: dict) -> None:
    session.execute(text("INSERT INTO staff_assignments (staff_id, duty, area_code, start_date) "
                         "VALUES (:s, 'street_staff', :a, '2020-01-01')"), {"s": ids["street"], "a": COMM_A})
    ids["secA"] = _insert(session, "INSERT INTO staff (name) VALUES ('secA') RETURNING id")
    session.execute(text("INSERT INTO staff_assignments (staff_id, duty, area_code, start_date) "
                         "VALUES (:s, 'community_secretary', :a, '2020-01-01')"), {"s": ids["secA"], "a": COMM_A})
