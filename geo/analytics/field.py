"""Field figures per grid, community or street: visit coverage, care on time, proactive finding, patrols, key points.

Definitions as in docs/field.md. Households and key points belong to an area by their (building's) grid now;
visits, patrols and cases by the grid recorded on them. Periods are inclusive Beijing dates.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.access.scope import like_pattern, scope_for
from geo.analytics.window import window
from geo.core.errors import Forbidden, InvalidInput
from geo.core.i18n import msg
from geo.core.models import SCOPE_PREFIX, Level
from geo.core.time import CHINA
from geo.people.care_tiers import groups_by_days

LEVELS = {"grid": Level.grid, "community": Level.community, "street": Level.street}
WORKER_DUTIES = ["fulltime_worker", "parttime_worker"]


@dataclass(frozen=True)
class Period:
    """Inclusive Beijing dates [first, last] and the instants [since, until) they span."""

    first: date
    last: date

    @property
    def since(self) -> datetime:
        return datetime.combine(self.first, time(), CHINA)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), CHINA)


def period(first: date | None, last: date | None, *, today: date | None = None) -> Period:
    """A checked period, by default the 30 days up to today; spans over three years are refused like the others."""
    last = last or today or datetime.now(CHINA).date()
    first = first or last - timedelta(days=29)
    checked = Period(first, last)
    window(checked.since, checked.until)  # the same checks and messages as every other period
    return checked


def area_pattern(session: Session, actor: Actor, area: str | None) -> str:
    """The LIKE pattern of `area` (default: the caller's scope); an area outside the scope is refused."""
    if not area:
        return like_pattern(actor.scope)
    if not actor.scope.covers_code(area):
        raise Forbidden(msg("area {code} lies outside your scope", code=area))
    return like_pattern(scope_for(session, actor.scope.role, area))


# Each part gives figures per area prefix; the parts are joined to the areas of the level.
HOUSEHOLDS = """
SELECT left(b.grid_code, :digits) AS prefix, count(*) AS households, count(v.household_id) AS households_visited
FROM households h JOIN buildings b ON b.id = h.building_id
LEFT JOIN (SELECT DISTINCT household_id FROM visits WHERE visited_at >= :since AND visited_at < :until) v
       ON v.household_id = h.id
WHERE b.grid_code LIKE :pattern GROUP BY 1
"""

# A care visit's due is its Beijing date plus the resident's tier days (the most frequent of their groups); the
# next care visit of the same resident decides it, wherever it was made.
CARE = """
WITH tiers AS (SELECT key AS grp, value::int AS days FROM jsonb_each_text(CAST(:tiers AS jsonb))),
care AS (
    SELECT v.grid_code, v.resident_id, (v.visited_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
           (lead(v.visited_at) OVER (PARTITION BY v.resident_id ORDER BY v.visited_at, v.id)
               AT TIME ZONE 'Asia/Shanghai')::date AS next_day
    FROM visits v
    WHERE v.kind = 'care' AND v.resident_id IS NOT NULL AND v.visited_at >= :care_since
), dues AS (
    SELECT c.grid_code, c.next_day, c.day + t.days AS due
    FROM care c JOIN residents r ON r.id = c.resident_id
    CROSS JOIN LATERAL (SELECT min(tiers.days) AS days FROM unnest(r.special_groups) g
                        JOIN tiers ON tiers.grp = g) t
    WHERE t.days IS NOT NULL AND c.grid_code LIKE :pattern
)
SELECT left(grid_code, :digits) AS prefix, count(*) AS care_due,
       count(*) FILTER (WHERE next_day IS NOT NULL AND next_day <= due) AS care_met
FROM dues WHERE due BETWEEN :first AND :last AND (next_day IS NOT NULL OR due < :today)
GROUP BY 1
"""

# Merged duplicates are left out, as in every case figure.
CASES = """
SELECT left(grid_code, :digits) AS prefix, count(*) AS cases,
       count(*) FILTER (WHERE channel = 'patrol') AS patrol_cases
FROM cases WHERE reported_at >= :since AND reported_at < :until AND grid_code LIKE :pattern AND status <> 'merged'
GROUP BY 1
"""

PATROLS = """
SELECT left(grid_code, :digits) AS prefix, sum(patrols)::int AS patrols, sum(seconds) AS seconds,
       sum(length_m) AS length_m FROM (
    SELECT grid_code, 1 AS patrols, extract(epoch FROM finished_at - started_at) AS seconds, length_m FROM patrols
    WHERE finished_at IS NOT NULL AND started_at >= :since AND started_at < :until AND grid_code LIKE :pattern
    UNION ALL
    SELECT grid_code, patrols, seconds, length_m FROM patrol_days
    WHERE day BETWEEN :first AND :last AND grid_code LIKE :pattern
) p GROUP BY 1
"""

WORKERS = """
SELECT left(area_code, :digits) AS prefix, count(DISTINCT staff_id) AS workers FROM staff_assignments
WHERE duty::text = ANY(:duties) AND area_code LIKE :pattern
  AND start_date <= :last AND (end_date IS NULL OR end_date >= :last)
GROUP BY 1
"""

CHECKPOINTS = """
SELECT left(k.grid_code, :digits) AS prefix, count(*) AS checkpoints,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM patrol_checkins pc WHERE pc.checkpoint_id = k.id
                                      AND pc.at >= :since AND pc.at < :until)
                           OR EXISTS (SELECT 1 FROM patrol_days d WHERE d.grid_code = k.grid_code
                                      AND d.day BETWEEN :first AND :last AND k.id = ANY(d.checkpoint_ids)))
           AS checkpoints_covered
FROM checkpoints k WHERE k.active AND k.grid_code LIKE :pattern GROUP BY 1
"""

ZERO = {"households": 0, "households_visited": 0, "care_due": 0, "care_met": 0, "cases": 0, "patrol_cases": 0,
        "patrols": 0, "seconds": 0, "length_m": 0, "workers": 0, "checkpoints": 0, "checkpoints_covered": 0}


def share(numerator: int, denominator: int) -> float | None:
    """numerator ÷ denominator to four places; None (not 0) when there is nothing to divide by."""
    return round(numerator / denominator, 4) if denominator else None


def figures_by_prefix(session: Session, pattern: str, digits: int, per: Period, today: date) -> dict[str, dict]:
    """The raw counts of every part per area prefix of `digits` digits, within `pattern`."""
    tiers = groups_by_days()
    params = {"pattern": pattern, "digits": digits, "since": per.since, "until": per.until, "first": per.first,
              "last": per.last, "today": today, "tiers": json.dumps(tiers), "duties": WORKER_DUTIES,
              # a due in the period comes from a care visit at most the longest tier before it
              "care_since": per.since - timedelta(days=max(tiers.values(), default=0) + 1)}
    found: dict[str, dict] = {}
    for sql in (HOUSEHOLDS, CARE, CASES, PATROLS, WORKERS, CHECKPOINTS):
        for row in session.execute(text(sql), params).mappings():
            found.setdefault(row["prefix"], dict(ZERO)).update({k: v for k, v in row.items() if k != "prefix"})
    return found


def field_row(raw: dict | None) -> dict:
    """The figures of one area from its raw counts, each with its numerator and denominator."""
    r = raw or ZERO
    hours, km, workers = float(r["seconds"] or 0) / 3600, float(r["length_m"] or 0) / 1000, r["workers"]
    return {
        "households": r["households"], "households_visited": r["households_visited"],
        "visit_coverage": share(r["households_visited"], r["households"]),
        "care_due": r["care_due"], "care_met": r["care_met"], "care_on_time": share(r["care_met"], r["care_due"]),
        "cases": r["cases"], "patrol_cases": r["patrol_cases"],
        "proactive_share": share(r["patrol_cases"], r["cases"]),
        "patrols": r["patrols"], "patrol_hours": round(hours, 2), "patrol_km": round(km, 2),
        "workers": workers, "patrol_hours_per_worker": round(hours / workers, 2) if workers else None,
        "patrol_km_per_worker": round(km / workers, 2) if workers else None,
        "checkpoints": r["checkpoints"], "checkpoints_covered": r["checkpoints_covered"],
        "checkpoint_coverage": share(r["checkpoints_covered"], r["checkpoints"]),
    }


def field(session: Session, actor: Actor, level: str, first: date | None = None, last: date | None = None, *,
          area: str | None = None, today: date | None = None) -> dict:
    """Every area of `level` in `area` (default: the caller's scope) with its field figures over the period."""
    if level not in LEVELS:
        raise InvalidInput(msg("level must be one of {levels}", levels=", ".join(LEVELS)))
    today = today or datetime.now(CHINA).date()
    per, pattern = period(first, last, today=today), area_pattern(session, actor, area)
    lvl = LEVELS[level]
    digits = SCOPE_PREFIX[lvl]
    areas = session.execute(text("SELECT code, name, parent_code FROM areas WHERE level = :level AND code LIKE :pattern "
                                 "ORDER BY code"), {"level": lvl.value, "pattern": pattern}).all()
    found = figures_by_prefix(session, pattern, digits, per, today)
    return {"level": level, "from": per.first.isoformat(), "to": per.last.isoformat(), "area": area,
            "rows": [{"code": code, "name": name, "parent_code": parent} | field_row(found.get(code[:digits]))
                     for code, name, parent in areas]}


# The field columns of the league table.
LEAGUE_FIELD = ("visit_coverage", "care_on_time", "proactive_share", "patrol_hours_per_worker", "checkpoint_coverage")


def window_period(win) -> Period:
    """The Beijing days a case window [since, until) touches."""
    return Period(win.since.astimezone(CHINA).date(), (win.until - timedelta(microseconds=1)).astimezone(CHINA).date())


def field_of_window(session: Session, pattern: str, digits: int, win):
    """A lookup prefix → field figures over the days of a case window (for the league table)."""
    found = figures_by_prefix(session, pattern, digits, window_period(win), datetime.now(CHINA).date())
    return lambda prefix: field_row(found.get(prefix))


# A worker's field work; a case found is theirs when made from their account on patrol, or on their patrol or visit.
WORKER_FIELD = """
SELECT s.id,
       (SELECT count(*) FROM visits v WHERE v.staff_id = s.id AND v.visited_at >= :since AND v.visited_at < :until)
           AS visits,
       (SELECT count(DISTINCT v.household_id) FROM visits v WHERE v.staff_id = s.id AND v.visited_at >= :since
           AND v.visited_at < :until) AS households_visited,
       (SELECT count(*) FROM visits v WHERE v.staff_id = s.id AND v.kind = 'care' AND v.visited_at >= :since
           AND v.visited_at < :until) AS care_visits,
       coalesce((SELECT sum(extract(epoch FROM p.finished_at - p.started_at)) FROM patrols p WHERE p.staff_id = s.id
           AND p.finished_at IS NOT NULL AND p.started_at >= :since AND p.started_at < :until), 0)
       + coalesce((SELECT sum(d.seconds) FROM patrol_days d WHERE d.staff_id = s.id AND d.day BETWEEN :first
           AND :last), 0) AS seconds,
       coalesce((SELECT sum(p.length_m) FROM patrols p WHERE p.staff_id = s.id AND p.finished_at IS NOT NULL
           AND p.started_at >= :since AND p.started_at < :until), 0)
       + coalesce((SELECT sum(d.length_m) FROM patrol_days d WHERE d.staff_id = s.id AND d.day BETWEEN :first
           AND :last), 0) AS length_m,
       (SELECT count(*) FROM patrol_checkins pc JOIN patrols p ON p.id = pc.patrol_id WHERE p.staff_id = s.id
           AND pc.at >= :since AND pc.at < :until)
       + coalesce((SELECT sum(cardinality(d.checkpoint_ids)) FROM patrol_days d WHERE d.staff_id = s.id
           AND d.day BETWEEN :first AND :last), 0) AS checkins,
       (SELECT count(*) FROM cases c WHERE c.reported_at >= :since AND c.reported_at < :until
           AND c.status <> 'merged' AND ((c.channel = 'patrol' AND c.created_by = s.user_id)
            OR c.patrol_id IN (SELECT id FROM patrols WHERE staff_id = s.id)
            OR c.visit_id IN (SELECT id FROM visits WHERE staff_id = s.id))) AS cases_found
FROM staff s WHERE s.id IN (SELECT staff_id FROM staff_assignments WHERE area_code LIKE :pattern)
"""


def worker_field(session: Session, pattern: str, win):
    """A lookup staff id → their visits, households visited, care visits, patrol hours, km, check-ins, cases found."""
    per = window_period(win)
    rows = {r["id"]: r for r in session.execute(text(WORKER_FIELD), {
        "pattern": pattern, "since": win.since, "until": win.until, "first": per.first, "last": per.last}).mappings()}

    def of(staff_id: int) -> dict:
        r = rows.get(staff_id)
        if r is None:
            return {"visits": 0, "households_visited": 0, "care_visits": 0, "patrol_hours": 0.0, "patrol_km": 0.0,
                    "checkins": 0, "cases_found": 0}
        return {"visits": r["visits"], "households_visited": r["households_visited"], "care_visits": r["care_visits"],
                "patrol_hours": round(float(r["seconds"]) / 3600, 2), "patrol_km": round(float(r["length_m"]) / 1000, 2),
                "checkins": int(r["checkins"]), "cases_found": r["cases_found"]}
    return of
