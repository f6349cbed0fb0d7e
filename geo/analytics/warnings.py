"""The daily early-warning list: grid × category pairs with far more cases this week than usual.

"This week" is the 7 days before the day asked about; "usual" is the weekly mean over the
`history` weeks before that. The baseline a week is compared with is the usual, but at least
MIN_BASELINE a week: a pair seen once in two months is not "32 times the usual" when it comes three
times in a week, it is three cases where there were almost none. A pair is flagged when it has at
least `min_count` cases, at least `ratio` times the baseline, and the usual rate makes that many
unlikely: the Poisson upper tail P(X >= count | usual mean, with half a case added so that a quiet
history is not a zero rate) is within the Benjamini-Hochberg cut-off at `alpha` over every pair tested
(esda.fdr). `ratio` in a warning is count / baseline, and its message shows that baseline, so the
figures a person reads multiply out (count = baseline × ratio, to the rounding shown).
"""

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
from esda import fdr
from scipy.stats import poisson
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.analytics.window import Window, window_filters
from geo.cases.categories import categories as all_categories
from geo.core.errors import InvalidInput
from geo.core.i18n import Msg, msg
from geo.core.time import CHINA

PRIOR_CASES = 0.5
MIN_BASELINE = 1.0   # cases a week: below this a history is "almost none", and no ratio is computed against it
EVIDENCE_CASES = 20

COUNTS = """
SELECT c.grid_code, c.category, floor(extract(epoch FROM :end - c.reported_at) / 604800)::int AS weeks_ago,
       count(*), (array_agg(c.id ORDER BY c.reported_at DESC))[1:{evidence}]
FROM cases c WHERE {where} AND c.grid_code IS NOT NULL GROUP BY 1, 2, 3
"""


@dataclass
class Warning:
    """One flagged grid and category, with the evidence."""

    grid: str
    grid_name: str
    category: str
    category_name: str
    count: int
    usual: float          # mean cases a week over the history
    baseline: float       # what this week is compared with: the usual, at least MIN_BASELINE
    ratio: float          # count / baseline
    p: float
    history: list[int]    # weekly counts, oldest first
    case_ids: list[int]   # this week's cases, newest first
    message: str
    message_en: str


def check(history: int, ratio: float, min_count: int, alpha: float) -> None:
    """InvalidInput unless the thresholds make sense."""
    if not 2 <= history <= 52 or ratio < 1 or min_count < 1 or not 0 < alpha < 1:
        raise InvalidInput(msg("history must lie in 2..52 weeks, ratio at least 1, min_count at least 1 "
                               "and alpha strictly between 0 and 1"))


def early_warnings(session: Session, actor: Actor, day: date, *, history: int = 8, ratio: float = 3.0,
                   min_count: int = 3, alpha: float = 0.05, categories=None) -> dict:
    """Pairs flagged for the week ending at the start of `day` (Beijing), most surprising first."""
    check(history, ratio, min_count, alpha)
    end = datetime.combine(day, time.min, tzinfo=CHINA)
    win = Window(end - timedelta(weeks=history + 1), end, tuple(categories) if categories else None)
    where, params = window_filters(actor, win)
    params["end"] = end
    series: dict[tuple[str, str], np.ndarray] = {}
    evidence: dict[tuple[str, str], list[int]] = {}
    for grid, category, weeks_ago, n, ids in session.execute(text(COUNTS.format(where=where,
                                                                               evidence=EVIDENCE_CASES)), params):
        series.setdefault((grid, category), np.zeros(history + 1, dtype=int))[history - weeks_ago] = n
        if weeks_ago == 0:
            evidence[(grid, category)] = ids
    tested = {key: counts for key, counts in series.items() if counts[-1] >= min_count}
    p = {key: float(poisson.sf(counts[-1] - 1, _usual(counts))) for key, counts in tested.items()}
    cut = fdr(np.array(list(p.values())), alpha) if p else 0.0
    flagged = [key for key, counts in tested.items() if p[key] <= cut and counts[-1] >= ratio * _baseline(counts)]
    warnings = sorted((_warning(session, key, series[key], p[key], evidence[key]) for key in flagged),
                      key=lambda w: (w.p, -w.ratio))
    return {"day": day.isoformat(), "week_from": (end - timedelta(weeks=1)).isoformat(), "week_to": end.isoformat(),
            "history_weeks": history, "tested": len(tested), "warnings": [asdict(w) for w in warnings]}


def _usual(counts: np.ndarray) -> float:
    """The mean weekly count before this week, with PRIOR_CASES added over the history."""
    return (counts[:-1].sum() + PRIOR_CASES) / (len(counts) - 1)


def _baseline(counts: np.ndarray) -> float:
    """The weekly rate this week is compared with: the mean of the weeks before, at least MIN_BASELINE."""
    return max(float(counts[:-1].mean()), MIN_BASELINE)


def _warning(session, key, counts, p, ids) -> Warning:
    """The warning of one flagged pair, its message in both languages."""
    grid, category = key
    name = session.execute(text("SELECT name FROM areas WHERE code = :grid"), {"grid": grid}).scalar() or grid
    found = all_categories().get(category)
    zh, en = (found.name_zh, found.name_en) if found else (category, category)
    n, weeks, before = int(counts[-1]), len(counts) - 1, int(counts[:-1].sum())
    usual, baseline = float(counts[:-1].mean()), round(_baseline(counts), 1)
    ratio = round(n / baseline, 1)  # against the baseline as shown, so the figures read multiply out
    fields = {"grid": name, "category": zh, "count": n, "weeks": weeks}
    if usual >= MIN_BASELINE:
        text_ = msg("{grid}: {count} × {category} this week, {ratio}× the usual {baseline:.1f} a week",
                    **fields, ratio=ratio, baseline=baseline)
    elif before:
        text_ = msg("{grid}: {count} × {category} this week, only {before} in the {weeks} weeks before",
                    **fields, before=before)
    else:
        text_ = msg("{grid}: {count} × {category} this week, none in the {weeks} weeks before", **fields)
    english = Msg(text_.template, **(text_.params | {"category": en}))
    return Warning(grid, name, category, zh, n, round(usual, 2), baseline, ratio, p, counts[:-1].tolist(), list(ids),
                   text_.render("zh"), english.render("en"))
