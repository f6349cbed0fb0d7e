"""The closed loop (GB/T 30428): register → dispatch → handle → report back → verify → close → rate.

Side paths: return a wrong dispatch (回退), rework after failed verification (返工), extension (延期), suspension
(挂账), merging a duplicate; supervision by a higher level (督办) that the handler must answer; departments
assisting the lead (协办) or whistled for (吹哨报到). Every change is an append-only event written in the same
transaction as the case row; the row's `version` makes concurrent changes safe: an UPDATE that names a stale
version changes nothing and the caller gets 409.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import audit
from geo.access.actor import Actor
from geo.cases.case_row import CASE_ROW, StepInput, visible_case
from geo.cases.effects import RATINGS, effects
from geo.core.errors import Conflict, Forbidden, InvalidInput
from geo.core.i18n import msg, term
from geo.core.models import OPEN_STATUSES, Role
from geo.core.models import CaseStatus as S
from geo.core.settings import get_settings

__all__ = ["ACTIONS", "CASE_ROW", "RATINGS", "StepInput", "Step", "allowed_actions", "attachable_case", "record",
           "transition", "visible_case"]

OPERATORS = {Role.admin, Role.command_center, Role.street_staff, Role.community_staff}
SUPERVISORS = {Role.admin, Role.command_center, Role.street_staff}
# 督办: who presses whom. A scope's level may supervise the handler levels below it; the whole city all of them.
SUPERVISES = {None: {"grid", "community", "street", "department", "district"},
              "district": {"grid", "community", "street", "department"},
              "street": {"grid", "community", "department"}, "community": {"grid"}}
WATCHED = frozenset({S.registered, S.dispatched, S.handling, S.returned})
WORKING = frozenset({S.dispatched, S.handling})  # a handler has the case


@dataclass(frozen=True)
class Step:
    """One step of the closed loop: where it may start, where it leads, who may take it and what it needs."""

    name: str
    sources: frozenset
    target: str | None      # None: the status stays (or, for resume, returns to where it was)
    who: str                # operator, handler, pressed, supervisor, superior, whistler, assisting or whistled
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
    Step("rate", frozenset({S.closed}), S.rated, "rater", ("rating",)),
    Step("reopen", frozenset({S.closed, S.rated}), S.dispatched, "reporter", ("note",)),
    Step("revisit", frozenset({S.closed, S.rated}), None, "operator", ("note",)),
    Step("request_extension", frozenset({S.dispatched, S.handling}), None, "handler", ("note",)),
    Step("approve_extension", frozenset({S.dispatched, S.handling}), None, "supervisor"),
    Step("reject_extension", frozenset({S.dispatched, S.handling}), None, "supervisor", ("note",)),
    Step("suspend", frozenset({S.registered, S.dispatched, S.handling}), S.suspended, "supervisor", ("note",)),
    Step("resume", frozenset({S.suspended}), None, "supervisor"),
    Step("merge", frozenset(OPEN_STATUSES), S.merged, "operator", ("target_id",)),
    Step("supervise", WORKING, None, "superior", ("note",)),
    Step("reply_supervision", frozenset(OPEN_STATUSES), None, "pressed", ("note",)),
    Step("assist", WORKING, None, "operator", ("department",)),
    Step("assist_report", frozenset(OPEN_STATUSES), None, "assisting", ("note",)),
    Step("whistle", WORKING, None, "whistler", ("department",)),
    Step("report_in", frozenset(OPEN_STATUSES), None, "whistled"),
]}
# Steps whose turn depends on more than status and role (and, for reopening, on the moment of the step).
ONLY_IF = {
    "approve_extension": lambda row, now: row["extension_requested"],
    "reject_extension": lambda row, now: row["extension_requested"],
    "request_extension": lambda row, now: not row["extension_requested"],
    "reply_supervision": lambda row, now: row["supervision_pending"],
    "reopen": lambda row, now: row["closed_at"] is not None
                               and now - row["closed_at"] <= timedelta(days=get_settings().reopen_days),
    "revisit": lambda row, now: row["revisit_pending"],
}


def attachable_case(session: Session, case_id: int, actor: Actor):
    """The case row if the actor may add files to it: an operator, its assignee, or whoever reported it."""
    row = visible_case(session, case_id, actor)
    reporter = actor.user_id is not None and row["created_by"] == actor.user_id
    if not (reporter or _permitted(actor, "handler", row)):
        raise Forbidden(msg("{role} may not add files to a case assigned to someone else", role=actor.role))
    return row


def _permitted(actor: Actor, who: str, row) -> bool:
    """Whether the actor's role (or, for a handler step, being the assignee or the lead department) allows a
    step of `who`."""
    if actor.role == Role.resident or who == "reporter":  # a resident takes only the reporter's steps on their own
        return who in ("reporter", "rater") and actor.role == Role.resident and row["created_by"] == actor.user_id
    if who == "rater":  # 评价: the resident who reported it rates it; for the others an operator records the call
        return actor.role in OPERATORS and not row["resident_reported"]
    if who == "supervisor":
        return actor.role in SUPERVISORS
    if who == "operator":
        return actor.role in OPERATORS
    if who == "superior":
        return actor.role in OPERATORS and row["handler_level"] in SUPERVISES.get(actor.scope.area_level, set())
    if who == "whistler":
        return actor.role in OPERATORS
    if who == "pressed":  # 督办回复: the handler pressed answers; a level that may press the case would answer itself
        return actor.role == Role.admin or (_permitted(actor, "handler", row) and not _permitted(actor, "superior", row))
    if who in ("assisting", "whistled"):
        kind = "assist" if who == "assisting" else "whistle"
        return actor.role == Role.department and f"{kind}:{actor.department}" in (row["side_open"] or ())
    if actor.role == Role.department:
        return row["handler_level"] == "department" and actor.department == row["department"]
    return actor.role in OPERATORS or (actor.staff_id is not None and actor.staff_id == row["assignee_id"])


def allowed_actions(actor: Actor, row, now: datetime | None = None) -> list[str]:
    """What `actor` may do next to the case in `row` (at `now`, by default the present)."""
    now = now or datetime.now(UTC)
    out = []
    for action in ACTIONS.values():
        if row["status"] not in action.sources or not _permitted(actor, action.who, row):
            continue
        if action.name in ONLY_IF and not ONLY_IF[action.name](row, now):
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
    allowed = allowed_actions(actor, row, now)
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
    changes = effects(session, action.name, row, request, now, actor)
    target = changes.pop("status", action.target or row["status"])
    new_version = _update(session, row, version, {"status": target, **changes})
    # only the steps that name a department record one: a report-in must not claim to come from another office
    named = request.department and "department" in action.needs
    data = request.data | ({"department": request.department} if named else {})
    record(session, case_id, actor, action.name, row["status"], target, request.note, data, now)
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
