"""Statistically significant hot and cold spots, with PySAL (esda) rather than hand-written statistics.

For each cell (a grid, or an H3 hexagon) with a value (a count, or a rate):
- Getis-Ord Gi* (esda.G_Local, binary weights with the cell itself included): is the cell and its neighbourhood higher
  (hot) or lower (cold) than the whole? z-score and a permutation pseudo p-value;
- local Moran's I (esda.Moran_Local): is the cell like its neighbours (HH, LL) or an outlier (HL, LH)?
Conditional permutations (9999 unless asked otherwise; seeded so that the same data give the same answer) give
two-sided pseudo p-values (twice esda's directed ones, the smallest being 2/(permutations+1)); above
PERMUTATION_CELLS cells that floor would hide all but large clusters, and `inference="auto"` takes
Gi*'s normal approximation instead (Moran's I keeps 999 permutations: it only names the quadrant).
The false discovery rate across all cells is held at `alpha` with Benjamini-Hochberg (esda.fdr),
so "significant" means significant after correcting for testing every cell at once.
Cells without neighbours (islands) or without a value are reported but not tested.
"""

import warnings
from dataclasses import dataclass

import numpy as np
from esda import G_Local, Moran_Local, fdr
from libpysal.weights import W, fill_diagonal
from scipy.stats import norm

from geo.core.errors import InvalidInput
from geo.core.i18n import msg

MORAN_QUADRANTS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
# The smallest two-sided pseudo p-value is 2/(permutations+1) and Benjamini-Hochberg asks the k-th smallest to be
# at most k·alpha/cells: 999 permutations (p >= 0.002) let a 3-grid cluster through only among fewer than 75 grids.
DEFAULT_PERMUTATIONS = 9999
MAX_PERMUTATIONS = 9999
# Beyond this many cells even 9999 permutations let only clusters of over ten cells through the FDR (see
# docs/analytics.md): `auto` then takes Gi*'s normal approximation, as ArcGIS's Hot Spot Analysis always does.
PERMUTATION_CELLS = 2500
NORMAL_MORAN_PERMUTATIONS = 999
INFERENCES = ("auto", "permutation", "normal")
SEED = 20261123


@dataclass
class Spot:
    """One cell's statistics."""

    gi_z: float | None = None
    gi_p: float | None = None
    moran_i: float | None = None
    moran_p: float | None = None
    moran_quadrant: str | None = None
    significant: bool = False
    kind: str | None = None  # "hot" or "cold" when significant

    def as_dict(self) -> dict:
        """The statistics as the API returns them."""
        return {"gi_z": self.gi_z, "gi_p": self.gi_p, "moran_i": self.moran_i, "moran_p": self.moran_p,
                "moran_quadrant": self.moran_quadrant, "significant": self.significant, "hotspot": self.kind}


def check(alpha: float, permutations: int | None) -> None:
    """InvalidInput unless 0 < alpha < 1 and 99 <= permutations <= MAX_PERMUTATIONS (or None: automatic)."""
    if not 0 < alpha < 1:
        raise InvalidInput(msg("alpha must lie strictly between 0 and 1"))
    if permutations is not None and not 99 <= permutations <= MAX_PERMUTATIONS:
        raise InvalidInput(msg("permutations must lie in 99..{max}", max=MAX_PERMUTATIONS))


def _two_sided(directed: np.ndarray) -> np.ndarray:
    """esda's pseudo p-values look only in the observed direction; hot and cold are both of interest: double them."""
    return np.minimum(1.0, 2.0 * np.asarray(directed, dtype=float))


def inference_for(cells: int, inference: str) -> str:
    """"permutation" or "normal": `auto` picks permutations up to PERMUTATION_CELLS cells, the normal law above."""
    if inference not in INFERENCES:
        raise InvalidInput(msg("inference must be one of {choices}", choices=", ".join(INFERENCES)))
    if inference != "auto":
        return inference
    return "permutation" if cells <= PERMUTATION_CELLS else "normal"


def hotspots(values: dict[str, float | None], neighbours: dict[str, list[str]], *, alpha: float = 0.05,
             permutations: int | None = None, inference: str = "auto") -> dict[str, Spot]:
    """Gi* and local Moran's I for every cell of `values` over the `neighbours` graph, FDR-controlled at `alpha`."""
    check(alpha, permutations)
    tested = [c for c, v in values.items() if v is not None and any(values.get(n) is not None for n in neighbours[c])]
    spots = {code: Spot() for code in values}
    how = inference_for(len(tested), inference)
    y = np.array([values[c] for c in tested], dtype=float)
    if len(tested) < 3 or np.ptp(y) == 0:
        return spots  # nothing to compare: every cell alike, or too few
    permutations = permutations or (DEFAULT_PERMUTATIONS if how == "permutation" else NORMAL_MORAN_PERMUTATIONS)
    index = set(tested)
    w = W({c: [n for n in neighbours[c] if n in index] for c in tested}, id_order=tested, silence_warnings=True)
    with warnings.catch_warnings():
        # esda 2.x warns that its default alternative will change; we make our p-values two-sided ourselves.
        warnings.simplefilter("ignore", DeprecationWarning)
        # Gi* as Getis and Ord define it: binary weights with the cell itself included (w_ii = 1).
        gi = G_Local(y, fill_diagonal(w, 1.0), transform="B", star=None,
                     permutations=permutations if how == "permutation" else 0, n_jobs=1, seed=SEED,
                     keep_simulations=False)
        moran = Moran_Local(y, w, transformation="r", permutations=permutations, n_jobs=1, seed=SEED,
                            keep_simulations=False)
    # Gi*'s z is asymptotically normal; Moran's I, which only names the quadrant, keeps its permutations.
    gi_p = _two_sided(gi.p_sim) if how == "permutation" else 2 * norm.sf(np.abs(gi.Zs))
    moran_p = _two_sided(moran.p_sim)
    cut = fdr(gi_p, alpha)
    for i, code in enumerate(tested):
        significant = bool(gi_p[i] <= cut)
        spots[code] = Spot(gi_z=round(float(gi.Zs[i]), 4), gi_p=float(f"{gi_p[i]:.4g}"),
                           moran_i=round(float(moran.Is[i]), 4), moran_p=float(f"{moran_p[i]:.4g}"),
                           moran_quadrant=MORAN_QUADRANTS[int(moran.q[i])],
                           significant=significant, kind=("hot" if gi.Zs[i] > 0 else "cold") if significant else None)
    return spots
