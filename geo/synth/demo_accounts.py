"""An account for every demo staff member who handles cases (grid leaders only of dedicated grids), so each step in a case's history names a real login.

The accounts the seed prints are among them: `gridworker` is the first full-time worker of the first ordinary
grid, `community` and `street` the first staff of the first community and street. The others are named by
duty and area (gw-001001002-1: the second grid of the first community's first worker); all share the demo password.
"""

from sqlalchemy import text

from geo.core.bulk import copy_rows, reserve_ids
from geo.core.models import Duty, Role
from geo.synth.histories import Crew

PREFIX = {Duty.fulltime_worker: "gw", Duty.grid_leader: "gl", Duty.community_secretary: "cs",
          Duty.community_staff: "cs", Duty.street_staff: "ss"}
ROLE = {Duty.fulltime_worker: Role.grid_worker, Duty.grid_leader: Role.grid_worker,
        Duty.community_secretary: Role.community_staff, Duty.community_staff: Role.community_staff,
        Duty.street_staff: Role.street_staff}
PRINTED = {Duty.fulltime_worker: "gridworker", Duty.community_staff: "community", Duty.street_staff: "street"}


def crew_of(staff: list[tuple[int, str, str, str]]) -> Crew:
    """Who handles the cases of each grid (its full-time workers, else its leader), each community and street."""
    handlers: dict[str, list[int]] = {}
    leaders: dict[str, list[int]] = {}
    community: dict[str, list[int]] = {}
    street: dict[str, list[int]] = {}
    for staff_id, duty, area, _ in staff:
        target = {Duty.fulltime_worker: handlers, Duty.grid_leader: leaders, Duty.community_staff: community,
                  Duty.community_secretary: community, Duty.street_staff: street}[duty]
        target.setdefault(area, []).append(staff_id)
    handlers = {grid: handlers.get(grid, ids) for grid, ids in leaders.items()}
    acting = {i for ids in (*handlers.values(), *community.values(), *street.values()) for i in ids}
    return Crew(handlers, community, street, _usernames([s for s in staff if s[0] in acting]))


def _usernames(staff) -> dict[int, str]:
    """Staff id → username: the printed demo logins for the first of their duty, a name by duty and area for others."""
    names, counted = {}, {}
    firsts = {duty: min((area, i) for i, d, area, _ in staff if d == duty)[1] for duty in PRINTED
              if any(d == duty for _, d, _, _ in staff)}
    for staff_id, duty, area, _ in staff:
        key = (PREFIX[Duty(duty)], area)  # a community's secretary and staff share one numbering
        counted[key] = counted.get(key, 0) + 1
        place = area[6:9] if duty == Duty.street_staff else area[6:]
        suffix = "" if duty == Duty.grid_leader else f"-{counted[key]}"
        names[staff_id] = f"{PREFIX[Duty(duty)]}-{place}{suffix}"
    for duty, staff_id in firsts.items():
        names[staff_id] = PRINTED[duty]
    return names


def add_accounts(session, staff: list[tuple[int, str, str, str]], crew: Crew, password_hash: str) -> None:
    """A synthetic account for every handler (usernames already taken by real accounts are left to them)."""
    taken = set(session.execute(text("SELECT username FROM users")).scalars())
    rows = [(staff_id, duty, area, name) for staff_id, duty, area, name in staff
            if staff_id in crew.usernames and crew.usernames[staff_id] not in taken]
    ids = reserve_ids(session, "users", len(rows))
    copy_rows(session, "users", ["id", "username", "password_hash", "role", "scope_code", "display_name", "synthetic"],
              ([user_id, crew.usernames[s], password_hash, ROLE[Duty(duty)].value, area, name, True]
               for user_id, (s, duty, area, name) in zip(ids, rows)))
    session.execute(text("UPDATE staff s SET user_id = u.user_id FROM unnest(CAST(:staff AS bigint[]), "
                         "CAST(:users AS bigint[])) AS u(staff_id, user_id) WHERE s.id = u.staff_id"),
                    {"staff": [r[0] for r in rows], "users": ids})
