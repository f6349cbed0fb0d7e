"""The demo's party members: about 7 % of adult residents (mostly resident members; about a fifth in service at a
unit, 70 % of them reported in where they live (双报到); a few mobile; 8 % probationary), half the grid leaders and
a third of the full-time workers, the community secretaries (书记) and a street leader per street; every
organisation's secretary, each 大党委's 5–12 part-time members (兼职委员) from units, and 3–8 contact households
(党员联系户) for every resident member in their building or compound.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import text

from geo.core.bulk import copy_rows, reserve_ids
from geo.core.models import Duty, MemberKind, MemberStatus, OrgPost
from geo.synth.demo_party import Tree

KINDS = ([MemberKind.resident, MemberKind.in_service, MemberKind.mobile], [0.74, 0.21, 0.05])
PROBATIONARY = 0.08
REPORTED_IN = 0.7
STAFF_MEMBERS = {Duty.grid_leader: 0.5, Duty.fulltime_worker: 1 / 3}
PLEDGES = ["每月参加一次社区志愿服务", "认领一项微心愿", "结对帮扶一户困难家庭", "参与小区环境整治", "担任楼栋文明劝导员"]


@dataclass
class Member:
    """A member to be written, with where they live (for posts and contacts)."""

    id: int
    name: str
    kind: str
    org_id: int
    household_id: int | None = None
    resident_id: int | None = None
    staff_id: int | None = None
    work_unit: str | None = None
    building_id: int | None = None
    compound_id: int | None = None
    community: str | None = None
    status: str = MemberStatus.full
    joined_on: date | None = None


def add_members(session, tree: Tree, staff, names: dict, today: date, rng) -> dict[int, list[int]]:
    """Members, posts, contacts and report-ins of the whole tree; returns organisation id → its members' ids."""
    adults = session.execute(text("""
        SELECT r.id, r.household_id, h.building_id, b.compound_id, p.community_code, r.name, r.birth_date
        FROM residents r JOIN households h ON h.id = r.household_id JOIN buildings b ON b.id = h.building_id
        JOIN compounds p ON p.id = b.compound_id WHERE b.synthetic AND r.birth_date <= :adult ORDER BY r.id"""),
                             {"adult": today - timedelta(days=18 * 366)}).all()
    ids = iter(reserve_ids(session, "party_members", len(adults) // 8 + len(staff) + 1000))
    members = _residents(adults, tree, ids, today, rng) + _staff(staff, tree, names, ids, rng)
    for m in members:
        if m.joined_on is None:
            m.status, m.joined_on = _joined(m, today, rng)
    _copy_members(session, members)
    posts = _posts(members, tree, rng)
    copy_rows(session, "party_org_posts", ["org_id", "member_id", "post", "unit"], posts)
    _contacts(session, members, rng)
    _report_ins(session, members, today, rng)
    roster: dict[int, list[int]] = {}
    for m in members:
        roster.setdefault(m.org_id, []).append(m.id)
    return roster


def _residents(adults, tree: Tree, ids, today: date, rng) -> list[Member]:
    """Residents drawn at ≈ 7 % of adults (older ones likelier), then one more wherever an organisation needs a
    member it has not got: a resident for each branch and building group, an in-service member for each unit."""
    units = [u for code in tree.units for u in tree.units[code]]
    draws = rng.random(len(adults))
    kinds = rng.choice(len(KINDS[0]), size=len(adults), p=KINDS[1])
    taken, out = set(), []
    for adult, draw, kind in zip(adults, draws, kinds):
        if draw < (0.085 if (today - adult.birth_date).days > 30 * 365 else 0.035):
            out.append(_resident(adult, KINDS[0][kind], tree, next(ids)))
            taken.add(adult.id)
    needed = [("building", b, MemberKind.resident) for b in tree.group_of] + \
             [("compound", c, MemberKind.resident) for c in tree.branch_of]
    have = {(where, getattr(m, f"{where}_id")) for m in out if m.kind == MemberKind.resident
            for where in ("building", "compound")}
    for where, key, kind in needed:
        if (where, key) not in have:
            adult = next((a for a in adults if getattr(a, f"{where}_id") == key and a.id not in taken), None)
            if adult is not None:
                out.append(_resident(adult, kind, tree, next(ids)))
                taken.add(adult.id)
                have.update({("building", adult.building_id), ("compound", adult.compound_id)})
    in_service = [m for m in out if m.kind == MemberKind.in_service]
    for i, m in enumerate(in_service):  # the first ones go round the units, so every unit has a member
        own = tree.units.get(m.community) or units
        unit = units[i] if i < len(units) else _pick(own if rng.random() < 0.7 else units, rng)
        m.org_id, m.work_unit = unit.id, unit.unit_name
    return out


def _pick(items, rng):
    """One of `items`, drawn with `rng`."""
    return items[int(rng.integers(len(items)))]


def _resident(adult, kind, tree: Tree, member_id: int) -> Member:
    """A member who lives in the demo: organised in their compound's branch, else in their community's."""
    branch = tree.branch_of.get(adult.compound_id) or tree.community[adult.community_code]
    return Member(member_id, adult.name, str(kind), branch.id, adult.household_id, adult.id, None, None,
                  adult.building_id, adult.compound_id, adult.community_code)


def _staff(staff, tree: Tree, names: dict, ids, rng) -> list[Member]:
    """Community secretaries, the first street staff of each street, and about half the grid leaders and a third
    of the full-time workers: members at their own office's organisation (the 居委会 or the street office)."""
    out, streets = [], set()
    for staff_id, duty, area, name in staff:
        if duty == Duty.street_staff and area not in streets:
            streets.add(area)
            org, unit = tree.street.get(area), f"{names[area]}办事处"
        elif duty == Duty.community_secretary or rng.random() < STAFF_MEMBERS.get(Duty(duty), 0):
            org, unit = tree.community.get(area[:12]), f"{names[area[:12]]}居民委员会"
        else:
            continue
        if org is not None:
            out.append(Member(next(ids), name, str(MemberKind.in_service), org.id, staff_id=staff_id, work_unit=unit,
                              community=area[:12]))
    return out


def _joined(m: Member, today: date, rng) -> tuple[str, date]:
    """Full members joined 2–30 years ago, probationary ones within the last year."""
    if rng.random() < PROBATIONARY:
        return str(MemberStatus.probationary), today - timedelta(days=int(rng.integers(20, 360)))
    return str(MemberStatus.full), today - timedelta(days=int(rng.integers(2 * 365, 30 * 365)))


def _copy_members(session, members: list[Member]) -> None:
    """COPY the members, then give each the phone of the resident or staff member they are (sealed as it is)."""
    copy_rows(session, "party_members", ["id", "name", "status", "kind", "org_id", "work_unit", "joined_on",
                                         "household_id", "resident_id", "staff_id", "synthetic"],
              ([m.id, m.name, m.status, m.kind, m.org_id, m.work_unit, m.joined_on, m.household_id, m.resident_id,
                m.staff_id, True] for m in members))
    for table, column in (("residents", "resident_id"), ("staff", "staff_id")):
        session.execute(text(f"UPDATE party_members m SET phone_enc = x.phone_enc, phone_hmac = x.phone_hmac "  # noqa: S608
                             f"FROM {table} x WHERE x.id = m.{column} AND m.synthetic"))


def _posts(members: list[Member], tree: Tree, rng) -> list[tuple]:
    """Every organisation's secretary (a building group's 组长 lives in the building), and each community
    organisation's 5–12 part-time members from the units of its street."""
    posts, by_org = [], {}
    for m in members:
        by_org.setdefault(m.org_id, []).append(m)
    for org in tree.orgs:
        if org.level == "building_group":
            head = next((m for m in by_org.get(org.parent_id, []) if m.building_id == org.building_id), None)
        elif org.level in ("street_committee", "community_committee", "community_branch"):
            head = next((m for m in by_org.get(org.id, []) if m.staff_id is not None), None)
        else:  # a branch's secretary lives in one of its compounds; a unit's works there
            own = by_org.get(org.id, [])
            head = next((m for m in own if m.kind != MemberKind.mobile), next(iter(own), None))
        if head is not None:
            posts.append((org.id, head.id, str(OrgPost.secretary), None))
    used: set[int] = set()
    for code, org in tree.community.items():
        street = [u for c, units in tree.units.items() if c[:9] == code[:9] for u in units]
        own = tree.units.get(code, [])
        others = [street[i] for i in rng.permutation(len(street)) if street[i] not in own]
        for unit in (own + others)[: int(rng.integers(5, 13))]:
            member = next((m for m in by_org.get(unit.id, []) if m.id not in used), None)
            if member is not None:
                used.add(member.id)
                posts.append((org.id, member.id, str(OrgPost.parttime), unit.unit_name))
    return posts


def _contacts(session, members: list[Member], rng) -> None:
    """3–8 households for each resident member: of their building first, then of their compound, one each."""
    rows = session.execute(text("SELECT h.id, h.building_id, b.compound_id FROM households h JOIN buildings b "
                                "ON b.id = h.building_id WHERE b.synthetic AND b.compound_id IS NOT NULL ORDER BY h.id")).all()
    by_building, by_compound = {}, {}
    for h, building, compound in rows:
        by_building.setdefault(building, []).append(h)
        by_compound.setdefault(compound, []).append(h)
    kept, pairs = set(), []
    for m in (m for m in members if m.kind == MemberKind.resident and m.household_id is not None):
        k = int(rng.integers(3, 9))
        for pool in (by_building[m.building_id], by_compound[m.compound_id]):
            free = [h for h in pool if h not in kept and h != m.household_id]
            picked = [free[i] for i in rng.choice(len(free), size=min(k, len(free)), replace=False)] if free else []
            pairs += [(m.id, h) for h in picked]
            kept.update(picked)
            k -= len(picked)
            if k <= 0:
                break
    copy_rows(session, "party_contacts", ["member_id", "household_id"], pairs)


def _report_ins(session, members: list[Member], today: date, rng) -> None:
    """双报到: 70 % of the in-service members who live in the demo reported in to their community."""
    rows = [(m.id, m.community, today - timedelta(days=int(rng.integers(20, 700))), _pick(PLEDGES, rng), "demo")
            for m in members if m.kind == MemberKind.in_service and m.resident_id is not None
            and rng.random() < REPORTED_IN]
    copy_rows(session, "party_report_ins", ["member_id", "community_code", "reported_on", "pledge", "recorded_by"], rows)
