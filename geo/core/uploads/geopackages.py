"""GeoPackages: SQLite with the GPKG application id, opened by GDAL only once Python's sqlite3 found it plain.

GDAL's SQLite-based drivers can reach other datasets from inside a file: a VirtualOGR virtual table
opens any data source GDAL can, and views and generated columns run SQL when read. So the schema
is read first with sqlite3, read-only, with `trusted_schema` off: virtual tables other than the
R-tree of the GPKG spatial index, views, and generated columns are refused, and the one feature
table GDAL will read is named here, not picked by GDAL.
"""

import re
import sqlite3
import struct
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

from geo.core.errors import InvalidInput
from geo.core.i18n import Msg, msg

HEADER = b"SQLite format 3\x00"
APPLICATION_ID = 0x47504B47  # "GPKG", GeoPackage 1.2 and later
REQUIRED = ("gpkg_contents", "gpkg_geometry_columns", "gpkg_spatial_ref_sys")
# The module a virtual table uses, read as SQLite does: right after the (possibly quoted) name. Anything this does
# not match, comments included, is refused rather than guessed at.
VIRTUAL = re.compile(r"""\s*CREATE\s+VIRTUAL\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?
                         (?:"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|'(?:[^']|'')*'|[\w$]+)
                         \s+USING\s+(\w+)\s*\(""", re.IGNORECASE | re.VERBOSE)
FEATURE_TABLES = """
SELECT c.table_name FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
WHERE c.data_type = 'features' ORDER BY c.rowid
"""


def is_sqlite(head: bytes) -> bool:
    """Whether the first bytes of a file are an SQLite header."""
    return head.startswith(HEADER)


def _refuse(name: str, reason: Msg) -> InvalidInput:
    return InvalidInput(msg("{path}: not a plain GeoPackage ({reason})", path=name, reason=reason))


def feature_table(path: Path, name: str) -> str:
    """The first feature table of a plain GeoPackage; InvalidInput naming what makes it anything else."""
    with path.open("rb") as f:
        head = f.read(100)
    if not is_sqlite(head) or len(head) < 72:
        raise _refuse(name, msg("not an SQLite file"))
    application_id, = struct.unpack(">I", head[68:72])
    if application_id != APPLICATION_ID:
        raise _refuse(name, msg("application id {id:#x}, not GPKG", id=application_id))
    try:
        with closing(sqlite3.connect(f"file:{quote(str(path))}?mode=ro&immutable=1", uri=True)) as db:
            db.execute("PRAGMA trusted_schema = OFF")
            return _plain_schema(db, name)
    except sqlite3.DatabaseError as exc:
        raise _refuse(name, msg("SQLite cannot read it: {error}", error=exc)) from None


def _plain_schema(db: sqlite3.Connection, name: str) -> str:
    """The first feature table, once the schema holds nothing but plain tables, indexes, triggers and R-trees."""
    objects = db.execute("SELECT type, name, sql, rootpage FROM sqlite_master").fetchall()
    tables = set()
    for kind, table, sql, rootpage in objects:
        if kind == "view":
            raise _refuse(name, msg("it holds a view, {table}", table=table))
        # A virtual table has no pages of its own (rootpage 0), whatever its SQL text was made to look like.
        if (kind == "table" and not rootpage) or re.match(r"\s*CREATE\s+VIRTUAL\b", sql or "", re.IGNORECASE):
            module = VIRTUAL.match(sql)
            if module is None or module.group(1).lower() != "rtree":
                raise _refuse(name, msg("it holds a virtual table, {table}", table=table))
        if kind == "table":
            tables.add(table)
    missing = [t for t in REQUIRED if t not in tables]
    if missing:
        raise _refuse(name, msg("no {table} table", table=missing[0]))
    layers = [row[0] for row in db.execute(FEATURE_TABLES)]
    if not layers:
        raise _refuse(name, msg("no feature table"))
    for layer in layers:
        if layer not in tables:
            raise _refuse(name, msg("feature table {table} is not a table", table=layer))
        generated = [row[1] for row in db.execute("SELECT * FROM pragma_table_xinfo(?)", (layer,)) if row[6] in (2, 3)]
        if generated:
            raise _refuse(name, msg("column {column} of {table} is generated", column=generated[0], table=layer))
    return layers[0]
