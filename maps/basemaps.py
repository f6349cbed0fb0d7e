"""Background maps the pages can draw under our layers, and the datum each is drawn in.

Chinese providers draw in GCJ-02 (AMap, Tencent) or in CGCS2000 (Tianditu, which equals WGS84 to well under a metre).
On a GCJ-02 basemap the page uses the GCJ02 CRS of maps/static/wangge.js and asks for tiles with `datum=gcj02`,
so our WGS84 data lands on the right street instead of 300-600 m off. `none` is for offline command centers:
our boundaries draw without any basemap.
"""

from dataclasses import asdict, dataclass, replace
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Basemap:
    url: str
    attribution: str  # plain text: the page escapes it (Leaflet's attribution control takes HTML)
    attribution_url: str | None = None
    subdomains: str = "abc"
    datum: str = "wgs84"
    overlay_url: str | None = None  # labels drawn over the base (Tianditu ships them apart)


TIANDITU = "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}" \
           "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"

BASEMAPS = {
    "osm": Basemap("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap",
                   "https://www.openstreetmap.org/copyright"),
    "amap": Basemap("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
                    "© 高德地图 AutoNavi", subdomains="1234", datum="gcj02"),
    "tianditu": Basemap(TIANDITU.format(layer="vec", s="{s}", key="{key}"), "© 天地图 Tianditu",
                        subdomains="01234567", overlay_url=TIANDITU.format(layer="cva", s="{s}", key="{key}")),
}
NAMES = ("none", *BASEMAPS)


def basemap(name: str, key: str | None = None) -> Basemap | None:
    """The configured basemap with its key filled in, or None for `none`."""
    if name == "none":
        return None
    chosen = BASEMAPS[name]
    overlay = chosen.overlay_url.replace("{key}", key or "") if chosen.overlay_url else None
    return replace(chosen, url=chosen.url.replace("{key}", key or ""), overlay_url=overlay)


def tile_origins(background: Basemap | None) -> list[str]:
    """Every origin the basemap's tiles come from (one per subdomain), for the pages' img-src."""
    if background is None:
        return []
    urls = [u for u in (background.url, background.overlay_url) if u]
    parts = (urlsplit(url.replace("{s}", s)) for url in urls for s in (background.subdomains or "-"))
    return sorted({f"{u.scheme}://{u.netloc}" for u in parts})


def page_basemap(background: Basemap | None) -> dict | None:
    """The basemap as the pages' JSON config reads it (maps/static/wangge.js draws it)."""
    return asdict(background) if background else None
