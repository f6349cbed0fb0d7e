"""What a map page is made of: its template, its title and the JSON config its static JS reads.

The HTML lives in maps/templates (Jinja2, autoescaped) and the code in maps/static; nothing here writes markup or
script. The config reaches the page in one `<script type="application/json" id="page-config">` block that Jinja's
`tojson` escapes for HTML, so no text in it can end the block.
"""

from dataclasses import dataclass, field

from geo.core.i18n import LABELS
from geo.core.settings import get_settings
from maps.basemaps import basemap, page_basemap

MAX_ZOOM = 19  # with no basemap Leaflet knows no maximum zoom, and clustering needs one


@dataclass(frozen=True)
class Page:
    """A page to render: maps/templates/<template>, its <title>, the config of its static JS, and the values the
    template shows itself (the login form's)."""

    template: str
    title: str
    config: dict = field(default_factory=dict)
    fields: dict = field(default_factory=dict)


def map_page(template: str, title: str, bounds, lang: str, **config) -> Page:
    """A map page fitted to `bounds` ([[south, west], [north, east]]), on the configured basemap, in `lang`."""
    settings = get_settings()
    background = basemap(settings.basemap, settings.tianditu_key)
    view = {"bounds": bounds, "maxZoom": MAX_ZOOM, "basemap": page_basemap(background),
            "crs": "GCJ02" if background and background.datum == "gcj02" else "EPSG3857"}
    return Page(template, title, {"map": view, "labels": desktop_words(lang), **config})


def desktop_words(lang: str) -> dict:
    """The labels of the desktop pages: all but the phone apps' own (m_, r_, and the needs' need_) and the monthly
    notice's sheet (nf_), which they never show."""
    return {k: v for k, v in LABELS[lang].items() if not k.startswith(("m_", "r_", "need_", "nf_"))}
