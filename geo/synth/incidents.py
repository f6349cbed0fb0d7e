"""A year of incidents: category mix, weekday and hour rhythm, seasons, persistent hot spots, open cases in every state."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import shapely

from geo.cases.categories import Category, categories
from geo.core.models import OPEN_STATUSES, CaseStatus

CASES_PER_HOUSEHOLD_YEAR = 0.12
CHANNELS = (["patrol", "hotline", "self_report", "referral", "video_ai", "petition"], [0.44, 0.30, 0.15, 0.05, 0.04, 0.02])
# Hour-of-day profile of reports: morning and afternoon peaks, a small evening one (noise).
HOURS = np.array([1, 1, 1, 1, 1, 2, 4, 7, 10, 12, 12, 10, 7, 8, 10, 11, 10, 8, 6, 6, 5, 4, 2, 1], dtype=float)
WEEKDAY = np.array([1.1, 1.05, 1.0, 1.0, 1.0, 0.7, 0.6])  # Monday first
OPEN_PER_STATE = 30
# Persistent hot spots: two categories several times more frequent around a point, over every grid within
# HOT_SPOT_RADIUS_M of it (an old compound's property disputes do not stop at a grid line).
HOT_SPOTS = 4
HOT_SPOT_BOOST = 12.0
HOT_SPOT_RADIUS_M = 220.0
HOT_SPOT_SIGMA_M = 150.0
# Something for the early warning and the emerging hot spots to find: a surge of property disputes in one grid
# in the last week, and exposed garbage rising week by week in another.
SURGE_CASES = 9
EMERGING_WEEKS = 12
EMERGING_LAST_WEEK = 20.0


@dataclass
class Incident:
    category: str
    channel: str
    status: str
    reported_at: datetime
    closed_at: datetime | None
    x: float   # metres, in the layout's frame
    y: float
    description: str


@dataclass
class Place:
    """A grid the incidents fall in: its shape in metres, households, purpose and name."""

    geom: object
    households: int
    purpose: str | None
    name: str


def _season(category: Category, month: int) -> float:
    """The category's seasonal factor in `month` (summer, winter, else 1)."""
    if month in (6, 7, 8):
        return category.summer
    if month in (12, 1, 2):
        return category.winter
    return 1.0


def _day_weights(cats: list[Category], days: list[datetime]) -> np.ndarray:
    """(categories × days) relative intensity: season × weekday."""
    weekday = np.array([WEEKDAY[d.weekday()] for d in days])
    return np.array([[_season(c, d.month) for d in days] for c in cats]) * weekday


def _point_in(geom, rng: np.random.Generator, near=None) -> tuple[float, float]:
    """A point inside `geom`, near `near` (a hot spot) or uniform; its representative point after 200 misses."""
    minx, miny, maxx, maxy = geom.bounds
    for _ in range(200):
        if near is not None:
            x, y = rng.normal(near[0], HOT_SPOT_SIGMA_M), rng.normal(near[1], HOT_SPOT_SIGMA_M)
        else:
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if geom.contains(shapely.Point(x, y)):
            return x, y
    p = geom.representative_point()
    return p.x, p.y


def generate(places: list[Place], rng: np.random.Generator, now: datetime) -> list[Incident]:
    """Incidents of the last 365 days in `places`, newest open, older closed."""
    cats = list(categories().values())
    days = [now - timedelta(days=d) for d in range(365, 0, -1)]
    day_w = _day_weights(cats, days)
    base = np.array([c.weight for c in cats])
    hot = _hot_spots(places, len(cats), rng)
    incidents = []
    for index, place in enumerate(places):
        weights = base * _purpose_boost(place.purpose, cats)
        expected = CASES_PER_HOUSEHOLD_YEAR * max(place.households, 60)
        boosted, centre = hot.get(index, ((), None))
        for k, cat in enumerate(cats):
            lam = expected * weights[k] / base.sum() * (HOT_SPOT_BOOST if k in boosted else 1.0)
            for _ in range(rng.poisson(lam)):
                incidents.append(_incident(place, cat, day_w[k], days, rng, centre if k in boosted else None))
    incidents += _planted_trends(places, {c.code: c for c in cats}, days, rng)
    _open_recent(incidents, now, rng)
    return sorted(incidents, key=lambda i: i.reported_at)


def _planted_trends(places: list[Place], cats: dict[str, Category], days: list[datetime], rng) -> list[Incident]:
    """SURGE_CASES property disputes in one grid in the last 7 days; garbage rising to EMERGING_LAST_WEEK a week."""
    surge, rising = (places[int(i)] for i in rng.choice(len(places), size=2, replace=False))
    last_week = np.array([1.0 if (days[-1] - d).days < 7 else 0.0 for d in days])
    ramp = np.array([max(0.0, 1 - (days[-1] - d).days / (EMERGING_WEEKS * 7)) for d in days])
    made = [_incident(surge, cats["dispute_property"], last_week, days, rng, None)
            for _ in range(rng.poisson(SURGE_CASES))]
    made += [_incident(rising, cats["env_garbage"], ramp, days, rng, None)
             for _ in range(rng.poisson(EMERGING_LAST_WEEK * EMERGING_WEEKS / 2))]
    return made


def _hot_spots(places: list[Place], n_categories: int, rng) -> dict[int, tuple[np.ndarray, tuple[float, float]]]:
    """Place index → (boosted categories, centre) for every place near one of HOT_SPOTS centres."""
    hot = {}
    for i in rng.choice(len(places), size=min(HOT_SPOTS, len(places)), replace=False):
        boosted, centre = rng.choice(n_categories, size=2, replace=False), _point_in(places[int(i)].geom, rng)
        point = shapely.Point(centre)
        for j, place in enumerate(places):
            if j not in hot and place.geom.distance(point) <= HOT_SPOT_RADIUS_M:
                hot[j] = (boosted, centre)
    return hot


def _purpose_boost(purpose: str | None, cats: list[Category]) -> np.ndarray:
    """Markets draw vending and garbage, schools parking and traffic order, hospitals parking."""
    wanted = {"market": {"order_vending": 6, "env_garbage": 3}, "school": {"order_parking": 4, "public_order": 2},
              "hospital": {"order_parking": 5}, "park": {"noise_morning_exercise": 8, "pets_dogs": 4}}.get(purpose, {})
    return np.array([wanted.get(c.code, 1.0 if purpose is None else 0.3) for c in cats])


def _incident(place: Place, cat: Category, day_w: np.ndarray, days, rng, centre) -> Incident:
    """One incident of the category at the place, on a day drawn by `day_w`, at an hour drawn from HOURS."""
    day = days[rng.choice(len(days), p=day_w / day_w.sum())]
    hour = int(rng.choice(24, p=HOURS / HOURS.sum()))
    reported = day.replace(hour=hour, minute=int(rng.integers(60)), second=int(rng.integers(60)), microsecond=0)
    channel = str(rng.choice(CHANNELS[0], p=CHANNELS[1]))
    handled = timedelta(hours=float(rng.lognormal(np.log(20), 0.9)))
    status = CaseStatus.rated if rng.random() < 0.6 else CaseStatus.closed
    x, y = _point_in(place.geom, rng, centre)
    return Incident(cat.code, channel, status, reported, reported + handled, x, y, f"{place.name}：{cat.name_zh}")


def _open_recent(incidents: list[Incident], now: datetime, rng: np.random.Generator) -> None:
    """The newest cases are still open, OPEN_PER_STATE in every open state; so is any case not yet handled by now."""
    states = list(OPEN_STATUSES)
    recent = sorted(incidents, key=lambda i: i.reported_at, reverse=True)
    for n, incident in enumerate(recent[: OPEN_PER_STATE * len(states)]):
        incident.status = states[n % len(states)]
        incident.closed_at = None
    for incident in incidents:
        if incident.closed_at and incident.closed_at > now:
            incident.status, incident.closed_at = CaseStatus.handling, None
