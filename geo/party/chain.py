"""五级下沉: the chain from the street down to each household, per community (docs/party.md).

Five levels: street leaders covering the community, its secretary, staffed grids, buildings with a party group
leader, households with a contact member. Each level has covered / total and `gap` when not complete.
"""

from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.core.i18n import Msg, msg

IN_FORCE = "sa.start_date <= :until AND (sa.end_date IS NULL OR sa.end_date >= :until)"

CHAIN_SQL = f"""
WITH communities AS (
    SELECT code FROM area_records WHERE level = 'community' AND valid_to IS NULL AND code = ANY(:codes)
), posts AS (  -- street leaders and secretaries on duty at each community
    SELECT sa.area_code AS community,
           count(DISTINCT sa.staff_id) FILTER (WHERE sa.duty = 'street_staff') AS street_leaders,
           count(DISTINCT sa.staff_id) FILTER (WHERE sa.duty = 'community_secretary') AS secretaries
    FROM staff_assignments sa WHERE sa.area_code = ANY(:codes) AND {IN_FORCE}
      AND sa.duty IN ('street_staff', 'community_secretary') GROUP BY 1
), grids AS (
    SELECT left(g.code, 12) AS community, count(*) AS grids, count(s.area_code) AS grids_staffed
    FROM area_records g LEFT JOIN (
        SELECT DISTINCT sa.area_code FROM staff_assignments sa
        WHERE sa.duty IN ('grid_leader', 'fulltime_worker') AND {IN_FORCE}) s ON s.area_code = g.code
    WHERE g.level = 'grid' AND g.valid_to IS NULL AND left(g.code, 12) = ANY(:codes) GROUP BY 1
), homes AS (  -- residential buildings: those with households
    SELECT left(b.grid_code, 12) AS community, b.id, count(*) AS households, count(c.household_id) AS contacted
    FROM households h JOIN buildings b ON b.id = h.building_id
    LEFT JOIN (SELECT DISTINCT household_id FROM party_contacts) c ON c.household_id = h.id
    WHERE left(b.grid_code, 12) = ANY(:codes) GROUP BY 1, 2
), buildings AS (
    SELECT community, count(*) AS buildings, sum(households) AS households, sum(contacted) AS households_contacted,
           count(l.building_id) AS buildings_led
    FROM homes LEFT JOIN (
        SELECT DISTINCT o.building_id FROM party_orgs o JOIN party_org_posts p ON p.org_id = o.id
        WHERE o.level = 'building_group' AND p.post = 'secretary') l ON l.building_id = homes.id
    GROUP BY 1
)
SELECT c.code, coalesce(p.street_leaders, 0) AS street_leaders, coalesce(p.secretaries, 0) AS secretaries,
       coalesce(g.grids_staffed, 0) AS grids_staffed, coalesce(g.grids, 0) AS grids,
       coalesce(b.buildings_led, 0) AS buildings_led, coalesce(b.buildings, 0) AS buildings,
       coalesce(b.households_contacted, 0)::int AS households_contacted, coalesce(b.households, 0)::int AS households
FROM communities c LEFT JOIN posts p ON p.community = c.code LEFT JOIN grids g ON g.community = c.code
LEFT JOIN buildings b ON b.community = c.code ORDER BY c.code"""

# (level, covered column, total column or None for "at least one", gap message)
LEVELS = (
    ("street_leader", "street_leaders", None, lambda n: msg("no street leader covers the community")),
    ("community_secretary", "secretaries", None, lambda n: msg("no community secretary")),
    ("grid_staff", "grids_staffed", "grids",
     lambda n: msg("{count} grids without a grid leader or full-time worker", count=n)),
    ("building_group_leader", "buildings_led", "buildings",
     lambda n: msg("{count} buildings without a party group leader", count=n)),
    ("contact_member", "households_contacted", "households",
     lambda n: msg("{count} households without a contact member", count=n)),
)


def chains(session: Session, communities: list[str], until: date) -> dict[str, dict]:
    """Each community's five levels (on day `until`) and its gaps in words, by community code."""
    rows = session.execute(text(CHAIN_SQL), {"codes": communities, "until": until}).mappings()
    return {row["code"]: _chain(row) for row in rows}


def _chain(row) -> dict:
    """A community's levels: covered, total, gap; and the list of gaps as messages."""
    levels, gaps = [], []
    for level, covered_col, total_col, words in LEVELS:
        people = row[covered_col]
        covered, total = (min(people, 1), 1) if total_col is None else (people, row[total_col])
        gap = covered < total
        levels.append({"level": level, "covered": covered, "total": total, "gap": gap,
                       **({"staff": people} if total_col is None else {})})
        if gap:
            gaps.append(words(total - covered))
    return {"levels": levels, "gaps": gaps}


def gap_words(chain: dict, lang) -> list[str]:
    """The chain's gaps rendered in `lang`."""
    return [gap.render(lang) if isinstance(gap, Msg) else gap for gap in chain["gaps"]]
