"""Rate limits: failed logins per account and per address, and requests per caller (the `limits` library).

Counts live in this process's memory (moving windows): enough for one server process; several
processes would share a storage such as Redis through `limits` (docs/permissions.md, "Limits").
"""

import math
import time
from functools import lru_cache

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from geo.errors import RateLimited
from geo.i18n import msg
from geo.settings import get_settings

_storage = MemoryStorage()
_limiter = MovingWindowRateLimiter(_storage)


@lru_cache
def _item(spec: str) -> RateLimitItem:
    return parse(spec)


def _retry_after(item: RateLimitItem, *keys: str) -> int:
    reset_at = _limiter.get_window_stats(item, *keys).reset_time
    return max(1, math.ceil(reset_at - time.time()))


def _login_limits(username: str, source: str | None) -> list[tuple[RateLimitItem, str]]:
    settings = get_settings()
    limits = [(_item(settings.login_failures_per_user), f"user:{username}")]
    if source:
        limits.append((_item(settings.login_failures_per_address), f"address:{source}"))
    return limits


def check_login(username: str, source: str | None) -> None:
    """RateLimited while this account, or this address, has failed to log in too often lately."""
    for item, key in _login_limits(username, source):
        if not _limiter.test(item, "login", key):
            seconds = _retry_after(item, "login", key)
            raise RateLimited(msg("too many failed logins; try again in {seconds} s", seconds=seconds),
                              extra={"retry_after": seconds})


def login_failed(username: str, source: str | None) -> None:
    """Count one failed login against the account and the address."""
    for item, key in _login_limits(username, source):
        _limiter.hit(item, "login", key)


def check_request(caller: str) -> None:
    """Count one request of `caller` (an account or an address); RateLimited beyond WANGGE_RATE_LIMIT."""
    item = _item(get_settings().rate_limit)
    if not _limiter.hit(item, "request", caller):
        seconds = _retry_after(item, "request", caller)
        raise RateLimited(msg("too many requests ({limit}); try again in {seconds} s", limit=get_settings().rate_limit,
                              seconds=seconds), extra={"retry_after": seconds})


def reset() -> None:
    """Forget every count (tests, or an operator lifting a block)."""
    _storage.reset()
