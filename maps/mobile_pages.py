"""The grid worker's phone app (网格通) under /m/: each tab's page, its title and the config its static script reads.

The pages are shells: what they show (tasks, cases, households) comes from the API, so the service worker can keep
a shell for offline use without keeping anyone's data in HTML.
"""

from geo.access.actor import Actor
from geo.core.i18n import LABELS
from geo.core.models import Level
from geo.core.settings import get_settings
from maps.basemaps import basemap, page_basemap
from maps.page import Page

# The app's own words and the shared ones its scripts show (actions, lights, statuses, channels).
PREFIXES = ("m_", "action_", "light_", "status_", "channel_", "urgency_", "level_")
SHARED = ("fulltime_worker", "parttime_worker", "grid_leader", "building_head", "metres", "category_search",
          "category_no_match", "description", "households", "due", "address", "status", "history", "cancel")
TABS = ("tasks", "report", "patrol", "visit", "grid")


def words(lang: str) -> dict:
    """The labels the app's scripts need, in `lang`."""
    labels = LABELS[lang]
    return {k: v for k, v in labels.items() if k.startswith(PREFIXES) or k in SHARED}


def map_config() -> dict:
    """The app's maps: the configured basemap and the CRS it is drawn in."""
    settings = get_settings()
    background = basemap(settings.basemap, settings.tianditu_key)
    return {"basemap": page_basemap(background), "crs": "GCJ02" if background and background.datum == "gcj02" else "EPSG3857"}


def mobile_page(template: str, tab: str, actor: Actor | None, lang: str, **config) -> Page:
    """One page of the app: its template under maps/templates/m/, its tab lit in the tab bar, and its config."""
    settings = get_settings()
    labels = LABELS[lang]
    scope = actor.scope if actor else None
    grid = scope.area_code if scope and scope.area_level == Level.grid else None
    base = {"labels": words(lang), "lang": lang, "grid": grid, "map": map_config(), "patrolSeconds": settings.patrol_seconds,
            "checkinMetres": settings.checkin_metres, "user": actor.username if actor else None}
    title = f"{labels['m_tab_' + tab] if tab else labels['login']} · {labels['m_app']}"
    return Page(f"m/{template}", title, {**base, **config}, fields={"tab": tab})
