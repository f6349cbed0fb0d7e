"""Recent hot areas: a few neighbourhoods where, over the last weeks, complaints pile up across several grids.

What the command center's default view (hot spots of the last 30 days, Getis-Ord Gi* over neighbouring grids)
should find: a residential grid and the residential grids around it all busier than the rest, by about the
same number of cases each (Gi* asks the neighbourhood, not one cell, to stand out: a single busy grid among
ordinary ones is not a hot spot). The centres lie apart.
"""

import numpy as np

HOT_AREAS = 2
HOT_AREA_DAYS = 40          # covers the default 30-day window whichever day it ends
HOT_AREA_CASES = 24         # per grid of an area over those days, on top of its boosted categories
HOT_AREA_APART_M = 600.0
TOUCHING_M = 1.0
MIN_RING = 6
# What a busy old neighbourhood complains about: garbage, parking, property management, noise.
HOT_AREA_CATEGORIES = {"env_garbage": 4, "order_parking": 3, "dispute_property": 2, "noise": 1,
                       "order_vending": 1}


def areas(places: list, rng) -> list[list[int]]:
    """Up to HOT_AREAS groups of place indexes: a residential grid and the residential grids touching it, the
    hearts at least HOT_AREA_APART_M apart and inner grids with MIN_RING neighbours where the city has them
    (Gi*'s permutation test can only single out a cell whose neighbourhood is larger than a handful)."""
    residential = [i for i, p in enumerate(places) if p.purpose is None]
    ring = {i: [j for j in residential if j != i and places[j].geom.distance(places[i].geom) <= TOUCHING_M]
            for i in residential}
    order = [residential[int(k)] for k in rng.permutation(len(residential))]
    order.sort(key=lambda i: len(ring[i]) < MIN_RING)  # stable: inner grids first, in random order
    chosen: list[list[int]] = []
    for heart in order:
        if all(places[heart].geom.distance(places[area[0]].geom) >= HOT_AREA_APART_M for area in chosen):
            chosen.append([heart, *ring[heart]])
        if len(chosen) == HOT_AREAS:
            break
    return chosen


def recent(places: list, areas: list[list[int]], cats: list, days: list, rng, make) -> list:
    """The hot areas' incidents of the last HOT_AREA_DAYS days; `make` builds one (see incidents._incident)."""
    by_code = {c.code: c for c in cats}
    wanted = [(by_code[code], weight) for code, weight in HOT_AREA_CATEGORIES.items() if code in by_code]
    p = np.array([w for _, w in wanted], dtype=float)
    recent_days = np.array([1.0 if (days[-1] - d).days < HOT_AREA_DAYS else 0.0 for d in days])
    made = []
    for area in areas:
        for i in area:
            for _ in range(HOT_AREA_CASES):
                category = wanted[int(rng.choice(len(wanted), p=p / p.sum()))][0]
                made.append(make(places[i], category, recent_days, days, rng, None))
    return made
