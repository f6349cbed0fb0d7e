"""Untrusted bytes into a private folder, under names we generate, within the byte limit.

Nothing a caller names is ever used as a path: an upload's file name only says which format it
claims to be (its suffix) and how to name it in messages.
"""

import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from geo.core.errors import InvalidInput
from geo.core.i18n import msg

CHUNK = 1024 * 1024


@contextmanager
def private_dir() -> Iterator[Path]:
    """A fresh folder only this user may enter (mkdtemp's 0700), removed with its contents afterwards."""
    with tempfile.TemporaryDirectory(prefix="wangge-upload-") as folder:
        yield Path(folder)


def display_name(filename: str | None, default: str) -> str:
    """A client's file name fit for messages: its last component, no control characters, at most 100 characters."""
    last = PurePosixPath((filename or "").replace("\\", "/")).name
    clean = "".join(c for c in last if unicodedata.category(c)[0] != "C").strip()
    return clean[-100:] or default


def suffix(name: str) -> str:
    """The lower-case suffix of a file name ('.zip'), or ''."""
    return PurePosixPath(name).suffix.lower()


def copy_limited(source: BinaryIO, target: Path, limit: int, name: str) -> int:
    """Copy a stream into a new file `target`, refusing it beyond `limit` bytes; returns the size."""
    size = 0
    with target.open("xb") as out:
        while chunk := source.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise InvalidInput(msg("{path} is larger than {limit} bytes", path=name, limit=limit))
            out.write(chunk)
    return size


def copy_file(path: Path, target: Path, limit: int, name: str) -> int:
    """Copy an operator's regular file (never a folder, device or pipe) into `target`, within `limit` bytes."""
    if not path.is_file():
        raise InvalidInput(msg("{path}: no such file or folder", path=name))
    with path.open("rb") as source:
        return copy_limited(source, target, limit, name)
