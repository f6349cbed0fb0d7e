"""One compound's page: its counts, party branches, open cases, case rate and latest joint meetings.

Cases per 100 households (`cases_per_100_households`): the cases reported in the last 365 days (any status) that lie
in the compound, i.e. whose point is covered by the compound's polygon or whose building belongs to the compound,
times 100, divided by the compound's households; null when it has none. "Open cases" counts those cases (of any
age) whose status is one of OPEN_STATUSES, located the same way.
"""

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import audit
from geo.access.actor import Actor
from geo.access.permissions import Permission, may
from geo.core.models import OPEN_STATUSES
from geo.party import meetings
from geo.party.common import label
from geo.territory.compounds import compound_row, feature

# Two indexed lookups (the polygon's gist, the buildings' ids) joined by UNION, not one OR that reads every case.
CASES = """
SELECT count(*) FILTER (WHERE status = ANY(:open)) AS open_cases,
       count(*) FILTER (WHERE reported_at >= now() - interval '365 days') AS cases_365
FROM (SELECT c.id, c.reported_at, c.status FROM cases c JOIN compounds p ON ST_Covers(p.geom, c.geom) WHERE p.id = :id
      UNION
      SELECT c.id, c.reported_at, c.status FROM cases c
      WHERE c.building_id IN (SELECT id FROM buildings WHERE compound_id = :id)) s
"""
BRANCHES = """
SELECT o.id, o.name, o.level, s.member_id AS secretary_id, m.name AS secretary
FROM party_org_compounds oc JOIN party_orgs o ON o.id = oc.org_id
LEFT JOIN party_org_posts s ON s.org_id = o.id AND s.post = 'secretary'
LEFT JOIN party_members m ON m.id = s.member_id
WHERE oc.compound_id = :id ORDER BY o.id
"""


def get_compound(session: Session, actor: Actor, code: str) -> dict:
    """Everything the compound page shows; NotFound outside the actor's scope."""
    row = compound_row(session, actor, code)
    compound = feature(row)
    props = compound["properties"]
    props["residents"] = session.execute(text(
        "SELECT count(*) FROM residents r JOIN households h ON h.id = r.household_id "
        "JOIN buildings b ON b.id = h.building_id WHERE b.compound_id = :id"), {"id": row["id"]}).scalar()
    cases = session.execute(text(CASES), {"id": row["id"], "open": [str(s) for s in OPEN_STATUSES]}).mappings().one()
    props["open_cases"] = cases["open_cases"]
    props["cases_365"] = cases["cases_365"]
    props["cases_per_100_households"] = (round(cases["cases_365"] * 100 / row["households"], 1)
                                         if row["households"] else None)
    props["branches"] = _branches(session, actor, row["id"])
    props["meetings"] = meetings.latest(session, row["id"])
    return compound


def _branches(session: Session, actor: Actor, compound_id: int) -> list[dict]:
    """The covering organisations; the secretary's name only for who may know members (and that read is audited)."""
    rows = session.execute(text(BRANCHES), {"id": compound_id}).mappings().all()
    names = may(actor.role, Permission.read_party_members)
    out = []
    for r in rows:
        branch = {"id": r["id"], "name": r["name"], "level": r["level"], "level_label": label("level", r["level"]),
                  "has_secretary": r["secretary_id"] is not None}
        if names:
            branch["secretary"] = r["secretary"]
        out.append(branch)
    shown = [r["secretary_id"] for r in rows if r["secretary_id"] is not None]
    if names and shown:
        audit.record_shown(session, actor.username, actor.role, "party_members", shown)
    return out
