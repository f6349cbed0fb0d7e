"""A resident's own reports (随手拍): made from the phone, followed on a timeline in plain words, rated by the
reporter alone and reopened within WANGGE_REOPEN_DAYS of closure.

A report is a case of channel self_report created by the resident's account, so it waits at intake for an operator
like every self-report; the phone of the account is its reporter's. The timeline shows the steps a resident can
follow (受理, 派遣 to a grid or department, 处理, the handler's reply, 办结, 评价, 重新办理) and nothing of the
office's inside: no staff names, no internal notes, no warnings or supervisions.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import crypto
from geo.access.actor import Actor
from geo.cases import intake, workflow
from geo.cases.categories import categories
from geo.cases.workflow import StepInput
from geo.core.errors import InvalidInput, NotFound
from geo.core.i18n import msg, term
from geo.core.models import Role
from geo.residents.topics import topic

# The history's actions a resident follows, and the stage each one means to them.
STAGES = {"intake": "received", "register": "received", "dispatch": "dispatched", "escalate": "dispatched",
          "accept": "handling", "rework": "handling", "report": "replied", "close": "closed", "rate": "rated",
          "reopen": "reopened", "revisit": "called_back"}
RESIDENT_STEPS = ("rate", "reopen")
# A status of the office's inside as the resident follows it: a returned dispatch (回退) waits to be dispatched again.
SHOWN_STATUS = {"returned": "registered"}


@dataclass
class NewReport:
    """What a resident sends: a topic of their list, where, and what they saw."""

    topic: str
    lon: float
    lat: float
    description: str | None = None
    address: str | None = None


def submit(session: Session, actor: Actor, report: NewReport, idempotency_key: str | None = None, *,
           now: datetime | None = None) -> tuple[int, bool]:
    """The case for this report (and whether it is new), filed under its topic's category with the account's phone."""
    _resident(actor)
    phone = crypto.reveal(session.execute(text("SELECT phone_enc FROM resident_accounts WHERE user_id = :id"),
                                          {"id": actor.user_id}).scalar())
    new = intake.NewCase(category=topic(report.topic).category, lon=report.lon, lat=report.lat,
                         description=report.description, address=report.address, channel="self_report",
                         reporter_phone=phone)
    return intake.create_case(session, new, actor, idempotency_key=idempotency_key, now=now)


def mine(session: Session, actor: Actor, limit: int = 50) -> list[dict]:
    """The resident's reports, newest first, each as the resident sees it (without the timeline)."""
    _resident(actor)
    ids = session.execute(text("SELECT id FROM cases WHERE created_by = :user ORDER BY reported_at DESC LIMIT :n"),
                          {"user": actor.user_id, "n": limit}).scalars().all()
    return [view(session, actor, case_id, timeline=False) for case_id in ids]


def view(session: Session, actor: Actor, case_id: int, *, timeline: bool = True) -> dict:
    """One report: status in the resident's words, where it went, the reply, photos, and what they may do now."""
    _resident(actor)
    row = workflow.visible_case(session, case_id, actor)
    return shown(session, case_id, [a for a in workflow.allowed_actions(actor, row) if a in RESIDENT_STEPS],
                 timeline=timeline)


def shown(session: Session, case_id: int, allowed: list[str], *, timeline: bool = True) -> dict:
    """The resident's view of a case whose caller was checked already (its reporter, or a 查询码's holder)."""
    case = session.execute(text(
        "SELECT c.id, c.status, c.category, c.description, c.address, c.reported_at, c.closed_at, c.rating, "
        "c.version, c.handler_level, c.department, g.name AS grid_name, h.name AS handler_area_name "
        "FROM cases c LEFT JOIN areas g ON g.code = c.grid_code LEFT JOIN areas h ON h.code = c.handler_area "
        "WHERE c.id = :id"), {"id": case_id}).mappings().one()
    category = categories().get(case["category"])
    status = case["status"]
    out = {"id": case["id"], "status": SHOWN_STATUS.get(status, status), "stage": _stage(status),
           "version": case["version"],
           "category": {"code": case["category"], "name": category.name_zh if category else case["category"],
                        "name_en": category.name_en if category else case["category"]},
           "description": case["description"], "address": case["address"], "reported_at": case["reported_at"],
           "closed_at": case["closed_at"], "rating": case["rating"], "handled_by": _handled_by(case),
           "reply": _reply(session, case_id),
           "photos": session.execute(text("SELECT id, content_type FROM case_attachments WHERE case_id = :id "
                                          "ORDER BY id"), {"id": case_id}).mappings().all(),
           "allowed_actions": allowed}
    if timeline:
        out["timeline"] = _timeline(session, case_id, out["handled_by"])
    return out


def act(session: Session, actor: Actor, case_id: int, action: str, version: int, *, rating: str | None = None,
        note: str | None = None) -> dict:
    """Rate or reopen the resident's own report through the workflow (which checks status, window and version)."""
    _resident(actor)
    if action not in RESIDENT_STEPS:
        raise InvalidInput(msg("a resident may only {actions} their report", actions=term("action", *RESIDENT_STEPS)))
    workflow.transition(session, case_id, action, version, actor, StepInput(note=note, rating=rating))
    return view(session, actor, case_id)


def _resident(actor: Actor) -> None:
    """These are a resident's own pages: anyone else has none (404, as for a report that is not theirs)."""
    if actor.role != Role.resident or actor.user_id is None:
        raise NotFound(msg("no report of yours here: these are a resident's own reports"))


def _stage(status: str) -> str:
    """The status as a resident follows it."""
    return {"intake": "received", "registered": "received", "returned": "received", "dispatched": "dispatched",
            "handling": "handling", "reported": "handling", "verified": "handling", "suspended": "handling",
            "closed": "closed", "rated": "rated", "merged": "closed"}.get(status, "received")


def _handled_by(case) -> dict | None:
    """Where the report went: the grid, the community or street, or the department (never a person)."""
    if case["handler_level"] == "department":
        return {"level": "department", "name": case["department"]}
    if case["handler_level"] == "grid":
        return {"level": "grid", "name": case["grid_name"]}
    if case["handler_level"]:
        return {"level": case["handler_level"], "name": case["handler_area_name"]}
    return None


def _reply(session: Session, case_id: int) -> str | None:
    """The handler's last report-back note: what was done, in their words."""
    return session.execute(text("SELECT note FROM case_events WHERE case_id = :id AND action = 'report' "
                                "ORDER BY at DESC, id DESC LIMIT 1"), {"id": case_id}).scalar()


def _timeline(session: Session, case_id: int, handled_by: dict | None) -> list[dict]:
    """The followed steps in order, one per change of stage (a rework after a reply shows as handling again)."""
    events = session.execute(text("SELECT at, action, note FROM case_events WHERE case_id = :id ORDER BY at, id"),
                             {"id": case_id}).mappings().all()
    steps: list[dict] = []
    for e in events:
        stage = STAGES.get(e["action"])
        if stage is None or (steps and steps[-1]["stage"] == stage and stage != "replied"):
            continue
        step = {"stage": stage, "at": e["at"]}
        if stage == "dispatched" and handled_by:
            step["to"] = handled_by["name"]
        if stage in ("replied", "reopened"):
            step["note"] = e["note"]
        steps.append(step)
    return steps
