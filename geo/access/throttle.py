"""Rate limits: failed logins per account and per address, and requests per caller (the `limits` library).

Counts live in this process's memory (moving windows): enough for one server process; several
processes would share a storage such as Redis through `limits` (docs/permissions.md, "Limits").
"""

import math
import time
from functools import lru_cache
from threading import Lock

from cachetools import LRUCache
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from geo.core.errors import RateLimited
from geo.core.i18n import msg
from geo.core.settings import get_settings

_storage = MemoryStorage()
_limiter = MovingWindowRateLimiter(_storage)


@lru_cache
def _item(spec: str) -> RateLimitItem:
    return parse(spec)


def _retry_after(item: RateLimitItem, *keys: str) -> int:
    reset_at = _limiter.get_window_stats(item, *keys).reset_time
    return max(1, math.ceil(reset_at - time.time()))


# Addresses each account logged in from lately: a flood of failures from elsewhere does not lock them out.
_known: LRUCache = LRUCache(maxsize=100_000)


def _login_limits(username: str, source: str | None) -> list[tuple[RateLimitItem, str]]:
    """The limits a login attempt counts against: this account from this address (tight), this address over every
    account (guessing many accounts), and this account from every address it never logged in from (a guess
    spread over many addresses). The rightful user from an address of their own is held by the first only."""
    settings = get_settings()
    limits = [(_item(settings.login_failures_per_user), f"user:{username}|{source}")]
    if source:
        limits.append((_item(settings.login_failures_per_address), f"address:{source}"))
    if (username, source) not in _known:
        limits.append((_item(settings.login_failures_per_account), f"account:{username}"))
    return limits


_in_flight: dict[str, int] = {}  # login attempts of each key whose password is being checked right now
_in_flight_lock = Lock()


def check_login(username: str, source: str | None) -> list[tuple[RateLimitItem, str]]:
    """Reserve a place for this attempt under every limit it counts against (see _login_limits), before the
    password is looked at; RateLimited when the failures so far and the attempts still being checked fill one.
    Parallel guesses are counted as they arrive, not after their hashes: pass what this returns to `login_done`."""
    limits = _login_limits(username, source)
    with _in_flight_lock:
        for item, key in limits:
            if _limiter.get_window_stats(item, "login", key).remaining <= _in_flight.get(key, 0):
                seconds = _retry_after(item, "login", key)
                raise RateLimited(msg("too many failed logins; try again in {seconds} s", seconds=seconds),
                                  extra={"retry_after": seconds})
        for _, key in limits:
            _in_flight[key] = _in_flight.get(key, 0) + 1
    return limits


def login_done(limits: list[tuple[RateLimitItem, str]], username: str, source: str | None, succeeded: bool) -> None:
    """Free the attempt's places; a failure counts against every limit, a success makes the address the owner's."""
    if succeeded:
        _known[(username, source)] = True
    with _in_flight_lock:
        for item, key in limits:
            _in_flight[key] = max(0, _in_flight.get(key, 0) - 1)
            if not _in_flight[key]:
                del _in_flight[key]
            if not succeeded:
                _limiter.hit(item, "login", key)


def check_request(caller: str, limit: str | None = None) -> None:
    """Count one request of `caller` (an account, an address, an Open311 key); RateLimited beyond `limit`
    (WANGGE_RATE_LIMIT unless another of the settings' rates is given)."""
    limit = limit or get_settings().rate_limit
    item = _item(limit)
    if not _limiter.hit(item, "request", caller):
        seconds = _retry_after(item, "request", caller)
        raise RateLimited(msg("too many requests ({limit}); try again in {seconds} s", limit=limit, seconds=seconds),
                          extra={"retry_after": seconds})


def reset() -> None:
    """Forget every count and known address (tests, or an operator lifting a block)."""
    _storage.reset()
    _known.clear()
    with _in_flight_lock:
        _in_flight.clear()
