"""The demo's year of field work is plausible: patrol hours, visits a day, care on time, tracks inside their grids."""

import json
from datetime import timedelta

from geo.cases.official_calendar import is_workday
from geo.core.time import CHINA
from geo.people.care_tiers import groups_by_days
from tests.geo.synth.conftest import NOW, q

TODAY = NOW.astimezone(CHINA).date()
YEAR = [TODAY - timedelta(days=k) for k in range(365)]
WORKDAYS = sum(is_workday(d) for d in YEAR)
FULLTIME = "SELECT staff_id FROM staff_assignments WHERE duty = 'fulltime_worker'"


def test_key_points_lie_in_their_ordinary_grids(demo_engine):
    per_grid = q(demo_engine, """
        SELECT a.code, count(k.id), count(k.id) FILTER (WHERE NOT ST_Covers(a.geom, k.geom)) FROM areas a
        LEFT JOIN checkpoints k ON k.grid_code = a.code WHERE a.level = 'grid' AND a.kind = 'ordinary' GROUP BY 1""")
    assert per_grid and all(3 <= n <= 6 and outside == 0 for _, n, outside in per_grid)


def test_patrol_hours_per_worker_and_working_day(demo_engine):
    (workers,), = q(demo_engine, f"SELECT count(DISTINCT staff_id) FROM ({FULLTIME}) w")
    days = q(demo_engine, f"""
        SELECT staff_id, day, sum(seconds) / 3600.0 FROM (
            SELECT staff_id, (started_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
                   extract(epoch FROM finished_at - started_at) AS seconds FROM patrols
            UNION ALL SELECT staff_id, day, seconds FROM patrol_days) p
        WHERE staff_id IN ({FULLTIME}) GROUP BY 1, 2""")
    hours = [float(h) for _, _, h in days]
    assert 2 <= sum(hours) / (workers * WORKDAYS) <= 4
    assert min(hours) >= 1.95 and max(hours) <= 4  # each day's 2–4 h (starts are rounded to the 15 s of a fix)
    assert len(days) == workers * WORKDAYS  # every worker on every working day, on no other day
    assert all(is_workday(day) for _, day, _ in days[:500])
    (kmh,), = q(demo_engine, "SELECT sum(length_m) / 1000 / (sum(extract(epoch FROM finished_at - started_at)) / 3600) "
                             "FROM patrols")
    assert 2.5 <= kmh <= 4.5


def test_tracks_only_for_the_last_week_and_patrols_only_for_the_track_days(demo_engine):
    (oldest_point, oldest_patrol, newest_day, outside), = q(demo_engine, """
        SELECT (SELECT min(t) FROM patrol_points), (SELECT min(started_at) FROM patrols),
               (SELECT max(day) FROM patrol_days),
               (SELECT count(*) FROM patrol_points pp JOIN patrols p ON p.id = pp.patrol_id
                JOIN areas a ON a.code = p.grid_code WHERE NOT ST_Covers(a.geom, pp.geom))""")
    assert oldest_point >= NOW - timedelta(days=7)
    assert outside == 0
    assert oldest_patrol >= NOW - timedelta(days=180) and newest_day <= (NOW - timedelta(days=180)).date()
    tracked = q(demo_engine, """
        SELECT p.points, count(pp.t), p.finished_at - p.started_at, max(pp.t) - min(pp.t) FROM patrols p
        JOIN patrol_points pp ON pp.patrol_id = p.id GROUP BY p.id""")
    assert tracked and all(points == n and span == duration for points, n, duration, span in tracked)
    bad = q(demo_engine, """
        SELECT count(*) FROM patrol_checkins c JOIN patrols p ON p.id = c.patrol_id
        JOIN checkpoints k ON k.id = c.checkpoint_id
        WHERE c.at NOT BETWEEN p.started_at AND p.finished_at OR c.distance_m > 30 OR k.grid_code <> p.grid_code""")
    assert bad[0][0] == 0


def test_about_ten_household_visits_a_working_day_covering_the_grid(demo_engine):
    (workers, visits, kinds), = q(demo_engine, f"""
        SELECT count(DISTINCT w.staff_id), (SELECT count(*) FROM visits WHERE kind <> 'care'
                                            AND staff_id IN ({FULLTIME})),
               (SELECT json_object_agg(kind, n) FROM (SELECT kind, count(*) n FROM visits GROUP BY 1) k)
        FROM ({FULLTIME}) w""")
    assert 9 <= visits / (workers * WORKDAYS) <= 11
    assert kinds["home"] > 0.6 * visits and all(kinds[k] > 0 for k in ("return", "help", "safety", "care"))
    (covered, households), = q(demo_engine, """
        SELECT count(DISTINCT v.household_id) FILTER (WHERE v.visited_at >= :since), count(DISTINCT h.id)
        FROM households h JOIN buildings b ON b.id = h.building_id LEFT JOIN visits v ON v.household_id = h.id""",
                               since=NOW - timedelta(days=91))
    assert covered / households > 0.95  # a quarter's turn takes in every household
    (found, cases, consistent), = q(demo_engine, """
        SELECT count(*) FILTER (WHERE findings IS NOT NULL), (SELECT count(*) FROM cases WHERE visit_id IS NOT NULL),
               (SELECT count(*) FROM cases c JOIN visits v ON v.id = c.visit_id
                WHERE c.channel = 'patrol' AND v.visited_at <= c.reported_at AND v.grid_code = c.grid_code)
        FROM visits""")
    assert 0 < cases == consistent < found < 0.1 * visits


def test_care_visits_mostly_on_time_a_handful_overdue(demo_engine):
    tiers = json.dumps(groups_by_days())
    (met, counted), = q(demo_engine, """
        WITH care AS (
            SELECT v.resident_id, (v.visited_at AT TIME ZONE 'Asia/Shanghai')::date AS d,
                   lead((v.visited_at AT TIME ZONE 'Asia/Shanghai')::date) OVER (PARTITION BY v.resident_id
                                                                                 ORDER BY v.visited_at) AS next_d,
                   (SELECT min(t.value::int) FROM jsonb_each_text(CAST(:tiers AS jsonb)) t
                    WHERE t.key = ANY (r.special_groups)) AS days
            FROM visits v JOIN residents r ON r.id = v.resident_id WHERE v.kind = 'care')
        SELECT count(*) FILTER (WHERE next_d IS NOT NULL AND next_d <= d + days), count(*) FROM care
        WHERE d + days BETWEEN :start AND :today AND (next_d IS NOT NULL OR d + days < :today)""",
                          tiers=tiers, start=TODAY - timedelta(days=364), today=TODAY)
    assert counted > 1000 and 0.8 <= met / counted <= 0.95
    (overdue, cared), = q(demo_engine, """
        WITH last AS (SELECT resident_id, max(visited_at) AS at FROM visits WHERE kind = 'care' GROUP BY 1)
        SELECT count(*) FILTER (WHERE (l.at AT TIME ZONE 'Asia/Shanghai')::date
                                      + (SELECT min(t.value::int) FROM jsonb_each_text(CAST(:tiers AS jsonb)) t
                                         WHERE t.key = ANY (r.special_groups)) < :today), count(*)
        FROM last l JOIN residents r ON r.id = l.resident_id""", tiers=tiers, today=TODAY)
    assert 3 <= overdue <= max(3, cared // 100)


def test_every_grid_worker_account_has_tasks_waiting(demo_engine):
    queues = q(demo_engine, """
        SELECT u.username, count(c.id), count(c.id) FILTER (WHERE c.due_at < :now),
               count(c.id) FILTER (WHERE c.due_at BETWEEN :now AND :now + interval '1 day')
        FROM users u JOIN staff s ON s.user_id = u.id
        LEFT JOIN cases c ON c.assignee_id = s.id AND c.status IN ('dispatched', 'handling')
        WHERE u.role = 'grid_worker' GROUP BY 1""", now=NOW)
    assert queues and all(n >= 3 for _, n, _, _ in queues), [u for u, n, _, _ in queues if n < 3]
    assert all(red >= 1 for _, _, red, _ in queues)
    assert sum(1 for _, _, _, yellow in queues if yellow) > len(queues) / 2
