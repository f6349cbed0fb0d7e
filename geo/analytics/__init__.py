"""Where problems concentrate and how each grid performs: counts and rates, hot spots, early warning, league tables."""
