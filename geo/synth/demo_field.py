"""A year of field work in the demo city: key points in every ordinary grid, the grid workers' patrols on the
official working days, their household and care visits (demo_visits.py), written with COPY.

Patrols started in the last WANGGE_TRACK_DAYS days are `patrols` rows with their length, points and check-ins,
but only those of the last 7 days keep their track in patrol_points (a position every WANGGE_PATROL_SECONDS):
the retention rule (geo/field/retention.py) would keep every track of those 180 days, the demo keeps the
database small. Older patrols are patrol_days rows, as the retention rule leaves them. Every row is synthetic
(points and check-ins go with their patrol).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import shapely
from sqlalchemy import text

from geo.cases.official_calendar import is_workday
from geo.core.bulk import copy_rows, ewkb, reserve_ids
from geo.core.progress import no_track
from geo.core.settings import get_settings
from geo.core.time import CHINA
from geo.synth import demo_visits
from geo.synth.demo_walks import Paths

KEY_POINT_NAMES = ("消防通道", "河道", "学校门口", "菜市场", "地下车库入口", "老旧小区围墙", "垃圾分类点",
                   "电动车充电棚", "小区主出入口", "沿街商铺", "健身广场", "配电房")
TRACKED_DAYS = 7
HOURS = (2.0, 4.0)              # a full-time worker's patrol hours on a working day
SPEED_KMH = (2.5, 4.0)
PARTTIME_DAYS = 0.3             # the share of working days a part-time worker patrols
CHECKIN_METRES = 30.0




@dataclass
class Worker:
    """A grid worker who patrols and visits: staff id, account, grid, full or part time."""

    staff_id: int
    user_id: int | None
    grid: str
    fulltime: bool


@dataclass
class FieldGrid:
    """An ordinary grid with its walkable lattice and key points (ids and lattice nodes)."""

    code: str
    paths: Paths
    key_ids: list[int]
    key_nodes: np.ndarray


def add_field(session, streets, metric, rng, now: datetime, track=no_track) -> None:
    """Key points, a year of patrols, visits and care visits of every grid worker; cases found on visits linked."""
    today = now.astimezone(CHINA).date()
    days = [d for d in (today - timedelta(days=k) for k in range(364, -1, -1)) if is_workday(d)]
    grids = _key_points(session, streets, metric, rng, track)
    workers = workers_of(session)
    _patrols(session, grids, workers, days, metric, rng, now, track)
    demo_visits.add_visits(session, workers, days, rng, now, track)


def workers_of(session) -> list[Worker]:
    """The synthetic staff on duty as full-time or part-time workers of a grid, in staff order."""
    rows = session.execute(text("""
        SELECT s.id, s.user_id, a.area_code, a.duty = 'fulltime_worker' FROM staff s
        JOIN staff_assignments a ON a.staff_id = s.id
        WHERE s.synthetic AND a.duty IN ('fulltime_worker', 'parttime_worker') AND a.end_date IS NULL
          AND length(a.area_code) = 15 ORDER BY s.id""")).all()
    return [Worker(*row) for row in rows]


def _key_points(session, streets, metric, rng, track) -> dict[str, FieldGrid]:
    """3–6 key points in each ordinary grid, on its walkable lattice; grid code → its lattice and key points."""
    footprints: dict[str, list] = {}
    rows = session.execute(text("SELECT grid_code, ST_AsBinary(geom) FROM buildings WHERE synthetic "
                                "AND grid_code IS NOT NULL")).all()
    if rows:
        shapes = metric(shapely.from_wkb([bytes(r[1]) for r in rows]))
        for (code, _), shape in zip(rows, shapes):
            footprints.setdefault(code, []).append(shape)
    ordinary = [(g, street.angle) for street in streets for community in street.communities
                for g in community.grids if g.purpose is None]
    grids, points = {}, []
    for grid, angle in track(ordinary, "关键点位 key points", len(ordinary)):
        paths = Paths(grid.geom, footprints.get(grid.code, []), angle)
        nodes = paths.key_points(int(rng.integers(3, 7)), rng)
        names = rng.choice(KEY_POINT_NAMES, size=len(nodes), replace=False)
        grids[grid.code] = FieldGrid(grid.code, paths, [], nodes)
        points += [(grid.code, str(name), paths.xy[node]) for name, node in zip(names, nodes)]
    ids = reserve_ids(session, "checkpoints", len(points))
    wgs = metric.to_wgs84(shapely.points([p[2] for p in points])) if points else []
    copy_rows(session, "checkpoints", ["id", "grid_code", "name", "geom", "synthetic"],
              ([i, code, name, ewkb(g), True] for i, (code, name, _), g in zip(ids, points, wgs)))
    for i, (code, _, _) in zip(ids, points):
        grids[code].key_ids.append(i)
    return grids


def _day_patrols(worker: Worker, days: list[date], rng) -> list[tuple[date, datetime, int]]:
    """(day, start, seconds) of a worker's patrols: 2–4 hours a working day in one walk or a morning and an
    afternoon one (a part-time worker on some days only)."""
    out = []
    every = get_settings().patrol_seconds
    for day in days:
        if not worker.fulltime and rng.random() >= PARTTIME_DAYS:
            continue
        seconds = rng.uniform(*HOURS) * 3600
        parts = [seconds] if rng.random() < 0.4 else [seconds * (f := rng.uniform(0.4, 0.6)), seconds * (1 - f)]
        starts = (time(8, 30), time(14, 30))
        for part, start in zip(parts, starts):
            at = datetime.combine(day, start, CHINA) + timedelta(minutes=float(rng.uniform(0, 60)))
            out.append((day, at.replace(microsecond=0), int(part // every * every)))
    return out


def _patrols(session, grids: dict[str, FieldGrid], workers: list[Worker], days, metric, rng, now, track) -> None:
    """Each worker's patrols: tracked ones of the last week, kept ones of the track days, older ones as days."""
    settings = get_settings()
    tracked_from, kept_from = now - timedelta(days=TRACKED_DAYS), now - timedelta(days=settings.track_days)
    patrols, checkins, tracks, reduced = [], [], [], {}
    for worker in track(workers, "巡查 patrols", len(workers)):
        grid = grids.get(worker.grid)
        if grid is None:
            continue
        for day, start, seconds in _day_patrols(worker, days, rng):
            finish = start + timedelta(seconds=seconds)
            if finish > now:
                continue
            speed = float(rng.uniform(*SPEED_KMH)) / 3.6
            keys = rng.choice(len(grid.key_ids), size=int(rng.integers(1, len(grid.key_ids) + 1)), replace=False)
            if start >= tracked_from:
                walk = grid.paths.walk(seconds, settings.patrol_seconds, speed, grid.key_nodes[keys], rng)
                length, points = walk.length_m, len(walk.xy)
                visits = [(grid.key_ids[keys[k]], start + timedelta(seconds=n * settings.patrol_seconds), d)
                          for k, n, d in walk.checkins if d <= CHECKIN_METRES]
                tracks.append((len(patrols), start, walk))
            else:
                length, points = speed * seconds * float(rng.uniform(0.9, 1.0)), seconds // settings.patrol_seconds + 1
                visits = [(grid.key_ids[k], start + timedelta(seconds=float(rng.uniform(0, seconds))),
                           round(float(rng.uniform(2, 28)), 1)) for k in keys]
            if start < kept_from:
                key = (worker.staff_id, day, worker.grid)
                total = reduced.setdefault(key, [0, 0, 0.0, set()])
                total[0] += 1
                total[1] += seconds
                total[2] += length
                total[3].update(v[0] for v in visits)
                continue
            patrols.append((worker, start, finish, round(length, 1), points))
            checkins.append(visits)
    _copy_patrols(session, patrols, checkins, tracks, reduced, metric)


def _copy_patrols(session, patrols, checkins, tracks, reduced, metric) -> None:
    """COPY the patrols, their check-ins and tracks, and the reduced days."""
    ids = reserve_ids(session, "patrols", len(patrols))
    copy_rows(session, "patrols", ["id", "staff_id", "grid_code", "started_at", "finished_at", "length_m", "points",
                                   "created_by", "synthetic"],
              ([i, w.staff_id, w.grid, start, finish, length, points, w.user_id, True]
               for i, (w, start, finish, length, points) in zip(ids, patrols)))
    copy_rows(session, "patrol_checkins", ["patrol_id", "checkpoint_id", "at", "distance_m"],
              ([i, key, at, distance] for i, visits in zip(ids, checkins) for key, at, distance in visits))
    copy_rows(session, "patrol_points", ["patrol_id", "t", "geom", "accuracy"], _track_rows(ids, tracks, metric))
    copy_rows(session, "patrol_days", ["staff_id", "day", "grid_code", "patrols", "seconds", "length_m",
                                       "checkpoint_ids", "synthetic"],
              ([staff, day, grid, n, seconds, round(length, 1), sorted(keys), True]
               for (staff, day, grid), (n, seconds, length, keys) in reduced.items()))


def _track_rows(ids, tracks, metric):
    """The positions of the tracked patrols as COPY rows: times as text, points as EWKB hex, all per patrol."""
    every = np.timedelta64(get_settings().patrol_seconds, "s")
    for index, start, walk in tracks:
        stamp = np.datetime64(start.astimezone(UTC).replace(tzinfo=None), "s")
        times = np.datetime_as_string(stamp + every * np.arange(len(walk.xy)), timezone="UTC")
        points = metric.to_wgs84(shapely.points(walk.xy))
        hexes = shapely.to_wkb(shapely.set_srid(points, 4326), hex=True, include_srid=True)
        patrol = ids[index]
        for t, geom, accuracy in zip(times.tolist(), hexes.tolist(), walk.accuracy.tolist()):
            yield patrol, t, geom, accuracy

