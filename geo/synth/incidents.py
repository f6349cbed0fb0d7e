"""A year of incidents: category mix, weekday and hour rhythm, seasons, persistent hot spots, recent hot areas."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import shapely

from geo.cases.categories import Category, categories
from geo.synth import hot_areas

CASES_PER_HOUSEHOLD_YEAR = 0.12
CHANNELS = (["patrol", "hotline", "self_report", "referral", "video_ai", "petition"], [0.44, 0.30, 0.15, 0.05, 0.04, 0.02])
# Hour-of-day profile of reports: morning and afternoon peaks, a small evening one (noise).
HOURS = np.array([1, 1, 1, 1, 1, 2, 4, 7, 10, 12, 12, 10, 7, 8, 10, 11, 10, 8, 6, 6, 5, 4, 2, 1], dtype=float)
WEEKDAY = np.array([1.1, 1.05, 1.0, 1.0, 1.0, 0.7, 0.6])  # Monday first
# Persistent hot spots: two categories several times more frequent all year over the grids of a hot area
# (hot_areas.py: a grid and the grids touching it; an old compound's property disputes do not stop at a grid line).
HOT_SPOT_BOOST = 12.0
HOT_SPOT_SIGMA_M = 150.0
# Something for the early warning and the emerging hot spots to find: a surge of property disputes in one grid
# in the last week over a steady baseline (so the warning compares with a real usual rate, not with nothing),
# and exposed garbage rising week by week in another.
SURGE_BASELINE = 1.5   # property disputes a week, all year
SURGE_CASES = 10       # more in the last six days
EMERGING_WEEKS = 12
EMERGING_LAST_WEEK = 6.0


@dataclass
class Incident:
    category: str
    channel: str
    reported_at: datetime
    handling_hours: float  # from acceptance to the report back
    x: float   # metres, in the layout's frame
    y: float
    description: str
    grid: str
    planted: bool = False  # the early warning's surge: left where it is


@dataclass
class Place:
    """A grid the incidents fall in: its shape in metres, households, purpose, name and code."""

    geom: object
    households: int
    purpose: str | None
    name: str
    code: str


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
    """Incidents of the last 365 days in `places`, oldest first."""
    cats = list(categories().values())
    days = [now - timedelta(days=d) for d in range(365, 0, -1)]
    day_w = _day_weights(cats, days)
    base = np.array([c.weight for c in cats])
    areas = hot_areas.areas(places, rng)
    hot = _hot_spots(places, areas, len(cats), rng)
    incidents = []
    for index, place in enumerate(places):
        weights = base * _purpose_boost(place.purpose, cats)
        expected = CASES_PER_HOUSEHOLD_YEAR * max(place.households, 60)
        boosted, centre = hot.get(index, ((), None))
        for k, cat in enumerate(cats):
            lam = expected * weights[k] / base.sum() * (HOT_SPOT_BOOST if k in boosted else 1.0)
            for _ in range(rng.poisson(lam)):
                incidents.append(_incident(place, cat, day_w[k], days, rng, centre if k in boosted else None))
    incidents += _planted_trends(places, {c.code: c for c in cats}, days, rng, areas)
    incidents += hot_areas.recent(places, areas, cats, days, rng, _incident)
    return sorted(incidents, key=lambda i: i.reported_at)


def _planted_trends(places: list[Place], cats: dict[str, Category], days: list[datetime], rng,
                    areas: list[list[int]]) -> list[Incident]:
    """An old compound's property disputes all year (SURGE_BASELINE a week) and SURGE_CASES more in the last days,
    away from the hot areas; garbage rising to EMERGING_LAST_WEEK a week at the heart of the first hot area (a
    neighbourhood getting worse)."""
    hot = {i for area in areas for i in area}
    residential = [i for i, p in enumerate(places) if p.purpose is None and i not in hot] or list(range(len(places)))
    surge = places[int(rng.choice(residential))]
    rising = places[areas[0][0]] if areas else places[int(rng.choice(residential))]
    every_day = np.ones(len(days))
    last_days = np.array([1.0 if (days[-1] - d).days < 6 else 0.0 for d in days])
    ramp = np.array([max(0.0, 1 - (days[-1] - d).days / (EMERGING_WEEKS * 7)) for d in days])
    made = [_incident(surge, cats["dispute_property"], every_day, days, rng, None)
            for _ in range(rng.poisson(SURGE_BASELINE * len(days) / 7))]
    made += [_incident(surge, cats["dispute_property"], last_days, days, rng, None) for _ in range(SURGE_CASES)]
    for incident in made[-SURGE_CASES:]:
        incident.planted = True
    made += [_incident(rising, cats["env_garbage"], ramp, days, rng, None)
             for _ in range(rng.poisson(EMERGING_LAST_WEEK * EMERGING_WEEKS / 2))]
    return made


def _hot_spots(places: list[Place], areas: list[list[int]], n_categories: int,
               rng) -> dict[int, tuple[np.ndarray, tuple[float, float] | None]]:
    """Place index → (boosted categories, centre) for the grids of the hot areas: two categories each, all year;
    points cluster round the heart's centre in the heart, anywhere in the grids around it."""
    hot = {}
    for area in areas:
        boosted = rng.choice(n_categories, size=2, replace=False)
        heart = places[area[0]].geom.representative_point()
        for n, j in enumerate(area):
            hot[j] = (boosted, (heart.x, heart.y) if n == 0 else None)
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
    handled = float(rng.lognormal(np.log(12), 0.9))
    x, y = _point_in(place.geom, rng, centre)
    return Incident(cat.code, channel, reported, handled, x, y, f"{place.name}：{cat.name_zh}", place.code)
