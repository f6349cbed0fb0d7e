"""Two plans side by side: validity, balance against the target, compactness, and what each changes."""

import statistics

from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.planning.impact import DEFAULT_TARGET, impact
from geo.planning.validation import validate_plan


def summary(session: Session, plan_id: int, actor: Actor, target: tuple[int, int]) -> dict:
    """One plan's figures for the comparison."""
    report = validate_plan(session, plan_id, actor)
    effect = impact(session, plan_id, actor, target)
    compactness = [g["polsby_popper"] for g in report.grids]
    return {"plan": plan_id, "valid": report.valid,
            "errors": sum(p.severity == "error" for p in report.problems),
            "warnings": sum(p.severity == "warning" for p in report.problems),
            "balance": effect["balance"]["after"],
            "polsby_popper_mean": round(statistics.fmean(compactness), 3) if compactness else None,
            "polsby_popper_min": min(compactness) if compactness else None,
            "grids_new": sum(g["status"] == "new" for g in effect["grids"]),
            "grids_retired": sum(g["status"] == "retired" for g in effect["grids"]),
            "households_moved": sum(m["households"] for m in effect["moves"]),
            "open_cases_moved": sum(m["open_cases"] for m in effect["moves"]),
            "households": {g["code"]: g["households_after"] for g in effect["grids"] if g["status"] != "retired"}}


def compare(session: Session, first: int, second: int, actor: Actor, target: tuple[int, int] = DEFAULT_TARGET) -> dict:
    """Both plans' figures, and per grid code their households side by side."""
    a, b = summary(session, first, actor, target), summary(session, second, actor, target)
    codes = sorted(set(a["households"]) | set(b["households"]))
    return {"target_households": list(target), "plans": [a, b],
            "grids": [{"code": c, "households": [a["households"].get(c), b["households"].get(c)]} for c in codes]}
