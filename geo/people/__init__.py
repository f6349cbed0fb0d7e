"""The people in the grids: staff and their duties, residents, rosters."""
