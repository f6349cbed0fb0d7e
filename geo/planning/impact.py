"""What publishing a plan would change: per grid, old against new, and what moves from which grid to which.

Buildings are placed by a point inside them, cases by their own point, each into the smallest plan grid
covering it (the same rule as locate). Staff follow grid codes: a grid that keeps its code keeps its
staff, a retired grid's staff continue in the plan grid that takes most of its land (as publishing does),
and any other new code has nobody until staff are assigned.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.core.errors import InvalidInput
from geo.core.i18n import msg
from geo.core.models import OPEN_STATUSES
from geo.planning.plans import plan_row, successors_of

DEFAULT_TARGET = (300, 500)  # households per grid (DOMAIN.md: size norms)

BUILDINGS = """
WITH b AS (
    SELECT b.id, b.name, b.grid_code AS old, ST_PointOnSurface(b.geom) AS p FROM buildings b
    JOIN areas c ON c.code = ANY(:communities) AND ST_Covers(c.geom, ST_PointOnSurface(b.geom))
)
SELECT b.id, b.name, b.old, ST_X(b.p) AS lon, ST_Y(b.p) AS lat,
       (SELECT g.code FROM plan_grids g WHERE g.plan_id = :plan_id AND ST_Covers(g.geom, b.p)
        ORDER BY ST_Area(g.geom), g.code LIMIT 1) AS new,
       count(DISTINCT h.id) AS households, count(r.id) AS residents,
       count(r.id) FILTER (WHERE cardinality(r.special_groups) > 0) AS special
FROM b LEFT JOIN households h ON h.building_id = b.id LEFT JOIN residents r ON r.household_id = h.id
GROUP BY b.id, b.name, b.old, b.p
"""

CASES = """
SELECT c.id, c.grid_code AS old, c.status = ANY(:open) AS open,
       (SELECT g.code FROM plan_grids g WHERE g.plan_id = :plan_id AND ST_Covers(g.geom, c.geom)
        ORDER BY ST_Area(g.geom), g.code LIMIT 1) AS new
FROM cases c JOIN areas a ON a.code = c.grid_code AND a.parent_code = ANY(:communities)
WHERE (c.status = ANY(:open) OR c.reported_at >= now() - interval '365 days') AND c.status <> 'merged'
"""

STAFF = """
SELECT DISTINCT area_code, staff_id FROM staff_assignments
WHERE area_code = ANY(:codes) AND start_date <= current_date AND (end_date IS NULL OR end_date >= current_date)
"""

FIGURES = ("buildings", "households", "residents", "special", "open_cases", "cases_last_year")


@dataclass
class Move:
    """What goes from one grid to another."""

    source: str | None
    target: str | None
    buildings: int = 0
    households: int = 0
    residents: int = 0
    open_cases: int = 0


def impact(session: Session, plan_id: int, actor: Actor, target: tuple[int, int] = DEFAULT_TARGET) -> dict:
    """Old against new per grid, the moves between grids, and how balanced both are against `target` households."""
    if not 0 < target[0] <= target[1]:
        raise InvalidInput(msg("the target range must be two positive numbers, the smaller first"))
    row = plan_row(session, plan_id, actor)
    params = {"plan_id": plan_id, "communities": list(row["communities"])}
    old_codes = list(session.execute(text("SELECT code FROM areas WHERE level = 'grid' "
                                          "AND parent_code = ANY(:communities)"),
                                     {"communities": params["communities"]}).scalars())
    new_codes = list(session.execute(text("SELECT code FROM plan_grids WHERE plan_id = :plan_id"),
                                     {"plan_id": plan_id}).scalars())
    old, new = defaultdict(Counter), defaultdict(Counter)
    moves: dict[tuple, Move] = {}
    moved_buildings = []
    for b in session.execute(text(BUILDINGS), params).mappings():
        figures = {"buildings": 1, "households": b["households"], "residents": b["residents"], "special": b["special"]}
        old[b["old"]].update(figures)
        new[b["new"]].update(figures)
        if b["old"] != b["new"]:
            move = moves.setdefault((b["old"], b["new"]), Move(b["old"], b["new"]))
            move.buildings += 1
            move.households += b["households"]
            move.residents += b["residents"]
            moved_buildings.append({"id": b["id"], "name": b["name"], "from": b["old"], "to": b["new"],
                                    "households": b["households"], "lon": b["lon"], "lat": b["lat"]})
    moved_cases = []
    for c in session.execute(text(CASES), params | {"open": [s.value for s in OPEN_STATUSES]}).mappings():
        key = "open_cases" if c["open"] else "cases_last_year"
        old[c["old"]][key] += 1
        new[c["new"]][key] += 1
        if c["open"] and c["old"] != c["new"]:
            moves.setdefault((c["old"], c["new"]), Move(c["old"], c["new"])).open_cases += 1
            moved_cases.append({"id": c["id"], "from": c["old"], "to": c["new"]})
    staff_before, staff_after = _staff(session, old_codes, successors_of(session, plan_id, params["communities"]))
    grids = [_grid_row(code, old, new, staff_before, staff_after, code in old_codes, code in new_codes)
             for code in sorted(set(old_codes) | set(new_codes))]
    return {"plan": plan_id, "target_households": list(target), "grids": grids,
            "moves": [vars(m) for m in sorted(moves.values(), key=lambda m: (str(m.source), str(m.target)))],
            "moved_buildings": moved_buildings, "moved_open_cases": moved_cases,
            "unplaced": {"buildings": new[None]["buildings"], "open_cases": new[None]["open_cases"]},
            "balance": {"before": _balance([old[c]["households"] for c in old_codes], target),
                        "after": _balance([new[c]["households"] for c in new_codes], target)}}


def _staff(session: Session, old_codes: list[str], successors: dict[str, str]) -> tuple[Counter, Counter]:
    """Staff on duty per grid now, and after publishing: a retired grid's staff continue in its successor."""
    before, after = defaultdict(set), defaultdict(set)
    for code, staff_id in session.execute(text(STAFF), {"codes": old_codes}).all():
        before[code].add(staff_id)
        after[successors.get(code, code)].add(staff_id)
    return Counter({c: len(s) for c, s in before.items()}), Counter({c: len(s) for c, s in after.items()})


def _grid_row(code: str, old, new, staff_before: Counter, staff_after: Counter, existed: bool, remains: bool) -> dict:
    """One line of the impact table: the grid's figures and staff before and after (None where it has no grid)."""
    return {"code": code, "status": "kept" if existed and remains else "new" if remains else "retired"} | {
        f"{key}_before": old[code][key] if existed else None for key in FIGURES} | {
        f"{key}_after": new[code][key] if remains else None for key in FIGURES} | {
        "staff_before": staff_before[code] if existed else None,
        "staff_after": staff_after[code] if remains else None}


def _balance(households: list[int], target: tuple[int, int]) -> dict:
    """How many grids fall below, within and above the target range, and the spread."""
    if not households:
        return {"grids": 0}
    low, high = target
    mean = sum(households) / len(households)
    return {"grids": len(households), "below": sum(h < low for h in households),
            "within": sum(low <= h <= high for h in households), "above": sum(h > high for h in households),
            "min": min(households), "max": max(households), "mean": round(mean, 1),
            "std": round((sum((h - mean) ** 2 for h in households) / len(households)) ** 0.5, 1)}
