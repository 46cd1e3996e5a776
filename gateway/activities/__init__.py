"""The activity operations the schema needs, over Pipedrive's v1 or v2 activity endpoints.

`V1Activities` and `V2Activities` offer the same operations on the same records; `Activities`
chooses one per call from the app's `ApiVersion`. In `auto`, when a v1 endpoint answers 410 Gone
(the upstream did nothing), the app moves to v2 for good and the same operation is answered from v2,
so nothing is lost and nothing is written twice. The cost ledger records which version answered.

    version    the mode and the auto move          cursors    both connections' cursors
    window     first/after/last/before, checked    scan       v2 scans: gateway filters, caps, resuming
    v1, v2     the two implementations              pages      a connection page
    deletion   bulk-delete outcomes
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, TypeVar

from gateway.errors import BadUserInput
from gateway.upstream import ActivityListQuery, CollectionQuery, PipedriveClient
from gateway.upstream.activities import ActivityAnswer, ActivityRecord
from gateway.upstream.entities import Me
from gateway.upstream.errors import UpstreamGone
from gateway.upstream.writes import ActivityChanges

from .deletion import Deletion
from .pages import Page
from .v1 import V1Activities
from .v2 import V2Activities
from .version import ApiVersion, Version
from .window import Window

T = TypeVar("T")


class ActivityApi(Protocol):
    """One version's implementation of the activity operations."""

    version: str

    async def list_page(self, query: ActivityListQuery, window: Window) -> Page: ...

    async def collection_page(self, query: CollectionQuery, window: Window) -> Page: ...

    async def get(self, activity_id: int) -> ActivityAnswer | None: ...

    async def detail(self, activity_id: int) -> ActivityRecord | None: ...

    async def add(self, changes: ActivityChanges) -> ActivityAnswer: ...

    async def update(self, activity_id: int, changes: ActivityChanges) -> ActivityAnswer: ...

    async def delete(self, activity_id: int) -> bool: ...

    async def delete_many(self, ids: Sequence[int]) -> Deletion: ...


class Activities:
    """The activity operations of one request, each answered by the version the app uses now."""

    def __init__(
        self,
        client: Callable[[], PipedriveClient],
        version: ApiVersion,
        me: Callable[[], Awaitable[Me]],
        *,
        max_scan_pages: int,
    ) -> None:
        self._client = client
        self._version = version
        self._v1: ActivityApi = V1Activities(client)
        self._v2: ActivityApi = V2Activities(client, me, max_pages=max_scan_pages)

    async def list_page(self, query: ActivityListQuery, window: Window) -> Page:
        return await self._run(lambda api: api.list_page(query, window))

    async def collection_page(self, query: CollectionQuery, window: Window) -> Page:
        if window.backward or window.before is not None:
            raise BadUserInput("`activitiesCollection` pages forward only: use `first` and `after`.")
        return await self._run(lambda api: api.collection_page(query, window))

    async def get(self, activity_id: int) -> ActivityAnswer | None:
        return await self._run(lambda api: api.get(activity_id))

    async def detail(self, activity_id: int) -> ActivityRecord | None:
        return await self._run(lambda api: api.detail(activity_id))

    async def add(self, changes: ActivityChanges) -> ActivityAnswer:
        return await self._run(lambda api: api.add(changes))

    async def update(self, activity_id: int, changes: ActivityChanges) -> ActivityAnswer:
        return await self._run(lambda api: api.update(activity_id, changes))

    async def delete(self, activity_id: int) -> bool:
        return await self._run(lambda api: api.delete(activity_id))

    async def delete_many(self, ids: Sequence[int]) -> Deletion:
        return await self._run(lambda api: api.delete_many(ids))

    async def _run(self, operation: Callable[[ActivityApi], Awaitable[T]]) -> T:
        api = self._v2 if self._version.current == "v2" else self._v1
        try:
            return await self._answered(api, operation)
        except UpstreamGone as gone:
            if api is not self._v1 or self._version.mode != "auto":
                raise
            self._version.retire_v1(gone.endpoint)
        return await self._answered(self._v2, operation)

    async def _answered(self, api: ActivityApi, operation: Callable[[ActivityApi], Awaitable[T]]) -> T:
        """`operation` by `api`; the ledger names the version once it has called the upstream."""
        ledger = self._client().ledger
        calls_before = ledger.calls
        try:
            return await operation(api)
        finally:
            if ledger.calls > calls_before:
                ledger.api_version = api.version


__all__ = ["Activities", "ApiVersion", "Deletion", "Page", "Version", "Window"]
