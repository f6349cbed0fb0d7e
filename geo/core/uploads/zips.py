"""Vetting a .zip (a zipped Shapefile, an .xlsx) with Python's zipfile before anything reads it.

Checked: member count, every member's name (nothing absolute, no drive letter, backslash, NUL or
`..`), encryption, the total unpacked size and each large member's compression ratio (zip bombs).
Sizes are the declared ones; zipfile never unpacks past a member's declared size and checks its CRC,
so a member lying about its size fails to read instead of growing.
"""

import re
import zipfile
import zlib
from pathlib import Path

from geo.core.errors import InvalidInput
from geo.core.i18n import Msg, msg
from geo.core.uploads.limits import MIB, Limits

DRIVE = re.compile(r"^[A-Za-z]:")
# Below this a member may compress as well as it likes: small text files of spaces do.
RATIO_FROM = MIB
READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError)


def open_zip(path: Path, name: str) -> zipfile.ZipFile:
    """The archive at `path`; InvalidInput when it is not a readable zip."""
    try:
        return zipfile.ZipFile(path)
    except READ_ERRORS as exc:
        raise InvalidInput(msg("{path}: not a readable zip ({error})", path=name, error=exc)) from None


def unsafe_name(member: str) -> Msg | None:
    """Why a member name may not be used, or None."""
    if member.startswith("/") or DRIVE.match(member):
        return msg("an absolute path")
    if "\x00" in member:
        return msg("a NUL character in the name")
    if "\\" in member:
        return msg("a backslash in the name")
    if any(part == ".." for part in member.split("/")):
        return msg("a '..' in the path")
    if member.strip("./") == "":
        return msg("an empty name")
    if any(ord(c) < 32 for c in member):
        return msg("a control character in the name")
    return None


def refused(name: str, member: str, reason: Msg) -> InvalidInput:
    """The error naming the archive, the member and why it is refused."""
    return InvalidInput(msg("{path}: member {member!r} refused: {reason}", path=name, member=member[:100],
                            reason=reason))


def vet(archive: zipfile.ZipFile, name: str, limits: Limits) -> list[zipfile.ZipInfo]:
    """The archive's members once names, count, sizes and ratios are checked; InvalidInput names the first bad one."""
    members = archive.infolist()
    if len(members) > limits.zip_members:
        raise InvalidInput(msg("{path}: {count} members, at most {limit}", path=name, count=len(members),
                               limit=limits.zip_members))
    total, seen = 0, set()
    for info in members:
        # orig_filename: zipfile cuts `filename` at a NUL, hiding what follows it
        reason = unsafe_name(info.orig_filename)
        if reason:
            raise refused(name, info.orig_filename, reason)
        if info.filename.lower() in seen:
            raise refused(name, info.filename, msg("the name appears twice"))
        seen.add(info.filename.lower())
        if info.flag_bits & 0x1:
            raise refused(name, info.filename, msg("it is encrypted"))
        total += info.file_size
        if total > limits.unzipped_bytes:
            raise InvalidInput(msg("{path}: unpacks to more than {limit} bytes", path=name,
                                   limit=limits.unzipped_bytes))
        if info.file_size >= RATIO_FROM and info.file_size > limits.zip_ratio * max(info.compress_size, 1):
            raise refused(name, info.filename, msg("packed {ratio:.0f} to 1, at most {limit:g}",
                                                   ratio=info.file_size / max(info.compress_size, 1),
                                                   limit=limits.zip_ratio))
    return members


def extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, name: str) -> None:
    """Unpack one vetted member into a new file `target` (a name of ours), no further than its declared size."""
    written = 0
    try:
        with archive.open(info) as source, target.open("xb") as out:
            while chunk := source.read(MIB):
                written += len(chunk)
                if written > info.file_size:
                    raise refused(name, info.filename, msg("it unpacks past its declared size"))
                out.write(chunk)
    except READ_ERRORS as exc:
        raise refused(name, info.filename, msg("it cannot be unpacked ({error})", error=exc)) from None
