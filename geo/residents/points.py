"""积分制 points earned: each community's rules (data/points_rules.csv), the holders who earn them (a volunteer
resident's account or a party member), and the awards a confirmed claim or a service activity proposes, which
community staff approve into the ledger (geo/residents/points_ledger.py) or reject.

A unit that claims a need earns nothing: points belong to people. A rule of a community overrides the city's
(`*`) rule of the same name.
"""

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import crypto
from geo.access.actor import Actor
from geo.access.privacy import mask_phone
from geo.access.scope import like_pattern
from geo.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from geo.core.i18n import msg, term
from geo.core.settings import PROJECT_ROOT

RULES_CSV = PROJECT_ROOT / "data" / "points_rules.csv"
ACTIVITY_RULES = {"volunteer": "activity_volunteer", "visit": "activity_visit", "joint": "activity_joint"}


@dataclass(frozen=True)
class Rule:
    """What one kind of service earns in a community (`*`: every community without its own rule)."""

    community: str
    rule: str
    points: int
    name: str
    name_en: str


@lru_cache
def rules(path: Path = RULES_CSV) -> dict[tuple[str, str], Rule]:
    """The rules by (community, rule); a row with points that are not a positive whole number is refused."""
    out = {}
    with path.open(encoding="utf-8") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            if not row["points"].isdigit() or int(row["points"]) <= 0:
                raise InvalidInput(msg("{file} line {line}: points {points!r} is not a positive whole number",
                                       file=path.name, line=line, points=row["points"]))
            out[(row["community"], row["rule"])] = Rule(row["community"], row["rule"], int(row["points"]),
                                                        row["name"], row["name_en"])
    return out


def rule_for(community: str, rule: str, path: Path = RULES_CSV) -> Rule | None:
    """The community's own rule, else the city's."""
    table = rules(path)
    return table.get((community, rule)) or table.get(("*", rule))


def holder_for_user(session: Session, user_id: int, community: str) -> int:
    """The holder of a resident's account, made on first use (named after their record, or their masked phone)."""
    found = session.execute(text("SELECT id FROM point_holders WHERE user_id = :u"), {"u": user_id}).scalar()
    if found is not None:
        return found
    row = session.execute(text(
        "SELECT a.phone_enc, r.name, left(b.grid_code, 12) AS community FROM resident_accounts a "
        "LEFT JOIN residents r ON r.id = a.resident_id LEFT JOIN households h ON h.id = a.household_id "
        "LEFT JOIN buildings b ON b.id = h.building_id WHERE a.user_id = :u"), {"u": user_id}).mappings().one()
    name = row["name"] or mask_phone(crypto.reveal(row["phone_enc"]))
    return _new_holder(session, {"user_id": user_id, "member_id": None, "name": name,
                                 "community": row["community"] or community})


def holder_for_member(session: Session, member_id: int) -> int:
    """The holder of a party member, made on first use, in the community they live in (else their organisation's)."""
    found = session.execute(text("SELECT id FROM point_holders WHERE member_id = :m"), {"m": member_id}).scalar()
    if found is not None:
        return found
    row = session.execute(text(
        "SELECT m.name, COALESCE(left(b.grid_code, 12), o.area_code) AS community FROM party_members m "
        "JOIN party_orgs o ON o.id = m.org_id LEFT JOIN households h ON h.id = m.household_id "
        "LEFT JOIN buildings b ON b.id = h.building_id WHERE m.id = :m"), {"m": member_id}).mappings().one()
    return _new_holder(session, {"user_id": None, "member_id": member_id, **row})


def _new_holder(session: Session, row: dict) -> int:
    """Insert a holder."""
    return session.execute(text(
        "INSERT INTO point_holders (user_id, member_id, name, community_code) VALUES (:user_id, :member_id, :name, "
        ":community) RETURNING id"), row).scalar()


def propose_for_need(session: Session, need_id: int, now: datetime) -> int | None:
    """The award a confirmed need proposes to the person who claimed it (none for a unit); its id."""
    need = session.execute(text(
        "SELECT id, kind, community_code, claimer_user_id, claimer_member_id FROM needs WHERE id = :id"),
        {"id": need_id}).mappings().one()
    if need["claimer_user_id"] is not None:
        holder = holder_for_user(session, need["claimer_user_id"], need["community_code"])
    elif need["claimer_member_id"] is not None:
        holder = holder_for_member(session, need["claimer_member_id"])
    else:
        return None
    rule = rule_for(need["community_code"], f"need_{need['kind']}")
    if rule is None:
        return None
    return _propose(session, {"holder": holder, "community": need["community_code"], "rule": rule.rule,
                              "points": rule.points, "need": need_id, "activity": None, "by": "system", "now": now})


def propose_for_activity(session: Session, actor: Actor, activity_id: int, now: datetime | None = None) -> list[int]:
    """The awards a recorded service activity proposes, one per member who took part (each once)."""
    activity = session.execute(text(
        "SELECT a.id, a.kind, a.member_ids, o.area_code FROM party_activities a JOIN party_orgs o ON o.id = a.org_id "
        "WHERE a.id = :id AND o.area_code LIKE :pattern"),
        {"id": activity_id, "pattern": like_pattern(actor.scope)}).mappings().first()
    if activity is None:
        raise NotFound(msg("no activity {id} in your area", id=activity_id))
    if activity["kind"] not in ACTIVITY_RULES:
        raise InvalidInput(msg("activity {id} is not a service activity: it earns no points", id=activity_id))
    made = []
    for member in activity["member_ids"]:
        holder = holder_for_member(session, member)
        community = session.execute(text("SELECT community_code FROM point_holders WHERE id = :h"),
                                    {"h": holder}).scalar()
        rule = rule_for(community, ACTIVITY_RULES[activity["kind"]])
        if rule is not None and not _has_award(session, holder, activity_id):
            made.append(_propose(session, {"holder": holder, "community": community, "rule": rule.rule,
                                           "points": rule.points, "need": None, "activity": activity_id,
                                           "by": actor.username, "now": now or datetime.now(UTC)}))
    return [award for award in made if award is not None]


def _has_award(session: Session, holder: int, activity_id: int) -> bool:
    return session.execute(text("SELECT 1 FROM point_awards WHERE holder_id = :h AND activity_id = :a"),
                           {"h": holder, "a": activity_id}).first() is not None


def _propose(session: Session, award: dict) -> int | None:
    """Insert a pending award; None when a concurrent proposal made it first (one per need, one per holder and
    activity: the unique keys decide, not the check before)."""
    return session.execute(text(
        "INSERT INTO point_awards (holder_id, community_code, rule, points, need_id, activity_id, proposed_by, "
        "proposed_at) VALUES (:holder, :community, :rule, :points, :need, :activity, :by, :now) "
        "ON CONFLICT DO NOTHING RETURNING id"), award).scalar()


def awards(session: Session, actor: Actor, status: str = "pending", limit: int = 200) -> list[dict]:
    """The awards of the actor's communities in a status, oldest first (what waits longest is approved first)."""
    from geo.residents.points_ledger import holder_name  # the ledger is below the awards

    rows = session.execute(text(
        "SELECT w.id, w.rule, w.points, w.status, w.need_id, w.activity_id, w.proposed_at, w.decided_by, "
        "w.decided_at, w.community_code, h.name, h.member_id, h.id AS holder_id FROM point_awards w "
        "JOIN point_holders h ON h.id = w.holder_id WHERE w.community_code LIKE :pattern AND w.status = :status "
        "ORDER BY w.proposed_at, w.id LIMIT :n"),
        {"pattern": like_pattern(actor.scope), "status": status, "n": limit}).mappings().all()
    return [{**row, "holder_name": holder_name(actor, row)} for row in rows]


def _own(session: Session, actor: Actor, holder_id: int) -> bool:
    """Whether the holder is the actor: their account, or the member whose staff record is theirs."""
    return session.execute(text(
        "SELECT 1 FROM point_holders h LEFT JOIN party_members m ON m.id = h.member_id "
        "LEFT JOIN staff s ON s.id = m.staff_id WHERE h.id = :h AND (h.user_id = :u OR s.user_id = :u)"),
        {"h": holder_id, "u": actor.user_id}).first() is not None


def decide(session: Session, actor: Actor, award_id: int, approve: bool, now: datetime | None = None, *,
           audited: bool = True) -> dict:
    """Approve an award into the holder's ledger, or reject it; each award is decided once (the demo's entries are
    not audited: the audit log outlives a reseed, and they would name holders that are gone)."""
    from geo.residents.points_ledger import append  # the ledger is below the awards

    award = session.execute(text(
        "SELECT * FROM point_awards WHERE id = :id AND community_code LIKE :pattern FOR UPDATE"),
        {"id": award_id, "pattern": like_pattern(actor.scope)}).mappings().first()
    if award is None:
        raise NotFound(msg("no points award {id} in your area", id=award_id))
    if award["status"] != "pending":
        raise Conflict(msg("points award {id} was already decided ({status})", id=award_id,
                           status=term("award_status", award["status"])))
    if _own(session, actor, award["holder_id"]):
        raise Forbidden(msg("points award {id} is your own: another of the community's staff decides it", id=award_id))
    now = now or datetime.now(UTC)
    status = "approved" if approve else "rejected"
    session.execute(text("UPDATE point_awards SET status = :s, decided_by = :by, decided_at = :now WHERE id = :id"),
                    {"s": status, "by": actor.username, "now": now, "id": award_id})
    if approve:
        append(session, actor, award["holder_id"], award["points"], "earn", award_id=award_id, now=now,
               audited=audited)
    return {"id": award_id, "status": status}
