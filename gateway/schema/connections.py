"""Both activity lists as one Relay connection type.

`activities` and `activitiesCollection` resolve to their filters (`ListSource`, `CollectionSource`);
`ActivityConnection.resolve_connection` checks the page arguments and asks the request's activity
operations for the page (`gateway.activities`: offset pages and the upstream cursor on v1, scans on
v2), primes the loaders with what the page carried, and builds the connection.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import strawberry
from strawberry import relay

from gateway.activities import Page, Window
from gateway.context import Info
from gateway.upstream import ActivityListQuery, CollectionQuery
from gateway.upstream.activities import ActivityRecord

from .types import Activity


@dataclass(frozen=True)
class ListSource(Iterable[ActivityRecord]):
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
    edges: list[relay.Edge[Activity]] = strawberry.field(
        resolver=lambda root: _edges(root), description="Contains the nodes in this connection"
    )
    page: strawberry.Private[Page]

    @classmethod
    def resolve_connection(  # type: ignore[override]  # takes the source, not Strawberry's node iterable
        cls,
        nodes: ListSource | CollectionSource,
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
        return _resolve(nodes, window, info)

    @classmethod
    def build(cls, page: Page) -> ActivityConnection:
        page_info = relay.PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=page.start_cursor,
            end_cursor=page.end_cursor,
        )
        return cls(page_info=page_info, nodes=page.records, page=page)  # type: ignore[arg-type]  # records too


def _edges(connection: ActivityConnection) -> list[relay.Edge[Activity]]:
    """Made when selected: a page's cursors are encoded only for a query that reads them."""
    # The nodes are the records themselves, served as Activity (Strawberry types them as its Node).
    return [relay.Edge(cursor=c, node=cast(Activity, record)) for c, record in connection.page.edges()]


async def _resolve(source: ListSource | CollectionSource, window: Window, info: Info) -> ActivityConnection:
    activities = info.context.activities
    if isinstance(source, CollectionSource):
        page = await activities.collection_page(source.query, window)
    else:
        page = await activities.list_page(source.query, window)
    info.context.loaders.remember_page(page.records, page.related)
    return ActivityConnection.build(page)
