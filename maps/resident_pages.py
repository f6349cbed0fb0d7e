"""The residents' pages under /r/: each page's template, its tab and the config its script reads.

Shells like the field app's (maps/mobile_pages.py): what they show comes from /api/v1/reports, so no one's data is
in the HTML. They share the field app's helpers, styles and offline queue."""

from geo.access.actor import Actor
from geo.core.i18n import LABELS
from maps.mobile_pages import map_config, words
from maps.page import Page

PREFIXES = ("r_", "need_")
TABS = ("new", "reports", "needs", "points", "anonymous", "lookup")


def resident_words(lang: str) -> dict:
    """The labels the residents' scripts need, in `lang`: the field app's and their own."""
    labels = LABELS[lang]
    return words(lang) | {k: v for k, v in labels.items() if k.startswith(PREFIXES)}


def resident_page(template: str, tab: str, actor: Actor | None, lang: str) -> Page:
    """One page: its template under maps/templates/r/, its tab lit, and its config."""
    labels = LABELS[lang]
    config = {"labels": resident_words(lang), "lang": lang, "grid": None, "map": map_config(),
              "user": actor.username if actor else None}
    title = f"{labels['r_tab_' + tab] if tab else labels['r_login']} · {labels['r_app']}"
    return Page(f"r/{template}", title, config, fields={"tab": tab, "signed_in": actor is not None})
