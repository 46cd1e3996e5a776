"""Scanning an ordered upstream list with the filters the upstream lacks, a page cap, and resumption.

Pipedrive's v2 list has no filter for activity types or due dates, and `activities` must still
filter by them and page both ways. A `Scan` reads the list in one order (by id, or by due date when
dates filter it, so that it can stop at the end of the range), keeps the items that pass the
gateway's own filters, and stops when it has enough, when no later item can match, when the list
ends, or when it has read `max_pages` upstream pages: it then answers with what it has and the
position to go on from.

A `Position` is where a scan goes on: the upstream cursor of a page at or before that point, and the
`Anchor` (keys) of the last item passed. Resuming skips the page's items up to and including the
anchor, by comparing keys rather than counting, so an item deleted or added meanwhile neither shifts
nor repeats what follows. A position with no upstream cursor but an anchor (a cursor from the other
direction, or from v1) is found by scanning from the start of the list: bounded by the cap, and
resumable like any other. Items with equal sort keys are assumed to come in id order, in the
direction of the scan (the upstream's documented keyset paging).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from gateway.upstream.activities import ActivityRecord, CursorPage
from gateway.upstream.client import MAX_LIST_LIMIT

from .cursors import Anchor, Direction, Sort

MAX_PAGE_LIMIT = MAX_LIST_LIMIT  # a module name of its own: tests shrink the scan's pages
Fetch = Callable[[str | None, int], Awaitable[CursorPage]]
"""One upstream page: (cursor, limit), in the scan's order."""
Test = Callable[[ActivityRecord], bool]


@dataclass(frozen=True, slots=True)
class Order:
    sort: Sort
    direction: Direction

    def anchor(self, record: ActivityRecord) -> Anchor:
        return Anchor(record.id, record.due_date if self.sort == "due_date" else None)

    def is_past(self, record: ActivityRecord, anchor: Anchor | None) -> bool:
        """Whether `record` comes after `anchor` in this order (everything does when there is none).
        By due date, an undated record is never past: it matches no date filter anyway."""
        if anchor is None:
            return True
        if self.sort == "id":
            return record.id > anchor.id if self.direction == "asc" else record.id < anchor.id
        if record.due_date is None:
            return False
        key: tuple[dt.date, int] = (record.due_date, record.id)
        mark = (anchor.due_date or dt.date.min, anchor.id)
        return key > mark if self.direction == "asc" else key < mark


@dataclass(frozen=True, slots=True)
class Position:
    upstream: str | None
    anchor: Anchor | None

    @property
    def seeking(self) -> bool:
        """An anchor to find from the start of the list (no upstream cursor to resume from)."""
        return self.upstream is None and self.anchor is not None


START = Position(None, None)


@dataclass(slots=True)
class Found:
    record: ActivityRecord
    after: Position


@dataclass(slots=True)
class Outcome:
    found: list[Found]
    more: bool
    """Items may remain after `resume` (an item that would not pass the filters included)."""
    resume: Position
    capped: bool
    """The scan stopped at `max_pages` before it had found enough."""


@dataclass(frozen=True)
class Scan:
    fetch: Fetch
    order: Order
    keep: Test
    stop: Test
    """True for an item after which no item can be kept (the end of a due-date range)."""
    max_pages: int
    filtered: bool
    """Whether `keep` can refuse items: the scan then reads the largest pages the upstream allows."""

    async def run(self, start: Position, want: int) -> Outcome:
        found: list[Found] = []
        position = start
        for _ in range(self.max_pages):
            page = await self.fetch(position.upstream, self._limit(position, want))
            outcome = self._read(page, position, want, found)
            if outcome is not None:
                return outcome
            last = page.items[-1] if page.items else None
            anchor = self.order.anchor(last) if last is not None else position.anchor
            position = Position(page.next_cursor, anchor)
        return Outcome(found, more=True, resume=position, capped=True)

    def _limit(self, position: Position, want: int) -> int:
        if self.filtered or position.seeking:
            return MAX_PAGE_LIMIT
        return max(1, min(MAX_PAGE_LIMIT, want))

    def _after(self, page: CursorPage, position: Position, index: int) -> Position:
        """Where paging resumes right after item `index` of `page`, read from `position`."""
        at_page_end = index == len(page.items) - 1 and page.next_cursor is not None
        return Position(page.next_cursor if at_page_end else position.upstream, self.order.anchor(page.items[index]))

    def _read(self, page: CursorPage, position: Position, want: int, found: list[Found]) -> Outcome | None:
        """Take what `page` offers; the outcome when the scan is over, None to read the next page."""
        items = page.items
        for index, record in enumerate(items):
            if not self.order.is_past(record, position.anchor):
                continue
            if self.stop(record):
                return Outcome(found, more=False, resume=self._after(page, position, index), capped=False)
            if self.keep(record):
                after = self._after(page, position, index)  # made for kept rows only: most are not, filtered
                found.append(Found(record, after))
                if len(found) == want:
                    more = index < len(items) - 1 or page.next_cursor is not None
                    return Outcome(found, more=more, resume=after, capped=False)
        if page.next_cursor is None:
            last = Position(None, self.order.anchor(items[-1])) if items else position
            return Outcome(found, more=False, resume=last, capped=False)
        return None
