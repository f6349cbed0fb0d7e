"""Hand-countable field work on the field test city (tests/field_city.py) for November 2026 (PERIOD).

Visits (grid = the building's): care r_b1_1 (7-day tier) by w1 on 11-01 and 11-07, by w2 on 11-22; r_b3_2 (disabled
and drug_user: 7 days wins) by w2 on 11-10; r_b1_2 (30 days) by w1 on 10-05 and 11-03; r_b6_1 (30) by wb on 10-15.
Home visits: w1 b2/1 on 11-06 and b4/1 (A2) on 11-03, w2 b1/1 on 11-10, wb b6/3 on 11-20.
Patrols: w1 in A1 11-05 08:00–10:00, 3000 m, checks in at K1 and a retired point; w1 10-30 (out), checks in at K3;
w2 in A1 11-06 09:00–09:30, 1500 m; w1 open since 11-29 (not counted); wb in B1 11-20 14:00–15:00, 2000 m.
patrol_days: w1 A1 11-02 (2 patrols, 5400 s, 4500 m, K2); w1 A1 10-01 (out).
Cases: A1 in the period: patrol by w1's account, patrol on w2's patrol, a hotline one, a merged patrol one (left
out); A1 10-20 patrol by w1 (out); B1 patrol on wb's visit; B2 a hotline one.
"""

from datetime import date, datetime

from shapely.geometry import Point
from sqlalchemy import text

from geo.core.time import CHINA
from tests.city import A1, B1, B2
from tests.field_city import build_field_city

PERIOD = (date(2026, 11, 1), date(2026, 11, 29))
TODAY = date(2026, 11, 29)
A2 = A1[:-1] + "2"
SPOTS = {A1: Point(116.402, 39.933), B1: Point(116.455, 39.931), B2: Point(116.478, 39.941)}


def at(day: str, clock: str = "10:00") -> datetime:
    """A Beijing time on a day of 2026."""
    return datetime.fromisoformat(f"2026-{day}T{clock}").replace(tzinfo=CHINA)


def _id(session, sql: str, **params) -> int:
    return session.execute(text(sql), params).scalar_one()


def visit(session, ids, staff, building, index, day, grid, kind="home", resident=None) -> int:
    return _id(session, "INSERT INTO visits (staff_id, household_id, resident_id, building_id, grid_code, kind, "
               "visited_at) VALUES (:s, :h, :r, :b, :g, :k, :t) RETURNING id",
               s=ids[staff], h=ids[f"{building}_households"][index], r=resident, b=ids[building], g=grid, k=kind,
               t=at(day))


def patrol(session, ids, staff, grid, start, end, length) -> int:
    return _id(session, "INSERT INTO patrols (staff_id, grid_code, started_at, finished_at, length_m) "
               "VALUES (:s, :g, :a, :b, :m) RETURNING id", s=ids[staff], g=grid, a=start, b=end, m=length)


def case(session, grid, day, channel, status="registered", user=None, patrol_id=None, visit_id=None) -> None:
    session.execute(text("INSERT INTO cases (category, channel, status, geom, grid_code, reported_at, created_by, "
                         "patrol_id, visit_id) VALUES ('垃圾', :c, :st, ST_GeomFromWKB(:wkb, 4326), :g, :t, :u, :p, "
                         ":v)"), {"c": channel, "st": status, "wkb": SPOTS[grid].wkb, "g": grid, "t": at(day),
                                  "u": user, "p": patrol_id, "v": visit_id})


def build_field_work(session) -> dict:
    """The field city with the work above; returns its ids."""
    ids = build_field_city(session)
    for resident, staff, day, building, index, grid in (
            ("r_b1_1", "w1", "11-01", "b1", 0, A1), ("r_b1_1", "w1", "11-07", "b1", 0, A1),
            ("r_b1_1", "w2", "11-22", "b1", 0, A1), ("r_b3_2", "w2", "11-10", "b3", 1, A1),
            ("r_b1_2", "w1", "10-05", "b1", 1, A1), ("r_b1_2", "w1", "11-03", "b1", 1, A1),
            ("r_b6_1", "wb", "10-15", "b6", 0, B1)):
        visit(session, ids, staff, building, index, day, grid, "care", ids[resident])
    visit(session, ids, "w1", "b2", 0, "11-06", A1)
    visit(session, ids, "w1", "b4", 0, "11-03", A2)
    visit(session, ids, "w2", "b1", 0, "11-10", A1)
    wb_visit = visit(session, ids, "wb", "b6", 2, "11-20", B1)
    retired = _id(session, "INSERT INTO checkpoints (grid_code, name, geom, active) VALUES (:g, '旧点', "
                  "ST_SetSRID(ST_MakePoint(116.403, 39.936), 4326), false) RETURNING id", g=A1)
    p1 = patrol(session, ids, "w1", A1, at("11-05", "08:00"), at("11-05", "10:00"), 3000)
    old = patrol(session, ids, "w1", A1, at("10-30", "08:00"), at("10-30", "09:00"), 800)
    p2 = patrol(session, ids, "w2", A1, at("11-06", "09:00"), at("11-06", "09:30"), 1500)
    patrol(session, ids, "w1", A1, at("11-29", "09:00"), None, 700)
    patrol(session, ids, "wb", B1, at("11-20", "14:00"), at("11-20", "15:00"), 2000)
    for patrol_id, checkpoint, day in ((p1, ids["K1"], "11-05"), (p1, retired, "11-05"), (old, ids["K3"], "10-30")):
        session.execute(text("INSERT INTO patrol_checkins (patrol_id, checkpoint_id, at, distance_m) "
                             "VALUES (:p, :k, :t, 5)"), {"p": patrol_id, "k": checkpoint, "t": at(day, "08:30")})
    for day, seconds, length, points in ((date(2026, 11, 2), 5400, 4500, [ids["K2"]]), (date(2026, 10, 1), 3600,
                                                                                      1000, [ids["K3"]])):
        session.execute(text("INSERT INTO patrol_days (staff_id, day, grid_code, patrols, seconds, length_m, "
                             "checkpoint_ids) VALUES (:s, :d, :g, 2, :sec, :m, :k)"),
                        {"s": ids["w1"], "d": day, "g": A1, "sec": seconds, "m": length, "k": points})
    w1_user = _id(session, "SELECT id FROM users WHERE username = 'w1'")
    case(session, A1, "11-08", "patrol", user=w1_user)
    case(session, A1, "11-09", "patrol", patrol_id=p2)
    case(session, A1, "11-10", "hotline")
    case(session, A1, "11-11", "patrol", status="merged", user=w1_user)
    case(session, A1, "10-20", "patrol", user=w1_user)
    case(session, B1, "11-21", "patrol", visit_id=wb_visit)
    case(session, B2, "11-22", "hotline")
    session.flush()
    return ids
