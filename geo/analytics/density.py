"""A kernel-density surface of cases as a PNG overlay for the map.

Cases are counted on the overlay's pixel raster in Web Mercator (so it lines up with the map's
pixels) and smoothed with a Gaussian kernel of `bandwidth_m` metres (scipy.ndimage.gaussian_filter):
the binned approximation of a Gaussian KDE, exact to a pixel and fast for a million points. Values
are cases per km²; the most intense pixel gets the last colour of the ramp.
"""

import io
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy.ndimage import gaussian_filter
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.analytics.window import Window, window_filters
from geo.core.errors import InvalidInput
from geo.core.i18n import msg
from geo.core.query import bbox_condition

R = 6_378_137.0
MAX_SIDE = 2048
# YlOrRd: pale yellow → dark red, as heat maps in Chinese command centers usually are.
RAMP = np.array([[255, 255, 204], [255, 237, 160], [254, 217, 118], [254, 178, 76], [253, 141, 60], [252, 78, 42],
                 [227, 26, 28], [189, 0, 38], [128, 0, 38]], dtype=float)


@dataclass
class Surface:
    png: bytes
    max_per_km2: float
    cases: int
    per_km2: np.ndarray  # the raster behind the PNG, rows from the north


def mercator(lon, lat):
    """Web Mercator metres of WGS84 degrees (arrays)."""
    lat = np.clip(lat, -85.05, 85.05)
    return R * np.radians(lon), R * np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


def check(bbox, width: int, height: int, bandwidth_m: float) -> None:
    """InvalidInput for a missing bbox, an image size outside 16..MAX_SIDE or a bandwidth outside 10..5000 m."""
    if bbox is None:
        raise InvalidInput(msg("a density surface needs a bbox"))
    if not (16 <= width <= MAX_SIDE and 16 <= height <= MAX_SIDE) or not 10 <= bandwidth_m <= 5000:
        raise InvalidInput(msg("width and height must lie in 16..{max} pixels and bandwidth in 10..5000 m",
                               max=MAX_SIDE))


def density(session: Session, actor: Actor, win: Window, bbox, width: int, height: int,
            bandwidth_m: float = 150.0) -> Surface:
    """The density of `win`'s cases over `bbox` as a width × height PNG with transparency."""
    check(bbox, width, height, bandwidth_m)
    where, params = window_filters(actor, win)
    # Cases just outside the view still warm its edge: fetch a margin of three bandwidths.
    margin = 3 * bandwidth_m / (R * math.cos(math.radians((bbox[1] + bbox[3]) / 2))) * 180 / math.pi
    wide = (bbox[0] - margin, bbox[1] - margin, bbox[2] + margin, bbox[3] + margin)
    where += " AND " + bbox_condition("c.geom", wide, params)
    points = np.array(session.execute(text(f"SELECT ST_X(c.geom), ST_Y(c.geom) FROM cases c WHERE {where}"),
                                      params).all(), dtype=float).reshape(-1, 2)
    return surface(points, bbox, width, height, bandwidth_m)


def surface(points: np.ndarray, bbox, width: int, height: int, bandwidth_m: float) -> Surface:
    """The PNG of lon/lat `points` smoothed over `bbox` (pure NumPy/SciPy: the benchmark calls it directly)."""
    (x0, x1), (y0, y1) = mercator(np.array([bbox[0], bbox[2]]), np.array([bbox[1], bbox[3]]))
    px_w, px_h = (x1 - x0) / width, (y1 - y0) / height
    x, y = mercator(points[:, 0], points[:, 1]) if len(points) else (np.array([]), np.array([]))
    grid, _, _ = np.histogram2d(y1 - y, x - x0, bins=[height, width], range=[[0, y1 - y0], [0, x1 - x0]])
    smooth = gaussian_filter(grid, sigma=(bandwidth_m / px_h, bandwidth_m / px_w), mode="constant")
    # Mercator stretches distances by 1/cos(lat): a pixel's true area is smaller than its projected one.
    km2 = px_w * px_h * math.cos(math.radians((bbox[1] + bbox[3]) / 2)) ** 2 / 1e6
    per_km2 = smooth / km2
    top = float(per_km2.max()) if per_km2.size else 0.0
    return Surface(_png(per_km2 / top if top > 0 else per_km2), round(top, 3), int(len(points)), per_km2)


def _png(scaled: np.ndarray) -> bytes:
    """RGBA: the ramp's colour by intensity, transparent where (nearly) nothing is."""
    index = np.clip(scaled * (len(RAMP) - 1), 0, len(RAMP) - 1)
    low = np.floor(index).astype(int)
    high = np.minimum(low + 1, len(RAMP) - 1)
    t = (index - low)[..., None]
    rgb = RAMP[low] * (1 - t) + RAMP[high] * t
    alpha = np.clip(scaled * 4, 0, 0.85) * 255
    image = Image.fromarray(np.dstack([rgb, alpha]).astype(np.uint8), "RGBA")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
