"""Bulk import of historical cases (a year of 12345 records, say): every case located to the grid in force on its day.

Built for millions of rows: the file is read with Arrow, checked as whole columns, and located with a
shapely STRtree over every grid boundary ever in force (a case goes to the version valid on its Beijing
day). A month with no partition yet is loaded, two months at a time on connections of their own, into a
bare table that gets the partition's indexes and a check of the month's bounds, so attaching it as the
month's partition builds and scans nothing; a month that already has its partition is copied into it.
Attaching happens in the caller's transaction, so the import is all or nothing; the bare tables of a
failed import are dropped (a killed process can leave `cases_load_*` tables behind, safe to drop).
Any bad row refuses the whole file, each problem named by row, column and value.
The file is read and checked in `backfill_input`, the months loaded and attached in `backfill_load`.

Input (rows counted from 1, after the header): CSV or Parquet with the columns category, lon, lat
(WGS84) and reported_at (ISO 8601; without a zone, Beijing time); optional status (closed or rated,
default closed), channel (default hotline), closed_at and rating.
"""

import gc
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.cases.backfill_input import prepare, read_table, refuse
from geo.cases.backfill_load import (
    LOADERS,
    attach,
    copy_into,
    drop_orphans,
    ewkb_hex,
    load_apart,
    partition_name,
)
from geo.core.bulk import raw_connection
from geo.core.i18n import msg
from geo.core.time import CHINA


@dataclass
class BackfillReport:
    """What an import wrote: cases per month and how long each stage took."""

    cases: int = 0
    months: dict[str, int] = field(default_factory=dict)
    new_partitions: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def assign_grids(session: Session, points: np.ndarray, days: np.ndarray) -> np.ndarray:
    """The code of the grid each point lay in on its day (numpy datetime64[D]); None where none did.

    geo.territory.locate's rules: a point on an edge or vertex is covered, and of several grids the smallest answers,
    then the lowest code."""
    versions = session.execute(text(GRID_VERSIONS)).all()
    codes = np.array([v.code for v in versions], dtype=object)
    area = np.array([v.area_m2 or 0.0 for v in versions])
    valid_from = np.array([v.valid_from or np.datetime64("0001-01-01") for v in versions], dtype="datetime64[D]")
    valid_to = np.array([v.valid_to or np.datetime64("9999-12-31") for v in versions], dtype="datetime64[D]")
    tree = shapely.STRtree(shapely.from_wkb([bytes(v.wkb) for v in versions]))
    # for a point, intersects is covers; the query releases the GIL, so halves of the points go to two threads
    halves = np.array_split(np.arange(len(points)), LOADERS)
    with ThreadPoolExecutor(LOADERS) as pool:
        found = list(pool.map(lambda part: tree.query(points[part], predicate="intersects"), halves))
    point_index = np.concatenate([part[hits[0]] for part, hits in zip(halves, found)])
    version_index = np.concatenate([hits[1] for hits in found])
    in_force = (valid_from[version_index] <= days[point_index]) & (days[point_index] < valid_to[version_index])
    point_index, version_index = point_index[in_force], version_index[in_force]
    order = np.lexsort((version_index, area[version_index], point_index))  # versions come in code order
    point_index, version_index = point_index[order], version_index[order]
    first = np.unique(point_index, return_index=True)[1]
    grid = np.full(len(points), None, dtype=object)
    grid[point_index[first]] = codes[version_index[first]]
    return grid


# Every grid boundary ever in force, in code order: the latest record of each code, and its earlier shapes.
GRID_VERSIONS = """
SELECT code, ST_AsBinary(geom) AS wkb, area_m2, valid_from, valid_to FROM area_records WHERE level = 'grid'
UNION ALL
SELECT h.code, ST_AsBinary(h.geom), h.area_m2, h.valid_from, h.valid_to
FROM area_history h JOIN area_records r ON r.code = h.code WHERE r.level = 'grid'
ORDER BY 1
"""


def backfill(session: Session, path: Path, advance: Callable[[int], None] = lambda n: None,
             rows: pa.Table | None = None) -> BackfillReport:
    """Import the file's cases (`rows`, when already read), all or nothing; what was written.

    `advance(n)` is told of every n rows written."""
    report, clock = BackfillReport(), time.perf_counter()
    table, problems = prepare(path, read_table(path) if rows is None else rows)
    days = _beijing_days(table["reported_at"])
    lon, lat = table["lon"].to_numpy(), table["lat"].to_numpy()
    points = _points(lon, lat)
    grid = assign_grids(session, points, days)
    checked = np.isfinite(lon) & np.isfinite(lat) & ~np.isnat(days)  # the others are listed already
    for i in np.flatnonzero(checked & (grid == None)):  # noqa: E711  (elementwise on an object array)
        problems.append(msg("row {row}, column {column} ({value!r}): {reason}", row=int(i) + 1, column="lon, lat",
                            value=(float(lon[i]), float(lat[i])), reason=msg("in no grid in force on {day}", day=str(days[i]))))
    if problems:
        refuse(path, problems)
    report.seconds["read, check and locate"] = time.perf_counter() - clock
    table = table.append_column("grid_code", pa.array(grid, pa.string()))
    table = table.append_column("geom", ewkb_hex(lon, lat))
    months = days.astype("datetime64[M]")
    order = np.argsort(months, kind="stable")
    chunks = {months[c[0]].item(): c for c in np.split(order, np.flatnonzero(np.diff(months[order].astype(int))) + 1)}
    existing = set(session.execute(text("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                                        "WHERE i.inhparent = 'cases'::regclass")).scalars())
    fresh = {month: chunk for month, chunk in chunks.items() if partition_name(month) not in existing}
    for month, chunk in chunks.items():
        if month not in fresh:
            copy_into(raw_connection(session), "cases", table.take(pa.array(chunk)))
            advance(len(chunk))
    owner = session.execute(text("SELECT pg_backend_pid()")).scalar()
    drop_orphans(session)
    loaded = load_apart(session.get_bind().engine, owner, {m: table.take(pa.array(c)) for m, c in fresh.items()},
                        advance)
    for month, bare in loaded.items():
        attach(session, bare, month)
    # rows that arrive by attaching fire no trigger of cases: tell the caches keyed by its change counter (0004)
    session.execute(text("SELECT nextval('wangge_changes_cases')"))
    report.months = {partition_name(month): len(chunk) for month, chunk in chunks.items()}
    report.new_partitions = sorted(partition_name(month) for month in fresh)
    report.cases = len(table)
    report.seconds["total"] = time.perf_counter() - clock
    return report


def _points(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """shapely points, made with the garbage collector paused (a million new objects would set it off many times)."""
    gc.disable()
    try:
        return shapely.points(lon, lat)
    finally:
        gc.enable()


def _beijing_days(times) -> np.ndarray:
    """Each instant's day in Beijing (numpy datetime64[D])."""
    local = pc.local_timestamp(pc.cast(times, pa.timestamp("us", tz=str(CHINA))))
    return local.to_numpy(zero_copy_only=False).astype("datetime64[D]")
