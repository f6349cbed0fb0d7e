"""The demo city's cases: a year of incidents in the workflow's terms, written with COPY, located to their grid
in PostGIS, dispatched with a deadline to the grid's first full-time worker, and rated.
"""

from datetime import datetime

import shapely
from sqlalchemy import text

from geo.cases.categories import categories
from geo.cases.deadlines import due_at
from geo.cases.partitions import ensure_months
from geo.cases.workflow import RATINGS
from geo.core.bulk import copy_rows, ewkb
from geo.core.models import CaseStatus
from geo.core.time import CHINA
from geo.synth import incidents


def add_cases(session, streets, names, metric, rng, now: datetime) -> None:
    """A year of incidents in the workflow's terms: grid located in PostGIS, dispatched with a deadline, rated."""
    grids = [grid for street in streets for community in street.communities for grid in community.grids]
    places = [incidents.Place(g.geom, g.households, g.purpose, names[g.code]) for g in grids]
    made = incidents.generate(places, rng, now)
    points = metric.to_wgs84(shapely.points([(i.x, i.y) for i in made])) if made else []
    cats = categories()
    waiting = {CaseStatus.intake, CaseStatus.registered}
    ratings = rng.choice(RATINGS, size=len(made), p=[0.8, 0.15, 0.05])
    if made:
        ensure_months(session, min(i.reported_at for i in made).astimezone(CHINA).date(), now.astimezone(CHINA).date())
    copy_rows(session, "cases", ["category", "channel", "status", "reported_at", "dispatched_at", "due_at", "closed_at",
                                 "rating", "description", "geom", "synthetic"],
              ([i.category, i.channel, str(i.status), i.reported_at,
                None if i.status in waiting else i.reported_at,
                None if i.status in waiting else due_at(cats[i.category], i.reported_at),
                i.closed_at, str(r) if i.status == CaseStatus.rated else None, i.description, ewkb(p), True]
               for i, p, r in zip(made, points, ratings)))
    session.execute(text("UPDATE cases SET grid_code = wangge_grid_at(geom) WHERE synthetic"))
    session.execute(SYNTHETIC_ROUTING, {"waiting": [s.value for s in waiting], "now": now})


# Demo cases are handled in their grid: the grid's first full-time worker, overdue if open past the deadline.
SYNTHETIC_ROUTING = text("""
UPDATE cases c SET handler_level = 'grid', handler_area = c.grid_code,
    assignee_id = (SELECT min(a.staff_id) FROM staff_assignments a WHERE a.area_code = c.grid_code
                   AND a.duty IN ('fulltime_worker', 'grid_leader')),
    overdue = (c.closed_at IS NULL AND c.due_at < :now)
WHERE c.synthetic AND NOT (c.status = ANY(:waiting))
""")
