"""The points ledger (道德银行): append-only lines per holder with the balance after each, the 积分超市 where points
buy items while stock lasts, and the honours board of those who agreed to be shown.

Every line is also written to the audit log, with who wrote it. There is no list of those who did badly: the
honours show only holders who consented, by the name they chose (PIPL; one source's 红黑榜 is the reason why not).
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import audit
from geo.access.actor import Actor
from geo.access.permissions import Permission, may
from geo.access.privacy import mask_name
from geo.access.scope import like_pattern
from geo.core.errors import Conflict, InvalidInput, NotFound
from geo.core.i18n import msg
from geo.core.models import Role


def append(session: Session, actor: Actor, holder_id: int, points: int, kind: str, *, award_id: int | None = None,
           item_id: int | None = None, now: datetime | None = None, audited: bool = True) -> dict:
    """Add one line to the holder's ledger (locked, so two redemptions cannot spend one balance twice)."""
    session.execute(text("SELECT 1 FROM point_holders WHERE id = :h FOR UPDATE"), {"h": holder_id})
    balance = balance_of(session, holder_id) + points
    if balance < 0:
        raise Conflict(msg("points: a balance of {balance} does not cover {cost}", balance=balance - points,
                           cost=-points))
    entry = session.execute(text(
        "INSERT INTO point_entries (holder_id, points, kind, award_id, item_id, balance, by, at) "
        "VALUES (:h, :p, :kind, :award, :item, :balance, :by, :at) RETURNING id, points, kind, balance, at"),
        {"h": holder_id, "p": points, "kind": kind, "award": award_id, "item": item_id, "balance": balance,
         "by": actor.username, "at": now or datetime.now(UTC)}).mappings().one()
    if audited:
        audit.record(session, actor.username, actor.role, f"points_{kind}", f"point_holder:{holder_id}",
                     {"entry": entry["id"], "points": points, "balance": balance, "award": award_id, "item": item_id})
    return dict(entry)


def balance_of(session: Session, holder_id: int) -> int:
    """The balance after the holder's last line (0 before the first)."""
    return session.execute(text("SELECT balance FROM point_entries WHERE holder_id = :h ORDER BY id DESC LIMIT 1"),
                           {"h": holder_id}).scalar() or 0


def holder_of(session: Session, actor: Actor, holder_id: int | None = None) -> dict:
    """The resident's own holder, or (staff) a holder of a community in their scope; NotFound otherwise."""
    if actor.role == Role.resident:
        row = session.execute(text("SELECT * FROM point_holders WHERE user_id = :u"), {"u": actor.user_id})
    else:
        row = session.execute(text("SELECT * FROM point_holders WHERE id = :h AND community_code LIKE :pattern"),
                              {"h": holder_id, "pattern": like_pattern(actor.scope)})
    found = row.mappings().first()
    if found is None:
        raise NotFound(msg("no points account here") if actor.role == Role.resident else
                       msg("no points holder {id} in your area", id=holder_id))
    return dict(found)


def holder_name(actor: Actor, holder) -> str | None:
    """The holder's name as the actor may read it: a member's only for those who may know who is a member (the
    points of a service activity would tell), a resident's whole only for those who read full names."""
    if actor.role == Role.resident:
        return holder["name"]  # their own
    if holder["member_id"] is not None:
        return holder["name"] if may(actor.role, Permission.read_party_members) else None
    return holder["name"] if may(actor.role, Permission.read_full_names) else mask_name(holder["name"])


def statement(session: Session, actor: Actor, holder_id: int | None = None) -> dict:
    """A holder's balance, ledger (newest first) and awards waiting for approval."""
    holder = holder_of(session, actor, holder_id)
    lines = session.execute(text(
        "SELECT e.id, e.points, e.kind, e.balance, e.at, w.rule, w.need_id, w.activity_id, i.name AS item "
        "FROM point_entries e LEFT JOIN point_awards w ON w.id = e.award_id LEFT JOIN points_items i ON i.id = e.item_id "
        "WHERE e.holder_id = :h ORDER BY e.id DESC LIMIT 500"), {"h": holder["id"]}).mappings().all()
    pending = session.execute(text(
        "SELECT id, rule, points, need_id, activity_id, proposed_at FROM point_awards WHERE holder_id = :h "
        "AND status = 'pending' ORDER BY id"), {"h": holder["id"]}).mappings().all()
    if actor.role != Role.resident:
        audit.record_shown(session, actor.username, actor.role, "point_holder", [holder["id"]])
    return {"holder": {"id": holder["id"], "name": holder_name(actor, holder), "community": holder["community_code"],
                       "honour_consent": holder["honour_consent"], "honour_name": holder["honour_name"]},
            "balance": balance_of(session, holder["id"]), "entries": lines, "pending": pending}


def items(session: Session, community: str) -> list[dict]:
    """A community's 积分超市: the items on offer, cheapest first, with what is left."""
    return session.execute(text(
        "SELECT id, name, cost, stock FROM points_items WHERE community_code = :c AND active ORDER BY cost, id"),
        {"c": community}).mappings().all()


def add_item(session: Session, actor: Actor, community: str, name: str, cost: int, stock: int) -> int:
    """Put an item on a community's shelf (staff of that community)."""
    known = session.execute(text("SELECT 1 FROM areas WHERE code = :c AND level = 'community'"), {"c": community})
    if not actor.scope.covers_code(community) or known.first() is None:
        raise NotFound(msg("no community {code} in your area", code=community))
    if cost <= 0 or stock < 0 or not name.strip():
        raise InvalidInput(msg("item {name!r}: a name, a cost above 0 and a stock of 0 or more", name=name))
    return session.execute(text("INSERT INTO points_items (community_code, name, cost, stock) VALUES (:c, :n, :cost, "
                                ":stock) RETURNING id"), {"c": community, "n": name.strip(), "cost": cost,
                                                          "stock": stock}).scalar()


def redeem(session: Session, actor: Actor, item_id: int, holder_id: int | None = None, *, audited: bool = True) -> dict:
    """Spend points on an item of the holder's community: one off the stock, one line off the balance."""
    if actor.role != Role.resident and holder_id is None:
        raise InvalidInput(msg("points: at the counter, name the holder who redeems (holder_id)"))
    holder = holder_of(session, actor, holder_id)
    cost = session.execute(text(
        "UPDATE points_items SET stock = stock - 1 WHERE id = :i AND community_code = :c AND active AND stock > 0 "
        "RETURNING cost"), {"i": item_id, "c": holder["community_code"]}).scalar()
    if cost is None:
        offered = session.execute(text("SELECT stock FROM points_items WHERE id = :i AND community_code = :c"),
                                  {"i": item_id, "c": holder["community_code"]}).scalar()
        if offered is None:
            raise NotFound(msg("no item {id} in your community's points shop", id=item_id))
        raise Conflict(msg("item {id} is out of stock", id=item_id))
    return append(session, actor, holder["id"], -cost, "redeem", item_id=item_id, audited=audited)


def set_consent(session: Session, actor: Actor, consent: bool, shown_name: str | None) -> dict:
    """A holder agrees (or no longer agrees) to be on the honours board, by a name they choose."""
    holder = holder_of(session, actor)
    name = (shown_name or "").strip()[:20] or None
    if consent and name is None:
        raise InvalidInput(msg("say the name to be shown by (at most 20 characters)"))
    session.execute(text("UPDATE point_holders SET honour_consent = :c, honour_name = :n WHERE id = :h"),
                    {"c": consent, "n": name if consent else None, "h": holder["id"]})
    return {"honour_consent": consent, "honour_name": name if consent else None}


def honours(session: Session, community: str, days: int = 365, top: int = 10) -> list[dict]:
    """光荣榜: those who consented, by points earned in the last `days`, most first; nobody else, no low ranks."""
    since = datetime.now(UTC) - timedelta(days=days)
    return session.execute(text(
        "SELECT h.honour_name AS name, SUM(e.points) AS points FROM point_holders h JOIN point_entries e "
        "ON e.holder_id = h.id AND e.kind = 'earn' AND e.at >= :since WHERE h.community_code = :c "
        "AND h.honour_consent GROUP BY h.id, h.honour_name ORDER BY points DESC, h.id LIMIT :top"),
        {"c": community, "since": since, "top": top}).mappings().all()
