"""Party coverage benchmark: geo.party.coverage per street, community and grid on the generated city, next to one
plain hand-written SQL statement computing the same figures over the same tables (the peer).

On bench/city.py's city (50,000 grids by default): 3 compounds per grid (each grid polygon cut in three strips),
a building per compound with 4 households each, a compound branch for 1 compound in 3 (with activities in the
period for 2 branches in 3, a building group with a secretary in half their buildings), members in 1 household
in 6 (1 in 4 of them in service, half of those reported in), 1 grid worker in 5 a member, a contact household per
resident member. Everything bulk-loaded (COPY through geo.core.bulk, INSERT … SELECT).

Run: `python bench/party.py [--grids 50000]` (part of `make bench`). Everything runs on a throwaway PostGIS cluster.
"""

import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import shapely
import typer
from rich.table import Table
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import city  # noqa: E402
from bench.harness import console, report, stage  # noqa: E402
from geo.core import db  # noqa: E402
from geo.core.bulk import copy_rows, ewkb  # noqa: E402
from geo.party.chain import chains  # noqa: E402
from geo.party.compound_coverage import required_activities  # noqa: E402
from geo.party.coverage import area_key, coverage  # noqa: E402

END = date(2026, 11, 29)
START = END - timedelta(days=89)
STRIPS = 3


def strips(grids: list[tuple[str, object]]) -> list[tuple[str, str, str, str]]:
    """(code, name, community, EWKB) of each grid's compounds: its polygon cut into STRIPS vertical strips."""
    polys = np.array([g for _, g in grids], dtype=object)
    bounds = shapely.bounds(polys)
    rows = []
    for i in range(STRIPS):
        x0 = bounds[:, 0] + (bounds[:, 2] - bounds[:, 0]) * i / STRIPS
        x1 = bounds[:, 0] + (bounds[:, 2] - bounds[:, 0]) * (i + 1) / STRIPS
        parts = shapely.intersection(polys, shapely.box(x0, bounds[:, 1], x1, bounds[:, 3]))
        for (code, _), part in zip(grids, parts):
            multi = part if part.geom_type == "MultiPolygon" else shapely.multipolygons([part])
            rows.append((f"P{code}{i}", f"小区 {code}-{i}", code[:12], ewkb(multi)))
    return rows


PARTY_SQL = [
    # a street committee per street, a community committee per community
    """INSERT INTO party_orgs (code, name, level, area_code)
       SELECT 'S' || code, '街道党工委 ' || code, 'street_committee', code FROM areas WHERE level = 'street'""",
    """INSERT INTO party_orgs (code, name, level, parent_id, area_code)
       SELECT 'C' || a.code, '社区党委 ' || a.code, 'community_committee', s.id, a.code
       FROM areas a JOIN party_orgs s ON s.code = 'S' || a.parent_code WHERE a.level = 'community'""",
    # a compound branch for 1 compound in 3
    """INSERT INTO party_orgs (code, name, level, parent_id, area_code)
       SELECT 'B' || p.id, '小区党支部 ' || p.code, 'compound_branch', c.id, p.community_code
       FROM compounds p JOIN party_orgs c ON c.code = 'C' || p.community_code WHERE p.id % 3 = 0""",
    """INSERT INTO party_org_compounds SELECT o.id, substr(o.code, 2)::bigint FROM party_orgs o
       WHERE o.level = 'compound_branch'""",
    # activities: 2 branches in 3 held one in the period, every branch one a year before
    """INSERT INTO party_activities (org_id, kind, held_on, place, participants, summary, recorded_by)
       SELECT o.id, 'theme_day', d, '活动室', 5, '主题党日', 'bench' FROM party_orgs o,
              LATERAL (VALUES (DATE '2026-10-10'), (DATE '2025-10-10')) v(d)
       WHERE o.level = 'compound_branch' AND (d < '2026-01-01' OR o.id % 3 <> 0)""",
    # a building per compound (its grid and compound derived by the trigger), 4 households each
    """INSERT INTO buildings (name, geom) SELECT '楼 ' || code, ST_PointOnSurface(geom) FROM compounds""",
    """INSERT INTO households (building_id, door) SELECT b.id, d::text FROM buildings b, generate_series(1, 4) d
       WHERE b.compound_id IS NOT NULL""",
    # a building group (with a secretary below) in half the buildings of covered compounds
    """INSERT INTO party_orgs (code, name, level, parent_id, area_code, building_id)
       SELECT 'G' || b.id, '楼栋党小组 ' || b.id, 'building_group', oc.org_id, p.community_code, b.id
       FROM buildings b JOIN compounds p ON p.id = b.compound_id JOIN party_org_compounds oc ON oc.compound_id = p.id
       WHERE b.id % 2 = 0""",
    # members in 1 household in 6: 1 in 4 in service; every 5th grid worker is one too
    """INSERT INTO party_members (name, status, kind, org_id, work_unit, household_id)
       SELECT '党员 ' || h.id, 'full', CASE WHEN h.id % 4 = 0 THEN 'in_service' ELSE 'resident' END, c.id,
              CASE WHEN h.id % 4 = 0 THEN '某单位' END, h.id
       FROM households h JOIN buildings b ON b.id = h.building_id
       JOIN party_orgs c ON c.code = 'C' || left(b.grid_code, 12) WHERE h.id % 6 = 0""",
    """INSERT INTO party_members (name, status, kind, org_id, staff_id)
       SELECT '党员 staff ' || sa.staff_id, 'full', 'resident', c.id, sa.staff_id FROM staff_assignments sa
       JOIN party_orgs c ON c.code = 'C' || left(sa.area_code, 12)
       WHERE sa.duty IN ('grid_leader', 'fulltime_worker') AND sa.staff_id % 5 = 0""",
    """INSERT INTO party_report_ins (member_id, community_code, reported_on, pledge, recorded_by)
       SELECT m.id, left(b.grid_code, 12), '2026-06-01', '志愿服务', 'bench' FROM party_members m
       JOIN households h ON h.id = m.household_id JOIN buildings b ON b.id = h.building_id
       WHERE m.kind = 'in_service' AND m.id % 2 = 0""",
    """INSERT INTO party_contacts SELECT m.id, h2.id FROM party_members m
       JOIN households h2 ON h2.id = m.household_id + 1 WHERE m.kind = 'resident' AND m.household_id IS NOT NULL""",
    """INSERT INTO party_org_posts (org_id, member_id, post)
       SELECT o.id, (SELECT min(id) FROM party_members), 'secretary' FROM party_orgs o WHERE o.level = 'building_group'""",
    "ANALYZE",
]


def load_party(engine) -> dict:
    """Compounds from the grid polygons (COPY), then organisations, activities, buildings, households, members."""
    with db.session_factory(engine).begin() as s:
        grids = [(code, shapely.from_wkb(bytes(wkb))) for code, wkb in
                 s.execute(text("SELECT code, ST_AsBinary(geom) FROM areas WHERE level = 'grid' ORDER BY code"))]
        copy_rows(s, "compounds", ("code", "name", "community_code", "geom", "area_m2"),
                  ((code, name, community, geom, 0) for code, name, community, geom in strips(grids)))
        s.execute(text("ANALYZE compounds"))
        for statement in PARTY_SQL:
            s.execute(text(statement))
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in (  # noqa: S608 (fixed names)
            "compounds", "party_orgs", "party_activities", "households", "party_members", "party_contacts")}


PEER_SQL = """
WITH a AS (SELECT code FROM area_records WHERE level = :level AND valid_to IS NULL),
p AS (
    SELECT {compound_key} AS area, count(*) AS compounds,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM party_org_compounds oc WHERE oc.compound_id = p.id)) AS org,
           count(*) FILTER (WHERE (SELECT count(*) FROM party_org_compounds oc JOIN party_orgs o
                                   ON o.id = oc.org_id OR (o.parent_id = oc.org_id AND o.level = 'building_group')
                                   JOIN party_activities x ON x.org_id = o.id AND x.held_on BETWEEN :start AND :end
                                   WHERE oc.compound_id = p.id) >= :required) AS work
    FROM compounds p GROUP BY 1),
s AS (
    SELECT {staff_key} AS area,
           count(DISTINCT sa.staff_id) FILTER (WHERE sa.duty = 'grid_leader') AS leaders,
           count(DISTINCT sa.staff_id) FILTER (WHERE sa.duty = 'grid_leader' AND m.staff_id IS NOT NULL) AS lm,
           count(DISTINCT sa.staff_id) FILTER (WHERE sa.duty <> 'grid_leader') AS workers,
           count(DISTINCT sa.staff_id) FILTER (WHERE sa.duty <> 'grid_leader' AND m.staff_id IS NOT NULL) AS wm
    FROM staff_assignments sa LEFT JOIN (SELECT DISTINCT staff_id FROM party_members) m ON m.staff_id = sa.staff_id
    WHERE sa.duty IN ('grid_leader', 'fulltime_worker', 'parttime_worker') AND sa.start_date <= :end
      AND (sa.end_date IS NULL OR sa.end_date >= :end) GROUP BY 1),
h AS (
    SELECT {home_key} AS area, count(*) AS households, count(*) FILTER (WHERE c.household_id IS NOT NULL) AS contacted
    FROM households h JOIN buildings b ON b.id = h.building_id
    LEFT JOIN (SELECT DISTINCT household_id FROM party_contacts) c ON c.household_id = h.id GROUP BY 1),
m AS (
    SELECT {home_key} AS area, count(*) AS members, count(*) FILTER (WHERE m.kind = 'in_service') AS in_service,
           count(*) FILTER (WHERE m.kind = 'in_service' AND r.member_id IS NOT NULL) AS reported
    FROM party_members m JOIN households h ON h.id = m.household_id JOIN buildings b ON b.id = h.building_id
    LEFT JOIN (SELECT DISTINCT member_id FROM party_report_ins WHERE reported_on <= :end) r ON r.member_id = m.id
    GROUP BY 1)
SELECT a.code, p.compounds, p.org, p.work, s.leaders, s.lm, s.workers, s.wm, h.households, h.contacted,
       m.members, m.in_service, m.reported
FROM a LEFT JOIN p ON p.area = a.code LEFT JOIN s ON s.area = a.code LEFT JOIN h ON h.area = a.code
LEFT JOIN m ON m.area = a.code ORDER BY a.code"""


def peer(session, level: str) -> list:
    """The same figures in one hand-written statement (shares left to the reader)."""
    compound_key = "p.grid_code" if level == "grid" else area_key(level, "p.community_code")
    sql = PEER_SQL.format(compound_key=compound_key, staff_key=area_key(level, "sa.area_code"),
                          home_key=area_key(level, "b.grid_code"))
    return session.execute(text(sql), {"level": level, "start": START, "end": END,
                                       "required": required_activities(START, END)}).all()


def timed(run, times: int = 3) -> tuple[float, object]:
    """Median seconds of `times` runs after a warm-up, and the last result."""
    result = run()
    runs = []
    for _ in range(times):
        t0 = time.perf_counter()
        result = run()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), result


def same(ours: list[dict], theirs: list) -> bool:
    """Whether both ways found the same counts in every area."""
    keys = ("compounds", "org_covered", "work_covered", "leaders", "leader_members", "workers", "worker_members",
            "households", "contacted", "members", "in_service", "reported_in")
    return [(r["code"], *(r[k] for k in keys)) for r in ours] == [(t[0], *(v or 0 for v in t[1:])) for t in theirs]


def main(grids: int = typer.Option(50_000, help="Grids in the generated city (3 compounds each)")) -> None:
    """Time coverage per street, community and grid against the hand-written peer."""
    loaded: dict = {}

    def load(engine, home):
        t0 = time.perf_counter()
        with console.status(f"generating {grids:,} grids, their compounds, organisations and members…"):
            loaded.update(city.load(engine, grids))
            loaded.update(load_party(engine))
        console.print(f"loaded {loaded['counts'].get('grid', 0):,} grids, {loaded['compounds']:,} compounds, "
                      f"{loaded['party_orgs']:,} organisations, {loaded['households']:,} households, "
                      f"{loaded['party_members']:,} members in {time.perf_counter() - t0:.0f} s")

    with stage(load) as st, db.session_factory(st.engine)() as session:
        table = Table(title=f"party coverage on {loaded['counts'].get('grid', 0):,} grids, "
                            f"{loaded['compounds']:,} compounds, {loaded['households']:,} households "
                            "(median of 3 runs)")
        for col in ("level", "areas", "geo.party.coverage s", "plain SQL s", "ratio", "same counts"):
            table.add_column(col, justify="left" if col == "level" else "right")
        for level in ("street", "community", "grid"):
            ours_s, ours = timed(lambda: coverage(session, "%", level, START, END))
            peer_s, theirs = timed(lambda: peer(session, level))
            table.add_row(level, f"{len(ours):,}", f"{ours_s:.2f}", f"{peer_s:.2f}", f"{ours_s / peer_s:.2f}×",
                          "yes" if same(ours, theirs) else "[red]NO[/red]")
        communities = [r[0] for r in session.execute(text("SELECT code FROM areas WHERE level = 'community'"))]
        chain_s, _ = timed(lambda: chains(session, communities, END))
        table.add_row("community: five-level chain (geo.party.chain)", f"{len(communities):,}", f"{chain_s:.2f}",
                      "", "", "")
        report(table, "Ours counts up each compound's coverage (geo.party.compound_coverage's SQL) and asks the staff, "
                      "household and member figures in three more grouped queries; the peer is one statement.")


if __name__ == "__main__":
    typer.run(main)
