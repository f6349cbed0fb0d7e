"""Redrawing grid boundaries: draft plans, their validation, impact and publication."""
