"""GDAL's configuration, set before GDAL is first loaded: only the drivers we use, no network, no outside files.

geo/__init__.py imports this module first, so every process that imports anything of geo (the server,
the CLI, the sandboxed readers of geo/uploads) registers GDAL's drivers with these options in place.
GDAL reads GDAL_SKIP once, when pyogrio registers the drivers on import; the other options are read
on each use. `unexpected_drivers()` says whether the skip took (tests/security and every sandboxed
read check it): a newer GDAL with a driver missing from SKIP makes uploads refuse, not widen.
"""

import os

# Read: GeoPackage and Shapefile (GeoJSON and CSV are parsed in Python); written: GeoPackage (plan export).
KEEP = frozenset({"GPKG", "ESRI Shapefile"})

# Every other vector driver of the GDAL that pyogrio bundles (3.12), plus the raster VRT and map services. A name
# GDAL does not have is warned about at every start, so drivers of other builds (PostgreSQL, WFS…) are left to
# unexpected_drivers().
SKIP = (
    "ADBC", "AIVector", "AVCBin", "AVCE00", "AmigoCloud", "CSV", "CSW", "Carto", "DGN", "DXF", "EDIGEO", "EEDA",
    "ESRIJSON", "Elasticsearch", "FlatGeobuf", "GDALG", "GML", "GPSBabel", "GPX", "GTFS", "GeoJSON", "GeoJSONSeq",
    "GeoRSS", "HTTP", "Idrisi", "JML", "JSONFG", "KML", "LIBKML", "LVBAG", "MBTiles", "MEM", "MVT", "MapInfo File",
    "MapML", "MiraMonVector", "NGW", "OAPIF", "ODS", "OGCAPI", "OGR_GMT", "OGR_PDS", "OGR_VRT", "OSM", "OpenFileGDB",
    "PCIDSK", "PDF", "PDS4", "PGDUMP", "PLSCENES", "PMTiles", "S57", "SQLite", "SXF", "Selafin", "TopoJSON", "VDV",
    "VFK", "VICAR", "WAsP", "WFS", "XLSX",
    "VRT", "WMS", "WMTS", "WCS",
)

OPTIONS = {
    "GDAL_SKIP": ",".join(SKIP),  # commas: "MapInfo File" holds a space
    "GDAL_DRIVER_PATH": "disable",  # no plugin drivers
    # /vsicurl/ only fetches URLs ending in one of these: none does.
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".wangge-never",
    "CPL_VSIL_CURL_ALLOWED_FILENAME": "/wangge-never",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "CPL_ALLOW_VSISTDIN": "NO",
    # SQLite/GeoPackage: no functions reaching other datasets, no VirtualOGR from views and triggers.
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
    "ALLOW_VIRTUAL_OGR_FROM_TRIGGER_AND_VIEW": "NO",
    "ALLOW_OGR_SQL_FUNCTIONS_FROM_TRIGGER_AND_VIEW": "NO",
    "OGR_SQLITE_LOAD_EXTENSIONS": "",
    "GDAL_VRT_ENABLE_PYTHON": "NO",
    "GDAL_VRT_ENABLE_RAWRASTERBAND": "NO",
    # Opening a file lists nothing beside it (drivers probe the siblings they need by name).
    "GDAL_DISABLE_READDIR_ON_OPEN": "TRUE",
    "GDAL_PAM_ENABLED": "NO",  # no .aux.xml read or written next to a file
    "CPL_ENABLE_PATH_TRAVERSAL_DETECTION": "YES",
    "PROJ_NETWORK": "OFF",  # PROJ never downloads grids (a .prj or GeoPackage CRS could ask for one)
}


def harden() -> None:
    """Put OPTIONS into the environment, overriding what was there: GDAL falls back to it for config options."""
    os.environ.update(OPTIONS)


def unexpected_drivers() -> set[str]:
    """Vector drivers GDAL offers beyond KEEP (empty when the hardening took)."""
    import pyogrio

    return set(pyogrio.list_drivers()) - KEEP


harden()
