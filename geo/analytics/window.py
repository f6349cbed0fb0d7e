"""The cases an analysis looks at: a period, categories and statuses, within the caller's scope."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from geo.access.actor import Actor
from geo.cases.reading import case_filters
from geo.core.errors import InvalidInput
from geo.core.i18n import msg
from geo.core.models import CaseStatus
from geo.core.time import CHINA

DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class Window:
    """Cases reported in [since, until), optionally of some categories and statuses."""

    since: datetime
    until: datetime
    categories: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = None

    @property
    def days(self) -> float:
        """The window's length in days."""
        return (self.until - self.since).total_seconds() / 86400


def aware(moment: datetime) -> datetime:
    """A time without a zone is Beijing time, as the users read it."""
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA)


def window(since: datetime | None = None, until: datetime | None = None, categories=None, statuses=None, *,
           now: datetime | None = None, default_days: int = DEFAULT_DAYS) -> Window:
    """A checked Window: by default the last `default_days` days up to now; InvalidInput says what is wrong."""
    # A default end on the next whole minute: repeated calls then share a cache entry.
    until = aware(until or now or (datetime.now(CHINA).replace(second=0, microsecond=0) + timedelta(minutes=1)))
    since = aware(since or until - timedelta(days=default_days))
    if since >= until:
        raise InvalidInput(msg("from must be before to"))
    if until - since > timedelta(days=MAX_DAYS):
        raise InvalidInput(msg("a window may span at most {days} days", days=MAX_DAYS))
    if statuses:
        unknown = sorted(set(statuses) - {s.value for s in CaseStatus})
        if unknown:
            raise InvalidInput(msg("unknown status {status}; one of {statuses}", status=", ".join(unknown),
                                   statuses=", ".join(s.value for s in CaseStatus)))
    return Window(since, until, tuple(categories) if categories else None, tuple(statuses) if statuses else None)


def window_filters(actor: Actor, win: Window) -> tuple[str, dict]:
    """SQL WHERE (over `cases c`) and parameters for the window's cases `actor` may see; merged duplicates left out."""
    where, params = case_filters(actor, status=list(win.statuses) if win.statuses else None,
                                 category=list(win.categories) if win.categories else None,
                                 since=win.since, until=win.until)
    where.append("c.status <> 'merged'")  # a merged case is a duplicate report of another: never count it twice
    return " AND ".join(where), params
