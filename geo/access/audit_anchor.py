"""Anchors of the audit log outside the database: the newest entry, written where the database cannot reach.

A keyed hash chain (geo.access.audit) shows any entry changed, removed or inserted, but not the newest entries cut off
its end, nor the whole table emptied. So every round of the server appends the newest entry's id and hash to a
file (WANGGE_AUDIT_ANCHORS, by default WANGGE_HOME/audit_anchors, 0600, append-only), one JSON line each with an
HMAC (the audit key) over the rest, so the file cannot be edited unseen either. `verify` then checks that every
anchored entry is still there with the hash it had. For the strongest guarantee, point the setting at storage the
database's administrators cannot write (another host's mount, an append-only volume).
"""

import hashlib
import hmac
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import crypto
from geo.core.settings import get_settings

TAIL_BYTES = 4096  # an anchor line is ~200 bytes: the last one is always in the file's last 4 KB


def anchors_path() -> Path:
    """Where the anchors are kept."""
    settings = get_settings()
    return settings.audit_anchors or settings.home / "audit_anchors"


def _mac(db: str, entry_id: int, entry_hash: str, at: str) -> str:
    return hmac.new(crypto.audit_key(), f"{db}|{entry_id}|{entry_hash}|{at}".encode(), hashlib.sha256).hexdigest()


def _database(session: Session) -> str:
    """Which database a line anchors (one home may serve several, e.g. a test run's)."""
    return session.execute(text("SELECT coalesce(host(inet_server_addr()), 'local') || ':' || "
                                "coalesce(inet_server_port(), 0) || '/' || current_database()")).scalar()


def anchor(session: Session) -> dict | None:
    """Append the newest committed entry to the anchors, unless it is the last one anchored; returns the new line."""
    head = session.execute(text("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")).first()
    db, path = _database(session), anchors_path()
    last = _last(path)
    if head is None or (last and (last.get("db"), last["id"]) == (db, head.id)):
        return None
    at = datetime.now(UTC).isoformat()
    line = {"db": db, "at": at, "id": head.id, "hash": head.hash, "mac": _mac(db, head.id, head.hash, at)}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (json.dumps(line) + "\n").encode())  # one short write in append mode: lines never interleave
    finally:
        os.close(fd)
    return line


def _last(path: Path) -> dict | None:
    """The last anchor line, read from the end of the file."""
    if not path.exists():
        return None
    with path.open("rb") as f:
        f.seek(max(0, path.stat().st_size - TAIL_BYTES))
        lines = f.read().splitlines()
    return json.loads(lines[-1]) if lines else None


def anchors() -> list[dict]:
    """Every anchor, oldest first."""
    path = anchors_path()
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def check(session: Session, found):
    """`found` (an intact Verification) unless an anchor was altered, or an anchored entry is gone or changed."""
    if not found.intact:
        return found
    db, kept = _database(session), []
    for number, a in enumerate(anchors(), 1):
        if not hmac.compare_digest(a.get("mac", ""), _mac(a.get("db", ""), a["id"], a["hash"], a["at"])):
            return type(found)(found.entries, a["id"], f"anchor line {number} of {anchors_path()} was altered")
        if a["db"] == db:
            kept.append(a)
    stored = dict(session.execute(text("SELECT id, hash FROM audit_log WHERE id = ANY(:ids)"),
                                  {"ids": [a["id"] for a in kept]}).all())
    for a in kept:
        if a["id"] not in stored:
            return type(found)(found.entries, a["id"], f"entry {a['id']}, anchored at {a['at']}, is gone: "
                                                       "the log was cut short")
        if stored[a["id"]] != a["hash"]:
            return type(found)(found.entries, a["id"], f"entry {a['id']} differs from its anchor of {a['at']}")
    return found
