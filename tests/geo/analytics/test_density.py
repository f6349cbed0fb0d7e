"""The kernel-density surface: mass where the cases are, transparent elsewhere, checked input."""

import io

import numpy as np
import pytest
from PIL import Image

from geo.analytics.density import check, surface
from geo.core.errors import InvalidInput

BBOX = (116.30, 39.80, 116.34, 39.83)


def test_the_surface_peaks_where_the_cases_are():
    rng = np.random.default_rng(1)
    spot = np.column_stack([rng.normal(116.31, 0.0008, 500), rng.normal(39.82, 0.0008, 500)])
    found = surface(spot, BBOX, 400, 300, 100)
    image = np.array(Image.open(io.BytesIO(found.png)))
    assert image.shape == (300, 400, 4) and found.cases == 500
    row, col = np.unravel_index(np.argmax(found.per_km2), found.per_km2.shape)
    assert abs(col - 100) <= 3 and abs(row - 100) <= 4  # (116.31, 39.82) is a quarter across, a third down
    assert image[-20:, -20:, 3].max() == 0 and image[row, col, 3] > 200  # far corner clear, the peak opaque
    # The surface holds the cases: its integral over the image is (nearly) all 500.
    pixel_km2 = (0.04 / 400 * 111.32 * np.cos(np.radians(39.815))) * (0.03 / 300 * 111.32)
    assert 480 < found.per_km2.sum() * pixel_km2 < 520
    # 500 cases within ~0.1 km² or so: hundreds to thousands per km² at the peak.
    assert 500 < found.max_per_km2 < 50_000


def test_no_cases_is_a_transparent_image():
    found = surface(np.empty((0, 2)), BBOX, 64, 64, 100)
    assert np.array(Image.open(io.BytesIO(found.png)))[..., 3].max() == 0 and found.max_per_km2 == 0


@pytest.mark.parametrize("args", [(None, 256, 256, 100), (BBOX, 8, 256, 100), (BBOX, 256, 5000, 100), (BBOX, 256, 256, 1)])
def test_bad_requests(args):
    with pytest.raises(InvalidInput):
        check(*args)
