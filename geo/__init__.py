"""The domain: boundaries, people, cases and the rest; GDAL is configured first (geo.gdal_env)."""

from geo import gdal_env  # noqa: F401  (before anything can load GDAL)
