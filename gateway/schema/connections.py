"""Both upstream pagination styles as one Relay connection type.

`activities` pages `GET /v1/activities` by offset: a cursor is the item's offset, so any edge's cursor
works as `after` or `before`. `activitiesCollection` pages `GET /v1/activities/collection` forward by the
upstream's opaque cursor, which marks the first item of a page: an edge's cursor is (the cursor its page
was fetched with, how many of that page to skip), so a mid-page cursor resumes right after its edge and
`endCursor` (the upstream's next cursor, nothing to skip) costs exactly one call a page.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry import relay
from strawberry.relay.utils import from_base64, to_base64

from gateway.config import QueryLimits
from gateway.context import Info
from gateway.errors import BadUserInput
from gateway.upstream import ActivityListQuery, CollectionQuery
from gateway.upstream.activities import ActivityRecord

from .types import Activity

OFFSET_PREFIX = "offset"
COLLECTION_PREFIX = "collection"
UPSTREAM_MAX_LIMIT = 500


@dataclass(frozen=True, slots=True)
class Window:
    """The validated pagination arguments of one connection field."""

    first: int | None
    after: str | None
    last: int | None
    before: str | None

    @classmethod
    def parse(
        cls, limits: QueryLimits, *, first: int | None, after: str | None, last: int | None, before: str | None
    ) -> Window:
        for name, value in (("first", first), ("last", last)):
            if value is not None and not 0 <= value <= limits.max_page_size:
                raise BadUserInput(f"`{name}` must be between 0 and {limits.max_page_size}, got {value}.")
        if first is not None and last is not None:
            raise BadUserInput("Send `first` or `last`, not both.")
        if (first is not None and before is not None) or (last is not None and after is not None):
            raise BadUserInput("Page forward with `first`/`after` or backward with `last`/`before`.")
        if first is None and last is None:
            first = limits.default_page_size if before is None else None
            last = limits.default_page_size if before is not None else None
        return cls(first, after, last, before)


# --- cursors ------------------------------------------------------------------------------------


def _decode(cursor: str, prefix: str) -> str:
    try:
        kind, value = from_base64(cursor)
    except ValueError:
        raise BadUserInput("Malformed cursor: pass back a cursor this API returned.") from None
    if kind != prefix:
        other = "activitiesCollection" if kind == COLLECTION_PREFIX else "activities"
        if kind in (OFFSET_PREFIX, COLLECTION_PREFIX):
            raise BadUserInput(f"This cursor belongs to `{other}`; it cannot page this connection.")
        raise BadUserInput("Malformed cursor: pass back a cursor this API returned.")
    return value


def offset_cursor(offset: int) -> str:
    return to_base64(OFFSET_PREFIX, offset)


def decode_offset_cursor(cursor: str) -> int:
    value = _decode(cursor, OFFSET_PREFIX)
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise BadUserInput("Malformed cursor: pass back a cursor this API returned.")
    return int(value)


def collection_cursor(upstream_cursor: str | None, skip: int) -> str:
    return to_base64(COLLECTION_PREFIX, f"{skip}:{upstream_cursor or ''}")


def decode_collection_cursor(cursor: str) -> tuple[str | None, int]:
    skip, sep, upstream = _decode(cursor, COLLECTION_PREFIX).partition(":")
    if not sep or not skip.isascii() or not skip.isdigit() or int(skip) > UPSTREAM_MAX_LIMIT:
        raise BadUserInput("Malformed cursor: pass back a cursor this API returned.")
    return upstream or None, int(skip)


# --- the connection -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OffsetSource(Iterable[ActivityRecord]):
    """What `activities` resolves to: the filters; the connection fetches the page."""

    query: ActivityListQuery

    def __iter__(self) -> Iterator[ActivityRecord]:
        raise TypeError("paged upstream by ActivityConnection.resolve_connection")


@dataclass(frozen=True)
class CollectionSource(Iterable[ActivityRecord]):
    """What `activitiesCollection` resolves to: the filters; the connection fetches the page."""

    query: CollectionQuery

    def __iter__(self) -> Iterator[ActivityRecord]:
        raise TypeError("paged upstream by ActivityConnection.resolve_connection")


@strawberry.type(name="ActivityConnection", description="A page of activities.")
class ActivityConnection(relay.Connection[Activity]):
    nodes: list[Activity] = strawberry.field(description="The activities of this page, in edge order.")

    @classmethod
    def resolve_connection(  # type: ignore[override]  # takes the source, not Strawberry's node iterable
        cls,
        nodes: OffsetSource | CollectionSource,
        *,
        info: Info,
        before: str | None = None,
        after: str | None = None,
        first: int | None = None,
        last: int | None = None,
        max_results: int | None = None,
        **kwargs: Any,
    ) -> Any:
        window = Window.parse(info.context.settings.limits, first=first, after=after, last=last, before=before)
        if isinstance(nodes, CollectionSource):
            return _collection_page(nodes.query, window, info)
        return _offset_page(nodes.query, window, info)

    @classmethod
    def build(
        cls, items: list[tuple[str, ActivityRecord]], *, has_next: bool, has_previous: bool
    ) -> ActivityConnection:
        edges = [relay.Edge(cursor=c, node=record) for c, record in items]  # type: ignore[type-var]  # records as Activity
        page_info = relay.PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=items[0][0] if items else None,
            end_cursor=items[-1][0] if items else None,
        )
        nodes = [record for _, record in items]
        return cls(page_info=page_info, edges=edges, nodes=nodes)  # type: ignore[arg-type]  # records as Activity


async def _offset_page(query: ActivityListQuery, window: Window, info: Info) -> ActivityConnection:
    if window.last is not None:
        if window.before is None:
            return await _offset_tail(query, window.last, info)
        end = decode_offset_cursor(window.before)
        start = max(0, end - window.last)
        records = await _fetch_offset(query, start, end - start, info)
        return _offset_connection(records, start, has_next=True, has_previous=start > 0)
    start = decode_offset_cursor(window.after) + 1 if window.after is not None else 0
    assert window.first is not None
    page_records, more = await _fetch_offset_page(query, start, window.first, info)
    return _offset_connection(page_records, start, has_next=more, has_previous=start > 0)


def _offset_connection(
    records: list[ActivityRecord], start: int, *, has_next: bool, has_previous: bool
) -> ActivityConnection:
    items = [(offset_cursor(start + i), record) for i, record in enumerate(records)]
    return ActivityConnection.build(items, has_next=has_next, has_previous=has_previous)


async def _fetch_offset(query: ActivityListQuery, start: int, limit: int, info: Info) -> list[ActivityRecord]:
    records, _ = await _fetch_offset_page(query, start, limit, info)
    return records


async def _fetch_offset_page(
    query: ActivityListQuery, start: int, limit: int, info: Info
) -> tuple[list[ActivityRecord], bool]:
    if limit == 0:
        return [], False
    page = await info.context.client.list_activities(query, start=start, limit=limit)
    info.context.loaders.remember_page(page.items, page.related)
    return page.items, page.more_items


async def _offset_tail(query: ActivityListQuery, last: int, info: Info) -> ActivityConnection:
    """`last` with no `before`: the upstream cannot count, so walk it in the largest pages it allows."""
    start, more = 0, True
    tail: list[ActivityRecord] = []
    while more:
        records, more = await _fetch_offset_page(query, start, UPSTREAM_MAX_LIMIT, info)
        tail = (tail + records)[-last:] if last else []
        start += len(records)
        if not records:
            break
    first_offset = start - len(tail)
    return _offset_connection(tail, first_offset, has_next=False, has_previous=first_offset > 0)


async def _collection_page(query: CollectionQuery, window: Window, info: Info) -> ActivityConnection:
    if window.last is not None or window.before is not None:
        raise BadUserInput("`activitiesCollection` pages forward only: use `first` and `after`.")
    upstream_cursor, skip = decode_collection_cursor(window.after) if window.after else (None, 0)
    assert window.first is not None
    if window.first == 0:
        return ActivityConnection.build([], has_next=False, has_previous=window.after is not None)
    limit = min(UPSTREAM_MAX_LIMIT, skip + window.first)
    page = await info.context.client.activities_collection(query, cursor=upstream_cursor, limit=limit)
    items: list[tuple[str, ActivityRecord]] = []
    for index in range(skip, len(page.items)):
        is_last = index == len(page.items) - 1
        cursor = (
            collection_cursor(page.next_cursor, 0)
            if is_last and page.next_cursor
            else collection_cursor(upstream_cursor, index + 1)
        )
        items.append((cursor, page.items[index]))
    return ActivityConnection.build(items, has_next=page.next_cursor is not None, has_previous=window.after is not None)
