"""Display masking of personal data (DOMAIN.md "Privacy")."""

from geo.core.models import Duty, Role


def mask_id_number(number: str | None) -> str | None:
    """110***********123X: the first 3 and last 4 characters of an ID number."""
    if not number:
        return number
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_phone(phone: str | None) -> str | None:
    """138****1234: the first 3 and last 4 digits of a phone number."""
    if not phone:
        return phone
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str | None) -> str | None:
    """张**: the surname (the first character; two for the common compound surnames) and stars for the rest."""
    if not name:
        return name
    keep = 2 if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else 1
    return name[:keep] + "*" * max(1, len(name) - keep)


COMPOUND_SURNAMES = frozenset({"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙",
                               "宇文", "司徒", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "百里"})


# Who sees a staff member's whole phone number, by the viewer's role and the staff member's duty.
# Office duties are work numbers the dispatching roles must be able to call; part-time workers and
# building heads are volunteers giving their private numbers, which only the people working beside
# them (community and grid staff) and administrators see whole. Planners never need to call anyone.
OFFICE_DUTIES = frozenset({Duty.grid_leader, Duty.fulltime_worker, Duty.community_secretary, Duty.community_staff,
                           Duty.street_staff})
ALL_DUTIES = frozenset(Duty)
FULL_STAFF_PHONE: dict[Role, frozenset[Duty]] = {
    Role.admin: ALL_DUTIES,
    Role.command_center: OFFICE_DUTIES,
    Role.street_staff: OFFICE_DUTIES,
    Role.community_staff: ALL_DUTIES,
    Role.grid_worker: ALL_DUTIES,
    Role.planner: frozenset(),
    Role.department: OFFICE_DUTIES,  # an office reaching the office staff it works a case with
    Role.party_staff: OFFICE_DUTIES,
    Role.resident: frozenset(),
}


def staff_phone(viewer: Role, duty: str, phone: str | None) -> str | None:
    """A staff member's phone as `viewer` may see it: whole or masked (FULL_STAFF_PHONE)."""
    return phone if sees_whole_phone(viewer, duty) else mask_phone(phone)


def sees_whole_phone(viewer: Role, duty: str) -> bool:
    """Whether `viewer` sees the whole phone of staff on `duty` (reads of whole phones are audited)."""
    return Duty(duty) in FULL_STAFF_PHONE[Role(viewer)]
