"""Cases as GeoParquet (1.1), for multi-year, multi-city questions in DuckDB, Apache Sedona or GeoPandas.

Written in batches from a server-side cursor, so a year of a megacity does not have to fit in memory.
Only the case itself goes out (where, what, when, which grid, how it went); no reporter, no description,
no attachment: the file is meant to leave the service (docs/privacy.md).
"""

import json
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.analytics.window import Window, window_filters

BATCH = 100_000
COLUMNS = [("id", pa.int64()), ("category", pa.string()), ("status", pa.string()), ("urgency", pa.string()),
           ("channel", pa.string()), ("grid_code", pa.string()), ("community_code", pa.string()),
           ("street_code", pa.string()), ("district_code", pa.string()),
           ("reported_at", pa.timestamp("us", tz="UTC")), ("closed_at", pa.timestamp("us", tz="UTC")),
           ("overdue", pa.bool_()), ("escalations", pa.int32()), ("rating", pa.string()),
           ("geometry", pa.binary())]
SCHEMA = pa.schema(COLUMNS)

SELECT = """
SELECT c.id, c.category, c.status, c.urgency, c.channel, c.grid_code, left(c.grid_code, 12),
       left(c.grid_code, 9) || '000', left(c.grid_code, 6), c.reported_at, c.closed_at, c.overdue, c.escalations,
       c.rating, ST_AsBinary(c.geom)
FROM cases c WHERE {where} ORDER BY c.reported_at, c.id
"""


def _metadata(bbox: list[float] | None) -> dict:
    """The GeoParquet "geo" key: WKB points in OGC:CRS84 (lon, lat), the default CRS when none is given."""
    column = {"encoding": "WKB", "geometry_types": ["Point"]}
    if bbox:
        column["bbox"] = bbox
    return {"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": column}}


def count(session: Session, actor: Actor, win: Window) -> int:
    """How many cases the export of this window would write (for a progress bar)."""
    where, params = window_filters(actor, win)
    return session.execute(text("SELECT count(*) FROM cases c WHERE " + where), params).scalar()


def export_cases(session: Session, actor: Actor, win: Window, path: Path,
                 advance: Callable[[int], None] = lambda n: None) -> int:
    """Write the window's cases `actor` may see to `path`; returns how many."""
    where, params = window_filters(actor, win)
    bbox = session.execute(text("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(c.geom) "
                                f"AS e FROM cases c WHERE {where}) s"), params).one()
    schema = SCHEMA.with_metadata({b"geo": json.dumps(_metadata(list(bbox) if bbox[0] is not None else None))})
    written = 0
    result = session.execute(text(SELECT.format(where=where)), params,
                             execution_options={"stream_results": True, "yield_per": BATCH})
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for rows in result.partitions(BATCH):
            columns = list(zip(*rows)) if rows else [[] for _ in COLUMNS]
            arrays = [pa.array([bytes(v) for v in values] if name == "geometry" else list(values), type=kind)
                      for (name, kind), values in zip(COLUMNS, columns)]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            written += len(rows)
            advance(len(rows))
    return written
