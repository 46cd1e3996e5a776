"""The v2 scan on its own, over an in-memory list paged the way REFERENCE §5.2 describes Pipedrive's v2
`GET /activities` (sorted, ties by id, a cursor that marks the next page's first item by its keys):
walking forward or backward in pages of any size, with the gateway's filters and its page cap, gives
every matching item exactly once, in order; positions resume by keys, so a deleted item does not
shift what follows; a position with only an anchor is found from the start."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.activities.cursors import Anchor, Direction, Sort
from gateway.activities.scan import MAX_PAGE_LIMIT, START, Order, Position, Scan
from gateway.upstream.activities import ActivityRecord, CursorPage

DAY = dt.date(2026, 12, 1)


def record(activity_id: int, days: int | None = None, kind: str = "call") -> ActivityRecord:
    due = DAY + dt.timedelta(days=days) if days is not None else None
    return ActivityRecord.build({"id": activity_id, "due_date": due, "type": kind})


def _key(sort: Sort, item: ActivityRecord) -> tuple[int, str, int]:
    if sort == "id":
        return (0, "", item.id)
    return (1 if item.due_date else 0, item.due_date.isoformat() if item.due_date else "", item.id)


class KeysetList:
    """The upstream list: undated items first in ascending due-date order (last in descending)."""

    def __init__(self, items: list[ActivityRecord]) -> None:
        self.items = items
        self.limits: list[int] = []

    def fetcher(self, sort: Sort, direction: Direction) -> Callable[[str | None, int], Awaitable[CursorPage]]:
        async def fetch(cursor: str | None, limit: int) -> CursorPage:
            self.limits.append(limit)
            ordered = sorted(self.items, key=lambda item: _key(sort, item), reverse=direction == "desc")
            keys = [list(_key(sort, item)) for item in ordered]
            start = 0 if cursor is None else next((i for i, k in enumerate(keys) if k == json.loads(cursor)), len(keys))
            page = ordered[start : start + limit]
            next_cursor = json.dumps(keys[start + limit]) if start + limit < len(ordered) else None
            return CursorPage(page, next_cursor)

        return fetch


def scan_of(
    upstream: KeysetList,
    sort: Sort = "id",
    direction: Direction = "asc",
    keep: Callable[[ActivityRecord], bool] | None = None,
    max_pages: int = 50,
) -> Scan:
    return Scan(
        fetch=upstream.fetcher(sort, direction),
        order=Order(sort, direction),
        keep=keep or (lambda record: True),
        stop=lambda record: False,
        max_pages=max_pages,
        filtered=keep is not None,
    )


async def walk(scan: Scan, size: int) -> tuple[list[int], int]:
    """Every id a client walking the whole list in pages of `size` sees, following the end position as
    a client follows `endCursor`; and how many GraphQL pages it took."""
    seen: list[int] = []
    position, pages = START, 0
    while True:
        pages += 1
        outcome = await scan.run(position, size)
        seen += [found.record.id for found in outcome.found]
        if not outcome.more:
            return seen, pages
        assert outcome.found or outcome.capped, "a page with nothing found must have stopped at the cap"
        position = outcome.resume
        assert pages < 10_000


items_strategy = st.lists(
    st.tuples(st.integers(-20, 20) | st.none(), st.sampled_from(["call", "meeting", "task"])), max_size=60
).map(lambda rows: [record(i + 1, days, kind) for i, (days, kind) in enumerate(rows)])


@settings(max_examples=60, deadline=None)
@given(
    items=items_strategy,
    sort=st.sampled_from(["id", "due_date"]),
    direction=st.sampled_from(["asc", "desc"]),
    size=st.integers(1, 7),
    kinds=st.none() | st.sets(st.sampled_from(["call", "meeting", "task"]), min_size=1),
    max_pages=st.integers(1, 3),
)
@pytest.mark.anyio
async def test_a_walk_sees_every_match_once_in_order(
    items: list[ActivityRecord],
    sort: Sort,
    direction: Direction,
    size: int,
    kinds: set[str] | None,
    max_pages: int,
) -> None:
    upstream = KeysetList(items)
    keep = (lambda record: record.type in kinds) if kinds else None
    scan = scan_of(upstream, sort, direction, keep, max_pages)
    seen, _ = await walk(scan, size)
    ordered = sorted(items, key=lambda item: _key(sort, item), reverse=direction == "desc")
    expected = [r.id for r in ordered if (keep is None or keep(r))]
    if sort == "due_date":  # undated items are never positions in a due-date order: only dated ones count
        expected = [i for i in expected if next(r for r in items if r.id == i).due_date is not None]
        seen = [i for i in seen if next(r for r in items if r.id == i).due_date is not None]
    assert seen == expected
    assert all(limit <= MAX_PAGE_LIMIT for limit in upstream.limits)


@pytest.mark.anyio
async def test_unfiltered_pages_read_one_upstream_page_each_of_exactly_their_size() -> None:
    upstream = KeysetList([record(i) for i in range(1, 26)])
    seen, pages = await walk(scan_of(upstream), 10)
    assert seen == list(range(1, 26)) and pages == 3
    assert upstream.limits == [10, 10, 10]  # the end position is the next page's cursor: nothing re-read


@pytest.mark.anyio
async def test_a_filtered_scan_reads_the_largest_pages_and_stops_at_its_cap() -> None:
    upstream = KeysetList([record(i, kind="call" if i % 50 == 0 else "task") for i in range(1, 1201)])
    scan = scan_of(upstream, keep=lambda r: r.type == "call", max_pages=2)
    outcome = await scan.run(START, 100)
    assert [f.record.id for f in outcome.found] == list(range(50, 1001, 50))
    assert outcome.capped and outcome.more and upstream.limits == [MAX_PAGE_LIMIT, MAX_PAGE_LIMIT]
    rest = await scan.run(outcome.resume, 100)
    assert [f.record.id for f in rest.found] == [1050, 1100, 1150, 1200] and not rest.more


@pytest.mark.anyio
async def test_resuming_compares_keys_so_a_deleted_item_shifts_nothing() -> None:
    upstream = KeysetList([record(i) for i in range(1, 11)])
    scan = scan_of(upstream)
    first = await scan.run(START, 4)
    after_third = first.found[2].after
    upstream.items = [item for item in upstream.items if item.id != 2]  # deleted before the client goes on
    resumed = await scan.run(after_third, 3)
    assert [f.record.id for f in resumed.found] == [4, 5, 6]


@pytest.mark.anyio
@pytest.mark.parametrize(("direction", "expected"), [("asc", [8, 9, 10]), ("desc", [6, 5, 4])])
async def test_an_anchor_alone_is_found_from_the_start_of_the_scan(direction: Direction, expected: list[int]) -> None:
    upstream = KeysetList([record(i) for i in range(1, 11)])
    outcome = await scan_of(upstream, direction=direction).run(Position(None, Anchor(7)), 3)
    assert [f.record.id for f in outcome.found] == expected
    assert upstream.limits == [MAX_PAGE_LIMIT]  # finding it reads the largest pages


@pytest.mark.anyio
async def test_a_due_date_order_stops_where_no_later_item_can_match() -> None:
    upstream = KeysetList([record(i, days=i) for i in range(1, 40)])
    end = DAY + dt.timedelta(days=5)
    scan = Scan(
        fetch=upstream.fetcher("due_date", "asc"),
        order=Order("due_date", "asc"),
        keep=lambda r: r.due_date is not None and r.due_date <= end,
        stop=lambda r: r.due_date is not None and r.due_date > end,
        max_pages=10,
        filtered=True,
    )
    outcome = await scan.run(START, 100)
    assert [f.record.id for f in outcome.found] == [1, 2, 3, 4, 5] and not outcome.more
