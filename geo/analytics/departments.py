"""How the departments answer: the cases they lead (牵头), assist (协办) and were whistled for (吹哨报到), each turn
judged against its own deadline; a missed report-in counts against the department for good.

A turn counts in the period it was decided: when it ended in time, or when its deadline passed."""

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.access.departments import departments
from geo.access.scope import like_pattern
from geo.analytics.window import Window
from geo.core.models import Role

FIGURES = text("""
SELECT h.department, h.kind, count(*) AS held, count(*) FILTER (WHERE h.missed) AS missed,
       count(*) FILTER (WHERE h.outcome = 'met') AS met
FROM case_holds h JOIN cases c ON c.id = h.case_id
WHERE h.department IS NOT NULL AND least(h.ended_at, h.due_at) >= :since AND least(h.ended_at, h.due_at) < :until
  AND (c.grid_code LIKE :pattern OR :pattern = '%') AND (CAST(:only AS text) IS NULL OR h.department = :only)
GROUP BY 1, 2
""")
KINDS = {"lead": "led", "assist": "assisted", "whistle": "whistled"}


def department_figures(session: Session, actor: Actor, win: Window) -> dict:
    """Every department with the turns it held that were decided in `win` (in the caller's scope), by kind, and the
    share of its own deadlines it met; a department account sees its own row only."""
    only = actor.department if actor.role == Role.department else None
    rows = {code: _empty(d) for code, d in departments().items() if only in (None, code)}
    for r in session.execute(FIGURES, {"since": win.since, "until": win.until, "pattern": like_pattern(actor.scope),
                                       "only": only}).mappings():
        row = rows.get(r["department"])
        if row is None:  # a department since removed from the list still answers for its past
            row = rows[r["department"]] = _empty(None, r["department"])
        name = KINDS[r["kind"]]
        row[name] += r["held"]
        row[f"{name}_missed"] += r["missed"]
        row["_met"] += r["met"]
    return {"from": win.since.isoformat(), "to": win.until.isoformat(), "rows": [_rate(r) for r in rows.values()]}


def _empty(department, code: str | None = None) -> dict:
    """A department's row before counting."""
    row = {"code": department.code if department else code, "name": department.name if department else code,
           "name_en": department.name_en if department else code, "_met": 0}
    return row | {key: 0 for name in KINDS.values() for key in (name, f"{name}_missed")}


def _rate(row: dict) -> dict:
    """The row with its own on-time rate: deadlines met / met or missed."""
    met = row.pop("_met")
    missed = row["led_missed"] + row["assisted_missed"] + row["whistled_missed"]
    return row | {"own_on_time_rate": round(met / (met + missed), 4) if met + missed else None}
