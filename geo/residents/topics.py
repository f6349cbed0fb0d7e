"""What residents report about, in their own words (data/resident_categories.csv), each mapped to one of our case
categories: 垃圾没人清 is env_garbage. The list the resident picks from; the dispatch uses the category behind."""

import csv
from dataclasses import dataclass
from functools import lru_cache

from geo.cases.categories import categories
from geo.core.errors import InvalidInput
from geo.core.i18n import msg
from geo.core.settings import PROJECT_ROOT

TOPICS_CSV = PROJECT_ROOT / "data" / "resident_categories.csv"


@dataclass(frozen=True)
class Topic:
    """One entry of the residents' list: its code, plain words and the case category it files under."""

    code: str
    name: str
    name_en: str
    category: str


@lru_cache
def topics() -> dict[str, Topic]:
    """The residents' list by code, in file order; each row must name one of our categories."""
    with TOPICS_CSV.open(encoding="utf-8") as f:
        rows = [Topic(r["code"], r["name"], r["name_en"], r["category"]) for r in csv.DictReader(f)]
    known = categories()
    unknown = [t.code for t in rows if t.category not in known]
    if unknown:
        raise InvalidInput(msg("{file}: topics {codes} name no case category", file=TOPICS_CSV.name,
                               codes=", ".join(unknown)))
    return {t.code: t for t in rows}


def topic(code: str) -> Topic:
    """One topic; InvalidInput naming the list otherwise."""
    found = topics().get(code)
    if found is None:
        raise InvalidInput(msg("topic {code!r} is not on the residents' list; one of {codes}", code=code,
                               codes=", ".join(topics())))
    return found
