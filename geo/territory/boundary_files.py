"""Reading boundary files into raw features; every file is untrusted and read in a sandboxed child under limits.

The format is decided here from the bytes, never by GDAL's guessing: the name's suffix says what the
file claims to be and the bytes must agree. GeoJSON and CSV with WKT go to our own Python readers
and never reach GDAL; a GeoPackage only once it proves SQLite with the GPKG application id and a
plain schema (geo.core.uploads.geopackages); a Shapefile only as a .zip of its parts, each checked by
its bytes (geo.core.uploads.shapefiles). An operator on the command line may also name a folder holding
one Shapefile, or its .shp; an upload never can. Limits: geo.core.uploads.limits (WANGGE_UPLOAD_*).
"""

import struct
from pathlib import Path
from typing import BinaryIO

import shapely

from geo.core.errors import InvalidInput
from geo.core.i18n import msg
from geo.core.uploads import geopackages, sandbox, shapefiles
from geo.core.uploads.limits import Limits
from geo.core.uploads.staging import (
    copy_file,
    copy_limited,
    display_name,
    private_dir,
    suffix,
)
from geo.territory.boundary_readers import (
    RawFeature,
    RawFile,
    read_csv,
    read_geojson,
    read_ogr,
)

__all__ = ["RawFeature", "RawFile", "read_boundary_file", "read_boundary_upload"]

CLAIMS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".csv": "CSV", ".gpkg": "GeoPackage", ".zip": "zip",
          ".shp": "Shapefile"}
TEXT = ("GeoJSON", "CSV")
SHAPEFILE, GEOPACKAGE = "ESRI Shapefile", "GPKG"
UPLOAD = "upload"  # the staged upload's name: nothing of the caller's


def read_boundary_file(path: Path, *, operator: bool = False, limits: Limits | None = None) -> RawFile:
    """Read the boundary file at `path`; `operator` (the CLI) also allows a Shapefile folder or a bare .shp.

    `limits` default to the WANGGE_UPLOAD_* settings."""
    path = Path(path)
    if not path.exists():
        raise InvalidInput(msg("{path}: no such file or folder", path=path))
    limits = limits or Limits.from_settings()
    with private_dir() as work:
        return sandbox.run(parse, path, str(path), operator, work, limits, name=str(path), limits=limits)


def read_boundary_upload(stream: BinaryIO, filename: str | None) -> RawFile:
    """Read an uploaded boundary file; its name only says which format it claims and names it in messages."""
    name = display_name(filename, "plan.geojson")
    limits = Limits.from_settings()
    with private_dir() as work:
        copy_limited(stream, work / UPLOAD, limits.bytes, name)
        return sandbox.run(parse, work / UPLOAD, name, False, work, limits, name=name, limits=limits)


def parse(path: Path, name: str, operator: bool, work: Path, limits: Limits) -> RawFile:
    """In the sandbox: the reader the name and the bytes agree on, then the vertex limit."""
    raw = _read(path, name, operator, work, limits)
    geometries = [f.geometry for f in raw.features if f.geometry is not None]
    vertices = int(shapely.get_num_coordinates(geometries).sum()) if geometries else 0
    if vertices > limits.vertices:
        raise InvalidInput(msg("{path}: {count} vertices, at most {limit}", path=name, count=vertices,
                               limit=limits.vertices))
    return raw


def _read(path: Path, name: str, operator: bool, work: Path, limits: Limits) -> RawFile:
    claim = "folder" if path.is_dir() else CLAIMS.get(suffix(name))
    if claim in ("folder", "Shapefile") and operator:
        parts = shapefiles.parts_in_folder(path, name) if claim == "folder" else shapefiles.parts_beside(path)
        return read_ogr(shapefiles.from_files(parts, work, name, limits), SHAPEFILE, None, name, limits)
    if claim is None or claim in ("folder", "Shapefile"):
        raise _unsupported(name, claim, operator)
    if not path.is_file():
        raise InvalidInput(msg("{path}: no such file or folder", path=name))
    if path.stat().st_size > limits.bytes:
        raise InvalidInput(msg("{path} is larger than {limit} bytes", path=name, limit=limits.bytes))
    found = _sniff(path)
    expected = "text" if claim in TEXT else claim
    if found != expected:
        raise InvalidInput(msg("{path}: named as {claim} but the content is {found}", path=name, claim=claim,
                               found=FOUND[found]))
    if claim == "GeoJSON":
        return read_geojson(path, name, limits)
    if claim == "CSV":
        return read_csv(path, name, limits)
    if claim == "zip":
        return read_ogr(shapefiles.from_zip(path, work, name, limits), SHAPEFILE, None, name, limits)
    staged = work / "layer.gpkg"  # GDAL wants the suffix; an operator's file is copied, leaving its sidecars behind
    if path.parent == work:
        path.replace(staged)
    else:
        copy_file(path, staged, limits.bytes, name)
    return read_ogr(staged, GEOPACKAGE, geopackages.feature_table(staged, name), name, limits)


FOUND = {"zip": msg("a zip archive"), "GeoPackage": msg("an SQLite database"), "shp": msg("a Shapefile .shp"),
         "binary": msg("binary data"), "text": msg("text")}


def _sniff(path: Path) -> str:
    """What a file's first bytes say it is: zip, GeoPackage (any SQLite), shp, text, else binary."""
    with path.open("rb") as f:
        head = f.read(4096)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if geopackages.is_sqlite(head):
        return "GeoPackage"
    if len(head) >= 4 and struct.unpack(">i", head[:4])[0] == shapefiles.FILE_CODE:
        return "shp"
    return "binary" if b"\x00" in head else "text"


def _unsupported(name: str, claim: str | None, operator: bool) -> InvalidInput:
    if operator:
        return InvalidInput(msg("{path}: unsupported format {suffix!r}; use GeoJSON, GeoPackage, Shapefile (.shp, "
                                "folder or .zip) or CSV with WKT", path=name, suffix=suffix(name)))
    return InvalidInput(msg("{path}: unsupported format {suffix!r}; upload GeoJSON, GeoPackage, a zipped Shapefile "
                            "(.shp .shx .dbf, optionally .prj .cpg) or CSV with WKT", path=name, suffix=suffix(name)))
