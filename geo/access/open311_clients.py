"""Open311 clients: each GeoReport client that may post requests has its own api_key, issued and revoked by an
admin (`wangge keys open311`). The key is shown once; only its keyed hash (geo.access.crypto.lookup) is kept, so a
copy of the database opens nothing. A request a client posts is recorded as made by `open311:<name>`."""

import hmac
import re
import secrets
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access import crypto
from geo.access.actor import SYSTEM, Actor
from geo.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from geo.core.i18n import msg

NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,49}")
PREFIX = "open311:"


def _hash(key: str) -> bytes:
    """The keyed hash an api_key is kept and found by."""
    return crypto.lookup(PREFIX + key)


def issue(session: Session, name: str) -> str:
    """A new api_key for client `name` (shown once, never stored); Conflict when the name is taken."""
    if not NAME.fullmatch(name or ""):
        raise InvalidInput(msg("client name {name!r}: 2–50 lower-case letters, digits, '.', '_' or '-'", name=name))
    key = secrets.token_urlsafe(32)
    added = session.execute(text("INSERT INTO open311_clients (name, key_hmac) VALUES (:name, :hash) "
                                 "ON CONFLICT (name) DO NOTHING RETURNING id"),
                            {"name": name, "hash": _hash(key)}).scalar()
    if added is None:
        raise Conflict(msg("Open311 client {name} exists: revoke it, or pick another name", name=name))
    return key


def revoke(session: Session, name: str, now: datetime | None = None) -> None:
    """Revoke client `name`'s key at once (kept for the record); NotFound when there is no such client."""
    found = session.execute(text("UPDATE open311_clients SET revoked_at = COALESCE(revoked_at, :now) WHERE name = :name "
                                 "RETURNING id"), {"name": name, "now": now or datetime.now(UTC)}).scalar()
    if found is None:
        raise NotFound(msg("no Open311 client {name}", name=name))


def client_actor(session: Session, key: str | None) -> Actor:
    """Who posts with this api_key: the system acting for the client (named in the case's history); Forbidden for no
    key, an unknown one or a revoked one (one message for all three, so a guess learns nothing)."""
    if not key or not key.isascii() or len(key) > 200:
        raise Forbidden(msg("an Open311 api_key of a client this server issued is needed to post requests"))
    row = session.execute(text("SELECT name, key_hmac FROM open311_clients WHERE key_hmac = :hash AND revoked_at IS NULL"),
                          {"hash": _hash(key)}).first()
    if row is None or not hmac.compare_digest(bytes(row.key_hmac), _hash(key)):
        raise Forbidden(msg("an Open311 api_key of a client this server issued is needed to post requests"))
    return Actor(PREFIX + row.name, SYSTEM.role, SYSTEM.scope)
