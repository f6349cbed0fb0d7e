"""The demo grid workers' visits, written with COPY: about ten households a working day, each grid's households
in turn (so a quarter covers them all), mostly 入户走访 with some return, help and safety visits and a few
findings; care visits at each cared-for resident's tier interval (care_tiers.py), mostly on time, some late and a
handful overdue today; and a visit behind some of the cases the workers found themselves.
"""

from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import text

from geo.core.bulk import copy_rows, reserve_ids
from geo.core.progress import no_track
from geo.core.time import CHINA
from geo.people.care_tiers import tier_of

VISITS_A_DAY = (8, 13)          # a full-time worker's households a working day: 8–12, about 10
PARTTIME_VISITS = (2, 5)
PARTTIME_DAYS = 0.3
KINDS = (("home", "return", "help", "safety"), (0.76, 0.12, 0.06, 0.06))
FINDINGS_SHARE = 0.04
FINDINGS = {"home": ("楼道堆放杂物，存在消防隐患", "住户反映楼上卫生间漏水", "家中燃气软管老化，已提醒更换",
                     "住户反映单元门禁损坏", "邻里因装修噪音有矛盾，已劝导", "住户反映小区路灯不亮"),
            "return": ("回访：上次反映的问题已解决，住户满意", "回访：整改不彻底，住户仍有意见"),
            "help": ("协助准备低保复核材料", "协助办理高龄津贴申请", "协助联系社区卫生服务站上门体检"),
            "safety": ("电动车在楼道充电，已劝离", "灭火器过期，已告知物业更换", "燃气报警器未安装，已宣传提醒")}
NEEDS = ("希望楼道加装扶手", "希望提供上门理发服务", "希望协调参加就业技能培训", "希望帮助申请居家适老化改造")
ON_TIME = 0.88                  # care visits within their tier's interval
OVERDUE_PER = 400               # one cared-for resident in this many left overdue today
MORNING, AFTERNOON = (8.5, 11.75), (14.0, 17.5)
COLUMNS = ["staff_id", "household_id", "resident_id", "building_id", "grid_code", "kind", "visited_at", "findings",
           "need", "geom", "created_by", "synthetic"]


def add_visits(session, workers, days, rng, now: datetime, track=no_track) -> None:
    """Every worker's household visits on the working days `days`, the care visits, the cases' visits."""
    homes = session.execute(text("""
        SELECT b.grid_code, h.id, b.id, encode(ST_AsEWKB(ST_PointOnSurface(b.geom)), 'hex') FROM households h
        JOIN buildings b ON b.id = h.building_id WHERE b.synthetic AND b.grid_code IS NOT NULL ORDER BY h.id""")).all()
    by_grid: dict[str, list] = {}
    for grid, household, building, point in homes:
        by_grid.setdefault(grid, []).append((household, building, point))
    crews: dict[str, list] = {}
    for w in workers:
        crews.setdefault(w.grid, []).append(w)
    rows = []
    for grid, crew in track(list(crews.items()), "走访 visits", len(crews)):
        if by_grid.get(grid):
            rows += _grid_visits(grid, crew, by_grid[grid], days, rng, now)
    rows += _care_visits(session, crews, rng, now)
    copy_rows(session, "visits", COLUMNS, rows)
    _cases_found(session, {w.staff_id for w in workers}, by_grid, rng)


def _times(days, counts: np.ndarray, rng) -> np.ndarray:
    """`counts[i]` visit times on `days[i]` (datetime64 UTC), in the morning or the afternoon office hours, sorted."""
    day = np.repeat(np.array(days, dtype="datetime64[D]"), counts)
    morning = rng.random(len(day)) < 0.55
    hours = np.where(morning, rng.uniform(*MORNING, len(day)), rng.uniform(*AFTERNOON, len(day)))
    return np.sort(day + ((hours - 8) * 3600).astype("timedelta64[s]"))  # Beijing is UTC+8 all year


def _grid_visits(grid, crew, homes, days, rng, now) -> list[list]:
    """The grid's ordinary visits: each worker's day of them, the grid's households taken in a shuffled turn."""
    made = []  # (time, worker)
    for w in crew:
        low, high = VISITS_A_DAY if w.fulltime else PARTTIME_VISITS
        counts = rng.integers(low, high, len(days))
        if not w.fulltime:
            counts[rng.random(len(days)) >= PARTTIME_DAYS] = 0
        times = _times(days, counts, rng)
        made += [(t, w) for t in times[times < np.datetime64(now.astimezone(UTC).replace(tzinfo=None), "s")]]
    made.sort(key=lambda m: m[0])
    turns = -(-len(made) // len(homes))
    order = np.concatenate([rng.permutation(len(homes)) for _ in range(turns)])[: len(made)] if made else []
    kinds = rng.choice(KINDS[0], size=len(made), p=KINDS[1])
    found = rng.random(len(made)) < FINDINGS_SHARE
    stamps = np.datetime_as_string(np.array([m[0] for m in made], dtype="datetime64[s]"), timezone="UTC")
    rows = []
    for (_, w), home, kind, finding, stamp in zip(made, order, kinds, found, stamps.tolist()):
        household, building, point = homes[home]
        note = str(rng.choice(FINDINGS[kind])) if finding else None
        need = str(rng.choice(NEEDS)) if kind == "help" and rng.random() < 0.3 else None
        rows.append([w.staff_id, household, None, building, grid, str(kind), stamp, note, need, point, w.user_id,
                     True])
    return rows


def _care_visits(session, crews: dict, rng, now: datetime) -> list[list]:
    """Care visits of the year for every resident on the care list, by a worker of their grid."""
    today = now.astimezone(CHINA).date()
    residents = session.execute(text("""
        SELECT r.id, r.household_id, b.id, b.grid_code, r.special_groups,
               encode(ST_AsEWKB(ST_PointOnSurface(b.geom)), 'hex')
        FROM residents r JOIN households h ON h.id = r.household_id JOIN buildings b ON b.id = h.building_id
        WHERE b.synthetic AND cardinality(r.special_groups) > 0 ORDER BY r.id""")).all()
    cared = [(r, tier_of(list(r[4]))) for r in residents if r[3] in crews]
    cared = [(r, tier) for r, tier in cared if tier is not None]
    overdue = set(rng.choice(len(cared), size=max(3, len(cared) // OVERDUE_PER), replace=False).tolist()) \
        if len(cared) > 3 else set()
    rows = []
    for n, ((resident, household, building, grid, _, point), tier) in enumerate(cared):
        dates = _care_dates(today, tier.days, n in overdue, rng)
        for day in dates:
            hour = rng.uniform(*(MORNING if rng.random() < 0.5 else AFTERNOON))
            at = datetime(day.year, day.month, day.day, tzinfo=CHINA) + timedelta(hours=float(hour))
            at = min(at, now - timedelta(minutes=int(rng.integers(10, 120))))
            w = crews[grid][int(rng.integers(len(crews[grid])))]
            rows.append([w.staff_id, household, resident, building, grid, "care", at.replace(microsecond=0),
                         None, None, point, w.user_id, True])
    return rows


def _care_dates(today, days: int, left_overdue: bool, rng) -> list:
    """A resident's care visit dates over the year: the next one within `days` of the last at ON_TIME, later
    otherwise; today's due made good (a late visit) unless the resident is one of those left overdue."""
    day = today - timedelta(days=364 - int(rng.integers(0, days)))
    out = []
    while day <= today:
        out.append(day)
        if rng.random() < ON_TIME:
            gap = int(rng.integers(max(1, round(days * 0.6)), days + 1))
        else:
            gap = days + int(rng.integers(1, max(2, days // 2) + 1))
        day = day + timedelta(days=gap)
        if day.weekday() >= 5 and day - timedelta(days=day.weekday() - 4) > out[-1]:
            day -= timedelta(days=day.weekday() - 4)  # a weekend visit moves to the Friday before
    last_due = out[-1] + timedelta(days=days)
    if left_overdue:
        while len(out) > 1 and out[-1] + timedelta(days=days) >= today:
            out.pop()
    elif last_due < today:
        out.append(today)
    return out


def _cases_found(session, workers: set[int], by_grid: dict, rng, share: float = 0.3) -> None:
    """A visit behind some of the cases a worker reported on the patrol channel: the visit just before the case,
    at a household of its grid, with what was found; the case remembers the visit."""
    found = session.execute(text("""
        SELECT c.id, c.reported_at, c.grid_code, c.description, s.id, s.user_id FROM cases c
        JOIN case_events e ON e.case_id = c.id AND e.action = 'intake'
        JOIN users u ON u.username = e.actor JOIN staff s ON s.user_id = u.id
        WHERE c.synthetic AND c.channel = 'patrol' AND c.visit_id IS NULL ORDER BY c.id""")).all()
    chosen = [f for f in found if f[4] in workers and by_grid.get(f[2]) and rng.random() < share]
    ids = reserve_ids(session, "visits", len(chosen))
    rows = []
    for visit_id, (_, reported, grid, description, staff, user) in zip(ids, chosen):
        household, building, point = by_grid[grid][int(rng.integers(len(by_grid[grid])))]
        at = reported - timedelta(minutes=int(rng.integers(5, 40)))
        rows.append([visit_id, staff, household, None, building, grid, "home", at,
                     "走访发现：" + description.split("：")[-1], None, point, user, True])
    copy_rows(session, "visits", ["id", *COLUMNS], rows)
    if chosen:
        session.execute(text("UPDATE cases c SET visit_id = v.visit FROM unnest(CAST(:cases AS bigint[]), "
                             "CAST(:visits AS bigint[])) AS v(case_id, visit) WHERE c.id = v.case_id"),
                        {"cases": [c[0] for c in chosen], "visits": ids})
