"""三单制 needs (居民点单、支部下单、党员接单): raise a need, read it as one's role may, list them, and the claim board.

A need names its compound or building, so its community and grid follow from the place. Staff see the needs of
their scope. A resident sees the needs they raised and the ones they claimed, and the claim board (认领墙) of a
community: the needs published for a claim, with the compound's name but never the building, household or
person (a personal need says only what the organisation published when it placed the order).
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.access.permissions import Permission, may
from geo.access.scope import like_pattern
from geo.core.errors import Forbidden, InvalidInput, NotFound
from geo.core.i18n import msg
from geo.core.models import NeedKind, NeedSource, Role

NEED_ROW = text("""
SELECT n.*, c.code AS compound_code, c.name AS compound_name, b.name AS building_name,
       cm.name AS community_name, g.name AS grid_name, o.code AS org_code, o.name AS org_name,
       m.name AS member_name
FROM needs n
LEFT JOIN compounds c ON c.id = n.compound_id
LEFT JOIN buildings b ON b.id = n.building_id
LEFT JOIN areas cm ON cm.code = n.community_code
LEFT JOIN areas g ON g.code = n.grid_code
LEFT JOIN party_orgs o ON o.id = n.org_id
LEFT JOIN party_members m ON m.id = n.claimer_member_id
WHERE n.id = :id""")


# The organisations that may order a need: of its community or above (by their level's code prefix), or the
# compound branch covering its compound; the nearest first. need_steps checks the one chosen the same way.
ORGS_OVER = """
SELECT o.id, o.code, o.name FROM party_orgs o JOIN areas a ON a.code = o.area_code
WHERE (a.level <> 'grid' AND left(:community, CASE a.level WHEN 'district' THEN 6 WHEN 'street' THEN 9 ELSE 12 END)
                         = left(o.area_code, CASE a.level WHEN 'district' THEN 6 WHEN 'street' THEN 9 ELSE 12 END))
   OR EXISTS (SELECT 1 FROM party_org_compounds oc WHERE oc.org_id = o.id AND oc.compound_id = :compound)"""
ORGS_OVER_NEED = text(f"""SELECT code, name FROM ({ORGS_OVER}) x ORDER BY
    (SELECT count(*) FROM party_org_compounds oc WHERE oc.org_id = x.id AND oc.compound_id = :compound) DESC, code""")


@dataclass
class NewNeed:
    """What is asked for, for whom (personal or public), and where (a compound code or a building id)."""

    title: str
    kind: str = NeedKind.personal
    description: str | None = None
    compound: str | None = None
    building_id: int | None = None
    lon: float | None = None
    lat: float | None = None
    source: str | None = None


def raise_need(session: Session, actor: Actor, need: NewNeed, now: datetime | None = None) -> int:
    """Record a need where the actor may raise one; returns its id."""
    if not need.title.strip():
        raise InvalidInput(msg("need: say what is needed (a title)"))
    if need.kind not in set(NeedKind):
        raise InvalidInput(msg("need: kind must be personal or public, not {kind!r}", kind=need.kind))
    source = _source(actor, need.source)
    place = _place(session, actor, need)
    now = now or datetime.now(UTC)
    need_id = session.execute(text(
        "INSERT INTO needs (status, kind, source, title, description, compound_id, building_id, community_code, "
        "grid_code, raised_by, resident_user_id, raised_at) VALUES ('raised', :kind, :source, :title, :description, "
        ":compound_id, :building_id, :community_code, :grid_code, :by, :resident, :now) RETURNING id"),
        {"kind": need.kind, "source": source, "title": need.title.strip(), "description": need.description, **place,
         "by": actor.username, "resident": actor.user_id if actor.role == Role.resident else None,
         "now": now}).scalar()
    session.execute(text("INSERT INTO need_events (need_id, action, to_status, actor, at) VALUES (:id, 'raise', "
                         "'raised', :by, :now)"), {"id": need_id, "by": actor.username, "now": now})
    return need_id


def _source(actor: Actor, source: str | None) -> str:
    """A resident's need comes from the resident; staff say whether they met it on a visit or at a meeting."""
    if actor.role == Role.resident:
        return NeedSource.resident
    if source not in (NeedSource.visit, NeedSource.meeting):
        raise InvalidInput(msg("need: say where it was raised: source visit or meeting"))
    return source


def _place(session: Session, actor: Actor, need: NewNeed) -> dict:
    """The compound, building, community and grid of the need, checked against the actor's scope."""
    if need.compound is None and need.building_id is None and need.lon is not None and need.lat is not None:
        need.compound = session.execute(text(
            "SELECT code FROM compounds WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)) "
            "ORDER BY area_m2 LIMIT 1"), {"lon": need.lon, "lat": need.lat}).scalar()
        if need.compound is None:
            raise NotFound(msg("need: no compound at {lon}, {lat}; put the pin inside your compound", lon=need.lon,
                               lat=need.lat))
    if actor.role == Role.resident and (need.building_id is not None or need.compound is None):
        own = session.execute(text(
            "SELECT h.building_id FROM resident_accounts a JOIN households h ON h.id = a.household_id "
            "WHERE a.user_id = :user"), {"user": actor.user_id}).scalar()
        if need.building_id is None and own is None:
            raise InvalidInput(msg("need: name the compound it is for (your phone is not on a household's file)"))
        if need.building_id not in (None, own):  # another's building: its name and compound are not theirs to learn
            raise NotFound(msg("need: no {what} in your area", what=msg("building {id}", id=need.building_id)))
        need.building_id = own
    if need.building_id is not None:
        row = session.execute(text(
            "SELECT b.id AS building_id, b.compound_id, COALESCE(c.community_code, left(b.grid_code, 12)) "
            "AS community_code, b.grid_code FROM buildings b LEFT JOIN compounds c ON c.id = b.compound_id "
            "WHERE b.id = :id"), {"id": need.building_id}).mappings().first()
        what = msg("building {id}", id=need.building_id)
    else:
        row = session.execute(text(
            "SELECT NULL::bigint AS building_id, id AS compound_id, community_code, grid_code FROM compounds "
            "WHERE code = :code"), {"code": need.compound}).mappings().first()
        what = msg("compound {code}", code=need.compound)
    if row is None or (actor.role != Role.resident and not actor.scope.covers_code(row["grid_code"]
                                                                                    or row["community_code"])):
        raise NotFound(msg("need: no {what} in your area", what=what))
    if row["community_code"] is None:  # a building outside every grid and compound: no community to take it
        raise InvalidInput(msg("need: {what} lies in no community; name the compound it is for", what=what))
    return dict(row)


def in_scope(actor: Actor, need) -> bool:
    """Whether staff of this scope reach the need (by its grid, or its community when it has no grid)."""
    return actor.role != Role.resident and actor.scope.covers_code(need["grid_code"] or need["community_code"])


def mine_to_see(actor: Actor, need) -> bool:
    """Whether the resident raised or claimed the need."""
    return actor.role == Role.resident and actor.user_id in (need["resident_user_id"], need["claimer_user_id"])


def need_row(session: Session, actor: Actor, need_id: int, *, lock: bool = False):
    """The need if the actor may see it; NotFound otherwise (existence is not revealed)."""
    if lock:
        session.execute(text("SELECT 1 FROM needs WHERE id = :id FOR UPDATE"), {"id": need_id})
    row = session.execute(NEED_ROW, {"id": need_id}).mappings().first()
    if row is None or not (in_scope(actor, row) or mine_to_see(actor, row) or _on_the_wall(actor, row)):
        raise NotFound(msg("no need {id}", id=need_id))
    return row


def _on_the_wall(actor: Actor, need) -> bool:
    """A resident may open a need the board shows (published, waiting for a claim)."""
    return actor.role == Role.resident and need["status"] == "ordered"


def view(session: Session, actor: Actor, need) -> dict:
    """The need as the actor may read it: staff and the resident it is for read all of it; a claimer and the board
    read what the order published, with the compound (a claimer also the building) but no person."""
    from geo.residents.need_steps import allowed_actions  # the steps read this module's rows

    full = in_scope(actor, need) or (actor.role == Role.resident and actor.user_id == need["resident_user_id"])
    claimer = actor.role == Role.resident and actor.user_id == need["claimer_user_id"]
    out = {"id": need["id"], "version": need["version"], "status": need["status"], "kind": need["kind"],
           **_words(need, full),
           "compound": {"code": need["compound_code"], "name": need["compound_name"]} if need["compound_code"] else None,
           "building": need["building_name"] if full or claimer else None,
           "community": {"code": need["community_code"], "name": need["community_name"]},
           "grid": need["grid_name"], "organisation": need["org_name"], "due_on": need["due_on"],
           "claimer": _claimer(actor, need), "raised_at": need["raised_at"], "ordered_at": need["ordered_at"],
           "claimed_at": need["claimed_at"], "done_at": need["done_at"], "confirmed_at": need["confirmed_at"],
           "proof": need["proof"] if full or claimer else None, "rating": need["rating"],
           "source": need["source"], "allowed_actions": allowed_actions(actor, need)}
    if "order" in out["allowed_actions"]:
        out["orgs"] = session.execute(ORGS_OVER_NEED, {"community": need["community_code"],
                                                       "compound": need["compound_id"]}).mappings().all()
    if full or claimer:
        out["timeline"] = session.execute(text(
            "SELECT action, to_status AS status, at, note FROM need_events WHERE need_id = :id ORDER BY at, id"),
            {"id": need["id"]}).mappings().all()
    return out


def _words(need, full: bool) -> dict:
    """Staff and the resident read the resident's own words and what the order published; everyone else only what
    was published (a personal need's own words may name the person, so they never reach the board)."""
    if full:
        return {"title": need["title"], "description": need["description"],
                "published_title": need["published_title"], "published_description": need["published_description"]}
    public = need["kind"] == "public"
    return {"title": need["published_title"] or (need["title"] if public else ""),
            "description": need["published_description"] or (need["description"] if public else None)}


def _claimer(actor: Actor, need) -> dict | None:
    """Who claimed it: a unit by name, a member by name only to those who may know who is a member."""
    if need["claimer_kind"] is None:
        return None
    name = need["claimer_unit"] if need["claimer_kind"] == "unit" else None
    if need["claimer_kind"] == "member" and may(actor.role, Permission.read_party_members):
        name = need["member_name"]
    return {"kind": need["claimer_kind"], "name": name, "yours": actor.user_id == need["claimer_user_id"]}


def listing(session: Session, actor: Actor, *, community: str | None = None, status: str | None = None,
            limit: int = 100) -> list[dict]:
    """Staff: the needs of their scope (optionally one community and status), newest first."""
    if actor.role == Role.resident:
        raise Forbidden(msg("residents see their own needs (/needs/mine) and the claim board (/needs/board)"))
    prefix = actor.scope.prefix or ""
    if community is not None and not (community.startswith(prefix) or prefix.startswith(community)):
        raise NotFound(msg("no community {code} in your area", code=community))
    ids = session.execute(text(
        "SELECT id FROM needs WHERE COALESCE(grid_code, community_code) LIKE :pattern "
        "AND (CAST(:community AS text) IS NULL OR community_code = :community) "
        "AND (CAST(:status AS text) IS NULL OR status = :status) ORDER BY raised_at DESC, id DESC LIMIT :n"),
        {"pattern": like_pattern(actor.scope), "community": community, "status": status, "n": limit}).scalars().all()
    return [view(session, actor, need_row(session, actor, i)) for i in ids]


def mine(session: Session, actor: Actor) -> list[dict]:
    """A resident: the needs they raised and those they claimed, newest first."""
    _resident(actor)
    ids = session.execute(text(
        "SELECT id FROM needs WHERE resident_user_id = :me OR claimer_user_id = :me ORDER BY raised_at DESC LIMIT 100"),
        {"me": actor.user_id}).scalars().all()
    return [view(session, actor, need_row(session, actor, i)) for i in ids]


def board(session: Session, actor: Actor, community: str | None = None) -> list[dict]:
    """认领墙: the needs published for a claim, soonest due first (a resident's own community unless they name one)."""
    if community is None and actor.role == Role.resident:
        community = session.execute(text(
            "SELECT left(b.grid_code, 12) FROM resident_accounts a JOIN households h ON h.id = a.household_id "
            "JOIN buildings b ON b.id = h.building_id WHERE a.user_id = :me"), {"me": actor.user_id}).scalar()
    pattern = "%" if actor.role == Role.resident else like_pattern(actor.scope)
    ids = session.execute(text(
        "SELECT id FROM needs WHERE status = 'ordered' AND COALESCE(grid_code, community_code) LIKE :pattern "
        "AND (CAST(:community AS text) IS NULL OR community_code = :community) ORDER BY due_on, id LIMIT 200"),
        {"pattern": pattern, "community": community}).scalars().all()
    return [view(session, actor, need_row(session, actor, i)) for i in ids]


def _resident(actor: Actor) -> None:
    """A resident's own list: anyone else has none."""
    if actor.role != Role.resident or actor.user_id is None:
        raise NotFound(msg("no needs of yours here: these are a resident's own needs"))
