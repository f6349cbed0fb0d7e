"""Shapefiles: their parts staged under generated names, each checked by its bytes before GDAL opens the .shp.

A .zip may hold only the parts GDAL needs (.shp .shx .dbf, optionally .prj .cpg), one of each;
folders inside it are fine (zips made by "compress folder" have them), and macOS's __MACOSX/
resource forks are skipped. An operator may also name a folder holding one .shp, or a .shp with
its parts beside it; an upload never can.
"""

import re
import struct
from pathlib import Path

from geo.core.errors import InvalidInput
from geo.core.i18n import Msg, msg
from geo.core.uploads import staging, zips
from geo.core.uploads.limits import Limits

PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
REQUIRED = (".shp", ".shx", ".dbf")
STEM = "layer"
SKIPPED = "__MACOSX/"
FILE_CODE, VERSION = 9994, 1000
SHAPE_TYPES = {0, 1, 3, 5, 8, 11, 13, 15, 18, 21, 23, 25, 28, 31}
DBF_VERSIONS = {0x02, 0x03, 0x04, 0x05, 0x30, 0x31, 0x32, 0x43, 0x63, 0x83, 0x8B, 0xCB, 0xE5, 0xF5, 0xFB}
WKT = re.compile(r"^\s*[A-Z][A-Z0-9_]*\[")
TEXT_LIMITS = {".prj": 64 * 1024, ".cpg": 64}


def from_zip(path: Path, work: Path, name: str, limits: Limits) -> Path:
    """The .shp of a zipped Shapefile, its parts unpacked into `work`."""
    with zips.open_zip(path, name) as archive:
        chosen = {}
        for info in zips.vet(archive, name, limits):
            if info.is_dir() or info.filename.startswith(SKIPPED):
                continue
            ext = staging.suffix(info.filename)
            if ext not in PARTS:
                raise zips.refused(name, info.filename, msg("a .zip may hold only a Shapefile's {parts}",
                                                            parts=" ".join(PARTS)))
            if ext in chosen:
                raise zips.refused(name, info.filename, msg("a second {ext}: a .zip holds one Shapefile", ext=ext))
            chosen[ext] = info
        _require(chosen, name)
        for ext, info in chosen.items():
            zips.extract(archive, info, work / f"{STEM}{ext}", name)
    return checked(work, name)


def parts_beside(shp: Path) -> dict[str, Path]:
    """An operator's .shp and the parts next to it with the same name (any case of the suffix)."""
    found = {".shp": shp}
    for sibling in shp.parent.iterdir():
        ext = sibling.suffix.lower()
        if sibling.stem == shp.stem and ext in PARTS and ext != ".shp":
            found[ext] = sibling
    return found


def parts_in_folder(folder: Path, name: str) -> dict[str, Path]:
    """The parts of the one Shapefile in an operator's folder."""
    shps = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".shp")
    if len(shps) != 1:
        raise InvalidInput(msg("{folder}: a Shapefile folder must hold exactly one .shp, found {count}", folder=name,
                               count=len(shps)))
    return parts_beside(shps[0])


def from_files(parts: dict[str, Path], work: Path, name: str, limits: Limits) -> Path:
    """The .shp of an operator's Shapefile, its parts copied into `work` within the byte limit."""
    _require(parts, name)
    budget = limits.bytes
    for ext, path in parts.items():
        budget -= staging.copy_file(path, work / f"{STEM}{ext}", budget, name)
    return checked(work, name)


def _require(parts: dict, name: str) -> None:
    missing = [ext for ext in REQUIRED if ext not in parts]
    if missing:
        raise InvalidInput(msg("{path}: a Shapefile needs {parts}; {missing} is missing", path=name,
                               parts=" ".join(REQUIRED), missing=" ".join(missing)))


def checked(work: Path, name: str) -> Path:
    """The staged .shp, once every staged part has the bytes of its kind."""
    for ext in (".shp", ".shx"):
        _check_main(work / f"{STEM}{ext}", ext, name)
    _check_dbf(work / f"{STEM}.dbf", name)
    for ext, limit in TEXT_LIMITS.items():
        if (work / f"{STEM}{ext}").exists():
            _check_text(work / f"{STEM}{ext}", ext, limit, name)
    return work / f"{STEM}.shp"


def _head(path: Path, size: int) -> bytes:
    with path.open("rb") as f:
        return f.read(size)


def _not_a(name: str, ext: str, why: Msg) -> InvalidInput:
    return InvalidInput(msg("{path}: the {ext} is not a Shapefile's ({reason})", path=name, ext=ext, reason=why))


def _check_main(path: Path, ext: str, name: str) -> None:
    """.shp and .shx: file code 9994 (big-endian), version 1000 and a known shape type (little-endian)."""
    head = _head(path, 100)
    if len(head) < 100:
        raise _not_a(name, ext, msg("shorter than its 100-byte header"))
    code, = struct.unpack(">i", head[0:4])
    version, shape_type = struct.unpack("<ii", head[28:36])
    if code != FILE_CODE or version != VERSION:
        raise _not_a(name, ext, msg("file code {code}, version {version}", code=code, version=version))
    if shape_type not in SHAPE_TYPES:
        raise _not_a(name, ext, msg("shape type {type}", type=shape_type))


def _check_dbf(path: Path, name: str) -> None:
    """.dbf: a dBase version byte and a header that fits the file."""
    data = _head(path, 32)
    if len(data) < 32 or data[0] not in DBF_VERSIONS:
        raise _not_a(name, ".dbf", msg("no dBase header"))
    header, record = struct.unpack("<HH", data[8:12])
    if header < 33 or record < 1 or header > path.stat().st_size:
        raise _not_a(name, ".dbf", msg("a header of {header} bytes, records of {record}", header=header,
                                              record=record))


def _check_text(path: Path, ext: str, limit: int, name: str) -> None:
    """.prj (WKT) and .cpg (an encoding's name): short text, the .prj starting like WKT."""
    data = path.read_bytes()
    if len(data) > limit or b"\x00" in data:
        raise _not_a(name, ext, msg("more than {limit} bytes, or not text", limit=limit))
    text = data.decode("utf-8", errors="replace")
    if ext == ".prj" and text.strip() and not WKT.match(text):
        raise _not_a(name, ext, msg("not WKT"))
    if ext == ".cpg" and not text.strip().isprintable():
        raise _not_a(name, ext, msg("not the name of an encoding"))
