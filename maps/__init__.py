"""Command-center map pages: folium builds the Leaflet page, data comes from the API (tiles, GeoJSON) at run time."""
