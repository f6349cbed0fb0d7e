"""The needs desk (三单制台账) of party and community staff: the needs of their scope with the steps open to them
(下单 to an organisation with a due date, 不予受理, recording a unit's or member's claim and its completion,
confirming a need raised on a visit), the month's figures with the 月通报, and the points awaiting approval.

A shell like the other pages: its script (maps/static/needs-desk.js) reads and writes /api/v1/needs and
/api/v1/points; the HTML carries no one's data."""

from geo.access.actor import Actor
from geo.access.permissions import Permission, may
from geo.core.i18n import LABELS
from geo.core.time import china_today
from maps.page import Page, desktop_words


def needs_desk_page(actor: Actor, lang: str) -> Page:
    """The desk for this actor: what their role may do decides which panels show."""
    labels = LABELS[lang]
    # the needs' own words, and those of the residents' pages it shares (kinds, ratings, hints)
    words = desktop_words(lang) | {k: v for k, v in labels.items() if k.startswith(("need_", "r_"))}
    return Page("needs_desk.html", f"{labels['nd_title']} · {labels['title']}", {
        "labels": words, "lang": lang, "month": china_today().strftime("%Y-%m"),
        "approve": may(actor.role, Permission.approve_points),
        "members": may(actor.role, Permission.read_party_members)})
