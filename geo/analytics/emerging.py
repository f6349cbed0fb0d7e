"""Emerging hot spots: grids whose weekly case counts rise significantly, compared with their own history.

The test is Mann-Kendall's (pymannkendall.original_test) on each grid's weekly counts over the last
`weeks` whole weeks: a monotonic trend, without assuming any distribution. Sen's slope says how many
cases a week are added. Testing every grid at once, the false discovery rate is held at `alpha`
with Benjamini-Hochberg (esda.fdr). A grid "emerges" when its trend rises significantly and its last
`recent` weeks average more than the weeks before them.

Only grids averaging at least MIN_PER_WEEK cases a week are tested: a series of zeros and ones has no
power to show a trend and would only widen the family the FDR is held over. Filtering on the total
is independent of Mann-Kendall's statistic under its null (any order of the weeks is equally
likely), so the FDR still holds (independent filtering, Bourgon, Gentleman and Huber 2010).
"""

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

import numpy as np
import pymannkendall
from esda import fdr
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.access.scope import like_pattern
from geo.analytics.weekly import weekly_counts
from geo.core.errors import InvalidInput
from geo.core.i18n import msg

MIN_WEEKS = 6
MIN_PER_WEEK = 1.0


@dataclass
class Trend:
    """One grid's weekly counts and their trend."""

    code: str
    name: str
    weeks: list[int]
    trend: str            # increasing, decreasing or no trend
    p: float
    slope: float          # Sen's slope: cases per week
    recent_mean: float
    history_mean: float
    emerging: bool = False


def check(weeks: int, recent: int, alpha: float) -> None:
    """InvalidInput unless MIN_WEEKS <= weeks <= 104, 1 <= recent < weeks and 0 < alpha < 1."""
    if not MIN_WEEKS <= weeks <= 104 or not 1 <= recent < weeks:
        raise InvalidInput(msg("weeks must lie in {min}..104 and recent in 1..weeks-1", min=MIN_WEEKS))
    if not 0 < alpha < 1:
        raise InvalidInput(msg("alpha must lie strictly between 0 and 1"))


def emerging(session: Session, actor: Actor, end: datetime, *, weeks: int = 12, recent: int = 4,
             categories=None, alpha: float = 0.05) -> dict:
    """Every grid with cases in the `weeks` whole weeks before `end`'s week, its trend, and which ones emerge."""
    check(weeks, recent, alpha)
    start, series = weekly_counts(session, actor, end, weeks, categories=categories)
    names = dict(session.execute(text("SELECT code, name FROM areas WHERE level = 'grid' AND code LIKE :pattern"),
                                 {"pattern": like_pattern(actor.scope)}).all())
    trends = [_trend(code, names.get(code, code), counts, recent) for (code, _), counts in sorted(series.items())]
    tested = [t for t in trends if t.trend != "flat" and sum(t.weeks) >= MIN_PER_WEEK * weeks]
    cut = fdr(np.array([t.p for t in tested]), alpha) if tested else 0.0
    for t in tested:
        t.emerging = bool(t.trend == "increasing" and t.p <= cut and t.recent_mean > t.history_mean)
    rows = sorted(trends, key=lambda t: (not t.emerging, t.p))
    return {"weeks_from": start.isoformat(), "weeks_to": (start + timedelta(weeks=weeks)).isoformat(),
            "test": "Mann-Kendall on weekly counts, Benjamini-Hochberg FDR", "alpha": alpha, "tested": len(tested),
            "emerging": sum(t.emerging for t in trends), "grids": [asdict(t) for t in rows]}


def _trend(code: str, name: str, counts: np.ndarray, recent: int) -> Trend:
    if np.ptp(counts) == 0:
        return Trend(code, name, counts.tolist(), "flat", 1.0, 0.0, float(counts[0]), float(counts[0]))
    result = pymannkendall.original_test(counts)
    return Trend(code, name, counts.tolist(), result.trend, round(float(result.p), 6), round(float(result.slope), 4),
                 round(float(counts[-recent:].mean()), 3), round(float(counts[:-recent].mean()), 3))
