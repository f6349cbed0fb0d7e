"""`wangge locate`: which grid, community, street and district hold a point."""

import json
from dataclasses import asdict
from typing import Annotated

import typer

from cli.common import (
    out,
    parse_day,
    session_scope,
)


def locate(lon: Annotated[float, typer.Argument(help="Longitude (or x)")],
           lat: Annotated[float, typer.Argument(help="Latitude (or y)")],
           crs: Annotated[str, typer.Option(help="wgs84, cgcs2000, gcj02, bd09 or EPSG:nnnn")] = None,
           at: Annotated[str, typer.Option(help="YYYY-MM-DD: the boundaries in force that day")] = None) -> None:
    """Print (as JSON) the grid, community, street and district of a point, and the grid's staff."""
    from geo.access.scope import EVERYTHING
    from geo.territory.locate import locate as run_locate

    with session_scope() as session:
        day = parse_day(at)
        found = run_locate(session, lon, lat, crs=crs, at=day, scope=EVERYTHING)
    out.print_json(json.dumps(asdict(found), default=str, ensure_ascii=False))
