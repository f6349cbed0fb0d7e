"""The demo city's cases: a year of incidents, each walked through the closed loop (geo/synth/histories.py) and
written with COPY: the cases with the columns their walk left, every event of their history, and the reporters
of the channels that have one (phones sealed as intake seals them).
"""

import json
from datetime import datetime

import shapely

from geo.access import crypto
from geo.cases.categories import categories
from geo.cases.partitions import ensure_months
from geo.core.bulk import copy_rows, ewkb, reserve_ids
from geo.core.time import CHINA
from geo.synth import case_plans, histories, incidents
from geo.synth.histories import Crew

CASE_COLUMNS = ["status", "assignee_id", "dispatched_at", "due_at", "overdue", "escalations", "escalated_at",
                "extension_requested", "rework_count", "return_count", "rating", "resumes_to", "closed_at", "version",
                "handler_level", "handler_area", "first_due_at"]
HOLD_COLUMNS = ["kind", "level", "area_code", "staff_id", "started_at", "due_at", "ended_at", "outcome", "missed"]
# Channels where a person reported and left a name and phone: callers give a surname, app users and petitioners more.
WITH_REPORTER = ("hotline", "self_report", "petition")


def add_cases(session, streets, names, metric, rng, now: datetime, crew: Crew, maker,
              first_worker: int | None) -> None:
    """A year of incidents with their histories and reporters, in their grids."""
    grids = [grid for street in streets for community in street.communities for grid in community.grids]
    places = [incidents.Place(g.geom, g.households, g.purpose, names[g.code], g.code) for g in grids]
    made = incidents.generate(places, rng, now)
    if not made:
        return
    cats = categories()
    plans = case_plans.plans(made, crew, cats, rng, now, first_worker)
    order = sorted(range(len(made)), key=lambda i: made[i].reported_at)
    made, plans = [made[i] for i in order], [plans[i] for i in order]
    walks = [histories.walk(cats[i.category], i.channel, i.grid, i.reported_at, i.handling_hours, p, crew, rng, now)
             for i, p in zip(made, plans)]
    points = metric.to_wgs84(shapely.points([(i.x, i.y) for i in made]))
    ensure_months(session, made[0].reported_at.astimezone(CHINA).date(), now.astimezone(CHINA).date())
    ids = reserve_ids(session, "cases", len(made))
    copy_rows(session, "cases", ["id", "category", "channel", "reported_at", "description", "geom", "grid_code",
                                 "synthetic", *CASE_COLUMNS],
              ([case_id, i.category, i.channel, i.reported_at, i.description, ewkb(p), i.grid, True,
                *(str(w.case[k]) if k in ("status", "resumes_to") and w.case[k] else w.case[k] for k in CASE_COLUMNS)]
               for case_id, i, p, w in zip(ids, made, points, walks)))
    copy_rows(session, "case_events", ["case_id", "at", "actor", "action", "from_status", "to_status", "note", "data"],
              ((case_id, at, actor, action, before and str(before), str(after), note, _json(data))
               for case_id, w in zip(ids, walks) for at, actor, action, before, after, note, data in w.events))
    copy_rows(session, "case_holds", [*HOLD_COLUMNS, "case_id"],
              ([*(h[k] for k in HOLD_COLUMNS), case_id] for case_id, w in zip(ids, walks) for h in w.holds))
    copy_rows(session, "case_reporters", ["case_id", "name", "phone_enc", "phone_hmac", "channel", "reported_at"],
              (_reporter(case_id, i, maker) for case_id, i in zip(ids, made) if i.channel in WITH_REPORTER))


def _reporter(case_id: int, incident, maker) -> tuple:
    """A reporter row as intake writes it: a caller gives a surname and 先生/女士, others a full name."""
    name, phone = maker.staff_member()
    if incident.channel == "hotline":
        name = maker.surname() + ("先生" if maker.rng.random() < 0.5 else "女士")
    return (case_id, name, crypto.seal(phone), crypto.lookup(phone), incident.channel, incident.reported_at)


def _json(data: dict) -> str:
    """An event's data as JSON text for COPY."""
    return json.dumps(data, ensure_ascii=False)
