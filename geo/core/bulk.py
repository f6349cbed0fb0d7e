"""Bulk writes with COPY, for generated data and large imports (hand-written on purpose: ORM inserts are 50× slower)."""

from collections.abc import Iterable, Sequence

import shapely
from psycopg import sql
from sqlalchemy.orm import Session


def raw_connection(session: Session):
    """The psycopg connection under a session, inside the session's transaction."""
    return session.connection().connection.driver_connection


def reserve_ids(session: Session, table: str, count: int) -> list[int]:
    """`count` fresh values of `table`'s identity column, so rows can be copied with known ids."""
    if count == 0:
        return []
    query = sql.SQL("SELECT nextval(pg_get_serial_sequence({}, 'id')) FROM generate_series(1, %s)").format(
        sql.Literal(table))
    return [row[0] for row in raw_connection(session).execute(query, (count,))]


def copy_rows(session: Session, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """COPY rows into `table`; geometries are passed as EWKB hex (see `ewkb`)."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns)))
    with raw_connection(session).cursor().copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def ewkb(geom) -> str:
    """A WGS84 geometry as EWKB hex, the text form COPY accepts for a geometry column."""
    return shapely.to_wkb(shapely.set_srid(geom, 4326), hex=True, include_srid=True)
