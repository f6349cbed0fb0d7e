"""The audit log: who read personal data, unmasked it, moved a case or published boundaries, and when.

Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE) and tamper-evident: each entry's hash
covers its own fields and the previous entry's hash, so changing, removing or inserting a row
anywhere but the end breaks the chain, which `verify` (and `wangge audit verify`) finds. Writers
take a transaction-level advisory lock, so entries chain in commit order.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.errors import InvalidInput
from geo.i18n import msg
from geo.query import check_page, optional_filters

LOCK = 0x77616E67  # "wang": the advisory lock that orders the chain
GENESIS = "0" * 64
MAX_LIMIT = 1000


def _digest(prev_hash: str, id_: int, at: datetime, actor: str, role: str, action: str, obj: str, detail: dict) -> str:
    canonical = json.dumps([prev_hash, id_, at.astimezone(UTC).isoformat(), actor, role, action, obj, detail],
                           ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(session: Session, actor: str, role: str, action: str, obj: str, detail: dict | None = None) -> int:
    """Append one entry (in the caller's transaction); returns its id."""
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK})
    last = session.execute(text("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")).first()
    id_, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at, detail = datetime.now(UTC), json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str))
    digest = _digest(prev, id_, at, actor, role, action, obj, detail)
    session.execute(text("INSERT INTO audit_log (id, at, actor, role, action, object, detail, prev_hash, hash) "
                         "VALUES (:id, :at, :actor, :role, :action, :obj, CAST(:detail AS jsonb), :prev, :hash)"),
                    {"id": id_, "at": at, "actor": actor, "role": str(role), "action": action, "obj": obj,
                     "detail": json.dumps(detail, ensure_ascii=False), "prev": prev, "hash": digest})
    return id_


@dataclass
class Verification:
    """The outcome of checking the chain: how many entries, and the first that does not fit (if any)."""

    entries: int
    broken_at: int | None = None
    reason: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(session: Session, batch: int = 10_000) -> Verification:
    """Recompute every hash in order; the first mismatch, gap or broken link is reported."""
    prev, expected_id, count, after = GENESIS, 1, 0, 0
    while True:
        rows = session.execute(text("SELECT id, at, actor, role, action, object, detail, prev_hash, hash FROM audit_log "
                                    "WHERE id > :after ORDER BY id LIMIT :n"), {"after": after, "n": batch}).all()
        for r in rows:
            count += 1
            if r.id != expected_id:
                return Verification(count, r.id, f"entry {expected_id} is missing")
            if r.prev_hash != prev:
                return Verification(count, r.id, "does not link to the entry before")
            if _digest(prev, r.id, r.at, r.actor, r.role, r.action, r.object, r.detail) != r.hash:
                return Verification(count, r.id, "its content does not match its hash")
            prev, expected_id, after = r.hash, r.id + 1, r.id
        if len(rows) < batch:
            return Verification(count)


def entries(session: Session, *, actor: str | None = None, action: str | None = None, since: datetime | None = None,
            until: datetime | None = None, limit: int = 100, offset: int = 0) -> dict:
    """Entries newest first, filtered by actor, action and period."""
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
