"""The 三单制 figures, per party organisation or per community, for the needs ordered in a month (Beijing time):
claim rate, days to claim, completion and satisfaction, and the monthly notice (月通报) as an xlsx sheet.

- 认领率 claim_rate: claimed (or further) / ordered.
- 认领天数 median_days_to_claim: the median of claimed_at - ordered_at, in days.
- 完成率 completion_rate: done or confirmed / claimed.
- 满意率 satisfaction_rate: (satisfied + 0.9 × basically satisfied) / rated, the same formula as the case KPIs.
"""

from datetime import date, datetime, time

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.access.scope import like_pattern
from geo.cases.kpis import _rate
from geo.core.errors import InvalidInput
from geo.core.i18n import LABELS, msg
from geo.core.spreadsheet import xlsx_bytes
from geo.core.time import CHINA

GROUPS = {"org": ("o.code", "o.name"), "community": ("n.community_code", "a.name")}

FIGURES_SQL = """
SELECT {key} AS code, {name} AS name, count(*) AS ordered,
       count(*) FILTER (WHERE n.status IN ('claimed', 'done', 'confirmed')) AS claimed,
       count(*) FILTER (WHERE n.status IN ('done', 'confirmed')) AS completed,
       count(*) FILTER (WHERE n.rating IS NOT NULL) AS rated,
       count(*) FILTER (WHERE n.rating = 'satisfied') AS satisfied,
       count(*) FILTER (WHERE n.rating = 'basically_satisfied') AS basically_satisfied,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM n.claimed_at - n.ordered_at) / 86400)
           AS median_days_to_claim
FROM needs n JOIN party_orgs o ON o.id = n.org_id JOIN areas a ON a.code = n.community_code
WHERE n.ordered_at >= :since AND n.ordered_at < :until AND COALESCE(n.grid_code, n.community_code) LIKE :pattern
GROUP BY 1, 2 ORDER BY 1"""


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """[first moment, first moment of the next month) of a YYYY-MM month, Beijing time."""
    try:
        first = date.fromisoformat(month + "-01")
    except ValueError:
        raise InvalidInput(msg("month {month!r} is not YYYY-MM", month=month)) from None
    if not 1900 <= first.year <= 2200:  # 9999-12 has no following month; the service's dates lie in these years
        raise InvalidInput(msg("month {month!r}: the year must lie between 1900 and 2200", month=month))
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return datetime.combine(first, time(), CHINA), datetime.combine(following, time(), CHINA)


def figures(session: Session, actor: Actor, month: str, by: str = "community") -> list[dict]:
    """One row per organisation or community of the actor's scope with needs ordered in the month."""
    if by not in GROUPS:
        raise InvalidInput(msg("figures by {by!r}: by org or community", by=by))
    since, until = month_bounds(month)
    key, name = GROUPS[by]
    rows = session.execute(text(FIGURES_SQL.format(key=key, name=name)),
                           {"since": since, "until": until, "pattern": like_pattern(actor.scope)}).mappings()
    return [_rates(row) for row in rows]


def _rates(n) -> dict:
    """Counts of one group turned into its rates."""
    days = n["median_days_to_claim"]
    return {"code": n["code"], "name": n["name"], "ordered": n["ordered"], "claimed": n["claimed"],
            "completed": n["completed"], "rated": n["rated"], "claim_rate": _rate(n["claimed"], n["ordered"]),
            "median_days_to_claim": round(float(days), 1) if days is not None else None,
            "completion_rate": _rate(n["completed"], n["claimed"]),
            "satisfaction_rate": _rate(n["satisfied"] + 0.9 * n["basically_satisfied"], n["rated"])}


COLUMNS = ("code", "name", "ordered", "claimed", "completed", "rated", "claim_rate", "median_days_to_claim",
           "completion_rate", "satisfaction_rate")


def monthly_notice(session: Session, actor: Actor, month: str, by: str = "org", lang: str = "zh") -> bytes:
    """月通报: the month's figures as an xlsx sheet with headers in `lang` (text cells neutralised)."""
    rows = figures(session, actor, month, by)
    header = [LABELS[lang].get(f"nf_{column}", column) for column in COLUMNS]
    title = LABELS[lang].get("nf_title", "needs").format(month=month)
    return xlsx_bytes(header, ([row[c] for c in COLUMNS] for row in rows), title=title)
