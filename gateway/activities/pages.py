"""What a connection page is, whichever API version made it."""

from __future__ import annotations

from dataclasses import dataclass, field

from gateway.upstream.activities import ActivityRecord
from gateway.upstream.entities import RelatedObjects


@dataclass(slots=True)
class Page:
    """The edges of one connection page (cursor, record) in list order, and where paging goes on.

    `start_cursor`/`end_cursor` are the first and last edge's cursors, except when the gateway stopped
    scanning at its cap before the page was full: the cursor on that side then marks where the scan
    stopped, and is set even when the page has no edges."""

    edges: list[tuple[str, ActivityRecord]]
    has_next: bool
    has_previous: bool
    start_cursor: str | None = None
    end_cursor: str | None = None
    related: RelatedObjects | None = field(default=None)

    def __post_init__(self) -> None:
        if self.edges:
            self.start_cursor = self.start_cursor or self.edges[0][0]
            self.end_cursor = self.end_cursor or self.edges[-1][0]

    @property
    def records(self) -> list[ActivityRecord]:
        return [record for _, record in self.edges]
