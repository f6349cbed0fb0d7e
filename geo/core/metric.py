"""Areas and distances in metres around a point, for checks that must mean what they say."""

import numpy as np
import shapely
from pyproj import Transformer

DENSIFY_DEG = 0.001  # about 100 m: the chord of a projected edge then strays by well under a millimetre


class Metric:
    """A local Lambert azimuthal equal-area projection around a point: areas and short distances in metres.

    Edges are densified first: a straight edge in degrees is a curve in any projection, and a
    long one would otherwise move by more than the 1 m tolerance (8 km along a parallel: 1.1 m).
    """

    def __init__(self, lon: float, lat: float):
        self._fwd = Transformer.from_crs("EPSG:4326", f"+proj=laea +lat_0={lat} +lon_0={lon} +units=m", always_xy=True)

    def __call__(self, geom):
        geom = shapely.segmentize(geom, DENSIFY_DEG)
        return shapely.transform(geom, lambda xy: np.column_stack(self._fwd.transform(xy[:, 0], xy[:, 1])))

    def to_wgs84(self, geom):
        """A geometry in this projection's metres back to WGS84 (vertices only: no densifying)."""
        return shapely.transform(geom, lambda xy: np.column_stack(
            self._fwd.transform(xy[:, 0], xy[:, 1], direction="INVERSE")))
