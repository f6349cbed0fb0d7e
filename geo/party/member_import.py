"""Importing party members from a sheet (Chinese or English headers), all or nothing, keyed by phone and name.

A member's phone is sealed like a resident's (geo.access.crypto): stored encrypted, found by its HMAC, so a rerun
updates the same member. Each row is read and looked up in geo.party.member_rows; here the rows are checked against
each other (the same person twice, a second secretary of an organisation) and written with their post and contacts.
"""

from pathlib import Path

from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from geo.access import crypto
from geo.core.i18n import msg
from geo.core.models import OrgPost
from geo.core.progress import no_track
from geo.people.rosters.cells import BadRow
from geo.party import sheet_rows
from geo.party.member_rows import MemberRow, read_member
from geo.party.sheet_rows import ImportTally, refuse_if_any, row_error

COLUMNS = {
    "name": ["姓名", "name"],
    "phone": ["手机号", "手机", "联系电话", "phone"],
    "status": ["党员身份", "status"],
    "kind": ["党员类型", "kind"],
    "org": ["所属组织编码", "所属组织", "org", "org_code"],
    "work_unit": ["工作单位", "work_unit"],
    "joined": ["入党日期", "joined", "joined_on"],
    "building": ["居住楼栋编码", "居住楼栋", "building"],
    "door": ["门牌号", "门牌", "door"],
    "post": ["职务", "post"],
    "post_org": ["任职组织编码", "post_org"],
    "post_unit": ["兼职单位", "post_unit"],
    "staff_phone": ["网格职务人员手机号", "staff_phone"],
    "contacts": ["联系户", "contacts"],
}
REQUIRED = ("name", "phone", "status", "kind", "org")


def _secretaries(session: Session) -> dict[int, tuple[str, bytes | None]]:
    """Each organisation's stored secretary: org id → (name, phone HMAC)."""
    rows = session.execute(sql("SELECT p.org_id, m.name, m.phone_hmac FROM party_org_posts p "
                               "JOIN party_members m ON m.id = p.member_id WHERE p.post = 'secretary'"))
    return {org: (name, bytes(h) if h is not None else None) for org, name, h in rows}


def _check_secretary(member: MemberRow, secretaries: dict) -> None:
    """An organisation has one secretary: a second one, stored or in the rows above, is refused."""
    if member.post != OrgPost.secretary:
        return
    key = (member.name, crypto.lookup(member.phone))
    held = secretaries.get(member.post_org_id)
    if held is not None and held != key:
        raise BadRow("post", "书记", msg("the organisation already has a secretary, {name}", name=held[0]))
    secretaries[member.post_org_id] = key


UPSERT = sql("""
INSERT INTO party_members (name, phone_enc, phone_hmac, status, kind, org_id, work_unit, joined_on, household_id,
                           resident_id, staff_id)
VALUES (:name, :phone_enc, :phone_hmac, :status, :kind, :org_id, :work_unit, :joined, :household_id, :resident_id,
        :staff_id)
ON CONFLICT (phone_hmac, name) DO UPDATE SET
    phone_enc = EXCLUDED.phone_enc, status = EXCLUDED.status, kind = EXCLUDED.kind, org_id = EXCLUDED.org_id,
    work_unit = EXCLUDED.work_unit, joined_on = EXCLUDED.joined_on, household_id = EXCLUDED.household_id,
    resident_id = EXCLUDED.resident_id, staff_id = EXCLUDED.staff_id
RETURNING id, (xmax = 0) AS inserted
""")
POST = sql("""
INSERT INTO party_org_posts (org_id, member_id, post, unit) VALUES (:org, :member, :post, :unit)
ON CONFLICT (org_id, member_id, post) DO UPDATE SET unit = EXCLUDED.unit
""")


def _write(session: Session, m: MemberRow, tally: ImportTally) -> None:
    """Upsert one member, their post and (when the cell is given) their contact households."""
    params = {"name": m.name, "phone_enc": crypto.seal(m.phone), "phone_hmac": crypto.lookup(m.phone),
              "status": m.status, "kind": m.kind, "org_id": m.org_id, "work_unit": m.work_unit, "joined": m.joined,
              "household_id": m.household_id, "resident_id": m.resident_id, "staff_id": m.staff_id}
    member = session.execute(UPSERT, params).one()
    tally.created += member.inserted
    tally.updated += not member.inserted
    if m.post:
        session.execute(POST, {"org": m.post_org_id, "member": member.id, "post": m.post, "unit": m.post_unit})
        tally.extra["posts"] = tally.extra.get("posts", 0) + 1
    if m.contacts_given:
        session.execute(sql("DELETE FROM party_contacts WHERE member_id = :m"), {"m": member.id})
        for household_id in set(m.contacts):
            session.execute(sql("INSERT INTO party_contacts VALUES (:m, :h)"), {"m": member.id, "h": household_id})
        tally.extra["contacts"] = tally.extra.get("contacts", 0) + len(set(m.contacts))


def import_members(session: Session, path: Path, *, dry_run: bool = False, track=no_track) -> ImportTally:
    """Read, check and write a member sheet; ImportRejected names every bad row and nothing is written."""
    sheet = sheet_rows.read_rows(path, "party-members", COLUMNS, REQUIRED)
    errors, members, first_seen = [], [], {}
    secretaries = _secretaries(session)
    for row, number in track(list(zip(sheet.rows, sheet.numbers)), "检查 checking", len(sheet.rows)):
        try:
            member = read_member(session, row, number)
            key = (member.name, member.phone)
            if key in first_seen:
                raise BadRow("name", member.name, msg("the same member (name and phone) as row {row}",
                                                      row=first_seen[key]))
            first_seen[key] = number
            _check_secretary(member, secretaries)
        except BadRow as bad:
            errors.append(row_error(bad, number, COLUMNS))
            continue
        members.append(member)
    refuse_if_any(path, errors)
    tally = ImportTally("party-members", ignored_columns=sheet.ignored, dry_run=dry_run)
    savepoint = session.begin_nested()
    for member in track(members, "写入 writing", len(members)):
        _write(session, member, tally)
    if dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    return tally
