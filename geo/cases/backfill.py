"""Bulk import of historical cases (a year of 12345 records, say): every case located to the grid in force on its day.

Built for millions of rows: the file is read with Arrow, checked as whole columns, and located with a
shapely STRtree over every grid boundary ever in force (a case goes to the version valid on its Beijing
day). A month with no partition yet is loaded, two months at a time on connections of their own, into a
bare table that gets the partition's indexes and a check of the month's bounds, so attaching it as the
month's partition builds and scans nothing; a month that already has its partition is copied into it.
Attaching happens in the caller's transaction, so the import is all or nothing; the bare tables of a
failed import are dropped (a killed process can leave `cases_load_*` tables behind, safe to drop).
Any bad row refuses the whole file, each problem named by row, column and value.

Input (rows counted from 1, after the header): CSV or Parquet with the columns category, lon, lat
(WGS84) and reported_at (ISO 8601; without a zone, Beijing time); optional status (closed or rated,
default closed), channel (default hotline), closed_at and rating.
"""

import gc
import io
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
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

from geo.cases.categories import categories
from geo.cases.intake import CHANNELS
from geo.cases.partitions import ensure_months
from geo.cases.workflow import RATINGS
from geo.core.bulk import raw_connection
from geo.core.errors import ImportRejected
from geo.core.i18n import msg
from geo.core.models import CaseStatus
from geo.core.time import CHINA

REQUIRED = ("category", "lon", "lat", "reported_at")
FINISHED = (CaseStatus.closed, CaseStatus.rated)
MAX_LISTED = 20  # problems listed in the refusal; the count covers all
LOADERS = 2  # months loaded at once, each on its own connection: the server's COPY and index builds use a core each
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
    if not path.is_file():
        raise ImportRejected(msg("{path}: no such file or folder", path=path))
    if path.suffix.lower() == ".parquet":
        try:
            return pq.read_table(path)
        except pa.ArrowInvalid as exc:
            raise ImportRejected(msg("{path}: not a readable Parquet file: {reason}", path=path, reason=str(exc))) from None
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
        _refuse(path, problems)
    report.seconds["read, check and locate"] = time.perf_counter() - clock
    table = table.append_column("grid_code", pa.array(grid, pa.string()))
    table = table.append_column("geom", _ewkb_hex(lon, lat))
    months = days.astype("datetime64[M]")
    order = np.argsort(months, kind="stable")
    chunks = {months[c[0]].item(): c for c in np.split(order, np.flatnonzero(np.diff(months[order].astype(int))) + 1)}
    existing = set(session.execute(text("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                                        "WHERE i.inhparent = 'cases'::regclass")).scalars())
    fresh = {month: chunk for month, chunk in chunks.items() if _partition(month) not in existing}
    for month, chunk in chunks.items():
        if month not in fresh:
            _copy(raw_connection(session), "cases", table.take(pa.array(chunk)))
            advance(len(chunk))
    owner = session.execute(text("SELECT pg_backend_pid()")).scalar()
    _drop_orphans(session)
    loaded = _load_apart(session.get_bind().engine, owner, {m: table.take(pa.array(c)) for m, c in fresh.items()},
                         advance)
    for month, bare in loaded.items():
        _attach(session, bare, month)
    # rows that arrive by attaching fire no trigger of cases: tell the caches keyed by its change counter (0004)
    session.execute(text("SELECT nextval('wangge_changes_cases')"))
    report.months = {_partition(month): len(chunk) for month, chunk in chunks.items()}
    report.new_partitions = sorted(_partition(month) for month in fresh)
    report.cases = len(table)
    report.seconds["total"] = time.perf_counter() - clock
    return report


def _partition(month) -> str:
    return f"cases_{month:%Y_%m}"


def _load_apart(engine, owner: int, months: dict, advance: Callable[[int], None]) -> dict:
    """Each month's rows in a bare table of its own, indexed like a partition and committed, two at a time
    (the machine's two cores); the bare table of each month. Any failure drops them all.

    The tables are named for the importing backend (`owner`), so a later import can tell leftovers of a
    transaction that rolled back or a process that died from the tables of an import still running."""
    bare = {month: f"cases_load_{owner}_{month:%Y_%m}" for month in months}
    try:
        with ThreadPoolExecutor(LOADERS) as pool:
            for month, rows in zip(months, pool.map(lambda m: _load_bare(engine, bare[m], m, months[m]), months)):
                advance(rows)
    except BaseException:
        _drop(engine, bare.values())
        raise
    return bare


def _load_bare(engine, name: str, month, rows: pa.Table) -> int:
    """COPY one month into a new table, add the partition's indexes (named for the partition it will become)
    and bounds, commit; the rows loaded."""
    low, high = _bounds(month)
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        conn.execute(sql.SQL("CREATE TABLE {} (LIKE cases INCLUDING DEFAULTS INCLUDING CONSTRAINTS)").format(
            sql.Identifier(name)))
        conn.execute(sql.SQL("ALTER TABLE {} ALTER id SET DEFAULT nextval(pg_get_serial_sequence('cases', 'id'))").format(
            sql.Identifier(name)))
        _copy(conn, name, rows, freeze=True)
        conn.execute(sql.SQL("ALTER TABLE {} ALTER id DROP DEFAULT, ADD CONSTRAINT {} PRIMARY KEY (id, reported_at), "
                             "ADD CONSTRAINT load_bounds CHECK (reported_at >= {} AND reported_at < {})").format(
            sql.Identifier(name), sql.Identifier(f"{_partition(month)}_pkey"), sql.Literal(low), sql.Literal(high)))
        for index, definition in conn.execute(PARTITION_INDEXES).fetchall():
            conn.execute(_index_on(definition, index, name, _partition(month)))
        raw.commit()
        return len(rows)
    finally:
        raw.close()


# The partitioned indexes of cases; each partition needs a matching one (ATTACH then adopts it, building nothing).
PARTITION_INDEXES = """
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
WHERE i.indrelid = 'cases'::regclass AND NOT i.indisprimary
"""


def _index_on(definition: str, index: str, table: str, partition: str) -> str:
    """`CREATE INDEX ix_cases_x ON ONLY public.cases …` as the index `<partition>_x_idx` on `table`."""
    _, rest = definition.split(" ON ONLY public.cases ", 1)
    return f'CREATE INDEX "{partition}_{index.removeprefix("ix_cases_")}_idx" ON public."{table}" {rest}'


def _attach(session: Session, bare: str, month) -> None:
    """The loaded table becomes the month's partition: its indexes are adopted, its bounds check spares the scan."""
    conn = raw_connection(session)
    conn.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(sql.Identifier(bare), sql.Identifier(_partition(month))))
    ensure_months(session, month, month)
    conn.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT load_bounds").format(sql.Identifier(_partition(month))))


def _bounds(month) -> tuple[datetime, datetime]:
    """The month's first and next month's first instant, Beijing time."""
    first = datetime(month.year, month.month, 1, tzinfo=CHINA)
    return first, datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=CHINA)


def _drop_orphans(session: Session) -> None:
    """Drop bare tables left by imports whose backend is gone (their transaction never attached them)."""
    for (name,) in session.execute(text("""
            SELECT relname FROM pg_class WHERE relname LIKE 'cases\\_load\\_%' AND relkind = 'r'
              AND split_part(relname, '_', 3)::int NOT IN (SELECT pid FROM pg_stat_activity)""")).all():
        session.execute(text(f'DROP TABLE "{name}"'))


def _drop(engine, tables) -> None:
    with engine.begin() as conn:
        for table in tables:
            conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{table}"')


def _copy(conn, table: str, rows: pa.Table, freeze: bool = False) -> None:
    """COPY rows (CSV made by Arrow) into `table`; FREEZE when the table is new in this transaction."""
    columns = sql.SQL(", ").join(map(sql.Identifier, COLUMNS))
    options = sql.SQL("(FORMAT csv, FREEZE true)" if freeze else "(FORMAT csv)")
    with conn.cursor().copy(sql.SQL("COPY {} ({}) FROM STDIN {}").format(sql.Identifier(table), columns, options)) as copy:
        copy.write(_csv(rows))


def _csv(rows: pa.Table) -> bytes:
    """The rows in COPY's CSV form, in COLUMNS order (empty = NULL)."""
    grid = rows["grid_code"]
    out = pa.table({"category": rows["category"], "channel": rows["channel"], "status": rows["status"],
                    "reported_at": rows["reported_at"], "closed_at": rows["closed_at"], "rating": rows["rating"],
                    "geom": rows["geom"],
                    "grid_code": grid, "located_match": pa.repeat("inside", len(rows)).cast(pa.string()),
                    "handler_level": pa.repeat("grid", len(rows)).cast(pa.string()), "handler_area": grid})
    sink = io.BytesIO()
    pacsv.write_csv(out, sink, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    return sink.getvalue()


def _points(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """shapely points, made with the garbage collector paused (a million new objects would set it off many times)."""
    gc.disable()
    try:
        return shapely.points(lon, lat)
    finally:
        gc.enable()


HEX = np.frombuffer(b"0123456789ABCDEF", np.uint8)
EWKB_POINT_4326 = np.frombuffer(bytes([1]) + (0x20000001).to_bytes(4, "little") + (4326).to_bytes(4, "little"), np.uint8)


def _ewkb_hex(lon: np.ndarray, lat: np.ndarray) -> pa.Array:
    """Points as hex EWKB with SRID 4326 (COPY's text form of a geometry), built as one array: 25 bytes a point."""
    n = len(lon)
    wkb = np.empty((n, 25), np.uint8)
    wkb[:, :9] = EWKB_POINT_4326
    wkb[:, 9:17] = lon.astype("<f8").view(np.uint8).reshape(n, 8)
    wkb[:, 17:] = lat.astype("<f8").view(np.uint8).reshape(n, 8)
    chars = np.empty((n, 50), np.uint8)
    chars[:, 0::2], chars[:, 1::2] = HEX[wkb >> 4], HEX[wkb & 15]
    offsets = np.arange(0, 50 * (n + 1), 50, dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(chars.tobytes())])


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
