"""The public pages under /public/ (居务公开): server-rendered, no script, Chinese first; what they show comes from
geo/residents/public.py, already free of people and exact points."""

from datetime import datetime

from geo.core.i18n import LABELS
from geo.core.time import CHINA
from maps.page import Page


def day(at: datetime | None) -> str:
    """A moment as its Beijing date (YYYY-MM-DD), or an empty string."""
    return at.astimezone(CHINA).strftime("%Y-%m-%d") if at else ""


def percent(rate: float | None) -> str:
    """A rate as a percentage with one decimal, or a dash when there was nothing to count."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def index_page(rows: list[dict], lang: str) -> Page:
    """The list of communities, by street."""
    streets: dict[str, list[dict]] = {}
    for row in rows:
        streets.setdefault(row["street"] or "", []).append(row)
    return Page("public/index.html", LABELS[lang]["pub_title"], fields={"streets": streets})


def community_page(data: dict, lang: str) -> Page:
    """One community: its counts, figures and closed cases, dates already in Beijing days."""
    english = lang == "en"
    closed = [{**c, "category_shown": c["category_name_en"] if english else c["category_name"],
               "reported_day": day(c["reported_at"]), "closed_day": day(c["closed_at"])} for c in data["closed"]]
    categories = [{"name": c["name_en"] if english else c["name"], "cases": c["cases"]} for c in data["by_category"]]
    figures = data["figures"]
    fields = {**data, "closed": closed, "categories": categories, "since_day": day(data["since"]),
              "until_day": day(data["until"]), "on_time": percent(figures["on_time_rate"]),
              "satisfaction": percent(figures["satisfaction_rate"]), "resolution": percent(figures["resolution_rate"])}
    return Page("public/community.html", f"{data['name']} · {LABELS[lang]['pub_title']}", fields=fields)
