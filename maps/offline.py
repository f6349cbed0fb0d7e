"""A folium Map that loads Leaflet and its plugins from /static/vendor instead of CDNs (offline command centers)."""

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin

VENDOR = "/static/vendor"


class OfflineMap(folium.Map):
    """A folium Map with only Leaflet (no jQuery, Bootstrap or icon fonts), served locally."""

    default_js = [("leaflet", f"{VENDOR}/leaflet/leaflet.js")]
    default_css = [("leaflet_css", f"{VENDOR}/leaflet/leaflet.css")]


class PageScript(JSCSSMixin, MacroElement):
    """Base of a page's own script: folium loads these plugins after Leaflet, from /static/vendor."""

    default_js = [("vectorgrid", f"{VENDOR}/vectorgrid/Leaflet.VectorGrid.bundled.min.js"),
                  ("markercluster", f"{VENDOR}/markercluster/leaflet.markercluster.js"),
                  ("wangge", "/static/wangge.js")]
    default_css = [("markercluster_css", f"{VENDOR}/markercluster/MarkerCluster.css"),
                   ("markercluster_default_css", f"{VENDOR}/markercluster/MarkerCluster.Default.css")]


def offline_map(bounds, basemap: str, **kwargs) -> OfflineMap:
    """A map fitted to `bounds` ([[south, west], [north, east]]), with a basemap only when one is configured."""
    tiles = {"osm": "OpenStreetMap"}.get(basemap)
    m = OfflineMap(tiles=tiles, control_scale=True, **kwargs)
    m.fit_bounds(bounds)
    return m
