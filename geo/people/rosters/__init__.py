"""Rosters: the spreadsheets communities keep (buildings, households, residents, staff), in and out."""
