"""The closed loop (GB/T 30428): register → dispatch → handle → report back → verify → close → rate.

Side paths: return a wrong dispatch (回退), rework after failed verification (返工), extension
(延期), suspension (挂账), merging a duplicate. Every change is an append-only event written in the
same transaction as the case row; the row's `version` makes concurrent changes safe: an UPDATE
that names a stale version changes nothing and the caller gets 409.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import audit
from geo.access.actor import Actor
from geo.access.scope import like_pattern
from geo.cases import routing
from geo.cases.categories import categories
from geo.cases.deadlines import due_at
from geo.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from geo.core.i18n import msg, term
from geo.core.models import OPEN_STATUSES, Role
from geo.core.models import CaseStatus as S

OPERATORS = {Role.admin, Role.command_center, Role.street_staff, Role.community_staff}
SUPERVISORS = {Role.admin, Role.command_center, Role.street_staff}
RATINGS = ("satisfied", "basically_satisfied", "dissatisfied")


@dataclass(frozen=True)
class Step:
    """One step of the closed loop: where it may start, where it leads, who may take it and what it needs."""

    name: str
    sources: frozenset
    target: str | None      # None: the status stays (or, for resume, returns to where it was)
    who: str                # operator, handler or supervisor
    needs: tuple = ()


ACTIONS = {step.name: step for step in [  # by the action name the API and the case history use
    Step("register", frozenset({S.intake}), S.registered, "operator"),
    Step("dispatch", frozenset({S.registered, S.returned}), S.dispatched, "operator"),
    Step("accept", frozenset({S.dispatched}), S.handling, "handler"),
    Step("return", frozenset({S.dispatched}), S.returned, "handler", ("note",)),
    Step("report", frozenset({S.handling}), S.reported, "handler", ("note",)),
    Step("verify", frozenset({S.reported}), S.verified, "operator"),
    Step("rework", frozenset({S.reported}), S.handling, "operator", ("note",)),
    Step("close", frozenset({S.verified}), S.closed, "operator"),
    Step("rate", frozenset({S.closed}), S.rated, "operator", ("rating",)),
    Step("request_extension", frozenset({S.dispatched, S.handling}), None, "handler", ("note",)),
    Step("approve_extension", frozenset({S.dispatched, S.handling}), None, "supervisor"),
    Step("reject_extension", frozenset({S.dispatched, S.handling}), None, "supervisor", ("note",)),
    Step("suspend", frozenset({S.registered, S.dispatched, S.handling}), S.suspended, "supervisor", ("note",)),
    Step("resume", frozenset({S.suspended}), None, "supervisor"),
    Step("merge", frozenset(OPEN_STATUSES), S.merged, "operator", ("target_id",)),
]}

CASE_ROW = text("""
SELECT id, version, status, category, grid_code, handler_level, handler_area, assignee_id, due_at,
       extension_requested, resumes_to, rework_count, return_count, created_by, ST_X(geom) AS lon, ST_Y(geom) AS lat
FROM cases WHERE id = :id
""")


@dataclass
class StepInput:
    """What a caller asks for beyond the action itself."""

    note: str | None = None
    assignee_id: int | None = None
    rating: str | None = None
    target_id: int | None = None
    data: dict = field(default_factory=dict)


def visible_case(session: Session, case_id: int, actor: Actor, *, lock: bool = False):
    """The case row if the actor may see it; NotFound otherwise (existence outside scope is not revealed)."""
    row = session.execute(text(CASE_ROW.text + (" FOR UPDATE" if lock else "")), {"id": case_id}).mappings().first()
    if row is None or not _in_scope(actor, row):
        raise NotFound(msg("no case {id}", id=case_id))
    return row


def attachable_case(session: Session, case_id: int, actor: Actor):
    """The case row if the actor may add files to it: an operator, its assignee, or whoever reported it."""
    row = visible_case(session, case_id, actor)
    reporter = actor.user_id is not None and row["created_by"] == actor.user_id
    if not (reporter or _permitted(actor, "handler", row)):
        raise Forbidden(msg("{role} may not add files to a case assigned to someone else", role=actor.role))
    return row


def _in_scope(actor: Actor, row) -> bool:
    """Whether the case lies in the actor's area, by its grid or the area handling it."""
    if actor.scope.prefix is None:
        return True
    return actor.scope.covers_code(row["grid_code"]) or actor.scope.covers_code(row["handler_area"])


def _permitted(actor: Actor, who: str, row) -> bool:
    """Whether the actor's role (or, for a handler step, being the assignee) allows a step of `who`."""
    if who == "supervisor":
        return actor.role in SUPERVISORS
    if who == "operator":
        return actor.role in OPERATORS
    return actor.role in OPERATORS or (actor.staff_id is not None and actor.staff_id == row["assignee_id"])


def allowed_actions(actor: Actor, row) -> list[str]:
    """What `actor` may do next to the case in `row`."""
    out = []
    for action in ACTIONS.values():
        if row["status"] not in action.sources or not _permitted(actor, action.who, row):
            continue
        if action.name in ("approve_extension", "reject_extension") and not row["extension_requested"]:
            continue
        if action.name == "request_extension" and row["extension_requested"]:
            continue
        out.append(action.name)
    return out


def transition(session: Session, case_id: int, action_name: str, version: int, actor: Actor,
               request: StepInput | None = None, *, now: datetime | None = None) -> int:
    """Apply one action if it is legal, permitted and `version` is current; returns the new version."""
    request = request or StepInput()
    now = now or datetime.now(UTC)
    action = ACTIONS.get(action_name)
    if action is None:
        raise InvalidInput(msg("unknown action {action!r}; one of {actions}", action=action_name,
                               actions=term("action", *ACTIONS)))
    row = visible_case(session, case_id, actor)
    allowed = allowed_actions(actor, row)
    if action.name not in allowed:
        if row["status"] in action.sources and _permitted(actor, action.who, row) is False:
            raise Forbidden(msg("{role} may not {action} this case", role=actor.role, action=term("action", action.name)))
        raise Conflict(msg("cannot {action} a case in status {status}; allowed now: {allowed}",
                           action=term("action", action.name), status=term("status", row["status"]),
                           allowed=term("action", *allowed)),
                       extra={"allowed_actions": allowed, "version": row["version"]})
    for need in action.needs:
        if not getattr(request, need):
            raise InvalidInput(msg("{action} needs {field}", action=term("action", action.name),
                                   field=term("field", need)))
    changes = _effects(session, action, row, request, now, actor)
    target = changes.pop("status", action.target or row["status"])
    new_version = _update(session, row, version, {"status": target, **changes})
    record(session, case_id, actor, action.name, row["status"], target, request.note, request.data, now)
    return new_version


def _update(session: Session, row, version: int, changes: dict) -> int:
    """Write the changes if the case is still at `version`; the new version, Conflict otherwise."""
    assignments = ", ".join(f"{column} = :{column}" for column in changes)  # column names come from _effects only
    updated = session.execute(text(f"UPDATE cases SET {assignments}, version = version + 1 "
                                   "WHERE id = :case_id AND version = :expected RETURNING version"),
                              {**changes, "case_id": row["id"], "expected": version}).scalar()
    if updated is None:
        raise Conflict(msg("the case changed since version {version} (now {current}); reload and try again",
                           version=version, current=row["version"]), extra={"version": row["version"]})
    return updated


def _effects(session: Session, action: Step, row, request: StepInput, now: datetime, actor: Actor) -> dict:
    """The columns an action changes besides status and version."""
    category = categories()[row["category"]]
    name = action.name
    if name == "dispatch":
        assignee = request.assignee_id or row["assignee_id"]
        if assignee is None and row["handler_level"] != "department" and row["grid_code"]:
            assignee = routing.least_loaded(session, row["handler_area"], row["handler_level"])
        if request.assignee_id is not None:
            _check_assignee(session, request.assignee_id, actor, row)
        return {"assignee_id": assignee, "dispatched_at": now, "due_at": due_at(category, now), "overdue": False}
    # Counters are set from the row read above: a concurrent change fails the version check anyway.
    if name == "return":
        return {"assignee_id": None, "return_count": row["return_count"] + 1}
    if name == "rework":
        return {"rework_count": row["rework_count"] + 1}
    if name == "close":
        return {"closed_at": now}
    if name == "rate":
        if request.rating not in RATINGS:
            raise InvalidInput(msg("rating must be one of {ratings}", ratings=", ".join(RATINGS)))
        return {"rating": request.rating}
    if name == "request_extension":
        return {"extension_requested": True}
    if name == "approve_extension":
        return {"extension_requested": False, "overdue": False, "due_at": due_at(category, row["due_at"] or now)}
    if name == "reject_extension":
        return {"extension_requested": False}
    if name == "suspend":
        return {"resumes_to": row["status"]}
    if name == "resume":
        return {"status": row["resumes_to"] or S.registered, "resumes_to": None}
    if name == "merge":
        return _merge(session, row, request.target_id, actor)
    return {}


# How far from the case an assignee may be on duty, by the level that handles it: a grid's case stays in its
# community, a street's in its street; beyond that only the district.
ASSIGNEE_REACH = {"grid": 12, "community": 12, "street": 9}
ON_DUTY_IN = text("""
SELECT 1 FROM staff_assignments sa LEFT JOIN buildings b ON b.id = sa.building_id
WHERE sa.staff_id = :staff AND sa.start_date <= current_date AND (sa.end_date IS NULL OR sa.end_date >= current_date)
  AND coalesce(sa.area_code, b.grid_code) LIKE :actor_area AND coalesce(sa.area_code, b.grid_code) LIKE :case_area
LIMIT 1""")


def _check_assignee(session: Session, staff_id: int, actor: Actor, row) -> None:
    """InvalidInput unless the staff member is on duty inside the actor's scope and near the case; a missing and an
    out-of-scope staff member are refused alike, so ids outside the scope reveal nothing."""
    reach = (row["grid_code"] or "")[:ASSIGNEE_REACH.get(row["handler_level"], 6)]
    found = session.execute(ON_DUTY_IN, {"staff": staff_id, "actor_area": like_pattern(actor.scope),
                                         "case_area": reach + "%"})
    if found.scalar() is None:
        raise InvalidInput(msg("no staff member {id} on duty for this case", id=staff_id))


def _merge(session: Session, row, target_id: int, actor: Actor) -> dict:
    """Fold this case into an open target the actor may see; its reporters follow the surviving case."""
    target = session.execute(CASE_ROW, {"id": target_id}).mappings().first()
    if (target is None or not _in_scope(actor, target) or target_id == row["id"]
            or target["status"] not in OPEN_STATUSES):
        raise InvalidInput(msg("merge target {id} must be another open case", id=target_id))
    session.execute(text("UPDATE case_reporters SET case_id = :target_id WHERE case_id = :case_id"),
                    {"target_id": target_id, "case_id": row["id"]})
    return {"merged_into": target_id, "closed_at": datetime.now(UTC)}


def record(session: Session, case_id: int, actor: Actor, action: str, from_status: str | None, to_status: str,
           note: str | None = None, data: dict | None = None, at: datetime | None = None) -> None:
    """Append one event to a case's history, and to the audit log."""
    session.execute(text("INSERT INTO case_events (case_id, at, actor, action, from_status, to_status, note, data) "
                         "VALUES (:case_id, :at, :actor, :action, :from_status, :to_status, :note, "
                         "CAST(:data AS jsonb))"),
                    {"case_id": case_id, "at": at or datetime.now(UTC), "actor": actor.username, "action": action,
                     "from_status": from_status, "to_status": to_status, "note": note,
                     "data": json.dumps(data or {}, ensure_ascii=False)})
    audit.record(session, actor.username, actor.role, f"case_{action}", f"case:{case_id}",
                 {"from": from_status, "to": to_status})
