"""Heavy analytics kept in memory, keyed by the change counters of the data under them (migration 0004).

A change bumps its counter when the statement runs, not when it commits, so an answer computed in
between could be filed under the new counter without the new rows; the TTL bounds that staleness.
"""

from collections.abc import Callable, Hashable
from threading import Lock
from typing import TypeVar

from cachetools import TTLCache
from sqlalchemy import text
from sqlalchemy.orm import Session

T = TypeVar("T")
KINDS = ("cases", "areas", "people", "staff")
TTL_SECONDS = 120
_cache: TTLCache = TTLCache(maxsize=256, ttl=TTL_SECONDS)
TILES: TTLCache = TTLCache(maxsize=64 * 2 ** 20, ttl=TTL_SECONDS, getsizeof=len)  # vector tiles, up to 64 MB
_lock = Lock()


def versions(session: Session, kinds: tuple[str, ...]) -> tuple[int, ...]:
    """The current change counters of `kinds`, each rising by one or more with every change."""
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"no change counter for {sorted(unknown)}")
    columns = ", ".join(f"(SELECT last_value + is_called::int FROM wangge_changes_{kind})" for kind in kinds)
    return tuple(session.execute(text(f"SELECT {columns}")).one())


def cached(session: Session, kinds: tuple[str, ...], key: Hashable, compute: Callable[[], T],
           store: TTLCache | None = None) -> T:
    """compute(), or its answer from the last call with the same key while the `kinds` data has not changed."""
    store = _cache if store is None else store
    full_key = (key, versions(session, kinds))
    with _lock:
        if full_key in store:
            return store[full_key]
    value = compute()  # outside the lock: two first callers may both compute, neither waits on the other
    with _lock:
        store[full_key] = value
    return value


def clear() -> None:
    """Forget every cached answer (tests, and after restoring a backup)."""
    with _lock:
        _cache.clear()
        TILES.clear()
