"""Small pieces the listing queries share: paging bounds and the bbox condition."""

from geo.core.errors import InvalidInput
from geo.core.i18n import msg


def check_page(limit: int, offset: int, maximum: int) -> None:
    """InvalidInput unless 1 <= limit <= maximum and offset >= 0."""
    if not 1 <= limit <= maximum or offset < 0:
        raise InvalidInput(msg("limit must lie in 1..{max} and offset must not be negative", max=maximum))


def optional_filters(*filters: tuple[str, str, object]) -> tuple[list[str], dict]:
    """SQL conditions and their parameters for the (condition, name, value) filters whose value was given."""
    given = [(condition, name, value) for condition, name, value in filters if value not in (None, "")]
    return [condition for condition, _, _ in given], {name: value for _, name, value in given}


def bbox_condition(column: str, bbox, params: dict) -> str:
    """SQL (index-friendly &&) selecting rows of `column` that touch `bbox`; binds its four numbers into `params`."""
    params.update(zip(("minx", "miny", "maxx", "maxy"), bbox))
    return f"{column} && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)"
