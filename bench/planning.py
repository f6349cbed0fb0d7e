"""Planning benchmark: validation, impact and publishing of a plan for a 49-grid community (7 × 7), after an edit, with
19,600 households, about 49,000 residents and 1,470 cases under it — next to the plain SQL a minimal check runs;
then ReCom proposals for every community of the district demo (617 grids).

Run: `python bench/planning.py` (part of `make bench`).
"""

import sys
import time
from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import city  # noqa: E402
from bench.analytics import timed  # noqa: E402
from bench.harness import console, report, stage  # noqa: E402
from geo.access.actor import SYSTEM  # noqa: E402
from geo.core import db  # noqa: E402
from geo.core.time import china_today
from geo.planning import edits  # noqa: E402
from geo.planning.impact import impact  # noqa: E402
from geo.planning.plans import create_from_current  # noqa: E402
from geo.planning.proposal import propose  # noqa: E402
from geo.planning.publish import apply  # noqa: E402
from geo.planning.validation import validate_plan  # noqa: E402
from geo.synth import seed_demo  # noqa: E402

SIDE = 7


def populate(engine, community: str) -> None:
    """400 households of 2–3 residents in every grid of `community` (in its one building), and open cases."""
    with engine.begin() as conn:
        conn.execute(text("""
            INSERT INTO households (building_id, door)
            SELECT b.id, g FROM buildings b JOIN areas a ON a.code = b.grid_code AND a.parent_code = :c,
                 generate_series(1, 400) g"""), {"c": community})
        conn.execute(text("""
            INSERT INTO residents (household_id, name)
            SELECT h.id, 'resident' FROM households h, generate_series(1, 2 + (h.id % 2)::int)"""))
        conn.execute(text("""
            INSERT INTO cases (category, status, geom, grid_code, reported_at)
            SELECT 'env_garbage', CASE WHEN random() < 0.2 THEN 'handling' ELSE 'closed' END, p.geom, a.code,
                   now() - random() * interval '300 days'
            FROM areas a CROSS JOIN LATERAL (SELECT (ST_Dump(ST_GeneratePoints(a.geom, 30))).geom) p
            WHERE a.parent_code = :c"""), {"c": community})
        conn.execute(text("ANALYZE"))


def main(grids: int = typer.Option(1_225, help="Grids in the generated district (25 communities of 49)")) -> None:
    """Time validation, impact and publishing of a 49-grid community's plan."""
    def load(engine, home):
        city.load(engine, grids, side_grids=SIDE)
        populate(engine, f"{city.DISTRICT}001001")

    community = f"{city.DISTRICT}001001"
    with stage(load) as st, db.session_factory(st.engine)() as session:
        plan = create_from_current(session, SYSTEM, [community])
        first = session.execute(text("SELECT ST_AsText(ST_Centroid(geom)), ST_YMin(geom), ST_YMax(geom), ST_XMin(geom), "
                                     "ST_XMax(geom) FROM plan_grids WHERE plan_id = :p ORDER BY code LIMIT 1"),
                                {"p": plan}).one()
        y = (first[1] + first[2]) / 2
        edits.split(session, plan, SYSTEM, f"{community}001",
                    {"type": "LineString", "coordinates": [[first[3] - 0.001, y], [first[4] + 0.001, y]]})
        rows = [("validation (geometry, coverage, gaps, buildings, numbering)",
                 timed(lambda: len(validate_plan(session, plan, SYSTEM).problems))),
                ("impact (buildings, households, residents, cases, staff; moves; balance)",
                 timed(lambda: len(impact(session, plan, SYSTEM)["grids"]))),
                ("publish today (retire, redraw, issue; buildings, open cases, staff), rolled back each time",
                 timed(lambda: publish_and_undo(session, plan))),
                ("plain SQL floor: ST_Union of the plan's grids and a count of households per grid",
                 timed(lambda: session.execute(text(
                     "SELECT (SELECT ST_Area(ST_Union(geom)) FROM plan_grids WHERE plan_id = :p), "
                     "(SELECT count(*) FROM households h JOIN buildings b ON b.id = h.building_id "
                     "JOIN plan_grids g ON g.plan_id = :p AND ST_Covers(g.geom, b.geom))"), {"p": plan}).one()))]
        households = session.execute(text("SELECT count(*) FROM households")).scalar()
        session.rollback()
    table = Table(title=f"a plan for one community of {SIDE * SIDE} grids (+1 split), {households:,} households "
                        "(median of 3)")
    for col in ("step", "seconds", "vs plain SQL"):
        table.add_column(col, justify="left" if col == "step" else "right")
    base = rows[-1][1][0]
    for step, (seconds, _) in rows:
        table.add_row(step, f"{seconds:.3f}", f"{seconds / base:.1f}×")
    report(table)
    district_proposals()


def publish_and_undo(session, plan: int) -> dict:
    """Apply the plan inside a savepoint and take it back, so that it can be timed again."""
    savepoint = session.begin_nested()
    outcome = apply(session, plan, china_today(), SYSTEM)
    savepoint.rollback()
    return outcome


def district_proposals(steps: int = 200) -> None:
    """A ReCom proposal for every community of the district demo (617 grids), one after another."""
    def load(engine, home):
        with console.status("seeding the district demo…"), db.session_factory(engine).begin() as s:
            seed_demo(s, "620302", "district", 1, workdir=home / "demo")

    with stage(load) as st, db.session_factory(st.engine)() as session:
        communities = session.execute(text("SELECT code FROM areas WHERE level = 'community' ORDER BY code")).scalars()
        t0, results = time.perf_counter(), []
        for community in list(communities):
            results.append(propose(session, SYSTEM, community, steps=steps, seed=1))
        seconds = time.perf_counter() - t0
        session.rollback()
    grids = sum(r["objective"]["grids"] for r in results)
    outside = sum(r["objective"]["households_outside_range"] for r in results)
    moved = sum(r["objective"]["households_moved"] for r in results)
    table = Table(title=f"ReCom proposals for the district demo ({steps} steps a community, seed 1)")
    for col in ("communities", "grids proposed", "seconds in all", "households outside 300–500", "households moved"):
        table.add_column(col, justify="right")
    table.add_row(str(len(results)), f"{grids:,}", f"{seconds:.1f}", f"{outside:,}", f"{moved:,}")
    report(table)


if __name__ == "__main__":
    typer.run(main)
