"""The audit log: who read personal data, unmasked it, moved a case or published boundaries, and when.

Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE) and tamper-evident even to whoever owns the table
or the whole database: each entry's hash is an HMAC-SHA256, keyed outside the database (from WANGGE_DATA_KEY,
geo.access.crypto), over its own fields and the previous entry's hash. Without the key nobody can write an entry that
verifies, so changing, removing or inserting one anywhere breaks the chain. What a chain alone cannot show is
its end cut off: every round of the server (and `wangge cases tick`) anchors the newest entry outside the
database (geo.access.audit_anchor), and `verify` also checks the chain still reaches every anchor. Writers take a
transaction-level advisory lock, so entries chain in commit order.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from threading import Lock

from cachetools import LRUCache
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import audit_table, crypto
from geo.core.errors import AuditRefused, InvalidInput
from geo.core.i18n import msg
from geo.core.query import check_page, optional_filters

LOCK = 0x77616E67  # "wang": the advisory lock that orders the chain
GENESIS = "0" * 64
MAX_LIMIT = 1000


def canonical(prev_hash: str, id_: int, at: datetime, actor: str, role: str, action: str, obj: str,
              detail: dict) -> bytes:
    """The bytes an entry's hash covers."""
    return json.dumps([prev_hash, id_, at.astimezone(UTC).isoformat(), actor, role, action, obj, detail],
                      ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _digest(prev_hash: str, id_: int, at: datetime, actor: str, role: str, action: str, obj: str, detail: dict,
            key: bytes | None = None) -> str:
    """The entry's keyed hash (key: the audit key of geo.access.crypto)."""
    return hmac.new(key or crypto.audit_key(), canonical(prev_hash, id_, at, actor, role, action, obj, detail),
                    hashlib.sha256).hexdigest()


def record(session: Session, actor: str, role: str, action: str, obj: str, detail: dict | None = None) -> int:
    """Append one entry (in the caller's transaction); returns its id."""
    session.execute(text("SELECT pg_advisory_xact_lock(:lock_key)"), {"lock_key": LOCK})
    last = session.execute(text("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")).first()
    id_, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at, detail = datetime.now(UTC), json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str))
    digest = _digest(prev, id_, at, actor, role, action, obj, detail)
    written = session.execute(text(
        "INSERT INTO audit_log (id, at, actor, role, action, object, detail, prev_hash, hash) "
        "VALUES (:id, :at, :actor, :role, :action, :object, CAST(:detail AS jsonb), :prev_hash, :hash) "
        "RETURNING id"),
        {"id": id_, "at": at, "actor": actor, "role": str(role), "action": action, "object": obj,
         "detail": json.dumps(detail, ensure_ascii=False), "prev_hash": prev, "hash": digest}).scalar()
    if written != id_:  # a trigger returned NULL: the deed must not happen unrecorded, so the transaction fails
        raise AuditRefused(msg("the audit log did not take the entry; nothing was done"))
    return id_


_shown: LRUCache = LRUCache(maxsize=200_000)  # (actor, kind, id, day) already recorded by this process
_shown_lock = Lock()


def record_shown(session: Session, actor: str, role: str, kind: str, ids: list[int]) -> None:
    """Record that personal data of `kind` (staff phones, reporters) with these ids was shown to `actor`.

    Each actor–object pair is recorded once a day per process: these reads come with every map move and every
    locate, and the log is to say who saw whose data, not to count map moves."""
    day = datetime.now(UTC).date()
    with _shown_lock:
        new = sorted({i for i in ids if (actor, kind, i, day) not in _shown})
        for i in new:
            _shown[(actor, kind, i, day)] = True
    if new:
        record(session, actor, role, f"read_{kind}", f"{kind}:" + ",".join(map(str, new[:50])),
               {"count": len(new), "ids": new})


def forget_shown() -> None:
    """Drop the memory of what was recorded today (tests: a rolled-back transaction takes its entries with it)."""
    with _shown_lock:
        _shown.clear()


@dataclass
class Verification:
    """The outcome of checking the chain: how many entries, and the first that does not fit (if any)."""

    entries: int
    broken_at: int | None = None
    reason: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(session: Session, batch: int = 10_000, key: bytes | None = None) -> Verification:
    """Recompute every hash in order; the first mismatch, gap or broken link is reported, then whether the chain
    still reaches every anchor kept outside the database."""
    key = key or crypto.audit_key()
    altered = audit_table.altered(session)
    if altered:
        return Verification(0, 0, altered)
    prev, expected_id, count, after = GENESIS, 1, 0, 0
    while True:
        rows = session.execute(text("SELECT id, at, actor, role, action, object, detail, prev_hash, hash FROM audit_log "
                                    "WHERE id > :after ORDER BY id LIMIT :batch"),
                               {"after": after, "batch": batch}).all()
        for r in rows:
            count += 1
            if r.id != expected_id:
                return Verification(count, r.id, f"entry {expected_id} is missing")
            if r.prev_hash != prev:
                return Verification(count, r.id, "does not link to the entry before")
            if _digest(prev, r.id, r.at, r.actor, r.role, r.action, r.object, r.detail, key) != r.hash:
                return Verification(count, r.id, "its content does not match its hash")
            prev, expected_id, after = r.hash, r.id + 1, r.id
        if len(rows) < batch:
            break
    from geo.access import audit_anchor
    return audit_anchor.check(session, Verification(count))


def entries(session: Session, *, actor: str | None = None, action: str | None = None, since: datetime | None = None,
            until: datetime | None = None, limit: int = 100, offset: int = 0) -> dict:
    """Entries newest first, filtered by actor, action and period; refused while the table is altered (a row
    security policy could hide entries from this list alone)."""
    altered = audit_table.altered(session)
    if altered:
        raise AuditRefused(msg("the audit log table was altered: {what}", what=altered))
    check_page(limit, offset, MAX_LIMIT)
    if since and until and since > until:
        raise InvalidInput(msg("from must not be later than to"))
    where, params = optional_filters(("actor = :actor", "actor", actor), ("action = :action", "action", action),
                                     ("at >= :since", "since", since), ("at < :until", "until", until))
    params |= {"limit": limit, "offset": offset}
    condition = " AND ".join(["true", *where])
    rows = session.execute(text(f"SELECT id, at, actor, role, action, object, detail, hash FROM audit_log "
                                f"WHERE {condition} ORDER BY id DESC LIMIT :limit OFFSET :offset"), params).mappings()
    total = session.execute(text(f"SELECT count(*) FROM audit_log WHERE {condition}"), params).scalar()
    return {"total": total, "items": [dict(r) for r in rows]}
