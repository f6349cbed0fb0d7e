"""The grid worker's day: key points, patrols and their tracks, household and care visits (docs/field.md)."""
