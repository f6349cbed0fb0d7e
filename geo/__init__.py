"""The domain: boundaries, people, cases and the rest; GDAL is configured first (geo.core.gdal_env)."""

from geo.core import gdal_env  # noqa: F401  (before anything can load GDAL)
