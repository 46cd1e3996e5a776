"""Activity types: one `GET /v1/activityTypes` per token, shared across requests for a while."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from gateway.loaders.cache import TTLCache
from gateway.upstream import PipedriveClient
from gateway.upstream.activities import ActivityTypeRecord


class ActivityTypesLoader:
    """All activity types the token can see; a request asks the upstream at most once."""

    def __init__(self, client: Callable[[], PipedriveClient], cache: TTLCache[list[ActivityTypeRecord]]) -> None:
        self._client = client
        self._cache = cache
        self._pending: asyncio.Task[list[ActivityTypeRecord]] | None = None

    async def all(self) -> list[ActivityTypeRecord]:
        client = self._client()
        cached = self._cache.get(client.credentials.key)
        if cached is not None:
            return cached
        if self._pending is None:
            self._pending = asyncio.ensure_future(self._fetch(client))
        return await self._pending

    async def _fetch(self, client: PipedriveClient) -> list[ActivityTypeRecord]:
        types = await client.activity_types()
        self._cache.put(client.credentials.key, types)
        return types

    async def by_key(self, key_string: str) -> ActivityTypeRecord | None:
        return next((t for t in await self.all() if t.key_string == key_string), None)
