"""Boundaries of a day to come: those in force, as the scheduled plans whose day has come by then will redraw them.

A published plan with a later effective day waits as `scheduled` until the round applies it. `at=` a day on
or after that day answers with the grids the plan will make, composed in the order the round applies plans
(effective day, then id), so that applying them later changes no answer. Nothing is written in advance:
unscheduling a plan (or the round sending it back to draft) takes it out of every answer at once.

The overlay is computed in SQL, like `publish.apply` does it: a plan replaces every grid of its communities;
a code it keeps with the same boundary, name, kind and purpose keeps its record as it was (valid_from,
plan_id), a changed one takes the plan's day and id, a new one is issued, the rest are retired. Areas
outside the plans' communities come from `areas_at(day)` unchanged, so the database's indexes still serve.
"""

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

ON_DAY = "areas_at(CAST(:at AS date))"  # bind :at

# The plans the round will have applied by a day, in the order it applies them. The plans table is small and
# this runs only for `at=` queries: today's answers never read it.
DUE_BY = text("""
SELECT id, version, effective_from FROM plans
WHERE status = 'scheduled' AND effective_from <= CAST(:at AS date)
ORDER BY effective_from, id
""")

COLUMNS = "code, level, parent_code, name, name_en, kind, purpose, geom, area_m2, valid_from, valid_to, plan_id"

# Heading the statement, so that they are computed once however often the statement reads the areas (locate joins
# them four times, a list counts each area's children). {ids}: the plans' ids in the order they apply (integers
# from the database). Bind :at.
CTES = """scheduled_plans AS (
    SELECT p.id AS plan_id, p.effective_from AS day, p.communities, o.n
    FROM unnest(ARRAY[{ids}]::bigint[]) WITH ORDINALITY AS o(id, n) JOIN plans p ON p.id = o.id
), scheduled_last AS (  -- the last plan to redraw each community decides its grids
    SELECT DISTINCT ON (c) c AS community, s.n FROM scheduled_plans s, unnest(s.communities) AS c ORDER BY c, s.n DESC
), scheduled_chain AS (  -- every version of each grid: as on the day (n = 0), then as each plan draws it
    SELECT b.code, 0::bigint AS n, b.parent_code, b.name, b.name_en, b.kind, b.purpose, b.geom, b.area_m2,
           b.valid_from, b.plan_id
    FROM areas_at(CAST(:at AS date)) b
    WHERE b.level = 'grid' AND b.parent_code IN (SELECT community FROM scheduled_last)
    UNION ALL
    SELECT g.code, s.n, g.community_code, g.name, NULL, g.kind, g.purpose, g.geom,
           round(ST_Area(g.geom::geography)::numeric, 2)::float8, s.day, s.plan_id
    FROM scheduled_plans s JOIN plan_grids g ON g.plan_id = s.plan_id
), scheduled_marked AS (
    SELECT c.*, lag(c.n) OVER w IS NULL OR NOT ST_Equals(lag(c.geom) OVER w, c.geom) OR lag(c.name) OVER w <> c.name
               OR lag(c.kind) OVER w <> c.kind OR lag(c.purpose) OVER w IS DISTINCT FROM c.purpose AS changed,
           first_value(c.name_en) OVER w AS kept_name_en, max(c.n) OVER (PARTITION BY c.code) AS last_n
    FROM scheduled_chain c WINDOW w AS (PARTITION BY c.code ORDER BY c.n)
), scheduled_grids AS (  -- a code the deciding plan keeps, as its last change left it
    SELECT DISTINCT ON (m.code) m.code, 'grid'::varchar AS level, m.parent_code, m.name, m.kept_name_en AS name_en,
           m.kind, m.purpose, m.geom, m.area_m2, m.valid_from, NULL::date AS valid_to, m.plan_id
    FROM scheduled_marked m JOIN scheduled_last l ON l.community = m.parent_code AND l.n = m.last_n
    WHERE m.changed ORDER BY m.code, m.n DESC
)"""

# The relation itself stays a plain union over areas_at, so conditions on it still reach the indexes.
OVERLAY = f"""(
SELECT {COLUMNS} FROM areas_at(CAST(:at AS date)) b
WHERE NOT (b.level = 'grid' AND b.parent_code IN (SELECT community FROM scheduled_last))
UNION ALL
SELECT {COLUMNS} FROM scheduled_grids
)"""


@dataclass(frozen=True)
class DayAreas:
    """The areas of a day as SQL: `relation` goes where `areas` would, in a statement headed by `statement()`."""

    relation: str
    ctes: str = ""  # the common table expressions the relation reads

    def __str__(self) -> str:
        return self.relation

    def statement(self, sql: str) -> str:
        """`sql`, which reads this relation, headed by the CTEs it needs (joined to its own WITH, if it has one)."""
        if not self.ctes:
            return sql
        body = sql.lstrip()
        if re.match(r"WITH\s", body, re.IGNORECASE):
            return f"WITH {self.ctes},\n{body[4:].lstrip()}"
        return f"WITH {self.ctes}\n{body}"


Due = tuple[tuple[int, int, date], ...]  # (plan id, version, effective day), in the order they apply


def due_by(session: Session, at: date | None) -> Due:
    """The scheduled plans the round will have applied by day `at` (none for today's boundaries)."""
    if at is None:
        return ()
    return tuple((int(i), int(v), d) for i, v, d in session.execute(DUE_BY, {"at": at}).all())


def areas_sql(at: date | None, due: Due) -> DayAreas:
    """The areas on day `at` once the `due` plans apply (bind :at): the view `areas` for today."""
    if at is None:
        return DayAreas("areas")
    if not due:
        return DayAreas(ON_DAY)
    return DayAreas(OVERLAY, CTES.format(ids=", ".join(str(int(plan_id)) for plan_id, _, _ in due)))


def relation_on(session: Session, at: date | None) -> DayAreas:
    """The SQL relation of the areas in force on day `at`, scheduled plans included (bind :at)."""
    return areas_sql(at, due_by(session, at))
