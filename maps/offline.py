"""A folium Map that loads Leaflet and its plugins from /static/vendor instead of CDNs (offline command centers)."""

import json

import folium
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin

from geo.settings import get_settings
from maps.basemaps import Basemap, basemap
from maps.labels import LABELS

VENDOR = "/static/vendor"


class OfflineMap(folium.Map):
    """A folium Map with only Leaflet (no jQuery, Bootstrap or icon fonts), served locally."""

    default_js = [("leaflet", f"{VENDOR}/leaflet/leaflet.js")]
    default_css = [("leaflet_css", f"{VENDOR}/leaflet/leaflet.css")]


class PageScript(JSCSSMixin, MacroElement):
    """Base of a page's own script: folium loads these plugins after Leaflet, from /static/vendor.

    Templates get `this.labels` (the page's words as JSON) for their `T`.
    """

    default_js = [("vectorgrid", f"{VENDOR}/vectorgrid/Leaflet.VectorGrid.bundled.min.js"),
                  ("markercluster", f"{VENDOR}/markercluster/leaflet.markercluster.js"),
                  ("wangge", "/static/wangge.js")]
    default_css = [("markercluster_css", f"{VENDOR}/markercluster/MarkerCluster.css"),
                   ("markercluster_default_css", f"{VENDOR}/markercluster/MarkerCluster.Default.css")]

    def __init__(self, lang: str):
        super().__init__()
        self._name = type(self).__name__
        self.labels = json.dumps(LABELS[lang], ensure_ascii=False)


PAGE_STYLE = """<style>
.wangge-kpis, .wangge-legend, .wangge-period, #case-panel { background: rgba(255,255,255,.92); padding: 8px 10px; border-radius: 4px;
  font: 13px/1.6 "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
.wangge-legend i { display: inline-block; width: 14px; height: 14px; vertical-align: middle; border: 1px solid #999; }
#case-panel { position: absolute; top: 10px; left: 60px; z-index: 1000; width: 24em; max-height: 85vh; overflow: auto; }
#case-panel ol { padding-left: 1.4em; margin: 4px 0; }
.wangge-warnings { max-width: 28em; }
#case-panel .ok { color: #238b45; font-weight: bold; } #case-panel .bad { color: #cb181d; font-weight: bold; }
#case-panel ol.problems li.warning a { color: #8c6d1f; } #case-panel ol.problems li.error a { color: #cb181d; }
#case-panel table.impact { border-collapse: collapse; font-size: 12px; }
#case-panel table.impact td, #case-panel table.impact th { padding: 1px 6px; border-bottom: 1px solid #eee; }
.wangge-legend i.ramp { width: 80px; background: linear-gradient(to right, #ffffcc, #feb24c, #e31a1c, #800026); }
.staff-marker { background: #238b45; color: #fff; border-radius: 9px; padding: 0 6px; font: 12px/18px sans-serif;
  white-space: nowrap; box-shadow: 0 1px 3px rgba(0,0,0,.4); }
</style>"""


def page(bounds, title: str, script: PageScript, *, panel: bool = True) -> str:
    """A whole page: the offline map fitted to `bounds`, the shared style, an optional side panel, the script."""
    settings = get_settings()
    m = offline_map(bounds, basemap(settings.basemap, settings.tianditu_key))
    root = m.get_root()
    root.header.add_child(Element(PAGE_STYLE))
    root.header.add_child(Element(f"<title>{title}</title>"))
    if panel:
        root.html.add_child(Element('<div id="case-panel"></div>'))
    m.add_child(script)
    return root.render()


def offline_map(bounds, background: Basemap | None, **kwargs) -> OfflineMap:
    """A map fitted to `bounds` ([[south, west], [north, east]]), in the basemap's datum, with it when configured."""
    crs = "GCJ02" if background and background.datum == "gcj02" else "EPSG3857"
    m = OfflineMap(tiles=None, crs=crs, control_scale=True, **kwargs)
    if background:
        for url in filter(None, (background.url, background.overlay_url)):
            folium.TileLayer(url, attr=background.attribution, subdomains=background.subdomains, max_zoom=19,
                             max_native_zoom=18, control=False).add_to(m)
    m.fit_bounds(bounds)
    return m
