"""The app over a categories file an admin filled with payloads (WANGGE_TEST_CATEGORIES_CSV), for the browser tests.

Categories come from data/categories.csv, read once per process; the browser tests' server reads this copy instead.
"""

import os
from pathlib import Path

from geo.cases import categories

categories.CATEGORIES_CSV = Path(os.environ["WANGGE_TEST_CATEGORIES_CSV"])
categories.categories.cache_clear()

from api.main import app  # noqa: E402,F401
