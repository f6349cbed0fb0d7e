"""What each step of the closed loop changes besides the status: deadlines, handlers' holds, supervision."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.access.departments import check_department
from geo.access.scope import like_pattern
from geo.cases import holds, routing
from geo.cases.case_row import CASE_ROW, StepInput, in_scope
from geo.cases.categories import categories
from geo.cases.deadlines import due_at
from geo.core.errors import Conflict, InvalidInput
from geo.core.i18n import msg
from geo.core.models import OPEN_STATUSES
from geo.core.models import CaseStatus as S
from geo.core.settings import get_settings

RATINGS = ("satisfied", "basically_satisfied", "dissatisfied")


def effects(session: Session, name: str, row, request: StepInput, now: datetime, actor: Actor) -> dict:
    """The columns an action changes besides status and version; the holds and supervisions it writes."""
    # Counters are set from the row read before: a concurrent change fails the version check anyway.
    simple = {
        "return": lambda: _handed_back(session, row, now),
        "report": lambda: _reported(session, row, now),
        "rework": lambda: _rework(session, row),
        "close": lambda: _closed(session, row, now),
        "rate": lambda: _rating(session, row, request.rating, now),
        "reopen": lambda: _reopen(session, row, now),
        "revisit": lambda: _revisited(session, row, request.note, actor, now),
        "request_extension": lambda: {"extension_requested": True},
        "approve_extension": lambda: _extend(session, row, now),
        "reject_extension": lambda: {"extension_requested": False},
        "suspend": lambda: {"resumes_to": row["status"]},
        "resume": lambda: {"status": row["resumes_to"] or S.registered, "resumes_to": None},
        "merge": lambda: _merge(session, row, request.target_id, actor, now),
        "dispatch": lambda: _dispatch(session, row, request, now, actor),
        "supervise": lambda: _supervise(session, row, request.note, actor, now),
        "reply_supervision": lambda: _reply(session, row, request.note, actor, now),
        "whistle": lambda: _side(session, row, "whistle", request.department, now,
                                 now + timedelta(hours=get_settings().report_in_hours)),
        "assist": lambda: _side(session, row, "assist", request.department, now,
                                due_at(categories()[row["category"]], now)),
        "report_in": lambda: _side_report(session, row, "whistle", actor, now, request.note),
        "assist_report": lambda: _side_report(session, row, "assist", actor, now, request.note),
    }
    return simple[name]() if name in simple else {}


def _dispatch(session: Session, row, request: StepInput, now: datetime, actor: Actor) -> dict:
    """To a person (given, or the least loaded on duty) with a fresh deadline; the first one is kept for the KPIs."""
    assignee = request.assignee_id or row["assignee_id"]
    if assignee is None and row["handler_level"] != "department" and row["grid_code"]:
        assignee = routing.least_loaded(session, row["handler_area"], row["handler_level"])
    if request.assignee_id is not None:
        _check_assignee(session, request.assignee_id, actor, row)
    due = due_at(categories()[row["category"]], now)
    holds.end_main(session, row["id"], now, "handed")
    department = row["handler_level"] == "department"
    holds.open_hold(session, row["id"], "lead" if department else "dispatch", row["handler_level"] or "district",
                    row["handler_area"], due, now, department=row["department"], staff_id=assignee)
    return {"assignee_id": assignee, "dispatched_at": now, "due_at": due, "first_due_at": row["first_due_at"] or due,
            "overdue": False}


def _reported(session: Session, row, now: datetime) -> dict:
    """反馈: the handler's turn ends, met or missed by its own deadline."""
    holds.end_main(session, row["id"], now)
    return {}


def _rework(session: Session, row) -> dict:
    """返工: back to the handler who reported, against the same deadline."""
    holds.reopen_main(session, row["id"])
    return {"rework_count": row["rework_count"] + 1}


def _closed(session: Session, row, now: datetime) -> dict:
    """结案: turns beside the lead still open end with the case — missed if their deadline had passed."""
    holds.end_open_sides(session, row["id"], now)
    return {"closed_at": now}


def _handed_back(session: Session, row, now: datetime) -> dict:
    """回退: the dispatch was wrong; the handler's turn ends without a miss, and the case waits to be re-dispatched."""
    holds.end_main(session, row["id"], now, "returned")
    return {"assignee_id": None, "return_count": row["return_count"] + 1}


def _rating(session: Session, row, rating: str | None, now: datetime) -> dict:
    """评价; a resident's 不满意 opens the 回访 an operator owes them within WANGGE_REVISIT_DAYS."""
    if rating not in RATINGS:
        raise InvalidInput(msg("rating must be one of {ratings}", ratings=", ".join(RATINGS)))
    if rating == "dissatisfied" and row["resident_reported"] and not row["revisit_pending"]:
        session.execute(text("INSERT INTO case_revisits (case_id, opened_at, due_at) VALUES (:id, :now, :due)"),
                        {"id": row["id"], "now": now, "due": now + timedelta(days=get_settings().revisit_days)})
    return {"rating": rating}


def _reopen(session: Session, row, now: datetime) -> dict:
    """重新办理: the reporter reopens a closed case; back to its last handler with a fresh deadline."""
    due = due_at(categories()[row["category"]], now)
    department = row["handler_level"] == "department"
    holds.open_hold(session, row["id"], "lead" if department else "dispatch", row["handler_level"] or "district",
                    row["handler_area"], due, now, department=row["department"], staff_id=row["assignee_id"])
    return {"closed_at": None, "rating": None, "dispatched_at": now, "due_at": due, "overdue": False}


def _revisited(session: Session, row, note: str, actor: Actor, now: datetime) -> dict:
    """回访 made: the operator's call is written on the revisit the 不满意 opened."""
    session.execute(text("UPDATE case_revisits SET done_at = :now, done_by = :by, note = :note "
                         "WHERE case_id = :id AND done_at IS NULL"),
                    {"now": now, "by": actor.username, "note": note, "id": row["id"]})
    return {}


def _extend(session: Session, row, now: datetime) -> dict:
    """An approved extension moves the handler's deadline, and the first one while the first handler holds it."""
    due = due_at(categories()[row["category"]], row["due_at"] or now)
    holds.extend_main(session, row["id"], due)
    first = due if row["first_due_at"] == row["due_at"] else row["first_due_at"]
    return {"extension_requested": False, "overdue": False, "due_at": due, "first_due_at": first}


def _supervise(session: Session, row, note: str, actor: Actor, now: datetime) -> dict:
    """督办: recorded with who pressed; the handler owes a reply."""
    session.execute(text("INSERT INTO case_supervisions (case_id, at, by_user, by_role, note) "
                         "VALUES (:case_id, :at, :by, :role, :note)"),
                    {"case_id": row["id"], "at": now, "by": actor.username, "role": actor.role.value, "note": note})
    return {}


def _reply(session: Session, row, note: str, actor: Actor, now: datetime) -> dict:
    """The handler's answer to every supervision awaiting one."""
    session.execute(text("UPDATE case_supervisions SET replied_at = :at, replied_by = :by, reply = :note "
                         "WHERE case_id = :case_id AND replied_at IS NULL"),
                    {"case_id": row["id"], "at": now, "by": actor.username, "note": note})
    return {}


def _side(session: Session, row, kind: str, department: str | None, now: datetime, due: datetime) -> dict:
    """A department beside the lead: assisting (协办) or whistled for (吹哨), with its own deadline."""
    check_department(department)
    if f"{kind}:{department}" in (row["side_open"] or ()) or department == row["department"]:  # the lead is already there
        raise Conflict(msg("{department} already holds this case", department=department))
    holds.open_hold(session, row["id"], kind, "department", row["handler_area"], due, now, department=department)
    return {}


def _side_report(session: Session, row, kind: str, actor: Actor, now: datetime, note: str | None) -> dict:
    """A department reports in (报到) or reports its share (协办反馈), met or missed by its own deadline."""
    if not holds.end_side(session, row["id"], kind, actor.department, now, note):
        raise Conflict(msg("{department} holds no open turn on this case", department=actor.department))
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


def _merge(session: Session, row, target_id: int, actor: Actor, now: datetime) -> dict:
    """Fold this case into an open target the actor may see; its reporters follow the surviving case."""
    target = session.execute(CASE_ROW, {"id": target_id}).mappings().first()
    if (target is None or not in_scope(actor, target) or target_id == row["id"]
            or target["status"] not in OPEN_STATUSES):
        raise InvalidInput(msg("merge target {id} must be another open case", id=target_id))
    session.execute(text("UPDATE case_reporters SET case_id = :target_id WHERE case_id = :case_id"),
                    {"target_id": target_id, "case_id": row["id"]})
    holds.end_all(session, row["id"], now)
    return {"merged_into": target_id, "closed_at": datetime.now(UTC)}
