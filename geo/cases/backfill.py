"""Bulk import of historical cases (a year of 12345 records, say): every case located to the grid in force on its day.

Built for millions of rows: the file is read with Arrow, checked as whole columns, located with a shapely
STRtree over every grid boundary ever in force (a case goes to the version valid on its Beijing day), and
written a month at a time. A month with no partition yet is loaded into a new bare table, which is indexed
in one pass when it is attached as the month's partition; a month already holding cases is copied into
it. Any bad row refuses the whole file, each problem named by row, and nothing is written.

Input (rows counted from 1, after the header): CSV or Parquet with the columns category, lon, lat (WGS84) and reported_at (ISO 8601; without a
zone, Beijing time); optional status (a closed state, default closed), channel, closed_at, rating.
"""

import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import shapely
from psycopg import sql
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.bulk import raw_connection
from geo.cases.deadlines import CHINA
from geo.cases.intake import CHANNELS
from geo.cases.partitions import ensure_months
from geo.cases.workflow import RATINGS
from geo.categories import categories
from geo.errors import ImportRejected
from geo.i18n import msg
from geo.models import CaseStatus

REQUIRED = ("category", "lon", "lat", "reported_at")
FINISHED = (CaseStatus.closed, CaseStatus.rated)
MAX_LISTED = 20  # problems listed in the refusal; the count covers all
COLUMNS = ("category", "channel", "status", "reported_at", "closed_at", "rating", "geom", "grid_code", "located_match",
           "handler_level", "handler_area")



@dataclass
class BackfillReport:
    """What an import wrote: cases per month and how long each stage took."""

    cases: int = 0
    months: dict[str, int] = field(default_factory=dict)
    new_partitions: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def read_table(path: Path) -> pa.Table:
    """The file's rows as an Arrow table (CSV or Parquet by extension), column types checked later."""
    if path.suffix.lower() == ".parquet":
        return pq.read_table(path)
    if path.suffix.lower() != ".csv":
        raise ImportRejected(msg("{path}: unsupported format {suffix!r}; use .csv or .parquet", path=path,
                                 suffix=path.suffix))
    text_columns = {"category": pa.string(), "status": pa.string(), "channel": pa.string(), "rating": pa.string(),
                    "reported_at": pa.string(), "closed_at": pa.string()}
    try:
        return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types=text_columns, strings_can_be_null=True))
    except pa.ArrowInvalid as exc:
        raise ImportRejected(msg("{path}: not a readable CSV file: {reason}", path=path, reason=str(exc))) from None


def prepare(path: Path, table: pa.Table) -> tuple[pa.Table, list[str]]:
    """The rows with typed columns (times in UTC, defaults filled), and every problem found, by row."""
    missing = [c for c in REQUIRED if c not in table.column_names]
    if missing:
        raise ImportRejected(msg("{path}: missing column(s) {columns}", path=path, columns=", ".join(missing)))
    problems: list[str] = []
    lon, lat = _numbers(table, "lon"), _numbers(table, "lat")
    bad = ~(np.isfinite(lon) & np.isfinite(lat) & (lon >= 73) & (lon <= 136) & (lat >= 3) & (lat <= 54))
    raw = {int(i): (table["lon"][int(i)].as_py(), table["lat"][int(i)].as_py()) for i in np.flatnonzero(bad)[:MAX_LISTED]}
    _flag(problems, raw, bad, "lon, lat", "not a position in China")
    reported = _times(table, "reported_at", problems, required=True)
    closed = _times(table, "closed_at", problems, required=False)
    _flag(problems, table["category"], _not_in_values(table["category"], list(categories())), "category",
          "unknown category")
    status = _text(table, "status", CaseStatus.closed.value)
    _flag(problems, status, _not_in_values(status, [s.value for s in FINISHED]), "status",
          "a past case is closed or rated")
    channel = _text(table, "channel", "hotline")
    _flag(problems, channel, _not_in_values(channel, CHANNELS), "channel", "unknown channel")
    rating = _text(table, "rating", None)
    _flag(problems, rating, _not_in_values(rating, list(RATINGS), allow_null=True), "rating", "unknown rating")
    typed = pa.table({"category": table["category"], "channel": channel, "status": status, "reported_at": reported,
                      "closed_at": pc.fill_null(closed, reported), "rating": rating, "lon": lon, "lat": lat})
    return typed, problems


def assign_grids(session: Session, lon: np.ndarray, lat: np.ndarray, days: np.ndarray) -> np.ndarray:
    """The code of the grid each point lay in on its day (numpy datetime64[D]); None where none did."""
    versions = session.execute(text(GRID_VERSIONS)).all()
    codes = np.array([v.code for v in versions], dtype=object)
    valid_from = np.array([v.valid_from or np.datetime64("0001-01-01") for v in versions], dtype="datetime64[D]")
    valid_to = np.array([v.valid_to or np.datetime64("9999-12-31") for v in versions], dtype="datetime64[D]")
    tree = shapely.STRtree(shapely.from_wkb([bytes(v.wkb) for v in versions]))
    point_index, version_index = tree.query(shapely.points(lon, lat), predicate="within")
    in_force = (valid_from[version_index] <= days[point_index]) & (days[point_index] < valid_to[version_index])
    grid = np.full(len(lon), None, dtype=object)
    grid[point_index[in_force]] = codes[version_index[in_force]]
    return grid


# Every grid boundary ever in force: the latest record of each code, and its earlier shapes.
GRID_VERSIONS = """
SELECT code, ST_AsBinary(geom) AS wkb, valid_from, valid_to FROM area_records WHERE level = 'grid'
UNION ALL
SELECT h.code, ST_AsBinary(h.geom), h.valid_from, h.valid_to
FROM area_history h JOIN area_records r ON r.code = h.code WHERE r.level = 'grid'
"""


def backfill(session: Session, path: Path, advance: Callable[[int], None] = lambda n: None,
             rows: pa.Table | None = None) -> BackfillReport:
    """Import the file's cases (`rows`, when already read), all or nothing; what was written.

    `advance(n)` is told of every n rows written."""
    report, clock = BackfillReport(), time.perf_counter()
    table, problems = prepare(path, read_table(path) if rows is None else rows)
    days = _beijing_days(table["reported_at"])
    lon, lat = table["lon"].to_numpy(), table["lat"].to_numpy()
    grid = assign_grids(session, lon, lat, days)
    checked = np.isfinite(lon) & np.isfinite(lat) & ~np.isnat(days)  # the others are listed already
    for i in np.flatnonzero(checked & (grid == None)):  # noqa: E711  (elementwise on an object array)
        problems.append(msg("row {row}, column {column} ({value!r}): {reason}", row=int(i) + 1, column="lon, lat",
                            value=(float(lon[i]), float(lat[i])), reason=msg("in no grid in force on {day}", day=str(days[i]))))
    if problems:
        _refuse(path, problems)
    report.seconds["read, check and locate"] = time.perf_counter() - clock
    table = table.append_column("grid_code", pa.array(grid, pa.string()))
    table = table.append_column("geom", pa.array(shapely.to_wkb(shapely.points(lon, lat), hex=True, include_srid=False)))
    months = days.astype("datetime64[M]")
    order = np.argsort(months, kind="stable")
    bounds = np.flatnonzero(np.diff(months[order].astype(int))) + 1
    chunks = np.split(order, bounds)
    for chunk in chunks:
        month = months[chunk[0]].item()
        name, new = _load_month(session, month, table.take(pa.array(chunk)))
        advance(len(chunk))
        report.months[name] = len(chunk)
        if new:
            report.new_partitions.append(name)
    report.cases = len(table)
    report.seconds["total"] = time.perf_counter() - clock
    return report


def _load_month(session: Session, month, rows: pa.Table) -> tuple[str, bool]:
    """Copy one month's rows; into a new bare table attached afterwards when the month has no partition yet."""
    name = f"cases_{month:%Y_%m}"
    new = session.execute(text("SELECT to_regclass(:n) IS NULL"), {"n": name}).scalar()
    conn = raw_connection(session)
    if new:
        conn.execute(sql.SQL("CREATE TABLE {} (LIKE cases INCLUDING DEFAULTS INCLUDING CONSTRAINTS)").format(
            sql.Identifier(name)))
        conn.execute(sql.SQL("ALTER TABLE {} ALTER id SET DEFAULT nextval(pg_get_serial_sequence('cases', 'id'))").format(
            sql.Identifier(name)))
    target = sql.Identifier(name if new else "cases")
    columns = sql.SQL(", ").join(map(sql.Identifier, COLUMNS))
    with conn.cursor().copy(sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(target, columns)) as copy:
        copy.write(_csv(rows))
    if new:
        conn.execute(sql.SQL("ALTER TABLE {} ALTER id DROP DEFAULT").format(sql.Identifier(name)))
        ensure_months(session, month, month)  # attaches the loaded table: its indexes are built in one pass each
    return name, new


def _csv(rows: pa.Table) -> bytes:
    """The rows in COPY's CSV form, in COLUMNS order (empty = NULL)."""
    grid = rows["grid_code"]
    out = pa.table({"category": rows["category"], "channel": rows["channel"], "status": rows["status"],
                    "reported_at": rows["reported_at"], "closed_at": rows["closed_at"], "rating": rows["rating"],
                    "geom": pc.binary_join_element_wise("SRID=4326;", rows["geom"], ""),
                    "grid_code": grid, "located_match": pa.repeat("inside", len(rows)).cast(pa.string()),
                    "handler_level": pa.repeat("grid", len(rows)).cast(pa.string()), "handler_area": grid})
    sink = io.BytesIO()
    pacsv.write_csv(out, sink, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    return sink.getvalue()


def _numbers(table: pa.Table, column: str) -> np.ndarray:
    """The column as floats; what is not a number becomes NaN (and fails the position check, value shown)."""
    values = table[column]
    try:
        numbers = pc.cast(values, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        numbers = pa.array([_float(v) for v in values.to_pylist()], pa.float64())
    return pc.fill_null(numbers, np.nan).to_numpy(zero_copy_only=False)


def _float(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _times(table: pa.Table, column: str, problems: list[str], required: bool) -> pa.Array:
    """A column of instants in UTC; text without a zone is Beijing time."""
    if column not in table.column_names:
        return pa.nulls(len(table), pa.timestamp("us", tz="UTC"))
    values = table[column].combine_chunks()
    if pa.types.is_timestamp(values.type):
        times = values if values.type.tz else pc.assume_timezone(values, "Asia/Shanghai")
    else:
        times = _parse_times(values)
    times = pc.cast(times, pa.timestamp("us", tz="UTC"))
    bad = times.is_null().to_numpy(zero_copy_only=False) & (values.is_valid().to_numpy(zero_copy_only=False) | required)
    _flag(problems, values, bad, column, "not an ISO 8601 time")
    return times


def _parse_times(values: pa.Array) -> pa.Array:
    """ISO 8601 strings to instants, per row: with an offset as given, without one in Beijing time."""
    has_zone = pc.match_substring_regex(values, r"(Z|[+-]\d\d:?\d\d)$")
    zoned = pc.strptime(pc.if_else(has_zone, values, None), "%Y-%m-%dT%H:%M:%S%z", "us", error_is_null=True)
    spaced = pc.replace_substring(pc.if_else(has_zone, None, values), " ", "T")
    naive = pc.coalesce(pc.strptime(spaced, "%Y-%m-%dT%H:%M:%S", "us", error_is_null=True),
                        pc.strptime(spaced, "%Y-%m-%dT%H:%M", "us", error_is_null=True))
    return pc.coalesce(pc.cast(zoned, pa.timestamp("us", tz="UTC")), pc.assume_timezone(naive, "Asia/Shanghai"))


def _text(table: pa.Table, column: str, default: str | None) -> pa.Array:
    if column not in table.column_names:
        return pa.array([default] * len(table), pa.string())
    values = pc.cast(table[column], pa.string())
    return pc.fill_null(values, default) if default is not None else values


def _not_in_values(values, allowed: list[str], allow_null: bool = False) -> np.ndarray:
    inside = pc.is_in(values, value_set=pa.array(allowed, pa.string()))
    if allow_null:
        inside = pc.or_kleene(inside, pc.is_null(values))
    return ~pc.fill_null(inside, False).to_numpy(zero_copy_only=False)


def _flag(problems: list[str], values, bad: np.ndarray, column: str, reason: str) -> None:
    """One problem per bad row, naming the row, the column and the value."""
    for i in np.flatnonzero(bad):
        value = values[int(i)] if len(problems) < MAX_LISTED else None  # only the listed ones are shown
        problems.append(msg("row {row}, column {column} ({value!r}): {reason}", row=int(i) + 1, column=column,
                            value=value.as_py() if hasattr(value, "as_py") else value, reason=msg(reason)))


def _beijing_days(times) -> np.ndarray:
    local = pc.local_timestamp(pc.cast(times, pa.timestamp("us", tz=str(CHINA))))
    return local.to_numpy(zero_copy_only=False).astype("datetime64[D]")


def _refuse(path: Path, problems: list[str]) -> None:
    raise ImportRejected(msg("{path}: {count} bad row(s); nothing was written", path=path, count=len(problems)),
                         problems=problems[:MAX_LISTED])
