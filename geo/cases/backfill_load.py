"""Loading located case rows into the month partitions of `cases`: a month that has its partition gets a COPY
into it; a new month is copied into a bare table on a connection of its own (two at a time), given the
partition's indexes and a check of the month's bounds, and attached in the caller's transaction, so attaching
builds and scans nothing. The bare tables of a failed or killed import are dropped.
"""

import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from psycopg import sql
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.cases.partitions import ensure_months
from geo.core.bulk import raw_connection
from geo.core.time import CHINA

LOADERS = 2  # months loaded at once, each on its own connection: the server's COPY and index builds use a core each
COLUMNS = ("category", "channel", "status", "reported_at", "closed_at", "rating", "geom", "grid_code", "located_match",
           "handler_level", "handler_area")


def partition_name(month) -> str:
    """The name of the month's partition of cases, e.g. cases_2019_03."""
    return f"cases_{month:%Y_%m}"


def load_apart(engine, owner: int, months: dict, advance: Callable[[int], None]) -> dict:
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
        copy_into(conn, name, rows, freeze=True)
        conn.execute(sql.SQL("ALTER TABLE {} ALTER id DROP DEFAULT, ADD CONSTRAINT {} PRIMARY KEY (id, reported_at), "
                             "ADD CONSTRAINT load_bounds CHECK (reported_at >= {} AND reported_at < {})").format(
            sql.Identifier(name), sql.Identifier(f"{partition_name(month)}_pkey"), sql.Literal(low), sql.Literal(high)))
        for index, definition in conn.execute(PARTITION_INDEXES).fetchall():
            conn.execute(_index_on(definition, index, name, partition_name(month)))
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


def attach(session: Session, bare: str, month) -> None:
    """The loaded table becomes the month's partition: its indexes are adopted, its bounds check spares the scan."""
    conn = raw_connection(session)
    conn.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(sql.Identifier(bare), sql.Identifier(partition_name(month))))
    ensure_months(session, month, month)
    conn.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT load_bounds").format(sql.Identifier(partition_name(month))))


def _bounds(month) -> tuple[datetime, datetime]:
    """The month's first and next month's first instant, Beijing time."""
    first = datetime(month.year, month.month, 1, tzinfo=CHINA)
    return first, datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=CHINA)


def drop_orphans(session: Session) -> None:
    """Drop bare tables left by imports whose backend is gone (their transaction never attached them)."""
    for (name,) in session.execute(text("""
            SELECT relname FROM pg_class WHERE relname LIKE 'cases\\_load\\_%' AND relkind = 'r'
              AND split_part(relname, '_', 3)::int NOT IN (SELECT pid FROM pg_stat_activity)""")).all():
        session.execute(text(f'DROP TABLE "{name}"'))


def _drop(engine, tables) -> None:
    """Drop the bare tables, in a transaction of their own."""
    with engine.begin() as conn:
        for table in tables:
            conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{table}"')


def copy_into(conn, table: str, rows: pa.Table, freeze: bool = False) -> None:
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


HEX = np.frombuffer(b"0123456789ABCDEF", np.uint8)


EWKB_POINT_4326 = np.frombuffer(bytes([1]) + (0x20000001).to_bytes(4, "little") + (4326).to_bytes(4, "little"), np.uint8)


def ewkb_hex(lon: np.ndarray, lat: np.ndarray) -> pa.Array:
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
