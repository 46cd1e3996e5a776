"""What a connection page is, whichever API version made it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from gateway.upstream.activities import ActivityRecord
from gateway.upstream.entities import RelatedObjects


@dataclass(slots=True)
class Page:
    """The records of one connection page in list order, their cursors, and where paging goes on.

    A record's cursor is made only when asked for (`cursor(i)`, `edges()`): most queries read the nodes
    and `pageInfo` only, so a page of 100 encodes two cursors, not 100.

    `start_cursor`/`end_cursor` are the first and last record's cursors, except when the gateway stopped
    scanning at its cap before the page was full: the cursor on that side then marks where the scan
    stopped, and is set even when the page has no records."""

    records: list[ActivityRecord]
    cursor: Callable[[int], str]
    """The cursor of the record at an index of `records`."""
    has_next: bool
    has_previous: bool
    start_cursor: str | None = None
    end_cursor: str | None = None
    related: RelatedObjects | None = field(default=None)

    def __post_init__(self) -> None:
        if self.records:
            self.start_cursor = self.start_cursor or self.cursor(0)
            self.end_cursor = self.end_cursor or self.cursor(len(self.records) - 1)

    def edges(self) -> list[tuple[str, ActivityRecord]]:
        return [(self.cursor(index), record) for index, record in enumerate(self.records)]


def empty_page(*, has_next: bool, has_previous: bool) -> Page:
    return Page([], _no_cursor, has_next=has_next, has_previous=has_previous)


def _no_cursor(index: int) -> str:
    raise IndexError(index)
