"""The audit chain keyed outside the database: each hash becomes an HMAC-SHA256 with the audit key (geo.access.crypto),
so whoever owns the table can no longer write entries that verify.

The chain as it is is checked first (SHA-256, as 0007 made it): re-keying a chain that is already broken would
launder the tampering, so the migration refuses and names the entry. Down again, the keyed chain is checked and
rewritten with plain SHA-256.

Revision ID: 0011
Revises: 0010
"""

import hashlib
import hmac

import sqlalchemy as sa
from alembic import op

from geo.access import crypto
from geo.access.audit import GENESIS, canonical

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ROWS = "SELECT id, at, actor, role, action, object, detail, prev_hash, hash FROM audit_log ORDER BY id"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(data: bytes) -> str:
    return hmac.new(crypto.audit_key(), data, hashlib.sha256).hexdigest()


def _rechain(old, new) -> None:
    """Check every entry against `old`, then write the chain again with `new`."""
    conn = op.get_bind()
    rows = conn.execute(sa.text(ROWS)).all()
    prev_old, prev_new, expected = GENESIS, GENESIS, 1
    updates = []
    for r in rows:
        fields = (r.id, r.at, r.actor, r.role, r.action, r.object, r.detail)
        if r.id != expected or r.prev_hash != prev_old or old(canonical(prev_old, *fields)) != r.hash:
            raise RuntimeError(f"the audit log is broken at entry {r.id}: it is not re-keyed, so as not to hide "
                               "that; keep the database for inspection and run `wangge audit verify` on it")
        digest = new(canonical(prev_new, *fields))
        updates.append({"id": r.id, "prev": prev_new, "hash": digest})
        prev_old, prev_new, expected = r.hash, digest, r.id + 1
    if updates:
        op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        conn.execute(sa.text("UPDATE audit_log SET prev_hash = :prev, hash = :hash WHERE id = :id"), updates)
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")


def upgrade() -> None:
    _rechain(_sha256, _hmac)


def downgrade() -> None:
    _rechain(_hmac, _sha256)
