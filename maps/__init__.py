"""Command-center map pages: Jinja2 templates and static JS; their data comes from the API (tiles, GeoJSON)."""
