"""Reading one row of a party member sheet: every cell checked and looked up (organisation, household, resident, staff
member, post, contact households), or a `BadRow` naming the column, the value and why."""

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from geo.access import crypto
from geo.core.i18n import msg
from geo.core.models import MemberKind, MemberStatus, OrgPost
from geo.people.rosters import cells
from geo.people.rosters.cells import BadRow
from geo.party import sheet_rows

STATUS_NAMES = {"正式党员": MemberStatus.full, "正式": MemberStatus.full, "预备党员": MemberStatus.probationary,
                "预备": MemberStatus.probationary, **{s.value: s for s in MemberStatus}}
KIND_NAMES = {"居民党员": MemberKind.resident, "在职党员": MemberKind.in_service, "流动党员": MemberKind.mobile,
              **{k.value: k for k in MemberKind}}
POST_NAMES = {"书记": OrgPost.secretary, "组长": OrgPost.secretary, "副书记": OrgPost.deputy, "委员": OrgPost.committee,
              "兼职委员": OrgPost.parttime, **{p.value: p for p in OrgPost}}
CONTACTS = re.compile(r"[、;；]+")


@dataclass
class MemberRow:
    """One member as the sheet gives them, with everything they name resolved to ids."""

    number: int
    name: str
    phone: str
    status: str
    kind: str
    org_id: int
    work_unit: str | None
    joined: date | None
    household_id: int | None = None
    resident_id: int | None = None
    staff_id: int | None = None
    post: str | None = None
    post_org_id: int | None = None
    post_unit: str | None = None
    contacts: list[int] = field(default_factory=list)
    contacts_given: bool = False


def named(row: dict, column: str, names: dict):
    """The value looked up by its Chinese (or English) name; None when empty; the refusal lists the Chinese names."""
    value = sheet_rows.text(row, column)
    if value is None:
        return None
    found = names.get(value) or names.get(value.lower())
    if found is None:
        raise BadRow(column, value, msg("unknown value; one of {values}",
                                        values="、".join(k for k in names if not k.isascii())))
    return found


def _org(session: Session, row: dict, column: str) -> tuple[int, str]:
    """The id and code of the organisation the column names."""
    code = sheet_rows.required(row, column)
    found = session.execute(sql("SELECT id FROM party_orgs WHERE code = :c"), {"c": code}).scalar()
    if found is None:
        raise BadRow(column, code, msg("organisation {code} not found", code=code))
    return found, code


def household(session: Session, column: str, building: str, door: str) -> int:
    """The household at a door of a building named by its code."""
    found = session.execute(sql("SELECT b.id, h.id FROM buildings b LEFT JOIN households h ON h.building_id = b.id "
                                "AND h.door = :d WHERE b.code = :b"), {"b": building, "d": door}).first()
    if found is None:
        raise BadRow(column, building, msg("unknown building"))
    if found[1] is None:
        raise BadRow(column, f"{building}/{door}", msg("no household at door {door} of building {building}",
                                                       door=door, building=building))
    return found[1]


def _home(session: Session, row: dict, member: MemberRow) -> None:
    """The household the member lives in (building and door), and its resident with the member's name."""
    building, door = sheet_rows.text(row, "building"), sheet_rows.text(row, "door")
    if not building and not door:
        return
    if not building or not door:
        raise BadRow("door" if building else "building", None, msg("give both the building code and the door"))
    member.household_id = household(session, "building", building, door)
    member.resident_id = session.execute(sql("SELECT id FROM residents WHERE household_id = :h AND name = :n "
                                             "ORDER BY id LIMIT 1"), {"h": member.household_id, "n": member.name}).scalar()


def _staff(session: Session, row: dict, member: MemberRow) -> None:
    """The staff member with the phone given: this grid leader (or worker) is this member."""
    given = sheet_rows.text(row, "staff_phone")
    if given is None:
        return
    try:
        phone = cells.phone({"phone": given})
    except BadRow as bad:
        raise BadRow("staff_phone", given, bad.reason) from None
    found = session.execute(sql("SELECT id FROM staff WHERE phone_hmac = :h ORDER BY id"),
                            {"h": crypto.lookup(phone)}).scalars().all()
    if not found:
        raise BadRow("staff_phone", phone, msg("no staff member has this phone"))
    member.staff_id = found[0]


def _post(session: Session, row: dict, member: MemberRow) -> None:
    """The member's post, in the organisation given (default: their own); a 兼职委员 names their unit."""
    member.post = named(row, "post", POST_NAMES)
    if member.post is None:
        if sheet_rows.text(row, "post_org") or sheet_rows.text(row, "post_unit"):
            raise BadRow("post", None, msg("required when a post's organisation or unit is given"))
        return
    member.post = member.post.value
    member.post_org_id = _org(session, row, "post_org")[0] if sheet_rows.text(row, "post_org") else member.org_id
    member.post_unit = sheet_rows.text(row, "post_unit")
    if member.post == OrgPost.parttime and not member.post_unit:
        raise BadRow("post_unit", None, msg("required for a part-time committee member (兼职委员)"))


def _contacts(session: Session, row: dict, member: MemberRow) -> None:
    """The households the member keeps contact with: building/door pairs separated by 、 or ;."""
    value = sheet_rows.text(row, "contacts")
    if value is None:
        return
    member.contacts_given = True
    for pair in (p.strip() for p in CONTACTS.split(value) if p.strip()):
        building, _, door = pair.partition("/")
        if not building.strip() or not door.strip():
            raise BadRow("contacts", pair, msg("write each household as building code/door"))
        member.contacts.append(household(session, "contacts", building.strip(), door.strip()))


def read_member(session: Session, row: dict, number: int) -> MemberRow:
    """A row's cells as a MemberRow, or BadRow."""
    name = sheet_rows.required(row, "name")
    phone = cells.phone(row)
    if phone is None:
        raise BadRow("phone", None, msg("required"))
    status = named(row, "status", STATUS_NAMES)
    kind = named(row, "kind", KIND_NAMES)
    if status is None or kind is None:
        raise BadRow("status" if status is None else "kind", None, msg("required"))
    org_id = _org(session, row, "org")[0]
    work_unit = sheet_rows.text(row, "work_unit")
    if kind == MemberKind.in_service and not work_unit:
        raise BadRow("work_unit", None, msg("required for an in-service member (在职党员)"))
    member = MemberRow(number, name, phone, status.value, kind.value, org_id, work_unit, cells.day(row, "joined"))
    _home(session, row, member)
    _staff(session, row, member)
    _post(session, row, member)
    _contacts(session, row, member)
    return member
