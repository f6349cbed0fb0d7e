"""Files only their owner may read (keys, the cluster's password, exports of personal data, attachments), created
so that no other user ever sees them.

A file is written under a temporary name opened 0600 and then renamed or linked into place, so there is never a
moment when it exists with wider permissions or half written; two processes creating the same key at once agree
on one (the second finds the first's file and reads it).
"""

import os
import secrets
from collections.abc import Callable
from pathlib import Path

PRIVATE = 0o600


def _temporary(path: Path, content: str | bytes) -> Path:
    """`content` in a new 0600 file beside `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    try:
        view = memoryview(content.encode() if isinstance(content, str) else content)
        while view:  # os.write may write less than it was given
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    return tmp


def write_private(path: Path, content: str | bytes) -> None:
    """Replace `path` with `content`, readable by its owner only."""
    tmp = _temporary(Path(path), content)
    os.replace(tmp, path)


def read_or_create(path: Path, make: Callable[[], str]) -> str:
    """The text of the private file `path`, created with make() when it does not exist yet."""
    path = Path(path)
    if not path.exists():
        tmp = _temporary(path, make())
        try:
            os.link(tmp, path)  # fails when another process was first: then its key is the key
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    if path.stat().st_mode & 0o077:
        path.chmod(PRIVATE)  # a key from before this rule, or copied in by hand: close it
    return path.read_text().strip()
