"""Activities of party organisations (组织生活 and service) and their filed forms (备案单, 指导单, 报告单).

Kind, day, place and participant count are aggregates any role in scope may read; which members took part is
membership, shown only to roles with `read_party_members`.
"""

from datetime import date
from typing import BinaryIO

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.access.permissions import Permission, may, require
from geo.cases.attachments import checked_file, store_file
from geo.core.errors import InvalidInput, NotFound
from geo.core.i18n import msg, term
from geo.core.models import ActivityForm, ActivityKind
from geo.party.common import MEMBER_IN_SCOPE, ORG_IN_SCOPE, label, not_future, pattern
from geo.party.orgs import org_row

FORM_TYPES = ("application/pdf", "image/jpeg", "image/png")
MAX_FORMS = 30
MAX_LIMIT = 500
SELECT = f"""
SELECT a.id, a.org_id, o.name AS org_name, a.kind, a.held_on, a.place, a.participants, a.member_ids, a.summary,
       a.recorded_by, a.recorded_at
FROM party_activities a JOIN party_orgs o ON o.id = a.org_id WHERE {ORG_IN_SCOPE}
"""
FORMS = "SELECT id, form, filename, content_type, size, uploaded_at FROM party_activity_forms WHERE activity_id = :id"


def _view(row, actor: Actor) -> dict:
    view = {k: row[k] for k in ("id", "org_id", "org_name", "kind", "place", "participants", "summary", "recorded_by")}
    view |= {"kind_label": label("activity", row["kind"]), "held_on": row["held_on"].isoformat(),
             "recorded_at": row["recorded_at"].isoformat()}
    if may(actor.role, Permission.read_party_members):
        view["member_ids"] = list(row["member_ids"])
    return view


def _check_members(session: Session, actor: Actor, member_ids: list[int]) -> None:
    """Every named member exists in the actor's scope; one outside reads like one that does not exist."""
    found = set(session.execute(text(f"SELECT m.id FROM party_members m WHERE m.id = ANY(:ids) AND {MEMBER_IN_SCOPE}"),
                                {"ids": member_ids, "pattern": pattern(actor)}).scalars())
    missing = [i for i in member_ids if i not in found]
    if missing:
        raise InvalidInput(msg("activity: no party member {id} in your scope", id=missing[0]))


def record_activity(session: Session, actor: Actor, *, org_id: int, kind: str, held_on: date, place: str,
                    participants: int, member_ids: list[int], summary: str) -> dict:
    """Record an activity of an organisation in scope; named members must be in scope too."""
    require(actor.role, Permission.record_party_work)
    org_row(session, actor, org_id)
    if kind not in ActivityKind.__members__:
        raise InvalidInput(msg("unknown activity kind {kind!r}; one of {kinds}", kind=kind,
                               kinds=term("pa_activity", *ActivityKind)))
    not_future(held_on, msg("activity of organisation {id}", id=org_id))
    member_ids = sorted(set(member_ids))
    if participants < len(member_ids):
        raise InvalidInput(msg("activity: {count} participants, fewer than the {named} members named",
                               count=participants, named=len(member_ids)))
    if not place.strip() or not summary.strip():
        raise InvalidInput(msg("activity of organisation {id}: place and summary are required", id=org_id))
    _check_members(session, actor, member_ids)
    new = session.execute(text(
        "INSERT INTO party_activities (org_id, kind, held_on, place, participants, member_ids, summary, recorded_by) "
        "VALUES (:org, :kind, :day, :place, :n, :ids, :summary, :by) RETURNING id"),
        {"org": org_id, "kind": kind, "day": held_on, "place": place.strip(), "n": participants, "ids": member_ids,
         "summary": summary.strip(), "by": actor.username}).scalar_one()
    return get_activity(session, actor, new)


def list_activities(session: Session, actor: Actor, *, org: int | None = None, since: date | None = None,
                    until: date | None = None, limit: int = 100, offset: int = 0) -> dict:
    """Activities of organisations in scope, newest first, optionally of one organisation and between two days."""
    if since and until and since > until:
        raise InvalidInput(msg("from must not be later than to"))
    if org is not None:
        org_row(session, actor, org)
    sql, params = SELECT, {"pattern": pattern(actor), "limit": min(limit, MAX_LIMIT), "offset": offset}
    for condition, name, value in (("a.org_id = :org", "org", org), ("a.held_on >= :since", "since", since),
                                   ("a.held_on <= :until", "until", until)):
        if value is not None:
            sql, params[name] = sql + f" AND {condition}", value
    rows = session.execute(text(sql + " ORDER BY a.held_on DESC, a.id DESC LIMIT :limit OFFSET :offset"), params)
    total = session.execute(text(f"SELECT count(*) FROM ({sql}) s"), params).scalar()
    return {"total": total, "items": [_view(r, actor) for r in rows.mappings()]}


def _activity_row(session: Session, actor: Actor, activity_id: int):
    row = session.execute(text(SELECT + " AND a.id = :id"), {"pattern": pattern(actor), "id": activity_id}
                          ).mappings().first()
    if row is None:
        raise NotFound(msg("no party activity {id}", id=activity_id))
    return row


def get_activity(session: Session, actor: Actor, activity_id: int) -> dict:
    """One activity of an organisation in scope with its forms; NotFound otherwise."""
    view = _view(_activity_row(session, actor, activity_id), actor)
    forms = session.execute(text(FORMS + " ORDER BY id"), {"id": activity_id}).mappings()
    view["forms"] = [_form_view(f) for f in forms]
    return view


def _form_view(row) -> dict:
    return {**row, "form_label": label("form", row["form"]), "uploaded_at": row["uploaded_at"].isoformat()}


def add_form(session: Session, actor: Actor, activity_id: int, form: str, filename: str | None, content_type: str,
             content: bytes | BinaryIO) -> dict:
    """File one form of an activity in scope: PDF, JPEG or PNG, checked like a case's attachments."""
    require(actor.role, Permission.record_party_work)
    _activity_row(session, actor, activity_id)
    if form not in ActivityForm.__members__:
        raise InvalidInput(msg("unknown form {form!r}; one of {forms}", form=form,
                               forms=term("pa_form", *ActivityForm)))
    held = session.execute(text("SELECT count(*) FROM party_activity_forms WHERE activity_id = :id"),
                           {"id": activity_id}).scalar()
    if held >= MAX_FORMS:
        raise InvalidInput(msg("activity {id} already holds {count} forms, the most one activity may hold",
                               id=activity_id, count=held))
    name, content = checked_file(filename, content_type, content, FORM_TYPES, msg("form"), msg("PDF, JPEG or PNG"))
    digest = store_file(content)
    row = session.execute(text("INSERT INTO party_activity_forms (activity_id, form, filename, content_type, size, "
                               "sha256) VALUES (:a, :f, :n, :t, :s, :h) "
                               "RETURNING id, form, filename, content_type, size, uploaded_at"),
                          {"a": activity_id, "f": form, "n": name, "t": content_type, "s": len(content),
                           "h": digest}).mappings().one()
    return _form_view(row)
