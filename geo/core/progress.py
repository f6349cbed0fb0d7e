"""Progress display for long work: the CLI passes a rich tracker; everything else runs silent."""

from collections.abc import Callable, Iterable

Track = Callable[[Iterable, str, int], Iterable]


def no_track(items: Iterable, description: str, total: int) -> Iterable:
    """The default progress display: none."""
    return items
