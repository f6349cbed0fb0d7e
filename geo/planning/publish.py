"""Publishing a plan: its grids become the boundaries in force from an effective date, all at once or not at all.

On the effective date (at once when it is today, otherwise by the tick that applies scheduled plans):
- grids the plan drops are retired (`area_records.valid_to`) and their codes are never issued again;
  a code that survives with another boundary keeps the earlier one in `area_history`; new codes are issued;
- buildings take the grid that now covers them;
- open cases whose point now lies in another grid follow it, with a `reroute` event saying why, and a
  case handled at grid level goes to the least-loaded worker of its new grid; closed cases keep the
  grid they were handled in;
- area assignments on a retired grid end the day before and go on in the grid that took most of its land.
Everything runs in one savepoint: a failure leaves every table as it was.
"""

import json
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import audit
from geo.access.actor import SYSTEM, Actor
from geo.cases.routing import least_loaded
from geo.cases.workflow import record
from geo.core.errors import Conflict, InvalidInput, PlanInvalid
from geo.core.i18n import msg, render
from geo.core.models import OPEN_STATUSES, PlanStatus
from geo.core.settings import get_settings
from geo.core.time import china_today
from geo.planning.plans import plan_row, successors_of
from geo.planning.validation import validate_plan


def publish(session: Session, plan_id: int, actor: Actor, effective_from: date, today: date | None = None) -> dict:
    """Publish a valid draft from `effective_from` (today or later): applied now, or scheduled for that day."""
    today = today or china_today()
    row = plan_row(session, plan_id, actor)
    if row["status"] != PlanStatus.draft.value:
        raise Conflict(msg("plan {id} is {status}: only drafts can be published", id=plan_id, status=row["status"]))
    if effective_from < today:
        raise InvalidInput(msg("effective_from {day} lies in the past; boundaries change from today ({today}) on",
                               day=effective_from.isoformat(), today=today.isoformat()))
    _check_valid(session, plan_id, actor)
    with session.begin_nested():  # the record of publishing stands or falls with the publishing itself
        session.execute(text("UPDATE plans SET effective_from = :day, published_by = :user_id WHERE id = :plan_id"),
                        {"day": effective_from, "user_id": actor.user_id, "plan_id": plan_id})
        audit.record(session, actor.username, actor.role, "publish_plan", f"plan:{plan_id}",
                     {"effective_from": effective_from.isoformat(), "communities": list(row["communities"])})
        if effective_from > today:
            session.execute(text("UPDATE plans SET status = 'scheduled' WHERE id = :plan_id"), {"plan_id": plan_id})
            return {"plan": plan_id, "status": PlanStatus.scheduled.value,
                    "effective_from": effective_from.isoformat()}
        return apply(session, plan_id, effective_from, actor)


def unschedule(session: Session, plan_id: int, actor: Actor) -> dict:
    """Send a scheduled plan back to draft before its day: its grids stop being the boundaries of days to come."""
    plan_row(session, plan_id, actor)
    # Under the row's lock: a round applying the plan right now finishes first, and then it is no longer scheduled.
    status = session.execute(text("SELECT status FROM plans WHERE id = :plan_id FOR UPDATE"),
                             {"plan_id": plan_id}).scalar()
    if status != PlanStatus.scheduled.value:
        raise Conflict(msg("plan {id} is not scheduled: only a scheduled plan can go back to draft", id=plan_id))
    session.execute(text("UPDATE plans SET status = 'draft', effective_from = NULL, published_by = NULL "
                         "WHERE id = :plan_id"), {"plan_id": plan_id})
    audit.record(session, actor.username, actor.role, "unschedule_plan", f"plan:{plan_id}", {})
    return {"plan": plan_id, "status": PlanStatus.draft.value}


def _check_valid(session: Session, plan_id: int, actor: Actor) -> None:
    """PlanInvalid, listing the errors, unless the plan validates."""
    report = validate_plan(session, plan_id, actor)
    if not report.valid:
        errors = [p for p in report.problems if p.severity == "error"]
        raise PlanInvalid(msg("plan {id} has {count} error(s) and cannot be published", id=plan_id, count=len(errors)),
                          problems=[p.message for p in errors],
                          extra={"errors": [{"code": p.code, "grids": p.grids} for p in errors]})


def apply_due(session: Session, today: date | None = None) -> list[dict]:
    """Apply every scheduled plan whose day has come, oldest first; one that no longer validates goes back to draft.

    Plans another round is applying are skipped (SKIP LOCKED), so rounds may overlap.
    """
    today = today or china_today()
    due = session.execute(text("SELECT id, effective_from FROM plans WHERE status = 'scheduled' "
                               "AND effective_from <= :day ORDER BY effective_from, id FOR UPDATE SKIP LOCKED"),
                          {"day": today}).all()
    outcomes = []
    for plan_id, day in due:
        try:
            _check_valid(session, plan_id, SYSTEM)
        except PlanInvalid as e:
            session.execute(text("UPDATE plans SET status = 'draft', outcome = CAST(:outcome AS jsonb) "
                                 "WHERE id = :plan_id"),
                            {"plan_id": plan_id, "outcome": _json({"error": str(e), "problems": e.problems})})
            outcomes.append({"plan": plan_id, "status": PlanStatus.draft.value, "error": str(e)})
            continue
        outcomes.append(apply(session, plan_id, day, SYSTEM))
    return outcomes


def apply(session: Session, plan_id: int, day: date, actor: Actor) -> dict:
    """Make the plan's grids the boundaries in force from `day`; returns what changed."""
    with session.begin_nested():
        communities = _lock(session, plan_id)
        params = {"plan_id": plan_id, "communities": communities, "day": day}
        successors = successors_of(session, plan_id, communities)
        outcome = {"plan": plan_id, "status": PlanStatus.published.value, "effective_from": day.isoformat()}
        outcome["retired"] = _retire(session, params)
        outcome["redrawn"] = _redraw(session, params)
        outcome["issued"] = _issue(session, params)
        outcome["buildings_moved"] = _relocate_buildings(session, params)
        outcome["assignments_moved"] = _move_assignments(session, successors, day)
        outcome["cases_rerouted"] = _reroute_cases(session, plan_id, communities, day, actor)
        session.execute(text("UPDATE plans SET status = 'published', effective_from = :day, published_at = now(), "
                             "outcome = CAST(:outcome AS jsonb) WHERE id = :plan_id"),
                        params | {"outcome": _json(outcome)})
        audit.record(session, actor.username, actor.role, "apply_plan", f"plan:{plan_id}", outcome)
    return outcome


def _json(value) -> str:
    """The value as JSON text for a jsonb column (dates as text)."""
    return json.dumps(value, ensure_ascii=False, default=str)


def _lock(session: Session, plan_id: int) -> list[str]:
    """Hold the plan and the grids of its communities until commit, so two publishes cannot interleave."""
    communities = session.execute(text("SELECT communities FROM plans WHERE id = :plan_id FOR UPDATE"),
                                  {"plan_id": plan_id}).scalar()
    session.execute(text("SELECT code FROM area_records WHERE parent_code = ANY(:communities) AND valid_to IS NULL "
                         "FOR UPDATE"),
                    {"communities": communities})
    return list(communities)


def _retire(session: Session, params: dict) -> list[str]:
    """End the grids of the plan's communities that the plan drops; their codes."""
    return list(session.execute(text("""
        UPDATE area_records a SET valid_to = :day, updated_at = now()
        WHERE a.level = 'grid' AND a.parent_code = ANY(:communities) AND a.valid_to IS NULL
          AND NOT EXISTS (SELECT 1 FROM plan_grids g WHERE g.plan_id = :plan_id AND g.code = a.code)
        RETURNING a.code"""), params).scalars())


def _redraw(session: Session, params: dict) -> list[str]:
    """Surviving codes with another boundary, name or kind: the old version goes to history."""
    changed = list(session.execute(text("""
        SELECT a.code FROM area_records a JOIN plan_grids g ON g.plan_id = :plan_id AND g.code = a.code
        WHERE a.valid_to IS NULL AND (NOT ST_Equals(a.geom, g.geom) OR a.name <> g.name OR a.kind <> g.kind
                                      OR a.purpose IS DISTINCT FROM g.purpose)
        ORDER BY a.code"""), params).scalars())
    # A version that would only have been in force for no day at all (published twice on one day) leaves no trace.
    session.execute(text("""
        INSERT INTO area_history (code, parent_code, name, kind, purpose, geom, area_m2, valid_from, valid_to, plan_id)
        SELECT code, parent_code, name, kind, purpose, geom, area_m2, valid_from, :day, plan_id
        FROM area_records WHERE code = ANY(:codes) AND (valid_from IS NULL OR valid_from < :day)"""),
                    params | {"codes": changed})
    session.execute(text("""
        UPDATE area_records a SET geom = g.geom, name = g.name, kind = g.kind, purpose = g.purpose,
            area_m2 = round(ST_Area(g.geom::geography)::numeric, 2)::float8, valid_from = :day, plan_id = :plan_id,
            updated_at = now()
        FROM plan_grids g WHERE g.plan_id = :plan_id AND g.code = a.code AND a.code = ANY(:codes)"""),
                    params | {"codes": changed})
    return changed


def _issue(session: Session, params: dict) -> list[str]:
    """New codes; validation has made sure none was ever issued before (the primary key would refuse it anyway)."""
    return list(session.execute(text("""
        INSERT INTO area_records (code, level, parent_code, name, kind, purpose, geom, area_m2, synthetic,
                                  valid_from, plan_id)
        SELECT g.code, 'grid', g.community_code, g.name, g.kind, g.purpose, g.geom,
               round(ST_Area(g.geom::geography)::numeric, 2)::float8, c.synthetic, :day, :plan_id
        FROM plan_grids g JOIN area_records c ON c.code = g.community_code
        WHERE g.plan_id = :plan_id AND NOT EXISTS (SELECT 1 FROM area_records a WHERE a.code = g.code)
        ORDER BY g.code
        RETURNING code"""), params).scalars())


def _relocate_buildings(session: Session, params: dict) -> int:
    """Touching the geometry fires the trigger that derives each building's (and compound's) grid; returns how many
    buildings changed grid."""
    session.execute(text("UPDATE compounds p SET geom = p.geom FROM areas c WHERE c.code = ANY(:communities) "
                         "AND ST_Intersects(c.geom, p.geom)"), params)
    return session.execute(text("""
        WITH touched AS (
            SELECT b.id, b.grid_code AS old FROM buildings b JOIN areas c ON c.code = ANY(:communities)
            AND ST_Intersects(c.geom, b.geom)
        ), moved AS (UPDATE buildings b SET geom = b.geom FROM touched t WHERE b.id = t.id RETURNING b.id, b.grid_code)
        SELECT count(*) FROM moved m JOIN touched t USING (id) WHERE m.grid_code IS DISTINCT FROM t.old"""),
                           params).scalar()


def _move_assignments(session: Session, successors: dict[str, str], day: date) -> int:
    """Area duties on a retired grid end the day before and continue in its successor from `day`."""
    moved = 0
    for old, new in successors.items():
        rows = session.execute(text("""
            UPDATE staff_assignments SET end_date = CAST(:day AS date) - 1
            WHERE area_code = :old_grid AND (end_date IS NULL OR end_date >= :day) AND start_date < :day
            RETURNING staff_id, duty, end_date"""), {"old_grid": old, "day": day}).all()
        # Duties that would only have started on or after the day move over whole.
        later = session.execute(text("UPDATE staff_assignments SET area_code = :new_grid WHERE area_code = :old_grid "
                                     "AND start_date >= :day"), {"old_grid": old, "new_grid": new, "day": day}).rowcount
        if rows:
            session.execute(text("INSERT INTO staff_assignments (staff_id, duty, area_code, start_date) "
                                 "VALUES (:staff_id, :duty, :new_grid, :day)"),
                            [{"staff_id": s, "duty": duty, "new_grid": new, "day": day} for s, duty, _ in rows])
        moved += len(rows) + later
    return moved


OPEN_IN_COMMUNITIES = text("""
SELECT c.id, c.status, c.grid_code AS old, wangge_grid_at(c.geom) AS new, c.handler_level, c.assignee_id
FROM cases c
WHERE c.status = ANY(:open) AND substr(c.grid_code, 1, 12) = ANY(:communities)
ORDER BY c.id
FOR UPDATE
""")

ASSIGNED_IN = text("""
SELECT 1 FROM staff_assignments WHERE staff_id = :staff_id AND area_code = :grid
  AND start_date <= :day AND (end_date IS NULL OR end_date >= :day)
""")


def _reroute_cases(session: Session, plan_id: int, communities: list[str], day: date, actor: Actor) -> int:
    """Open cases whose point now lies in another grid follow it; each gets a `reroute` event."""
    rows = session.execute(OPEN_IN_COMMUNITIES, {"open": [s.value for s in OPEN_STATUSES],
                                                 "communities": communities}).mappings()
    moved = 0
    for r in rows.all():
        if r["new"] is None or r["new"] == r["old"]:
            continue
        assignee = r["assignee_id"]
        if r["handler_level"] == "grid":
            handler_area = r["new"]
            on_duty = assignee is not None and session.execute(
                ASSIGNED_IN, {"staff_id": assignee, "grid": r["new"], "day": day}).first() is not None
            if not on_duty:
                assignee = least_loaded(session, r["new"], "grid")
        else:
            handler_area = None
        session.execute(text("UPDATE cases SET grid_code = :grid, "
                             "handler_area = coalesce(:handler_area, handler_area), "
                             "assignee_id = :assignee_id, version = version + 1 WHERE id = :id"),
                        {"grid": r["new"], "handler_area": handler_area, "assignee_id": assignee, "id": r["id"]})
        note = msg("grid boundaries redrawn by plan {plan} from {day}: grid {old} → {new}", plan=plan_id,
                   day=day.isoformat(), old=r["old"], new=r["new"])
        record(session, r["id"], actor, "reroute", r["status"], r["status"], render(note, get_settings().lang),
               {"plan": plan_id, "effective_from": day.isoformat(), "from_grid": r["old"], "to_grid": r["new"],
                "from_assignee": r["assignee_id"], "to_assignee": assignee})
        moved += 1
    return moved

