"""Reading a GeoJSON geometry that came from outside: shape, numbers, size and validity checked before shapely sees it.

Shapely would close an open ring, keep NaN coordinates and build a million-vertex polygon without a word;
the service wants each of those refused with the reason (and the offending place), never a 500.
"""

import math

import shapely
from shapely.errors import GEOSException

from geo.core.errors import InvalidInput
from geo.core.i18n import Msg, msg

MAX_VERTICES = 100_000  # a grid's boundary has hundreds; a street's outline a few thousand
DEPTH = {"Point": 1, "LineString": 2, "MultiPoint": 2, "Polygon": 3, "MultiLineString": 3, "MultiPolygon": 4}


def problem(geometry, kinds: tuple[str, ...] = tuple(DEPTH)) -> Msg | None:
    """What is wrong with a GeoJSON geometry object (None when nothing is)."""
    if not isinstance(geometry, dict) or geometry.get("type") not in kinds:
        return msg("a GeoJSON geometry of type {kinds} is expected", kinds=" or ".join(kinds))
    kind, coords = geometry["type"], geometry.get("coordinates")
    positions: list = []
    if not _nested(coords, DEPTH[kind], positions):
        return msg("{kind}: coordinates must be lists of [lon, lat] numbers nested {depth} deep", kind=kind,
                   depth=DEPTH[kind])
    if len(positions) > MAX_VERTICES:
        return msg("{kind} has {count} vertices, more than the {max} accepted", kind=kind, count=len(positions),
                   max=MAX_VERTICES)
    bad = next((p for p in positions if not all(math.isfinite(v) for v in p[:2])), None)
    if bad is not None:
        return msg("{kind}: coordinate {position} is not a finite number", kind=kind, position=list(bad[:2]))
    return _ring_problem(kind, coords)


def read(geometry, kinds: tuple[str, ...] = tuple(DEPTH), *, valid: bool = True):
    """The geometry as shapely; InvalidInput says what is wrong (including why a polygon is invalid)."""
    reason = problem(geometry, kinds)
    if reason is not None:
        raise InvalidInput(reason)
    try:
        shape = shapely.geometry.shape(geometry)
    except (GEOSException, ValueError, TypeError, IndexError) as exc:
        raise InvalidInput(msg("unreadable geometry ({error})", error=exc)) from None
    if valid and not shape.is_valid:
        raise InvalidInput(msg("invalid {kind}: {reason}", kind=geometry["type"], reason=shapely.is_valid_reason(shape)))
    return shape


def _nested(node, depth: int, positions: list) -> bool:
    if depth == 1:
        ok = isinstance(node, list | tuple) and 2 <= len(node) <= 3 and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in node)
        if ok:
            positions.append(node)
        return ok
    return isinstance(node, list | tuple) and len(node) > 0 and all(_nested(child, depth - 1, positions) for child in node)


def _ring_problem(kind: str, coords) -> Msg | None:
    if kind not in ("Polygon", "MultiPolygon"):
        return None
    for polygon in coords if kind == "MultiPolygon" else [coords]:
        for ring in polygon:
            if len(ring) < 4:
                return msg("{kind}: a ring needs at least 4 positions, this one has {count}", kind=kind, count=len(ring))
            if list(ring[0]) != list(ring[-1]):
                return msg("{kind}: a ring must end where it starts (it is not closed)", kind=kind)
    return None
