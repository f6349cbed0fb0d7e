"""The steps of a need: 下单 (order), 接单 (claim), 完成 (complete, with proof), 确认 (confirm and rate), and the
ways back (release a claim, redo, decline, cancel). Each step names the statuses it leaves from and who may take
it; the need's `version` makes concurrent steps safe, as for cases (a stale version gets 409).

The organisers are the community's party organisation and staff (admin, party and community staff, and street
staff above them) within their scope. A resident claims as a volunteer, completes their own claim, confirms and
rates the need they raised, and may withdraw it until it is claimed.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.access.permissions import Permission, may
from geo.access.scope import like_pattern
from geo.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from geo.core.i18n import msg, term
from geo.core.models import NeedRating, Role
from geo.core.time import china_today
from geo.party.common import MEMBER_IN_SCOPE
from geo.residents.needs import ORGS_OVER, in_scope, need_row

ORGANISERS = frozenset({Role.admin, Role.party_staff, Role.community_staff, Role.street_staff})
# Who may confirm a need raised on a visit or at a meeting, having asked the resident: the organisers and the
# workers who visit.
ASKERS = ORGANISERS | {Role.grid_worker}


@dataclass
class NeedStep:
    """What a step carries: the order's organisation and due date, the claimer, the proof, the rating, a note."""

    org: str | None = None
    due_on: date | None = None
    title: str | None = None
    description: str | None = None
    member_id: int | None = None
    unit: str | None = None
    proof: str | None = None
    rating: str | None = None
    note: str | None = None
    data: dict = field(default_factory=dict)


def _organiser(actor: Actor, need) -> bool:
    return actor.role in ORGANISERS and in_scope(actor, need)


def _raiser(actor: Actor, need) -> bool:
    return actor.role == Role.resident and actor.user_id == need["resident_user_id"]


def _claimer(actor: Actor, need) -> bool:
    return actor.role == Role.resident and actor.user_id == need["claimer_user_id"]


def _for_a_claimer(actor: Actor, need) -> bool:
    """An organiser completes a member's or a unit's claim; a volunteer completes their own (it earns them points)."""
    return _organiser(actor, need) and need["claimer_kind"] != "volunteer"


def _volunteer(actor: Actor, need) -> bool:
    return actor.role == Role.resident and actor.user_id != need["resident_user_id"]


def _confirmer(actor: Actor, need) -> bool:
    """A resident confirms their own need; one raised by staff is confirmed by staff who asked the resident."""
    if need["resident_user_id"] is not None:
        return _raiser(actor, need)
    return actor.role in ASKERS and in_scope(actor, need)


@dataclass(frozen=True)
class Action:
    """A step: the statuses it leaves from, where it goes, who may take it, and what it must carry."""

    sources: tuple[str, ...]
    target: str
    who: Callable[[Actor, object], bool]
    needs: tuple[str, ...] = ()


ACTIONS: dict[str, Action] = {
    "order": Action(("raised",), "ordered", _organiser, ("org", "due_on")),
    "decline": Action(("raised",), "declined", _organiser, ("note",)),
    "cancel": Action(("raised", "ordered"), "cancelled", lambda a, n: _raiser(a, n) or _organiser(a, n)),
    "claim": Action(("ordered",), "claimed", lambda a, n: _volunteer(a, n) or _organiser(a, n)),
    "release": Action(("claimed",), "ordered", lambda a, n: _claimer(a, n) or _organiser(a, n), ("note",)),
    "complete": Action(("claimed",), "done", lambda a, n: _claimer(a, n) or _for_a_claimer(a, n), ("proof",)),
    "confirm": Action(("done",), "confirmed", _confirmer, ("rating",)),
    "redo": Action(("done",), "claimed", lambda a, n: _confirmer(a, n) or _organiser(a, n), ("note",)),
}


def allowed_actions(actor: Actor, need) -> list[str]:
    """The steps the actor may take on the need now."""
    return [name for name, action in ACTIONS.items() if need["status"] in action.sources and action.who(actor, need)]


def transition(session: Session, actor: Actor, need_id: int, action_name: str, version: int, step: NeedStep,
               now: datetime | None = None) -> int:
    """Take one step if it is legal, the actor's, and `version` is current; returns the new version."""
    now = now or datetime.now(UTC)
    action = ACTIONS.get(action_name)
    if action is None:
        raise InvalidInput(msg("need {id}: unknown action {action!r}; one of {actions}", id=need_id,
                               action=action_name, actions=term("need_action", *ACTIONS)))
    need = need_row(session, actor, need_id, lock=True)
    if need["status"] not in action.sources:
        raise Conflict(msg("need {id}: cannot {action} a need that is {status}; allowed now: {allowed}", id=need_id,
                           action=term("need_action", action_name), status=term("need_status", need["status"]),
                           allowed=term("need_action", *allowed_actions(actor, need))),
                       extra={"version": need["version"], "allowed_actions": allowed_actions(actor, need)})
    if not action.who(actor, need):
        raise Forbidden(msg("need {id}: {role} may not {action} it", id=need_id, role=actor.role,
                            action=term("need_action", action_name)))
    for name in action.needs:
        value = getattr(step, name)
        if not value or (isinstance(value, str) and not value.strip()):  # blanks are no proof, note or code
            raise InvalidInput(msg("need {id}: {action} needs {field}", id=need_id,
                                   action=term("need_action", action_name), field=term("need_field", name)))
    changes = EFFECTS.get(action_name, lambda *a: {})(session, actor, need, step, now)
    new_version = _update(session, need, version, {"status": action.target, **changes})
    session.execute(text(
        "INSERT INTO need_events (need_id, action, from_status, to_status, actor, note, at) "
        "VALUES (:id, :action, :source, :target, :actor, :note, :at)"),
        {"id": need_id, "action": action_name, "source": need["status"], "target": action.target,
         "actor": actor.username, "note": step.note, "at": now})
    if action_name == "confirm":
        from geo.residents.points import propose_for_need  # points build on needs, not the other way round

        propose_for_need(session, need_id, now)
    return new_version


def _update(session: Session, need, version: int, changes: dict) -> int:
    """Write the changes if the need is still at `version`; the new version, Conflict otherwise."""
    assignments = ", ".join(f"{column} = :{column}" for column in changes)  # column names come from EFFECTS only
    updated = session.execute(text(f"UPDATE needs SET {assignments}, version = version + 1 "
                                   "WHERE id = :need_id AND version = :expected RETURNING version"),
                              {**changes, "need_id": need["id"], "expected": version}).scalar()
    if updated is None:
        raise Conflict(msg("need {id} changed since version {version} (now {current}); reload and try again",
                           id=need["id"], version=version, current=need["version"]), extra={"version": need["version"]})
    return updated


ORG_OVER_NEED = text(f"SELECT id FROM ({ORGS_OVER}) x WHERE code = :code")


def _order(session: Session, actor: Actor, need, step: NeedStep, now: datetime) -> dict:
    """The organisation placing the order must cover the need's community or compound; the due date lies ahead."""
    org = session.execute(ORG_OVER_NEED, {"code": step.org, "community": need["community_code"],
                                          "compound": need["compound_id"]}).scalar()
    if org is None:
        raise NotFound(msg("need {id}: no party organisation {code} over its community or compound", id=need["id"],
                           code=step.org))
    if step.due_on < china_today():
        raise InvalidInput(msg("need {id}: the due date {day} has passed", id=need["id"], day=step.due_on.isoformat()))
    title = (step.title or "").strip()
    if need["kind"] == "personal" and not title:
        raise InvalidInput(msg("need {id}: a personal need is ordered with the title claimers read (the resident's "
                               "own words may name them)", id=need["id"]))
    described = (step.description or "").strip() or None
    return {"org_id": org, "due_on": step.due_on, "ordered_at": now, "published_title": title or need["title"],
            "published_description": described}


def _claim(session: Session, actor: Actor, need, step: NeedStep, now: datetime) -> dict:
    """A resident claims as a volunteer; organisers record the claim of a member (party staff) or a unit."""
    if actor.role == Role.resident:
        return {"claimer_kind": "volunteer", "claimer_user_id": actor.user_id, "claimed_at": now}
    if step.member_id is not None:
        if not may(actor.role, Permission.read_party_members):
            raise Forbidden(msg("need {id}: only party staff record a member's claim", id=need["id"]))
        member = session.execute(text(f"SELECT 1 FROM party_members m WHERE m.id = :id AND {MEMBER_IN_SCOPE}"),
                                 {"id": step.member_id, "pattern": like_pattern(actor.scope)}).first()
        if member is None:  # a member of another area is not the actor's to name (nor to learn exists)
            raise NotFound(msg("need {id}: no party member {member}", id=need["id"], member=step.member_id))
        return {"claimer_kind": "member", "claimer_member_id": step.member_id, "claimed_at": now}
    if not step.unit or not step.unit.strip():
        raise InvalidInput(msg("need {id}: say who claims it: member_id or unit", id=need["id"]))
    return {"claimer_kind": "unit", "claimer_unit": step.unit.strip(), "claimed_at": now}


def _release(session: Session, actor: Actor, need, step: NeedStep, now: datetime) -> dict:
    return {"claimer_kind": None, "claimer_member_id": None, "claimer_user_id": None, "claimer_unit": None,
            "claimed_at": None}


def _complete(session: Session, actor: Actor, need, step: NeedStep, now: datetime) -> dict:
    return {"proof": step.proof.strip(), "done_at": now}


def _redo(session: Session, actor: Actor, need, step: NeedStep, now: datetime) -> dict:
    return {"done_at": None}


def _confirm(session: Session, actor: Actor, need, step: NeedStep, now: datetime) -> dict:
    if step.rating not in set(NeedRating):
        raise InvalidInput(msg("need {id}: rating must be one of {ratings}", id=need["id"],
                               ratings=term("rating", *NeedRating)))
    return {"rating": step.rating, "confirmed_at": now}


EFFECTS = {"order": _order, "claim": _claim, "release": _release, "complete": _complete, "redo": _redo,
           "confirm": _confirm}
